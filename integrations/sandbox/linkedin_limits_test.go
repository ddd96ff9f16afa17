package sandbox

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/marketingminds/marketingminds/integrations/sandbox/testmedia"
)

// liPut uploads data to a LinkedIn upload URL and returns the status and ETag.
func (e *liEnv) liPut(t *testing.T, upload string, data []byte) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("PUT", upload, bytes.NewReader(data))
	req.Header.Set("Authorization", "Bearer "+e.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Etag")
}

// liUploadImage uploads img for org and returns the image's status after it.
func (e *liEnv) liUploadImage(t *testing.T, org string, img []byte) string {
	t.Helper()
	_, _, out := e.rest(t, "POST", "/rest/images?action=initializeUpload", `{"initializeUploadRequest":{"owner":"`+org+`"}}`, nil)
	v := out["value"].(map[string]any)
	if s, _ := e.liPut(t, v["uploadUrl"].(string), img); s != 201 {
		t.Fatalf("upload: %d", s)
	}
	_, _, im := e.rest(t, "GET", "/rest/images/"+url.QueryEscape(v["image"].(string)), "", nil)
	return im["status"].(string)
}

// liUploadVideo runs initializeUpload, the part PUTs and finalizeUpload for
// video, and returns the video's status after it.
func (e *liEnv) liUploadVideo(t *testing.T, org string, video []byte) string {
	t.Helper()
	_, _, out := e.rest(t, "POST", "/rest/videos?action=initializeUpload",
		fmt.Sprintf(`{"initializeUploadRequest":{"owner":%q,"fileSizeBytes":%d,"uploadCaptions":false,"uploadThumbnail":false}}`, org, len(video)), nil)
	v := out["value"].(map[string]any)
	var etags []string
	for _, ins := range v["uploadInstructions"].([]any) {
		in := ins.(map[string]any)
		first, last := int(in["firstByte"].(float64)), int(in["lastByte"].(float64))
		s, etag := e.liPut(t, in["uploadUrl"].(string), video[first:last+1])
		if s != 200 || etag == "" {
			t.Fatalf("part %d-%d: %d", first, last, s)
		}
		etags = append(etags, `"`+etag+`"`)
	}
	urn := v["video"].(string)
	fin := `{"finalizeUploadRequest":{"video":"` + urn + `","uploadToken":"","uploadedPartIds":[` + strings.Join(etags, ",") + `]}}`
	if s, _, out := e.rest(t, "POST", "/rest/videos?action=finalizeUpload", fin, nil); s != 200 {
		t.Fatalf("finalize: %d %v", s, out)
	}
	_, _, got := e.rest(t, "GET", "/rest/videos/"+url.QueryEscape(urn), "", nil)
	return got["status"].(string)
}

// TestLinkedInMediaLimits: LinkedIn takes every upload, then its processing
// fails what breaks its limits: images not JPEG, PNG or GIF, of 36,152,320
// pixels or more, or over 5 MB; videos not MP4, under 75 KB, outside
// 3 s–30 min or 1:2.4–2.4:1 (read from the parts, the movie header in the
// first or last).
func TestLinkedInMediaLimits(t *testing.T) {
	t.Parallel()
	e := liSetup(t)
	org := "urn:li:organization:90210002"
	images := []struct {
		name string
		img  []byte
		want string
	}{
		{"a JPEG", testmedia.Image(t, "jpeg", 1200, 627, 0), "AVAILABLE"},
		{"a GIF", testmedia.Image(t, "gif", 64, 64, 0), "AVAILABLE"},
		{"a 5 MB PNG", testmedia.Image(t, "png", 64, 64, 5_000_000), "AVAILABLE"},
		{"a PNG over 5 MB", testmedia.Image(t, "png", 64, 64, 5_000_001), "PROCESSING_FAILED"},
		{"7360 × 4911 pixels", testmedia.PNGHeader(7360, 4911), "AVAILABLE"},
		{"7360 × 4912 = 36,152,320 pixels", testmedia.PNGHeader(7360, 4912), "PROCESSING_FAILED"},
		{"a WebP", []byte("RIFF\x1a\x00\x00\x00WEBPVP8L\x0e\x00\x00\x00\x2f\x3f\x00\x00\x00\x00\x00\x00"), "PROCESSING_FAILED"},
	}
	for _, c := range images {
		if got := e.liUploadImage(t, org, c.img); got != c.want {
			t.Errorf("image %s: %s, want %s", c.name, got, c.want)
		}
	}
	videos := []struct {
		name  string
		video []byte
		want  string
	}{
		{"10 s MP4 in three parts", testmedia.MP4(t, testmedia.Video{Seconds: 10, Audio: testmedia.AAC, Bytes: 9 << 20}), "AVAILABLE"},
		{"3 s", testmedia.MP4(t, testmedia.Video{Seconds: 3, Bytes: 80_000}), "AVAILABLE"},
		{"30 min", testmedia.MP4(t, testmedia.Video{Seconds: 1800, Bytes: 80_000}), "AVAILABLE"},
		{"2.9 s", testmedia.MP4(t, testmedia.Video{Seconds: 2.9, Bytes: 80_000}), "PROCESSING_FAILED"},
		{"30 min 1 s", testmedia.MP4(t, testmedia.Video{Seconds: 1801, Bytes: 80_000}), "PROCESSING_FAILED"},
		{"under 75 KB", testmedia.MP4(t, testmedia.Video{Seconds: 10, Bytes: 74_999}), "PROCESSING_FAILED"},
		{"a MOV", testmedia.MP4(t, testmedia.Video{Brand: "qt  ", Seconds: 10, Bytes: 80_000}), "PROCESSING_FAILED"},
		{"a 1:3 frame", testmedia.MP4(t, testmedia.Video{Seconds: 10, Width: 360, Height: 1080, Bytes: 80_000}), "PROCESSING_FAILED"},
		{"not a video", make([]byte, 80_000), "PROCESSING_FAILED"},
	}
	for _, c := range videos {
		if got := e.liUploadVideo(t, org, c.video); got != c.want {
			t.Errorf("video %s: %s, want %s", c.name, got, c.want)
		}
	}
}
