package main

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/marketingminds/marketingminds/integrations/sandbox/testmedia"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/bot/httpapi"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/integrations/sandbox/sandboxtest"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/schedule"
)

// countingTransport counts the requests for our signed media URLs.
type countingTransport struct{ n atomic.Int64 }

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasPrefix(r.URL.Path, "/media/") {
		c.n.Add(1)
	}
	return http.DefaultTransport.RoundTrip(r)
}

// TestUploadedMediaPublished is the whole path of an uploaded file: an
// image uploaded over REST with alt text, one post with media_ids to
// Instagram and X. Instagram's container is created from our signed URL,
// which the sandbox fetches over HTTP as Meta does; X gets the bytes
// straight from the media store (the adapter's media client may not reach
// our address in sandbox mode, and no request for our URL comes from
// anything but the sandbox's fetcher), with the alt text set.
func TestUploadedMediaPublished(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fetcher := &countingTransport{}
	sb := sandboxtest.Start(t, sandbox.Options{MediaClient: &http.Client{Transport: fetcher}})
	var served atomic.Int64 // requests for /media/ that reached us
	srv := httptest.NewUnstartedServer(nil)
	srv.Start()
	t.Cleanup(srv.Close)

	env := map[string]string{"MM_DATA_DIR": t.TempDir(), "MM_SANDBOX_URL": sb.URL}
	cfg, err := loadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	cfg.PublicURL = srv.URL
	db, err := openStore(ctx, cfg, zerolog.Nop(), nil, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close(ctx) })
	a, err := newApp(cfg, db, zerolog.Nop(), sb.URL, schedule.Options{})
	if err != nil {
		t.Fatal(err)
	}
	h := httpapi.New(a.httpDeps(zerolog.Nop(), prometheus.NewRegistry())).Handler()
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/media/") {
			served.Add(1)
		}
		h.ServeHTTP(w, r)
	})

	editor := identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Editor, Door: identity.DoorAPI}
	ids := map[platform.Name]string{}
	for _, p := range []platform.Name{platform.Instagram, platform.Twitter} {
		ids[p] = connectInSandbox(t, ctx, a, editor, p)[0].ID
	}
	tok, err := a.identity.CreateToken(ctx, "T1", "U1", identity.Editor, "")
	if err != nil {
		t.Fatal(err)
	}

	// Upload a 640×480 JPEG with its alt text.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("alt", "A cup of coffee on a wooden table")
	fw, _ := mw.CreateFormFile("file", "coffee.jpg")
	_, _ = fw.Write(testmedia.Photo(t, 640, 480, 0))
	_ = mw.Close()
	var up struct {
		Media []struct {
			ID string `json:"id"`
		} `json:"media"`
	}
	if code := apiCall(t, "POST", srv.URL+"/api/media", tok.Token, mw.FormDataContentType(), body.Bytes(), &up); code != 201 || len(up.Media) != 1 {
		t.Fatalf("upload = %d %+v", code, up)
	}

	post, _ := json.Marshal(map[string]any{"account_ids": []string{ids[platform.Instagram], ids[platform.Twitter]},
		"content": map[string]any{"text": "Fresh roast today", "media_ids": []string{up.Media[0].ID}}})
	var out struct {
		Error    any `json:"error"`
		Problems any `json:"problems"`
		Results  []struct {
			Platform string `json:"platform"`
			Status   string `json:"status"`
			Error    string `json:"error"`
		} `json:"results"`
	}
	if code := apiCall(t, "POST", srv.URL+"/api/social/post/multiple", tok.Token, "application/json", post, &out); code != 200 {
		t.Fatalf("post = %d %+v", code, out)
	}
	for _, r := range out.Results {
		if r.Status != "published" {
			t.Errorf("%s: %s %s", r.Platform, r.Status, r.Error)
		}
	}
	if len(out.Results) != 2 {
		t.Fatalf("results = %+v", out.Results)
	}
	if n := fetcher.n.Load(); n < 1 {
		t.Errorf("the sandbox fetched our signed URL %d times, want at least once (Instagram's container)", n)
	}
	if got, want := served.Load(), fetcher.n.Load(); got != want {
		t.Errorf("%d requests for our media reached us, %d of them from the sandbox's fetcher: X fetched over HTTP", got, want)
	}
	if n := sb.Sandbox.Calls("POST", "/api.x.com/2/media/upload"); n != 1 {
		t.Errorf("X media uploads = %d, want 1", n)
	}
	if n := sb.Sandbox.Calls("POST", "/api.x.com/2/media/metadata"); n != 1 {
		t.Errorf("X alt text calls = %d, want 1", n)
	}
	// Another workspace's media id is refused, naming its position.
	other, err := a.identity.CreateToken(ctx, "T2", "U9", identity.Editor, "")
	if err != nil {
		t.Fatal(err)
	}
	var refused map[string]any
	if code := apiCall(t, "POST", srv.URL+"/api/social/post/multiple", other.Token, "application/json", post, &refused); code != 400 {
		t.Fatalf("another workspace posted our media: %d %v", code, refused)
	}
}

// apiCall sends body with token and decodes the answer into out.
func apiCall(t testing.TB, method, url, token, contentType string, body []byte, out any) int {
	t.Helper()
	req, _ := http.NewRequest(method, url, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", contentType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(data, out); err != nil {
		t.Fatalf("%s %s answered %d %.300s", method, url, resp.StatusCode, data)
	}
	return resp.StatusCode
}
