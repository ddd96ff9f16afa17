package agents

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/media"
)

// delete_media waits for an approval that names the file, deletes it
// through the media service, and refuses another workspace's id in words
// that do not repeat it.
func TestDeleteMediaTool(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite, media.Schema)
	med := mediaService(t, db)
	var del Tool
	for _, tl := range mediaTools(Capabilities{Media: med}) {
		if tl.Name == "delete_media" {
			del = tl
		}
	}
	if !del.SideEffect {
		t.Fatal("delete_media runs without an approval")
	}
	agent, mine, theirs := uploadBoth(t, med)
	args := json.RawMessage(`{"media_id":"` + mine.ID + `"}`)
	if p, err := del.Preview(t.Context(), agent, args); err != nil || p != "Delete launch.png (image) from the workspace's media" {
		t.Fatalf("preview = %q, %v", p, err)
	}
	out, err := del.Call(t.Context(), agent, args)
	if d, ok := out.(MediaDeleted); err != nil || !ok || d.Media.Name != "launch.png" {
		t.Fatalf("deleted = %+v, %v", out, err)
	}
	if _, err := med.Get(t.Context(), agent, mine.ID); !errors.Is(err, media.ErrNotFound) {
		t.Fatalf("the file is still there: %v", err)
	}
	_, err = del.Call(t.Context(), agent, json.RawMessage(`{"media_id":"`+theirs.ID+`"}`))
	var te *ToolError
	if !errors.As(err, &te) || strings.Contains(te.Message, theirs.ID) {
		t.Fatalf("another workspace's media: %v", err)
	}
	if _, err := med.Get(t.Context(), identity.Caller{WorkspaceID: "T2", UserID: "U9", Role: identity.Editor}, theirs.ID); err != nil {
		t.Fatalf("another workspace's file was touched: %v", err)
	}
}
