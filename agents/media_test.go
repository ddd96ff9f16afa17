package agents

import (
	"bytes"
	"image"
	"image/png"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/prompts"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/media"
)

func pngOf(t *testing.T, w, h int) *bytes.Reader {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(buf.Bytes())
}

// mediaService is the media store of db, its files in a temporary folder.
func mediaService(t *testing.T, db *store.DB) *media.Service {
	t.Helper()
	svc, err := media.New(media.Config{Store: media.NewStore(db), Blobs: media.NewFiles(t.TempDir()),
		SigningKey: bytes.Repeat([]byte{7}, 32), PublicURL: "https://mm.example.com", Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// uploadBoth uploads, as an agent of T1, launch.png into med (mine), and
// another workspace's image (theirs).
func uploadBoth(t *testing.T, med *media.Service) (agent identity.Caller, mine, theirs media.Media) {
	t.Helper()
	agent = editor
	agent.Door = "agent"
	mine, err := med.Upload(t.Context(), agent, media.Upload{Name: "launch.png", Source: media.SourceSlack, Body: pngOf(t, 108, 135)})
	if err != nil {
		t.Fatal(err)
	}
	theirs, err = med.Upload(t.Context(), identity.Caller{WorkspaceID: "T2", UserID: "U9", Role: identity.Editor}, media.Upload{Source: media.SourceSlack, Body: pngOf(t, 10, 10)})
	if err != nil {
		t.Fatal(err)
	}
	return agent, mine, theirs
}

// TestTurnNamesConversationMedia: the media shared in a conversation reach
// the model as a context message (oldest first, with their ids) and as
// Request.Media; another conversation's media do not, and the context is
// never saved with the conversation.
func TestTurnNamesConversationMedia(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite, Schema, media.Schema)
	svc := mediaService(t, db)
	key := ConversationKey{WorkspaceID: "T1", Channel: "D1", Thread: "1.1"}
	var ids []string
	for _, up := range []media.Upload{
		{Name: "launch.png", Body: pngOf(t, 108, 135), Conversation: key.String()},
		{Name: "team.png", Body: pngOf(t, 64, 64), Conversation: key.String()},
		{Name: "elsewhere.png", Body: pngOf(t, 10, 10), Conversation: "D1/2.2"},
	} {
		up.Source = media.SourceSlack
		m, err := svc.Upload(t.Context(), editor, up)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	model := &scripted{steps: []func(llm.Request) (llm.Response, error){say("Got them.")}}
	set := func(c *Config) { c.Media = svc }
	o, st := newOrchestratorOn(t, db, model, set)
	if _, err := o.Run(t.Context(), Turn{Caller: editor, Channel: key.Channel, Thread: key.Thread, Text: "post this"}, &recorder{}); err != nil {
		t.Fatal(err)
	}
	req := model.reqs[0]
	if len(req.Media) != 2 || req.Media[0].ID != ids[0] || req.Media[1].ID != ids[1] || req.Media[0].Width != 108 {
		t.Fatalf("Request.Media = %+v", req.Media)
	}
	ctxMsg := req.Messages[len(req.Messages)-2]
	want := "1. launch.png, image 108×135 (media_id " + ids[0] + ")\n2. team.png, image 64×64 (media_id " + ids[1] + ")"
	if ctxMsg.Role != llm.RoleSystem || !strings.HasSuffix(ctxMsg.Content, want) || strings.Contains(ctxMsg.Content, "elsewhere") {
		t.Fatalf("context message = %+v, want it to end with %q", ctxMsg, want)
	}
	saved, err := st.Messages(t.Context(), key, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range saved {
		if m.Role == llm.RoleSystem {
			t.Fatalf("the context was saved: %+v", saved)
		}
	}
	// Another workspace's caller sees none of them.
	other := identity.Caller{WorkspaceID: "T2", UserID: "U1", Role: identity.Editor, Door: identity.DoorSlack}
	model.steps = append(model.steps, say("Nothing here."))
	if _, err := o.Run(t.Context(), Turn{Caller: other, Channel: key.Channel, Thread: key.Thread, Text: "post this"}, &recorder{}); err != nil {
		t.Fatal(err)
	}
	if got := model.reqs[1].Media; len(got) != 0 {
		t.Fatalf("another workspace's turn named %+v", got)
	}
}

// newOrchestratorOn builds an orchestrator without tools on db.
func newOrchestratorOn(t *testing.T, db *store.DB, model llm.Model, edit func(*Config)) (*Orchestrator, Store) {
	t.Helper()
	set, err := prompts.Load()
	if err != nil {
		t.Fatal(err)
	}
	st := NewStore(db)
	cfg := Config{Model: model, Store: st, Prompts: set, Log: zerolog.Nop()}
	edit(&cfg)
	o, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return o, st
}
