package check_test

import (
	"bytes"
	"github.com/marketingminds/marketingminds/integrations/sandbox/testmedia"
	"testing"

	"github.com/marketingminds/marketingminds/tools/media/check"
)

// FuzzProbe: Probe reads files people upload; whatever the bytes, it
// answers without panicking, and what it calls an image or a video has a
// content type that matches.
func FuzzProbe(f *testing.F) {
	f.Add(jpegBytes(f, 8, 8, 80))
	f.Add(pngBytes(f, 4, 4))
	f.Add(gifBytes(f, 2))
	f.Add(webpHeader(16, 9))
	f.Add(testmedia.MP4(f, testmedia.Video{Brand: "isom", Codec: "avc1", Width: 64, Height: 36, Seconds: 1, Audio: testmedia.AAC}))
	f.Add([]byte("\x00\x00\x00\x18ftypqt  \x00\x00\x00\x00qt  "))
	f.Fuzz(func(t *testing.T, b []byte) {
		info, err := check.Probe(bytes.NewReader(b))
		if err != nil {
			return
		}
		if info.Bytes != int64(len(b)) || (info.IsVideo() && info.ContentType[:6] != "video/") || (info.IsImage() && info.ContentType[:6] != "image/") {
			t.Errorf("Probe = %+v for %d bytes", info, len(b))
		}
	})
}
