package sandbox

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/sandbox/testmedia"
)

func multipartMedia(t *testing.T, fields map[string]string, media []byte) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	part, _ := w.CreateFormFile("media", "blob")
	_, _ = part.Write(media)
	_ = w.Close()
	return buf.Bytes(), w.FormDataContentType()
}

func TestXMediaUpload(t *testing.T) {
	e := xSetup(t, Options{})
	tok, _ := e.xGrant(t, xAllScopes)
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 100)...)
	body, ct := multipartMedia(t, map[string]string{"media_category": "tweet_image"}, png)
	r := e.do(t, "POST", "/api.x.com/2/media/upload", tok, ct, body)
	img := r.json(t)["data"].(map[string]any)
	if r.status != 200 || img["id"] == nil || !strings.HasPrefix(img["media_key"].(string), "3_") || img["size"] != float64(len(png)) {
		t.Fatalf("one-shot: %d %s", r.status, r.body)
	}
	// JSON with base64 is the other documented form; text is not an image.
	js, _ := json.Marshal(map[string]string{"media": base64.StdEncoding.EncodeToString([]byte("hello")), "media_category": "tweet_image"})
	if r := e.do(t, "POST", "/api.x.com/2/media/upload", tok, "application/json", js); r.status != 400 {
		t.Fatalf("text as image: %d %s", r.status, r.body)
	}
	if r := e.do(t, "POST", "/api.x.com/2/media/upload", tok, ct, body); r.status != 200 {
		t.Fatalf("again: %d %s", r.status, r.body)
	}

	// Chunked video: initialize, append, finalize, STATUS until succeeded.
	video := testmedia.MP4(t, testmedia.Video{Brand: "mp42", Seconds: 10, Audio: testmedia.AAC, Bytes: 2000})
	r = e.do(t, "POST", "/api.x.com/2/media/upload/initialize", tok, "application/json",
		[]byte(`{"media_type":"video/mp4","total_bytes":`+strconv.Itoa(len(video))+`,"media_category":"tweet_video"}`))
	vid := r.json(t)["data"].(map[string]any)["id"].(string)
	b1, ct1 := multipartMedia(t, map[string]string{"segment_index": "0"}, video[:600])
	b2, ct2 := multipartMedia(t, map[string]string{"segment_index": "1"}, video[600:])
	if r := e.do(t, "POST", "/api.x.com/2/media/upload/"+vid+"/finalize", tok, "", nil); r.status != 400 {
		t.Fatalf("finalize before append: %d %s", r.status, r.body)
	}
	e.do(t, "POST", "/api.x.com/2/media/upload/"+vid+"/append", tok, ct1, b1)
	e.do(t, "POST", "/api.x.com/2/media/upload/"+vid+"/append", tok, ct2, b2)
	r = e.do(t, "POST", "/api.x.com/2/media/upload/"+vid+"/finalize", tok, "", nil)
	if pi := r.json(t)["data"].(map[string]any)["processing_info"].(map[string]any); pi["state"] != "pending" || pi["check_after_secs"] != float64(1) {
		t.Fatalf("finalize: %s", r.body)
	}
	if r := e.do(t, "POST", "/api.x.com/2/tweets", tok, "application/json", []byte(`{"text":"too soon","media":{"media_ids":["`+vid+`"]}}`)); r.status != 400 {
		t.Fatalf("post with unprocessed video: %d %s", r.status, r.body)
	}
	for _, want := range []string{"in_progress", "succeeded"} {
		e.clock.Advance(1500 * time.Millisecond)
		r = e.do(t, "GET", "/api.x.com/2/media/upload?command=STATUS&media_id="+vid, tok, "", nil)
		if st := r.json(t)["data"].(map[string]any)["processing_info"].(map[string]any)["state"]; st != want {
			t.Fatalf("STATUS: want %s: %s", want, r.body)
		}
	}
	if r := e.do(t, "POST", "/api.x.com/2/tweets", tok, "application/json", []byte(`{"text":"video","media":{"media_ids":["`+vid+`"]}}`)); r.status != 201 {
		t.Fatalf("post with video: %d %s", r.status, r.body)
	}
	if r := e.do(t, "POST", "/api.x.com/2/tweets", tok, "application/json", []byte(`{"text":"mixed","media":{"media_ids":["`+vid+`","`+img["id"].(string)+`"]}}`)); r.status != 400 {
		t.Fatalf("video with image: %d %s", r.status, r.body)
	}
	if r := e.do(t, "GET", "/api.x.com/2/media/upload?command=STATUS&media_id=1800000000000009999", tok, "", nil); r.status != 400 {
		t.Fatalf("unknown media STATUS: %d %s", r.status, r.body)
	}
}

func TestXStatePersists(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox.json")
	e := xSetup(t, Options{StatePath: path})
	tok, refresh := e.xGrant(t, xAllScopes)
	r := e.do(t, "POST", "/api.x.com/2/tweets", tok, "application/json", []byte(`{"text":"kept"}`))
	if r.status != 201 {
		t.Fatal(r.status)
	}
	if err := e.sb.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil || bytes.Contains(data, []byte(tok)) || bytes.Contains(data, []byte(refresh)) {
		t.Fatalf("state file: %v (tokens in plaintext?)", err)
	}
	again := xSetup(t, Options{StatePath: path})
	r = again.do(t, "GET", "/api.x.com/2/users/"+xDefaultUser+"/tweets", tok, "", nil)
	if r.status != 200 || !strings.Contains(string(r.body), `"text":"kept"`) {
		t.Fatalf("after restart: %d %s", r.status, r.body)
	}
}

func BenchmarkXCreatePost(b *testing.B) {
	sb, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	sb.SetXPostLimit(1 << 30)
	sb.mu.Lock()
	tok := sb.issueToken(tokenInfo{Platform: xPlatform, Kind: "access", ClientID: "bench", Subject: xDefaultUser,
		Scopes: strings.Fields(xAllScopes)}, time.Hour)
	sb.mu.Unlock()
	b.ReportAllocs()
	var n int64
	var mu sync.Mutex
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			mu.Lock()
			n++
			i := n
			mu.Unlock()
			req := httptest.NewRequest(http.MethodPost, "/api.x.com/2/tweets", strings.NewReader(`{"text":"bench `+strconv.FormatInt(i, 10)+`"}`))
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			sb.ServeHTTP(rec, req)
			if rec.Code != http.StatusCreated {
				b.Fatalf("HTTP %d: %s", rec.Code, rec.Body)
			}
		}
	})
}

// TestXMediaSizeLimits: an image over 5 MB is refused at upload in X's
// invalid-request problem shape, one-shot or chunked; 5 MB passes.
func TestXMediaSizeLimits(t *testing.T) {
	e := xSetup(t, Options{})
	tok, _ := e.xGrant(t, xAllScopes)
	jpegOf := func(n int) []byte { return append([]byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), make([]byte, n-11)...) }
	body, ct := multipartMedia(t, map[string]string{"media_category": "tweet_image"}, jpegOf(5_000_001))
	r := e.do(t, "POST", "/api.x.com/2/media/upload", tok, ct, body)
	doc := r.json(t)
	errs, _ := doc["errors"].([]any)
	if r.status != 400 || doc["title"] != "Invalid Request" || !strings.HasSuffix(doc["type"].(string), "/invalid-request") || len(errs) != 1 ||
		!strings.Contains(errs[0].(map[string]any)["message"].(string), "tweet_image") {
		t.Fatalf("5,000,001-byte image: %d %s", r.status, r.body)
	}
	if r := e.do(t, "POST", "/api.x.com/2/media/upload/initialize", tok, "application/json",
		[]byte(`{"media_type":"image/jpeg","total_bytes":5000001,"media_category":"tweet_image"}`)); r.status != 400 {
		t.Fatalf("chunked 5,000,001-byte image: %d %s", r.status, r.body)
	}
	body, ct = multipartMedia(t, map[string]string{"media_category": "tweet_image"}, jpegOf(5_000_000))
	if r := e.do(t, "POST", "/api.x.com/2/media/upload", tok, ct, body); r.status != 200 {
		t.Fatalf("5 MB image: %d %s", r.status, r.body)
	}
}
