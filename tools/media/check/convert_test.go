package check_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"testing"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/media/check"
)

// noisePNG is a PNG that does not compress: about 3 bytes per pixel.
func noisePNG(t testing.TB, w, h int, alpha bool) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range img.Pix {
		img.Pix[i] = uint8(rng.Uint32())
	}
	if !alpha {
		for i := 3; i < len(img.Pix); i += 4 {
			img.Pix[i] = 255
		}
	}
	var b bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestConvertAPNGForInstagram(t *testing.T) {
	t.Parallel()
	src := pngBytes(t, 1460, 800)
	before, err := check.Probe(bytes.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	if ps := check.Check(platform.Instagram, []check.Info{before}); len(ps) != 1 || ps[0].Fix != check.FixConvert {
		t.Fatalf("before: %+v, want one problem Convert fixes", ps)
	}
	out, info, err := check.Convert(context.Background(), bytes.NewReader(src), check.TargetFor(platform.Instagram, false))
	if err != nil {
		t.Fatal(err)
	}
	if info.ContentType != "image/jpeg" || info.Width != 1440 || info.Height != 789 || info.Bytes != int64(len(out)) {
		t.Errorf("converted = %+v, want a 1440 × 789 JPEG", info)
	}
	if ps := check.Check(platform.Instagram, []check.Info{info}); len(ps) > 0 {
		t.Errorf("after conversion: %+v", ps)
	}
}

func TestConvertShrinksA20MBImageForX(t *testing.T) {
	t.Parallel()
	// A photo with 20 MB of trailing bytes: the same pixels, a file X refuses.
	src := jpegBytes(t, 640, 480, 95)
	src = append(src, make([]byte, 20_400_000-len(src))...)
	before, err := check.Probe(bytes.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	ps := check.Check(platform.Twitter, []check.Info{before})
	if len(ps) != 1 || ps[0].Limit != "X takes images up to 5 MB" || ps[0].Value != "is 20.4 MB" {
		t.Fatalf("before: %+v", ps)
	}
	_, info, err := check.Convert(context.Background(), bytes.NewReader(src), check.TargetFor(platform.Twitter, false))
	if err != nil {
		t.Fatal(err)
	}
	if info.Bytes > 5_000_000 || info.Container != "jpeg" || info.Width != 640 || len(check.Check(platform.Twitter, []check.Info{info})) > 0 {
		t.Errorf("converted = %+v, want a full-size JPEG up to 5 MB", info)
	}
}

func TestConvertStepsQualityThenSize(t *testing.T) {
	t.Parallel()
	src := noisePNG(t, 480, 320, true)
	_, info, err := check.Convert(context.Background(), bytes.NewReader(src), check.Target{MaxBytes: 40_000})
	if err != nil {
		t.Fatal(err)
	}
	if info.Bytes > 40_000 || info.Width >= 480 || info.Width < 320 || info.Height*3 != info.Width*2 {
		t.Errorf("converted = %+v, want ≤ 40 KB, scaled down in proportion", info)
	}
	if _, _, err := check.Convert(context.Background(), bytes.NewReader(src), check.Target{MaxBytes: 1_000}); !errors.Is(err, check.ErrCannotFit) {
		t.Errorf("1 KB target: err = %v, want ErrCannotFit", err)
	}
}

func TestConvertPadsNeverCrops(t *testing.T) {
	t.Parallel()
	img := image.NewRGBA(image.Rect(0, 0, 500, 1000))
	for i := range img.Pix {
		img.Pix[i] = 0 // black, opaque below
	}
	for i := 3; i < len(img.Pix); i += 4 {
		img.Pix[i] = 255
	}
	var src bytes.Buffer
	if err := jpeg.Encode(&src, img, nil); err != nil {
		t.Fatal(err)
	}
	out, info, err := check.Convert(context.Background(), bytes.NewReader(src.Bytes()), check.TargetFor(platform.Instagram, true))
	if err != nil {
		t.Fatal(err)
	}
	if info.Width != 800 || info.Height != 1000 {
		t.Fatalf("padded = %d × %d, want 800 × 1000 (4:5)", info.Width, info.Height)
	}
	if ps := check.Check(platform.Instagram, []check.Info{info}); len(ps) > 0 {
		t.Errorf("after padding: %+v", ps)
	}
	got, err := jpeg.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	light := func(c color.Color) bool { r, g, b, _ := c.RGBA(); return r > 0xe000 && g > 0xe000 && b > 0xe000 }
	if !light(got.At(5, 500)) || !light(got.At(795, 500)) || light(got.At(400, 10)) || light(got.At(400, 990)) {
		t.Errorf("the borders are not left and right with the whole image between them")
	}
}

func TestConvertRefusesWhatIsNotAnImage(t *testing.T) {
	t.Parallel()
	_, _, err := check.Convert(context.Background(), bytes.NewReader([]byte("<html>")), check.Target{})
	if !errors.Is(err, check.ErrUnknownFormat) {
		t.Errorf("err = %v, want ErrUnknownFormat", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := check.Convert(ctx, bytes.NewReader(pngBytes(t, 10, 10)), check.Target{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v", err)
	}
}
