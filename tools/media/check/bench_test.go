package check_test

import (
	"bytes"
	"context"
	"github.com/marketingminds/marketingminds/integrations/sandbox/testmedia"
	"testing"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/media/check"
)

// BenchmarkConvertPhotoForInstagram converts a 12-megapixel PNG (a phone
// photo's size) into the JPEG Instagram takes: decode, scale to 1440 px,
// encode within 8 MB.
func BenchmarkConvertPhotoForInstagram(b *testing.B) {
	src := pngBytes(b, 4000, 3000)
	target := check.TargetFor(platform.Instagram, false)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := check.Convert(context.Background(), bytes.NewReader(src), target); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkProbeMP4 reads a video's container, codecs, size and duration.
func BenchmarkProbeMP4(b *testing.B) {
	src := testmedia.MP4(b, testmedia.Video{Brand: "isom", Codec: "avc1", Width: 1080, Height: 1920, Seconds: 30, Audio: testmedia.AAC})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := check.Probe(bytes.NewReader(src)); err != nil {
			b.Fatal(err)
		}
	}
}
