package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/marketingminds/marketingminds/integrations/sandbox/testmedia"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/media"
)

type mediaFixture struct {
	srv    *httptest.Server
	svc    *media.Service
	tokens map[string]string
	now    time.Time
}

func mediaSetup(t testing.TB) *mediaFixture {
	t.Helper()
	db := storetest.Open(t, store.SQLite, identity.Schema, media.Schema)
	ids := identity.NewService(identity.NewStore(db), time.Now)
	f := &mediaFixture{tokens: map[string]string{}, now: time.Now()}
	srv := httptest.NewUnstartedServer(nil)
	srv.Start()
	t.Cleanup(srv.Close)
	svc, err := media.New(media.Config{Store: media.NewStore(db), Blobs: media.NewFiles(t.TempDir()), SigningKey: bytes.Repeat([]byte{7}, 32),
		PublicURL: srv.URL, Log: zerolog.Nop(), Now: func() time.Time { return f.now }})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = New(Deps{Log: zerolog.Nop(), Identity: ids, Store: db, Media: svc}).Handler()
	f.srv, f.svc = srv, svc
	for name, who := range map[string]struct {
		ws   string
		role identity.Role
	}{"editor": {"T1", identity.Editor}, "viewer": {"T1", identity.Viewer}, "other": {"T2", identity.Admin}} {
		tok, err := ids.CreateToken(context.Background(), who.ws, "U-"+name, who.role, "")
		if err != nil {
			t.Fatal(err)
		}
		f.tokens[name] = tok.Token
	}
	return f
}

// part is one multipart part: a file when name is "file".
type part struct{ name, filename, value string }

func multipartBody(t testing.TB, parts ...part) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, p := range parts {
		var w io.Writer
		var err error
		if p.name == "file" {
			w, err = mw.CreateFormFile(p.name, p.filename)
		} else {
			w, err = mw.CreateFormField(p.name)
		}
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.WriteString(w, p.value)
	}
	_ = mw.Close()
	return mw.FormDataContentType(), b.Bytes()
}

// upload checks the request against the document (kin-openapi) when it is
// meant to succeed and the answer always, like specCheck.call.
func (c *specCheck) upload(token, contentType string, body []byte, status int) map[string]any {
	c.t.Helper()
	req, _ := http.NewRequest("POST", c.base+"/api/media", bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "Bearer "+token)
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		c.t.Fatal(err)
	}
	c.seen.add("POST " + route.Path)
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: c.opts}
	if err := openapi3filter.ValidateRequest(context.Background(), in); status < 400 && err != nil {
		c.t.Errorf("upload does not conform: %v", err)
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != status {
		c.t.Fatalf("POST /api/media = %d, want %d: %.300s", resp.StatusCode, status, data)
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header,
		Body: io.NopCloser(bytes.NewReader(data)), Options: c.opts}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		c.t.Errorf("answer %d to the upload does not conform: %v\n%.300s", resp.StatusCode, err, data)
	}
	var v map[string]any
	_ = json.Unmarshal(data, &v)
	return v
}

func specMedia(t *testing.T, seen *coverage) {
	f := mediaSetup(t)
	c := newSpecCheck(t, f.srv.URL, seen)
	ed, vw, other := f.tokens["editor"], f.tokens["viewer"], f.tokens["other"]
	ct, body := multipartBody(t, part{"alt", "", "a red square"}, part{"file", "a.jpg", string(testmedia.Photo(t, 16, 16, 1))},
		part{"file", "b.jpg", string(testmedia.Photo(t, 16, 8, 2))})
	up := c.upload(ed, ct, body, 201)
	list, _ := up["media"].([]any)
	if len(list) != 2 {
		t.Fatalf("upload answered %v", up)
	}
	first := list[0].(map[string]any)
	id, _ := first["id"].(string)
	if first["alt"] != "a red square" || first["content_type"] != "image/jpeg" || first["width"] != 16.0 || list[1].(map[string]any)["alt"] != nil {
		t.Fatalf("uploaded %v", list)
	}
	ct, body = multipartBody(t, part{"file", "notes.jpg", "just some text"})
	if got := c.upload(ed, ct, body, 400); !strings.Contains(fmt.Sprint(got), "files[0]") {
		t.Errorf("not an image answered %v", got)
	}
	ct, body = multipartBody(t, part{"file", "a.jpg", string(testmedia.Photo(t, 4, 4, 3))})
	c.upload(vw, ct, body, 403)
	c.call(vw, "GET", "/api/media?limit=10", "", 200)
	if got := c.call(vw, "GET", "/api/media?kind=video", "", 200); fmt.Sprint(got["media"]) != "[]" {
		t.Errorf("videos = %v", got)
	}
	if got := c.call(vw, "GET", "/api/media?kind=image", "", 200); len(got["media"].([]any)) != 2 {
		t.Errorf("images = %v", got)
	}
	if got := c.call(vw, "GET", "/api/media?kind=audio", "", 400); !strings.Contains(fmt.Sprint(got), `"image" or "video"`) {
		t.Errorf("an unknown kind = %v", got)
	}
	c.call(vw, "GET", "/api/media/"+id, "", 200)
	c.call(other, "GET", "/api/media/"+id, "", 404)
	c.call(ed, "PATCH", "/api/media/"+id, `{"alt":"a small red square"}`, 200)
	c.bodies(ed, "PATCH", "/api/media/"+id)
	c.call(other, "DELETE", "/api/media/"+id, "", 404)
	c.call(ed, "DELETE", "/api/media/"+id, "", 200)
	c.call(vw, "GET", "/api/media/"+id, "", 404)
}

func TestSignedMediaURL(t *testing.T) {
	t.Parallel()
	f := mediaSetup(t)
	ctx := context.Background()
	pic := testmedia.Photo(t, 32, 32, 9)
	editor := identity.Caller{WorkspaceID: "T1", UserID: "U-editor", Role: identity.Editor}
	m, err := f.svc.Upload(ctx, editor, media.Upload{Name: "p.jpg", Source: media.SourceAPI, Body: bytes.NewReader(pic)})
	if err != nil {
		t.Fatal(err)
	}
	u := f.svc.URL("T1", m.ID, time.Hour)
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Equal(got, pic) || resp.Header.Get("Content-Type") != "image/jpeg" ||
		resp.Header.Get("Content-Length") != fmt.Sprint(len(pic)) || resp.Header.Get("Accept-Ranges") != "bytes" {
		t.Fatalf("GET signed = %d %v, %d bytes", resp.StatusCode, resp.Header, len(got))
	}
	req, _ := http.NewRequest("GET", u, nil)
	req.Header.Set("Range", "bytes=10-19")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusPartialContent || !bytes.Equal(got, pic[10:20]) ||
		resp.Header.Get("Content-Range") != fmt.Sprintf("bytes 10-19/%d", len(pic)) {
		t.Fatalf("range = %d %q %v", resp.StatusCode, got, resp.Header)
	}

	token := strings.TrimPrefix(u, f.srv.URL+"/media/")
	forged := []byte(token)
	forged[len(forged)-2] ^= 0x01
	plainNotFound(t, "forged", f.srv.URL+"/media/"+string(forged))
	plainNotFound(t, "another workspace's id", f.svc.URL("T2", m.ID, time.Hour))
	plainNotFound(t, "nothing", f.srv.URL+"/media/")
	plainNotFound(t, "below a token", f.srv.URL+"/media/"+token+"/x")
	f.now = f.now.Add(2 * time.Hour)
	plainNotFound(t, "expired", u)
}

// plainNotFound checks that url answers the one plain 404 every bad media
// link gets (forged, expired, another workspace's), saying nothing more.
func plainNotFound(t *testing.T, name, url string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 404 || string(body) != "404 page not found\n" {
		t.Errorf("%s: %d %q", name, resp.StatusCode, body)
	}
}
