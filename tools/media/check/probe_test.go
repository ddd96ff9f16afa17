package check_test

import (
	"bytes"
	"errors"
	"github.com/marketingminds/marketingminds/integrations/sandbox/testmedia"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/tools/media/check"
)

func TestProbe(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		file []byte
		want check.Info
	}{
		{"jpeg", jpegBytes(t, 64, 48, 90), check.Info{ContentType: "image/jpeg", Container: "jpeg", Width: 64, Height: 48}},
		{"png", pngBytes(t, 30, 40), check.Info{ContentType: "image/png", Container: "png", Width: 30, Height: 40}},
		{"animated gif", gifBytes(t, 3), check.Info{ContentType: "image/gif", Container: "gif", Width: 8, Height: 6, Frames: 3, Duration: 300 * time.Millisecond}},
		{"webp", webpHeader(300, 200), check.Info{ContentType: "image/webp", Container: "webp", Width: 300, Height: 200}},
		{"mp4 h264 aac", testmedia.MP4(t, testmedia.Video{Brand: "isom", Codec: "avc1", Width: 1080, Height: 1920, Seconds: 12.5, Audio: testmedia.AAC}),
			check.Info{ContentType: "video/mp4", Container: "mp4", Width: 1080, Height: 1920, Duration: 12500 * time.Millisecond, VideoCodec: "h264", AudioCodec: "aac"}},
		{"mov hevc silent", testmedia.MP4(t, testmedia.Video{Brand: "qt  ", Codec: "hvc1", Width: 1920, Height: 1080, Seconds: 200}),
			check.Info{ContentType: "video/quicktime", Container: "mov", Width: 1920, Height: 1080, Duration: 200 * time.Second, VideoCodec: "hevc"}},
		{"mp4 with mp3 audio", testmedia.MP4(t, testmedia.Video{Brand: "mp42", Codec: "avc1", Width: 640, Height: 360, Seconds: 1, Audio: testmedia.MP3}),
			check.Info{ContentType: "video/mp4", Container: "mp4", Width: 640, Height: 360, Duration: time.Second, VideoCodec: "h264", AudioCodec: "mp3"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := check.Probe(bytes.NewReader(tc.file))
			if err != nil {
				t.Fatalf("Probe: %v", err)
			}
			tc.want.Bytes = int64(len(tc.file))
			if got != tc.want {
				t.Errorf("Probe =\n %+v\nwant\n %+v", got, tc.want)
			}
		})
	}
}

func TestProbeRefusesWhatIsNotMedia(t *testing.T) {
	t.Parallel()
	for name, b := range map[string][]byte{
		"html":  []byte("<!doctype html><html><body>This browser is no longer supported</body></html>"),
		"empty": nil,
		"pdf":   []byte("%PDF-1.7\n1 0 obj\n"),
	} {
		if _, err := check.Probe(bytes.NewReader(b)); !errors.Is(err, check.ErrUnknownFormat) {
			t.Errorf("%s: Probe error = %v, want ErrUnknownFormat", name, err)
		}
	}
}

func TestProbeReadsTheBytesNotTheName(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "photo.jpg")
	if err := os.WriteFile(path, pngBytes(t, 10, 10), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := check.Probe(f)
	if err != nil {
		t.Fatal(err)
	}
	if got.ContentType != "image/png" {
		t.Errorf("a PNG named photo.jpg probed as %q, want image/png", got.ContentType)
	}
}

// pattern fills an image with a gradient and noise-like texture so encoders cannot shrink it to nothing.
func pattern(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		row := img.Pix[y*img.Stride:]
		for x := 0; x < w; x++ {
			row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = uint8(x*31+y*17+(x*y)%251), uint8(x*255/max(w, 1)), uint8(y*255/max(h, 1)), 255
		}
	}
	return img
}

func jpegBytes(t testing.TB, w, h, quality int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, pattern(w, h), &jpeg.Options{Quality: quality}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func pngBytes(t testing.TB, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&b, pattern(w, h)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func gifBytes(t testing.TB, frames int) []byte {
	t.Helper()
	anim := &gif.GIF{}
	pal := color.Palette{color.Black, color.White}
	for i := 0; i < frames; i++ {
		anim.Image = append(anim.Image, image.NewPaletted(image.Rect(0, 0, 8, 6), pal))
		anim.Delay = append(anim.Delay, 10)
	}
	var b bytes.Buffer
	if err := gif.EncodeAll(&b, anim); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// webpHeader is the start of a lossless WebP file (RIFF, VP8L chunk, signature and 14-bit sizes):
// enough for image.DecodeConfig; the standard library has no WebP encoder to make a whole one.
func webpHeader(w, h int) []byte {
	bits := uint32(w-1) | uint32(h-1)<<14
	vp8l := []byte{0x2f, byte(bits), byte(bits >> 8), byte(bits >> 16), byte(bits >> 24), 0, 0, 0}
	riff := append([]byte("WEBPVP8L"), byte(len(vp8l)), 0, 0, 0)
	riff = append(riff, vp8l...)
	n := len(riff)
	return append([]byte{'R', 'I', 'F', 'F', byte(n), byte(n >> 8), 0, 0}, riff...)
}

// TestProbeCountsGIFFramesWithoutDecoding: a small file claiming a thousand
// 20,000 × 20,000 frames is read from its blocks, not decoded (that would
// need hundreds of gigabytes). Not parallel: it measures the allocations.
func TestProbeCountsGIFFramesWithoutDecoding(t *testing.T) {
	b := []byte("GIF89a\x20\x4e\x20\x4e\x00\x00\x00") // 20000 × 20000, no global color table
	for range 1000 {
		b = append(b, 0x21, 0xF9, 0x04, 0x00, 0x05, 0x00, 0x00, 0x00)                               // 50 ms
		b = append(b, 0x2C, 0, 0, 0, 0, 0x20, 0x4e, 0x20, 0x4e, 0x00, 0x02, 0x02, 0x4c, 0x01, 0x00) // one frame
	}
	b = append(b, 0x3B)
	var stats runtime.MemStats
	runtime.ReadMemStats(&stats)
	before := stats.TotalAlloc
	got, err := check.Probe(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&stats)
	if got.Frames != 1000 || got.Duration != 50*time.Second || got.Width != 20000 {
		t.Errorf("Probe = %+v", got)
	}
	if alloc := stats.TotalAlloc - before; alloc > 10<<20 {
		t.Errorf("Probe allocated %d bytes for a %d-byte GIF", alloc, len(b))
	}
}
