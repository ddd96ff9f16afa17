package sandbox

import (
	"bytes"
	"image"
	"image/jpeg"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/sandbox/testmedia"
)

// mediaHost serves generated files the way a media host does.
func mediaHost(t *testing.T) *httptest.Server {
	t.Helper()
	enc := func(w, h int, asPNG bool, pad int) []byte {
		img := image.NewRGBA(image.Rect(0, 0, w, h))
		var b bytes.Buffer
		if asPNG {
			_ = png.Encode(&b, img)
		} else {
			_ = jpeg.Encode(&b, img, nil)
		}
		return append(b.Bytes(), make([]byte, pad)...) // bytes after the end marker: a larger file, same header
	}
	files := map[string][]byte{
		"/square.jpg":   enc(1080, 1080, false, 0),
		"/photo.jpg":    enc(1080, 1080, true, 0), // a PNG behind a .jpg name
		"/tall.jpg":     enc(500, 1000, false, 0),
		"/huge.jpg":     enc(1080, 1080, false, 8_000_001),
		"/clip.mp4":     testmedia.MP4(t, testmedia.Video{Brand: "mp42", Seconds: 61, Audio: testmedia.AAC, Bytes: 100 << 10}),
		"/long.mp4":     testmedia.MP4(t, testmedia.Video{Seconds: 15*60 + 1}),
		"/short.mp4":    testmedia.MP4(t, testmedia.Video{Seconds: 2.9}),
		"/vp9.mp4":      testmedia.MP4(t, testmedia.Video{Codec: "vp09", Seconds: 10}),
		"/hevc.mov":     testmedia.MP4(t, testmedia.Video{Brand: "qt  ", Codec: "hvc1", Seconds: 15 * 60}),
		"/wide.mp4":     testmedia.MP4(t, testmedia.Video{Seconds: 10, Width: 2560, Height: 1440}),
		"/notvideo.mp4": []byte("<html>not a video</html>"),
		"/big.png":      enc(100, 100, true, 10_000_001),
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(b)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestInstagramChecksTheBytesItFetches: with a media client the sandbox
// downloads image_url and refuses what Instagram refuses, with its codes.
func TestInstagramChecksTheBytesItFetches(t *testing.T) {
	host := mediaHost(t)
	e := fbSetup(t, Options{MediaClient: host.Client(), ContainerDelay: time.Second})
	media := "/v26.0/" + igSeedUser + "/media"
	for _, tc := range []struct {
		file          string
		code, subcode int
		userMsg       string
	}{
		{"/photo.jpg", 36001, 2207005, "The image format png is not supported."},
		{"/tall.jpg", 36003, 2207009, "aspect ratio ('500/1000') cannot be published"},
		{"/huge.jpg", 36000, 2207004, "It should be less than 8 MiB."},
		{"/gone.jpg", 9004, 2207052, "could not be fetched from this URI"},
	} {
		ge := e.call(t, "POST", media, e.page, url.Values{"image_url": {host.URL + tc.file}}, 400, nil)
		if ge.Code != tc.code || ge.Subcode != tc.subcode || !strings.Contains(ge.UserMsg, tc.userMsg) {
			t.Errorf("%s: %d/%d %q, want %d/%d with %q", tc.file, ge.Code, ge.Subcode, ge.UserMsg, tc.code, tc.subcode, tc.userMsg)
		}
	}
	// A 1:2 image is fine in a story (no ratio there); a square JPEG in the feed.
	igNewContainer(t, e, url.Values{"media_type": {"STORIES"}, "image_url": {host.URL + "/tall.jpg"}})
	igNewContainer(t, e, url.Values{"image_url": {host.URL + "/square.jpg"}, "caption": {"ok"}})
	// Videos are judged by their bytes, not their names: the container, the
	// codecs, the width and the duration (Reels 3 s–15 min, Stories up to 60 s).
	for _, tc := range []struct {
		mediaType, file, status string
	}{
		{"REELS", "/clip.mp4", ""},
		{"REELS", "/hevc.mov", ""},
		{"REELS", "/notvideo.mp4", "2207026"},
		{"REELS", "/vp9.mp4", "2207026"},
		{"REELS", "/long.mp4", "2207085"},
		{"REELS", "/short.mp4", "2207085"},
		{"STORIES", "/clip.mp4", "2207085"},
		{"REELS", "/wide.mp4", "2207085"},
	} {
		id := igNewContainer(t, e, url.Values{"media_type": {tc.mediaType}, "video_url": {host.URL + tc.file}})
		*e.now = e.now.Add(2 * time.Second)
		var st struct {
			StatusCode string `json:"status_code"`
			Status     string `json:"status"`
		}
		e.call(t, "GET", "/v26.0/"+id+"?fields=status_code,status", e.page, nil, 200, &st)
		switch {
		case tc.status == "" && st.StatusCode != "FINISHED":
			t.Errorf("%s %s: %+v, want FINISHED", tc.mediaType, tc.file, st)
		case tc.status != "" && (st.StatusCode != "ERROR" || !strings.Contains(st.Status, tc.status)):
			t.Errorf("%s %s: %+v, want ERROR with %s", tc.mediaType, tc.file, st, tc.status)
		}
	}
}

// TestFacebookPhotoChecksTheBytesItFetches: a Page photo must download and
// be an accepted format up to 10 MB.
func TestFacebookPhotoChecksTheBytesItFetches(t *testing.T) {
	host := mediaHost(t)
	e := fbSetup(t, Options{MediaClient: host.Client()})
	photos := "/v26.0/" + fbSeedPage1 + "/photos"
	for _, file := range []string{"/big.png", "/gone.jpg", "/clip.mp4"} {
		if ge := e.call(t, "POST", photos, e.page, url.Values{"url": {host.URL + file}}, 400, nil); ge.Code != 324 {
			t.Errorf("%s: %+v, want #324", file, ge)
		}
	}
	var ph struct{ ID string }
	e.call(t, "POST", photos, e.page, url.Values{"url": {host.URL + "/photo.jpg"}}, 200, &ph)
	if ph.ID == "" {
		t.Error("a PNG photo was not taken")
	}
}
