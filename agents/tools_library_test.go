package agents

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/library"
	"github.com/marketingminds/marketingminds/tools/media"
)

// save_to_library takes the media shared in a conversation by media_id:
// the item carries them; another workspace's id is refused in words the
// model can act on, naming its position, never the id.
func TestSaveToLibraryTakesMediaIDs(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite, library.Schema, media.Schema)
	med := mediaService(t, db)
	lib, err := library.New(library.Config{Store: library.NewStore(db), Media: med})
	if err != nil {
		t.Fatal(err)
	}
	var save Tool
	for _, tl := range libraryTools(Capabilities{Library: lib}) {
		if tl.Name == "save_to_library" {
			save = tl
		}
	}
	if !strings.Contains(string(save.Schema), `"media_ids"`) || !strings.Contains(save.Description, "list_media") {
		t.Fatalf("save_to_library does not offer media_ids: %s\n%s", save.Description, save.Schema)
	}
	agent, mine, theirs := uploadBoth(t, med)
	out, err := save.Call(t.Context(), agent, json.RawMessage(`{"title":"Launch","body":"We launch today","media_ids":["`+mine.ID+`"]}`))
	it, ok := out.(library.Item)
	if err != nil || !ok || len(it.MediaIDs) != 1 || it.MediaIDs[0] != mine.ID {
		t.Fatalf("saved = %+v, %v", out, err)
	}
	if m, _ := med.Get(t.Context(), agent, mine.ID); len(m.UsedBy) != 1 || m.UsedBy[0] != "library:"+it.ID {
		t.Fatalf("the media is not recorded as used by the item: %v", m.UsedBy)
	}
	_, err = save.Call(t.Context(), agent, json.RawMessage(`{"title":"Launch","body":"We launch today","media_ids":["`+theirs.ID+`"]}`))
	var te *ToolError
	if !errors.As(err, &te) || !strings.Contains(te.Message, "media_ids[0]: no such media in this workspace") || strings.Contains(te.Message, theirs.ID) {
		t.Fatalf("another workspace's media: %v", err)
	}
}
