package console

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/integrations/sandbox/testmedia"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/prompts"
	"github.com/marketingminds/marketingminds/tools/library"
	"github.com/marketingminds/marketingminds/tools/media"
)

// TestChatSavesASharedImageToTheLibrary: with no language model, an image
// shared in the terminal conversation is kept in the library by "save this
// image to the library" (the item carries it, the media is marked used),
// its alt text is set by words, and the library then lists it; in a
// conversation with nothing shared, the same words say how to share one.
func TestChatSavesASharedImageToTheLibrary(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite, agents.Schema, library.Schema, media.Schema)
	med, err := media.New(media.Config{Store: media.NewStore(db), Blobs: media.NewFiles(t.TempDir()),
		SigningKey: bytes.Repeat([]byte{7}, 32), PublicURL: "https://mm.example.com", Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	lib, err := library.New(library.Config{Store: library.NewStore(db), Media: med})
	if err != nil {
		t.Fatal(err)
	}
	set, err := prompts.Load()
	if err != nil {
		t.Fatal(err)
	}
	o, err := agents.New(agents.Config{Model: llm.Offline(), Store: agents.NewStore(db), Prompts: set, Media: med,
		Tools: agents.CoreTools(agents.Capabilities{Library: lib, Media: med}), Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	shared, err := med.Upload(t.Context(), editor, media.Upload{Name: "shoe.jpg", Source: media.SourceAPI, Conversation: "console/s1",
		Body: bytes.NewReader(testmedia.Photo(t, 64, 48, 1))})
	if err != nil {
		t.Fatal(err)
	}
	talk := func(session, input string) string {
		var out bytes.Buffer
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		defer cancel()
		ch := &Chat{Agent: o, Caller: editor, Session: session, In: strings.NewReader(input), Out: &out, Media: med}
		if err := ch.Run(ctx); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}

	out := talk("s1", "show my library\nsave this image to the library\nadd alt text \"A red shoe\" to the image\nshow my library\n")
	for _, want := range []string{"The library is empty.", "Saved to the library: “shoe.jpg”", "With 1 image.",
		"Alt text saved", "alt: “A red shoe”", "1 draft in the library", "shoe.jpg: 1 image"} {
		if !strings.Contains(out, want) {
			t.Fatalf("output lacks %q:\n%s", want, out)
		}
	}
	page, err := lib.List(t.Context(), editor, library.Filter{Kind: library.KindContent})
	if err != nil || len(page.Items) != 1 || len(page.Items[0].MediaIDs) != 1 || page.Items[0].MediaIDs[0] != shared.ID {
		t.Fatalf("library = %+v, %v; want one item carrying %s", page.Items, err, shared.ID)
	}
	m, err := med.Get(t.Context(), editor, shared.ID)
	if err != nil || m.Alt != "A red shoe" || len(m.UsedBy) != 1 || m.UsedBy[0] != "library:"+page.Items[0].ID {
		t.Fatalf("media = %+v, %v; want the alt text set and used by the item", m, err)
	}

	if out := talk("s2", "save this image to the library\n"); !strings.Contains(out, "I don't see an image or a video in this conversation to save.") {
		t.Fatalf("with nothing shared:\n%s", out)
	}
}
