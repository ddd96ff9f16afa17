package httpapi

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/integrations/safehttp"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/fault"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/media"
	"github.com/marketingminds/marketingminds/tools/media/check"
)

// specConvert exercises POST /api/media/convert against the document: a
// linked PNG and an uploaded one converted for Instagram (the result served
// at its signed URL), and the refusals (role, video, unknown media, a dead link).
func specConvert(t *testing.T, seen *coverage) {
	db := storetest.Open(t, store.SQLite, identity.Schema, media.Schema)
	ids := identity.NewService(identity.NewStore(db), time.Now)
	srv := httptest.NewUnstartedServer(nil)
	srv.Start()
	t.Cleanup(srv.Close)
	lib, err := media.New(media.Config{Store: media.NewStore(db), Blobs: media.NewFiles(t.TempDir()), SigningKey: bytes.Repeat([]byte{9}, 32),
		PublicURL: srv.URL, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	conv := check.NewService(check.Prober{Fetcher: safehttp.New(safehttp.Options{AllowPrivate: true}), Open: lib.OpenMedia}, lib)
	srv.Config.Handler = New(Deps{Log: zerolog.Nop(), Identity: ids, Store: db, Media: lib, Converter: conv, Now: time.Now}).Handler()
	tokens := map[identity.Role]string{}
	for _, role := range []identity.Role{identity.Editor, identity.Viewer} {
		tok, err := ids.CreateToken(context.Background(), "T1", "U-"+string(role), role, "")
		if err != nil {
			t.Fatal(err)
		}
		tokens[role] = tok.Token
	}
	var pngFile bytes.Buffer
	if err := png.Encode(&pngFile, image.NewRGBA(image.Rect(0, 0, 400, 400))); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{"/logo.png": pngFile.Bytes(), "/clip.mp4": []byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom")}
	host := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if b, ok := files[r.URL.Path]; ok {
			_, _ = w.Write(b)
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(host.Close)

	c := newSpecCheck(t, srv.URL, seen)
	ed, vw := tokens[identity.Editor], tokens[identity.Viewer]
	got := c.call(ed, "POST", "/api/media/convert", `{"media_url":"`+host.URL+`/logo.png","platform":"instagram"}`, 200)
	conv1, _ := got["converted"].(map[string]any)
	after, _ := conv1["after"].(map[string]any)
	stored, _ := conv1["media"].(map[string]any)
	if after["content_type"] != "image/jpeg" || stored["url"] == nil {
		t.Fatalf("converted = %v", got)
	}
	resp, err := http.Get(stored["url"].(string))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" {
		t.Errorf("the converted file at its signed URL: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	up, err := lib.Upload(context.Background(), identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Editor},
		media.Upload{Name: "logo.png", Source: media.SourceAPI, Body: bytes.NewReader(pngFile.Bytes())})
	if err != nil {
		t.Fatal(err)
	}
	c.call(ed, "POST", "/api/media/convert", `{"media_id":"`+up.ID+`","platform":"x"}`, 200)
	c.call(vw, "POST", "/api/media/convert", `{"media_id":"`+up.ID+`","platform":"x"}`, 403)
	c.call(ed, "POST", "/api/media/convert", `{"media_url":"`+host.URL+`/clip.mp4","platform":"instagram"}`, 400)
	c.call(ed, "POST", "/api/media/convert", `{"media_id":"med_nope","platform":"instagram"}`, 404)
	c.call(ed, "POST", "/api/media/convert", `{"media_url":"`+host.URL+`/gone.png","platform":"instagram"}`, 400)
}

// TestDashboardConvertButton: the web chat's Convert button posts its value
// to /dashboard/media/convert, which converts as the signed-in editor and
// shows the result with its link; viewers and forged forms are refused.
func TestDashboardConvertButton(t *testing.T) {
	t.Parallel()
	var pngFile bytes.Buffer
	if err := png.Encode(&pngFile, image.NewRGBA(image.Rect(0, 0, 300, 300))); err != nil {
		t.Fatal(err)
	}
	host := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/logo.png" {
			_, _ = w.Write(pngFile.Bytes())
			return
		}
		_, _ = w.Write([]byte("<html>not media</html>"))
	}))
	t.Cleanup(host.Close)
	store := &savedFiles{}
	conv := check.NewService(check.Prober{Fetcher: safehttp.New(safehttp.Options{AllowPrivate: true})}, store)
	f := dashSetup(t, "http://localhost", func(d *Deps) { d.Converter = conv })
	ed := f.browser(t)
	ed.signIn("T1", "U1", identity.Editor)
	value := "instagram fit " + host.URL + "/logo.png"
	resp, page := ed.do("POST", "/dashboard/media/convert", url.Values{"csrf": {ed.csrf()}, "value": {value}}, nil)
	if resp.StatusCode != 200 || !strings.Contains(page, "Converted for Instagram: JPEG, 300 × 300") || !strings.Contains(page, `href="https://mm.example/media/1"`) {
		t.Fatalf("convert = %d:\n%s", resp.StatusCode, page)
	}
	if resp, _ := ed.do("POST", "/dashboard/media/convert", url.Values{"csrf": {"forged"}, "value": {value}}, nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("forged form = %d", resp.StatusCode)
	}
	if resp, page := ed.do("POST", "/dashboard/media/convert", url.Values{"csrf": {ed.csrf()}, "value": {"instagram fit " + host.URL + "/page.html"}}, nil); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "not an image") {
		t.Errorf("not an image = %d", resp.StatusCode)
	}
	vw := f.browser(t)
	vw.signIn("T1", "U2", identity.Viewer)
	if resp, _ := vw.do("POST", "/dashboard/media/convert", url.Values{"csrf": {vw.csrf()}, "value": {value}}, nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("viewer = %d", resp.StatusCode)
	}
	if store.n != 1 {
		t.Errorf("stored %d files, want 1", store.n)
	}
}

// savedFiles is a media store that counts what it keeps.
type savedFiles struct {
	mu sync.Mutex
	n  int
}

func (s *savedFiles) Save(_ context.Context, _ identity.Caller, _ string, body io.Reader) (check.Stored, error) {
	if _, err := io.Copy(io.Discard, body); err != nil {
		return check.Stored{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	return check.Stored{ID: fmt.Sprint("med_", s.n), URL: fmt.Sprint("https://mm.example/media/", s.n)}, nil
}

// resubmitter is a hand-written Resubmitter: it answers reply (or err) and
// keeps what it was asked.
type resubmitter struct {
	mu    sync.Mutex
	keys  []agents.ConversationKey
	swaps []agents.MediaSwap
	reply agents.Reply
	err   error
}

func (f *resubmitter) Resubmit(_ context.Context, c identity.Caller, key agents.ConversationKey, swap agents.MediaSwap, _ agents.Sink) (agents.Reply, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.keys, f.swaps = append(f.keys, key), append(f.swaps, swap)
	return f.reply, f.err
}

// TestDashboardConvertProposesAgain: in the web chat, a Convert button
// whose media the chat's conversation refused proposes that post again
// with the converted media (the chat then shows its approval); a new
// refusal is shown with the conversion; with nothing refused here the
// conversion alone is shown, as before.
func TestDashboardConvertProposesAgain(t *testing.T) {
	t.Parallel()
	var pngFile bytes.Buffer
	if err := png.Encode(&pngFile, image.NewRGBA(image.Rect(0, 0, 300, 300))); err != nil {
		t.Fatal(err)
	}
	host := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(pngFile.Bytes()) }))
	t.Cleanup(host.Close)
	conv := check.NewService(check.Prober{Fetcher: safehttp.New(safehttp.Options{AllowPrivate: true})}, &savedFiles{})
	rs := &resubmitter{reply: agents.Reply{Approvals: []agents.Approval{{ID: "ap1", Status: agents.ApprovalPending}}}}
	f := dashSetup(t, "http://localhost", func(d *Deps) { d.Converter, d.Resubmitter = conv, rs })
	ed := f.browser(t)
	ed.signIn("T1", "U1", identity.Editor)
	value := "instagram fit " + host.URL + "/logo.png"

	resp, _ := ed.do("POST", "/dashboard/media/convert", url.Values{"csrf": {ed.csrf()}, "value": {value}}, nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/dashboard/chat?converted=1" {
		t.Fatalf("convert in a conversation = %d to %q, want the chat", resp.StatusCode, resp.Header.Get("Location"))
	}
	if len(rs.keys) != 1 || rs.keys[0].WorkspaceID != "T1" || !strings.HasPrefix(rs.keys[0].Channel, "web:") || rs.keys[0].Channel != "web:"+rs.keys[0].Thread ||
		rs.swaps[0] != (agents.MediaSwap{OldURL: host.URL + "/logo.png", NewID: "med_1"}) {
		t.Fatalf("resubmitted %+v %+v, want the session's conversation and the swap", rs.keys, rs.swaps)
	}

	rs.reply = agents.Reply{Results: []agents.Result{{Tool: "publish_post", Value: fault.Failure{Kind: fault.Validation, Message: "the image is 9000 pixels wide"}}}}
	resp, page := ed.do("POST", "/dashboard/media/convert", url.Values{"csrf": {ed.csrf()}, "value": {value}}, nil)
	if resp.StatusCode != 200 || !strings.Contains(page, "Converted for Instagram") || !strings.Contains(page, "The image is 9000 pixels wide") {
		t.Fatalf("refused again = %d:\n%s", resp.StatusCode, page)
	}

	rs.reply, rs.err = agents.Reply{}, agents.ErrNoRefusal
	resp, page = ed.do("POST", "/dashboard/media/convert", url.Values{"csrf": {ed.csrf()}, "value": {value}}, nil)
	if resp.StatusCode != 200 || !strings.Contains(page, "Converted for Instagram: JPEG, 300 × 300") {
		t.Fatalf("nothing refused here = %d:\n%s", resp.StatusCode, page)
	}
}
