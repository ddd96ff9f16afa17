package sandbox

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/sandbox/testmedia"
)

// xUploadVideo uploads video in segments of at most seg bytes and returns
// the processing_info STATUS reports once processing is over.
func xUploadVideo(t *testing.T, e *xEnv, tok string, video []byte, seg int) map[string]any {
	t.Helper()
	r := e.do(t, "POST", "/api.x.com/2/media/upload/initialize", tok, "application/json",
		[]byte(`{"media_type":"video/mp4","total_bytes":`+strconv.Itoa(len(video))+`,"media_category":"tweet_video"}`))
	id := r.json(t)["data"].(map[string]any)["id"].(string)
	for i, off := 0, 0; off < len(video); i, off = i+1, off+seg {
		b, ct := multipartMedia(t, map[string]string{"segment_index": strconv.Itoa(i)}, video[off:min(off+seg, len(video))])
		if r := e.do(t, "POST", "/api.x.com/2/media/upload/"+id+"/append", tok, ct, b); r.status != 200 {
			t.Fatalf("append %d: %d %s", i, r.status, r.body)
		}
	}
	if r := e.do(t, "POST", "/api.x.com/2/media/upload/"+id+"/finalize", tok, "", nil); r.status != 200 {
		t.Fatalf("finalize: %d %s", r.status, r.body)
	}
	e.clock.Advance(xProcessDuration)
	r = e.do(t, "GET", "/api.x.com/2/media/upload?command=STATUS&media_id="+id, tok, "", nil)
	pi := r.json(t)["data"].(map[string]any)["processing_info"].(map[string]any)
	pi["id"] = id
	return pi
}

// TestXVideoProcessing: X's processing reads the video's own header, even
// from a file in many segments, and fails (state "failed", no error object
// in v2) a video shorter than 0.5 s, of another codec, or unreadable; one
// longer than 140 s processes but POST /2/tweets refuses it with 403.
func TestXVideoProcessing(t *testing.T) {
	e := xSetup(t, Options{})
	tok, _ := e.xGrant(t, xAllScopes)
	cases := []struct {
		name   string
		video  []byte
		state  string
		status int // of POST /2/tweets with it
	}{
		{"140 s in five segments", testmedia.MP4(t, testmedia.Video{Seconds: 140, Audio: testmedia.AAC, Bytes: 5 << 10}), "succeeded", 201},
		{"half a second", testmedia.MP4(t, testmedia.Video{Seconds: 0.5}), "succeeded", 201},
		{"141 s", testmedia.MP4(t, testmedia.Video{Seconds: 141, Bytes: 5 << 10}), "succeeded", 403},
		{"0.4 s", testmedia.MP4(t, testmedia.Video{Seconds: 0.4}), "failed", 400},
		{"HEVC", testmedia.MP4(t, testmedia.Video{Codec: "hvc1", Seconds: 10}), "failed", 400},
		{"1:4 frame", testmedia.MP4(t, testmedia.Video{Seconds: 10, Width: 270, Height: 1080}), "failed", 400},
		{"not a video", make([]byte, 3000), "failed", 400},
	}
	for _, c := range cases {
		pi := xUploadVideo(t, e, tok, c.video, 1024)
		if pi["state"] != c.state || pi["error"] != nil {
			t.Errorf("%s: processing_info %v, want state %s", c.name, pi, c.state)
		}
		body := []byte(`{"text":"` + c.name + `","media":{"media_ids":["` + pi["id"].(string) + `"]}}`)
		r := e.do(t, "POST", "/api.x.com/2/tweets", tok, "application/json", body)
		if r.status != c.status {
			t.Errorf("%s: post with the video: %d %s, want %d", c.name, r.status, r.body, c.status)
		}
		if c.status == 403 && !strings.Contains(string(r.body), "not allowed to post a video longer than 2 minutes 20 seconds") {
			t.Errorf("%s: 403 body %s", c.name, r.body)
		}
		e.clock.Advance(time.Second)
	}
}

// TestXGIFGoesAlone: a post carries up to 4 images, or one animated GIF,
// or one video; a GIF with an image is refused, and so is a BMP (X takes
// JPEG, PNG, GIF and WebP).
func TestXGIFGoesAlone(t *testing.T) {
	e := xSetup(t, Options{})
	tok, _ := e.xGrant(t, xAllScopes)
	upload := func(cat string, data []byte) string {
		body, ct := multipartMedia(t, map[string]string{"media_category": cat}, data)
		r := e.do(t, "POST", "/api.x.com/2/media/upload", tok, ct, body)
		if r.status != 200 {
			t.Fatalf("upload %s: %d %s", cat, r.status, r.body)
		}
		return r.json(t)["data"].(map[string]any)["id"].(string)
	}
	gif := upload("tweet_gif", testmedia.Image(t, "gif", 32, 32, 0))
	png := upload("tweet_image", testmedia.Image(t, "png", 32, 32, 0))
	e.clock.Advance(xProcessDuration)
	post := func(text string, ids ...string) int {
		return e.do(t, "POST", "/api.x.com/2/tweets", tok, "application/json",
			[]byte(`{"text":"`+text+`","media":{"media_ids":["`+strings.Join(ids, `","`)+`"]}}`)).status
	}
	if s := post("gif and image", gif, png); s != 400 {
		t.Errorf("a GIF with an image: %d, want 400", s)
	}
	if s := post("gif alone", gif); s != 201 {
		t.Errorf("a GIF alone: %d, want 201", s)
	}
	bmp := append([]byte("BM"), make([]byte, 64)...)
	body, ct := multipartMedia(t, map[string]string{"media_category": "tweet_image"}, bmp)
	if r := e.do(t, "POST", "/api.x.com/2/media/upload", tok, ct, body); r.status != 400 {
		t.Errorf("a BMP: %d %s, want 400", r.status, r.body)
	}
}
