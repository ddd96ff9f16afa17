package httpapi

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/safehttp"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
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
