package httpapi

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/media"
	"github.com/marketingminds/marketingminds/tools/publish"
)

func pngFile(t *testing.T, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// upload sends one file as the drop zone does: multipart, the CSRF token
// in X-CSRF-Token.
func (b *browser) upload(path, name string, data []byte, csrf string) (*http.Response, string) {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	part, _ := mw.CreateFormFile("file", name)
	_, _ = part.Write(data)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.f.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-CSRF-Token", csrf)
	req.AddCookie(b.cookie)
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp, string(raw)
}

var attachedID = regexp.MustCompile(`name="media_ids" value="([^"]+)"`)

// TestDashboardMediaUploadAndCompose: a file dropped on the composer is
// uploaded (CSRF checked), answered as an attached item with its preview
// served from this origin; the composer's schedule carries its media_ids
// and saves the alt text written; the media page lists it; another
// workspace's id is a 404; a non-media file is refused in words.
func TestDashboardMediaUploadAndCompose(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite, identity.Schema, identity.SessionSchema, publish.Schema, media.Schema)
	svc, err := media.New(media.Config{Store: media.NewStore(db), Blobs: media.NewFiles(t.TempDir()), SigningKey: bytes.Repeat([]byte{3}, 32),
		PublicURL: "https://mm.example.com", Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	f := dashSetupOn(t, db, "https://mm.example.com", svc, func(d *Deps) { d.Media = svc })
	b := f.browser(t)
	b.signIn("T1", "U1", identity.Editor)
	csrf := b.csrf()

	if resp, _ := b.upload("/dashboard/media/upload?attach=1", "a.png", pngFile(t, 20, 10), "wrong"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("upload without the CSRF token: %d", resp.StatusCode)
	}
	resp, item := b.upload("/dashboard/media/upload?attach=1", "a.png", pngFile(t, 20, 10), csrf)
	if resp.StatusCode != http.StatusCreated || !strings.Contains(item, `class="media-item"`) || !strings.Contains(item, "20×10") {
		t.Fatalf("upload = %d %s", resp.StatusCode, item)
	}
	m := attachedID.FindStringSubmatch(item)
	if m == nil {
		t.Fatalf("no media_ids field in %s", item)
	}
	id := m[1]
	if resp, body := b.upload("/dashboard/media/upload?attach=1", "notes.txt", []byte("plain words"), csrf); resp.StatusCode != http.StatusBadRequest ||
		!strings.Contains(body, "notes.txt cannot be used") {
		t.Fatalf("a text file: %d %q", resp.StatusCode, body)
	}

	fileResp, data := b.do("GET", "/dashboard/media/"+id+"/file", nil, nil)
	if fileResp.StatusCode != http.StatusOK || fileResp.Header.Get("Content-Type") != "image/png" || !bytes.Equal([]byte(data), pngFile(t, 20, 10)) {
		t.Fatalf("file = %d %q", fileResp.StatusCode, fileResp.Header.Get("Content-Type"))
	}
	other := f.browser(t)
	other.signIn("T2", "U9", identity.Admin)
	if resp, _ := other.do("GET", "/dashboard/media/"+id+"/file", nil, nil); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("another workspace's file: %d", resp.StatusCode)
	}

	at := time.Now().Add(48 * time.Hour).In(time.UTC)
	form := url.Values{"csrf": {csrf}, "account_ids": {"x1"}, "text": {"Autumn blend"}, "when": {"schedule"},
		"scheduled_time": {at.Format("2006-01-02T15:04")}, "media_ids": {id}, "alt_" + id: {"A grey square"}}
	resp, body := b.do("POST", "/dashboard/compose", form, nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("compose = %d %s", resp.StatusCode, body)
	}
	got, err := svc.Get(context.Background(), identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Viewer}, id)
	if err != nil || got.Alt != "A grey square" {
		t.Fatalf("alt = %q, %v", got.Alt, err)
	}
	postID := strings.TrimPrefix(strings.Split(resp.Header.Get("Location"), "?")[0], "/dashboard/posts/")
	post, err := f.posts.Get(context.Background(), identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Viewer}, postID)
	if err != nil || len(post.Content.MediaIDs) != 1 || post.Content.MediaIDs[0] != id {
		t.Fatalf("post %s = %+v, %v", postID, post.Content, err)
	}

	_, page := b.do("GET", "/dashboard/media", nil, nil)
	if !strings.Contains(page, "/dashboard/media/"+id+"/file") || !strings.Contains(page, "A grey square") {
		t.Fatalf("media page lacks the file:\n%s", page)
	}
	// Attached to a scheduled post, it cannot be deleted.
	if resp, body := b.do("POST", "/dashboard/media/"+id+"/delete", url.Values{"csrf": {csrf}}, nil); resp.StatusCode != http.StatusConflict ||
		!strings.Contains(body, "attached to a scheduled post") {
		t.Fatalf("delete while scheduled = %d", resp.StatusCode)
	}
}
