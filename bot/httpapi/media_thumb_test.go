package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/marketingminds/marketingminds/integrations/sandbox/testmedia"
	"image"
	_ "image/jpeg" // decodes the thumbnails served
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/bot/present"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/media"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// TestSignedThumbURL: a thumbnail's signed URL serves a JPEG of at most
// media.ThumbSize with its type, length, caching headers and ETag (a
// revalidation is a 304); a forged, expired or another workspace's token,
// a file's token at the thumbnail route and a thumbnail's at the file
// route are the same plain 404.
func TestSignedThumbURL(t *testing.T) {
	t.Parallel()
	f := mediaSetup(t)
	ctx := context.Background()
	editor := identity.Caller{WorkspaceID: "T1", UserID: "U-editor", Role: identity.Editor}
	m, err := f.svc.Upload(ctx, editor, media.Upload{Name: "wide.jpg", Source: media.SourceAPI, Body: bytes.NewReader(testmedia.Photo(t, 1000, 500, 3))})
	if err != nil {
		t.Fatal(err)
	}
	u := f.svc.ThumbURL("T1", m.ID, time.Hour)
	if !strings.HasPrefix(u, f.srv.URL+"/media/thumb/") {
		t.Fatalf("thumb URL = %s", u)
	}
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	cfg, format, err := image.DecodeConfig(bytes.NewReader(got))
	if resp.StatusCode != 200 || err != nil || format != "jpeg" || cfg.Width != 480 || cfg.Height != 240 {
		t.Fatalf("GET thumb = %d, a %s of %d×%d (%v)", resp.StatusCode, format, cfg.Width, cfg.Height, err)
	}
	h := resp.Header
	if h.Get("Content-Type") != "image/jpeg" || h.Get("Content-Length") != fmt.Sprint(len(got)) || h.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.Contains(h.Get("Cache-Control"), "max-age=86400") || h.Get("ETag") == "" {
		t.Fatalf("headers = %v", h)
	}
	req, _ := http.NewRequest("GET", u, nil)
	req.Header.Set("If-None-Match", h.Get("ETag"))
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusNotModified {
		t.Fatalf("revalidation = %v, %v", resp, err)
	}

	token := strings.TrimPrefix(u, f.srv.URL+"/media/thumb/")
	fileToken := strings.TrimPrefix(f.svc.URL("T1", m.ID, time.Hour), f.srv.URL+"/media/")
	forged := []byte(token)
	forged[len(forged)-2] ^= 0x01
	plainNotFound(t, "forged", f.srv.URL+"/media/thumb/"+string(forged))
	plainNotFound(t, "a file's token", f.srv.URL+"/media/thumb/"+fileToken)
	plainNotFound(t, "a thumbnail's token at the file route", f.srv.URL+"/media/"+token)
	plainNotFound(t, "another workspace's id", f.svc.ThumbURL("T2", m.ID, time.Hour))
	plainNotFound(t, "nothing", f.srv.URL+"/media/thumb/")
	f.now = f.now.Add(2 * time.Hour)
	plainNotFound(t, "expired", u)
}

// TestDashboardThumbnailsAndCards: the media page shows each file's
// thumbnail from this origin (linking the full file); the thumbnail route
// serves a JPEG within media.ThumbSize, a 404 for another workspace; the
// web chat's approval card (in its turn and on the page) and the web cards
// show a post's media at that route with the stored alt text, and a
// describing one without.
func TestDashboardThumbnailsAndCards(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite, identity.Schema, identity.SessionSchema, publish.Schema, media.Schema)
	svc, err := media.New(media.Config{Store: media.NewStore(db), Blobs: media.NewFiles(t.TempDir()), SigningKey: bytes.Repeat([]byte{3}, 32),
		PublicURL: "https://mm.example.com", Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	f := dashSetupOn(t, db, "https://mm.example.com", svc, func(d *Deps) { d.Media = svc })
	ctx := context.Background()
	editor := identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Editor}
	big, err := svc.Upload(ctx, editor, media.Upload{Name: "tall.jpg", Alt: "A lighthouse at night", Source: media.SourceDashboard,
		Body: bytes.NewReader(testmedia.Photo(t, 300, 900, 5))})
	if err != nil {
		t.Fatal(err)
	}
	plain, err := svc.Upload(ctx, editor, media.Upload{Name: "dot.jpg", Source: media.SourceDashboard, Body: bytes.NewReader(testmedia.Photo(t, 16, 16, 6))})
	if err != nil {
		t.Fatal(err)
	}
	b := f.browser(t)
	b.signIn("T1", "U1", identity.Viewer)
	_, page := b.do("GET", "/dashboard/media", nil, nil)
	if !strings.Contains(page, `<img src="/dashboard/media/`+big.ID+`/thumb" alt="A lighthouse at night">`) ||
		!strings.Contains(page, `href="/dashboard/media/`+big.ID+`/file"`) || strings.Contains(page, `src="/dashboard/media/`+big.ID+`/file"`) {
		t.Fatalf("the media page does not show the thumbnail:\n%s", page)
	}
	resp, data := b.do("GET", "/dashboard/media/"+big.ID+"/thumb", nil, nil)
	cfg, format, err := image.DecodeConfig(strings.NewReader(data))
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" || err != nil || format != "jpeg" || cfg.Width != 160 || cfg.Height != 480 {
		t.Fatalf("thumb = %d %q, a %s of %d×%d (%v)", resp.StatusCode, resp.Header.Get("Content-Type"), format, cfg.Width, cfg.Height, err)
	}
	other := f.browser(t)
	other.signIn("T2", "U9", identity.Admin)
	if resp, _ := other.do("GET", "/dashboard/media/"+big.ID+"/thumb", nil, nil); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("another workspace's thumbnail: %d", resp.StatusCode)
	}

	// The web chat's approval card, as the turn shows it and again on the
	// page: the thumbnails of the post's media with their alt text.
	args, _ := json.Marshal(map[string]any{"text": "Tonight", "platforms": []string{"instagram"}, "media_ids": []string{big.ID, plain.ID}})
	ap := agents.Approval{ID: "ap1", RequestedBy: "U1", Tool: "publish_post", Status: agents.ApprovalPending, Preview: "Publish now to Instagram", Args: args}
	chat := dashSetupOn(t, db, "https://mm.example.com", svc, func(d *Deps) {
		d.Media, d.Agent, d.Approvals = svc, approvingAgent{ap}, pendingGate{ap}
		d.Turns = agents.NewTaskStore(storetest.Open(t, store.SQLite, agents.TaskSchema))
	})
	ed := chat.browser(t)
	ed.signIn("T1", "U1", identity.Editor)
	frag := ed.turn(ed.send(ed.csrf(), "post both to Instagram"))
	_, chatPage := ed.do("GET", "/dashboard/chat", nil, nil)
	for name, html := range map[string]string{"turn": frag, "page": chatPage} {
		for _, want := range []string{`<img src="/dashboard/media/` + big.ID + `/thumb" alt="A lighthouse at night"`,
			`<img src="/dashboard/media/` + plain.ID + `/thumb" alt="dot.jpg, image 2 of 2"`, `action="/dashboard/chat/approvals/ap1/approve"`} {
			if !strings.Contains(html, want) {
				t.Errorf("the chat's %s lacks %s:\n%s", name, want, html)
			}
		}
	}

	env := New(Deps{Log: zerolog.Nop(), Media: svc}).webEnv(ctx, &view{Caller: editor})
	card := string(present.New().Web(env, ap))
	for _, want := range []string{`<img src="/dashboard/media/` + big.ID + `/thumb" alt="A lighthouse at night"`,
		`<img src="/dashboard/media/` + plain.ID + `/thumb" alt="dot.jpg, image 2 of 2"`} {
		if !strings.Contains(card, want) {
			t.Errorf("the card lacks %s:\n%s", want, card)
		}
	}
}

// approvingAgent answers every turn by asking for ap's approval.
type approvingAgent struct{ ap agents.Approval }

func (a approvingAgent) Run(_ context.Context, _ agents.Turn, sink agents.Sink) (agents.Reply, error) {
	sink.Approval(a.ap)
	return agents.Reply{Approvals: []agents.Approval{a.ap}}, nil
}

// pendingGate holds ap, pending, in every conversation; nothing is decided.
type pendingGate struct{ ap agents.Approval }

func (g pendingGate) Approvals(context.Context, identity.Caller, string) ([]agents.Approval, error) {
	return []agents.Approval{g.ap}, nil
}

func (g pendingGate) Approve(context.Context, identity.Caller, string) (agents.ApprovalResult, error) {
	return agents.ApprovalResult{}, errors.New("pendingGate decides nothing")
}

func (g pendingGate) Reject(context.Context, identity.Caller, string, string) (agents.ApprovalResult, error) {
	return agents.ApprovalResult{}, errors.New("pendingGate decides nothing")
}

func (g pendingGate) Choose(context.Context, identity.Caller, string, string, bool) (agents.ApprovalResult, error) {
	return agents.ApprovalResult{}, errors.New("pendingGate decides nothing")
}
