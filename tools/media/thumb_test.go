package media

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
)

// countingBlobs counts what reaches the blob store.
type countingBlobs struct {
	Blobs
	mu    sync.Mutex
	puts  int
	opens map[string]int
}

func (c *countingBlobs) Put(ctx context.Context, ws, name string, r io.Reader, limit int64) (Written, error) {
	c.mu.Lock()
	c.puts++
	c.mu.Unlock()
	return c.Blobs.Put(ctx, ws, name, r, limit)
}

func (c *countingBlobs) Open(ctx context.Context, ws, key string) (Blob, error) {
	c.mu.Lock()
	c.opens[key]++
	c.mu.Unlock()
	return c.Blobs.Open(ctx, ws, key)
}

// banded is a w×h image: a red band down its left edge, a blue band down
// its right, green between: a crop would lose a band.
func banded(w, h int, alpha uint8) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	row := make([]uint8, 0, 4*w)
	for x := range w {
		switch {
		case x < w/10:
			row = append(row, 0xff, 0, 0, 0xff)
		case x >= w-w/10:
			row = append(row, 0, 0, 0xff, 0xff)
		default:
			row = append(row, 0, 0xc0, 0, alpha)
		}
	}
	for y := range h {
		copy(img.Pix[y*img.Stride:], row)
	}
	return img
}

func encoded(t testing.TB, img image.Image, format string) []byte {
	t.Helper()
	var b bytes.Buffer
	var err error
	if format == "png" {
		err = png.Encode(&b, img)
	} else {
		err = jpeg.Encode(&b, img, &jpeg.Options{Quality: 90})
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// readThumb reads and decodes a thumbnail.
func readThumb(t *testing.T, b Blob) ([]byte, image.Image, string) {
	t.Helper()
	defer b.Close()
	data, err := io.ReadAll(b)
	if err != nil {
		t.Fatal(err)
	}
	img, format, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the thumbnail does not decode: %v", err)
	}
	return data, img, format
}

func near(c color.Color, r, g, b uint8) bool {
	cr, cg, cb, _ := c.RGBA()
	d := func(a uint32, b uint8) bool { return int(a>>8)-int(b) < 48 && int(b)-int(a>>8) < 48 }
	return d(cr, r) && d(cg, g) && d(cb, b)
}

// TestThumbnailScalesKeepsAspectAndIsStoredOnce: a large JPEG and a tall
// transparent PNG get JPEG thumbnails at most ThumbSize on their long
// side, aspect kept, nothing cropped (both edge bands show), transparency
// on white; made at the first call and read from the blob store at the
// second (no second encoding, the original not read again); removed with
// the media. On SQLite (files) and MongoDB (GridFS).
func TestThumbnailScalesKeepsAspectAndIsStoredOnce(t *testing.T) {
	storetest.Run(t, []store.Schema{Schema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		b := setup(t, db)
		counted := &countingBlobs{Blobs: b.svc.blobs, opens: map[string]int{}}
		b.svc.blobs = counted
		for _, tc := range []struct {
			name         string
			data         []byte
			wantW, wantH int
		}{
			{"wide.jpg", encoded(t, banded(800, 600, 0xff), "jpeg"), 480, 360},
			{"tall.png", encoded(t, banded(150, 500, 0), "png"), 144, 480},
		} {
			m, err := b.svc.Upload(ctx, editor, Upload{Name: tc.name, Source: SourceAPI, Body: bytes.NewReader(tc.data)})
			if err != nil {
				t.Fatal(err)
			}
			blob, th, err := b.svc.Thumbnail(ctx, "T1", m.ID)
			if err != nil {
				t.Fatal(err)
			}
			first, img, format := readThumb(t, blob)
			if format != "jpeg" || th.ContentType != "image/jpeg" || img.Bounds().Dx() != tc.wantW || img.Bounds().Dy() != tc.wantH {
				t.Fatalf("%s: a %s of %v (%+v), want a JPEG of %d×%d", tc.name, format, img.Bounds(), th, tc.wantW, tc.wantH)
			}
			mid := tc.wantH / 2
			if !near(img.At(1, mid), 0xff, 0, 0) || !near(img.At(tc.wantW-2, mid), 0, 0, 0xff) {
				t.Fatalf("%s: edge bands lost (cropped?): left %v, right %v", tc.name, img.At(1, mid), img.At(tc.wantW-2, mid))
			}
			if tc.name == "tall.png" && !near(img.At(tc.wantW/2, mid), 0xff, 0xff, 0xff) {
				t.Fatalf("transparency shows as %v, want white", img.At(tc.wantW/2, mid))
			}
			puts, reads := counted.puts, counted.opens[m.SHA256]+counted.opens[blobKeyOf(t, b, m.ID)]
			blob, again, err := b.svc.Thumbnail(ctx, "T1", m.ID)
			if err != nil {
				t.Fatal(err)
			}
			second, _, _ := readThumb(t, blob)
			if counted.puts != puts || counted.opens[m.SHA256]+counted.opens[blobKeyOf(t, b, m.ID)] != reads || !bytes.Equal(first, second) || again != th {
				t.Fatalf("%s: the second call made the thumbnail again (puts %d→%d, original reads %d→%d)", tc.name, puts, counted.puts, reads,
					counted.opens[m.SHA256]+counted.opens[blobKeyOf(t, b, m.ID)])
			}
			if _, _, err := b.svc.Thumbnail(ctx, "T2", m.ID); !errors.Is(err, ErrNotFound) {
				t.Fatalf("another workspace reads the thumbnail: %v", err)
			}
			key := thumbKey(blobKeyOf(t, b, m.ID))
			if err := b.svc.Delete(ctx, editor, m.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := b.svc.blobs.Open(ctx, "T1", key); !errors.Is(err, ErrNotFound) {
				t.Fatalf("%s: the thumbnail stays after the media's deletion: %v", tc.name, err)
			}
		}
	})
}

func blobKeyOf(t *testing.T, b *bundle, id string) string {
	t.Helper()
	r, err := b.svc.store.Get(context.Background(), "T1", id)
	if err != nil {
		return ""
	}
	return r.BlobKey
}

// TestThumbnailMadeOnceUnderConcurrentRequests: requests for one media's
// thumbnail at once wait their turn (one slot here) and the later ones
// find it made: it is encoded and stored once.
func TestThumbnailMadeOnceUnderConcurrentRequests(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, storetest.Open(t, store.SQLite, Schema))
	counted := &countingBlobs{Blobs: b.svc.blobs, opens: map[string]int{}}
	b.svc.blobs, b.svc.thumbSlots = counted, make(chan struct{}, 1)
	m, err := b.svc.Upload(ctx, editor, Upload{Source: SourceAPI, Body: bytes.NewReader(encoded(t, banded(600, 300, 0xff), "jpeg"))})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Go(func() {
			blob, _, err := b.svc.Thumbnail(ctx, "T1", m.ID)
			if err == nil {
				_, err = io.Copy(io.Discard, blob)
				blob.Close()
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if counted.puts != 1 {
		t.Fatalf("the thumbnail was stored %d times, want once", counted.puts)
	}
}

// TestSmallImageIsItsOwnThumbnail: a JPEG within ThumbSize is served as
// it is, and nothing is stored for it.
func TestSmallImageIsItsOwnThumbnail(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, storetest.Open(t, store.SQLite, Schema))
	counted := &countingBlobs{Blobs: b.svc.blobs, opens: map[string]int{}}
	b.svc.blobs = counted
	pic := jpegOf(t, 320, 200, 7)
	m, err := b.svc.Upload(ctx, editor, Upload{Source: SourceAPI, Body: bytes.NewReader(pic)})
	if err != nil {
		t.Fatal(err)
	}
	blob, th, err := b.svc.Thumbnail(ctx, "T1", m.ID)
	if err != nil {
		t.Fatal(err)
	}
	got, _, _ := readThumb(t, blob)
	if !bytes.Equal(got, pic) || th.ContentType != "image/jpeg" || th.ETag != m.SHA256 || counted.puts != 0 {
		t.Fatalf("thumb = %+v, %d bytes (want the original's %d), %d puts", th, len(got), len(pic), counted.puts)
	}
}

// TestVideoThumbnailIsAPosterCard: a video gets a dark card of its aspect
// with a light play disc in the middle (a dark ▶ on it), and words along
// the bottom (duration, pixel size), none at the top.
func TestVideoThumbnailIsAPosterCard(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, storetest.Open(t, store.SQLite, Schema))
	w, err := b.svc.blobs.Write(ctx, "T1", strings.NewReader("not decoded: a video's frames are not read"), MaxBytes)
	if err != nil {
		t.Fatal(err)
	}
	r := Record{BlobKey: w.Key, Media: Media{ID: "vid1", WorkspaceID: "T1", UploadedBy: "U1", Name: "clip.mp4", ContentType: "video/mp4",
		SHA256: w.SHA256, Source: SourceAPI, Bytes: w.Bytes, Width: 1920, Height: 1080, Duration: 32 * time.Second, CreatedAt: t0}}
	if err := b.svc.store.Insert(ctx, r); err != nil {
		t.Fatal(err)
	}
	blob, th, err := b.svc.Thumbnail(ctx, "T1", "vid1")
	if err != nil {
		t.Fatal(err)
	}
	_, img, format := readThumb(t, blob)
	if format != "jpeg" || img.Bounds().Dx() != 480 || img.Bounds().Dy() != 270 || th.ContentType != "image/jpeg" {
		t.Fatalf("poster = %s %v %+v, want a 480×270 JPEG", format, img.Bounds(), th)
	}
	if !near(img.At(5, 5), posterBack.R, posterBack.G, posterBack.B) || !near(img.At(240-30, 135), posterInk.R, posterInk.G, posterInk.B) ||
		!near(img.At(240+5, 135), posterBack.R, posterBack.G, posterBack.B) {
		t.Fatalf("poster: corner %v, disc %v, play symbol %v", img.At(5, 5), img.At(210, 135), img.At(245, 135))
	}
	light := func(y0, y1 int) int {
		n := 0
		for y := y0; y < y1; y++ {
			for x := range 480 {
				if r, _, _, _ := img.At(x, y).RGBA(); r>>8 > 0xa0 {
					n++
				}
			}
		}
		return n
	}
	if top, bottom := light(0, 40), light(230, 270); top != 0 || bottom < 50 {
		t.Fatalf("light pixels: %d in the top band, %d in the bottom (want words at the bottom only)", top, bottom)
	}
}

func TestPlayTime(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{0: "", 32 * time.Second: "0:32", 1500 * time.Millisecond: "0:02",
		12*time.Minute + 5*time.Second: "12:05", time.Hour + 2*time.Minute + 3*time.Second: "1:02:03"} {
		if got := playTime(d); got != want {
			t.Errorf("playTime(%s) = %q, want %q", d, got, want)
		}
	}
}

// TestSignedThumbURL: a thumbnail URL opens the thumbnail; forged,
// expired, another workspace's or another key's tokens do not, nor does a
// file's token as a thumbnail's or a thumbnail's as a file's.
func TestSignedThumbURL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, storetest.Open(t, store.SQLite, Schema))
	m, err := b.svc.Upload(ctx, editor, Upload{Source: SourceAPI, Body: bytes.NewReader(jpegOf(t, 8, 8, 40))})
	if err != nil {
		t.Fatal(err)
	}
	u := b.svc.ThumbURL("T1", m.ID, time.Hour)
	token, ok := strings.CutPrefix(u, "https://mm.example.com/media/thumb/")
	if !ok {
		t.Fatalf("url = %s", u)
	}
	blob, _, err := b.svc.OpenThumbSigned(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	blob.Close()
	fileToken := strings.TrimPrefix(b.svc.URL("T1", m.ID, time.Hour), "https://mm.example.com/media/")
	if _, _, err := b.svc.OpenSigned(ctx, token); !errors.Is(err, ErrNotFound) {
		t.Errorf("a thumbnail token opens the file: %v", err)
	}
	forged := []byte(token)
	forged[3] ^= 1
	for name, tok := range map[string]string{"a file's token": fileToken, "forged": string(forged),
		"another workspace": b.svc.thumbSigner.token("T2", m.ID, t0.Add(time.Hour)),
		"another key":       signer{key: []byte("another key, 32 bytes long......")}.derive("marketingminds media thumbnail URL v1").token("T1", m.ID, t0.Add(time.Hour)),
		"garbage":           "!!", "empty": ""} {
		if _, _, err := b.svc.OpenThumbSigned(ctx, tok); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s: %v", name, err)
		}
	}
	b.clock.add(time.Hour + time.Second)
	if _, _, err := b.svc.OpenThumbSigned(ctx, token); !errors.Is(err, ErrNotFound) {
		t.Errorf("expired: %v", err)
	}
}

// FuzzThumbSignerOpen: no token opens with both signers, and what opens
// with the thumbnail signer is one it made.
func FuzzThumbSignerOpen(f *testing.F) {
	file := signer{key: []byte("0123456789abcdef")}
	thumb := file.derive("thumbnail")
	f.Add(file.token("T1", "abc", t0))
	f.Add(thumb.token("T1", "abc", t0))
	f.Add("")
	f.Fuzz(func(t *testing.T, tok string) {
		_, _, asFile := file.open(tok, t0.Add(-time.Hour))
		ws, id, asThumb := thumb.open(tok, t0.Add(-time.Hour))
		if asFile && asThumb {
			t.Fatalf("%q opens as a file's and a thumbnail's", tok)
		}
		if asThumb && (ws == "" || id == "") {
			t.Fatalf("opened %q to %q %q", tok, ws, id)
		}
	})
}

// BenchmarkThumbnail4000x3000: making the thumbnail of a 4000×3000 JPEG
// (decode, CatmullRom scaling, JPEG encoding, kept in the blob store),
// reported as the median of the runs (p50-ms), then reading the kept one.
func BenchmarkThumbnail4000x3000(b *testing.B) {
	ctx := context.Background()
	bd := setup(b, storetest.Open(b, store.SQLite, Schema))
	bd.svc.maxBytes = 64 << 20
	m, err := bd.svc.Upload(ctx, editor, Upload{Name: "big.jpg", Source: SourceAPI, Body: bytes.NewReader(encoded(b, banded(4000, 3000, 0xff), "jpeg"))})
	if err != nil {
		b.Fatal(err)
	}
	r, err := bd.svc.store.Get(ctx, "T1", m.ID)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("make", func(b *testing.B) {
		var took []time.Duration
		for b.Loop() {
			if err := bd.svc.blobs.Delete(ctx, "T1", thumbKey(r.BlobKey)); err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			if err := bd.svc.makeThumb(ctx, r); err != nil {
				b.Fatal(err)
			}
			took = append(took, time.Since(start))
		}
		slices.Sort(took)
		b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
	})
	b.Run("stored", func(b *testing.B) {
		for b.Loop() {
			blob, _, err := bd.svc.Thumbnail(ctx, "T1", m.ID)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := io.Copy(io.Discard, blob); err != nil {
				b.Fatal(err)
			}
			blob.Close()
		}
	})
}

// TestShrink: the box shrink averages each block (the last column and row
// of blocks take what is left: nothing is cut off), in premultiplied
// colour, and declines the kinds of image it does not read.
func TestShrink(t *testing.T) {
	t.Parallel()
	half := image.NewNRGBA(image.Rect(0, 0, 10, 7)) // opaque red left, transparent right
	for y := range 7 {
		for x := range 5 {
			half.SetNRGBA(x, y, color.NRGBA{R: 0xff, A: 0xff})
		}
		for x := 5; x < 10; x++ {
			half.SetNRGBA(x, y, color.NRGBA{G: 0xff, A: 0})
		}
	}
	out, ok := shrink(half, 3)
	if !ok || out.Bounds() != image.Rect(0, 0, 4, 3) {
		t.Fatalf("shrink(10×7, 3) = %v, %v; want 4×3", out.Bounds(), ok)
	}
	for _, tc := range []struct {
		x, y int
		want color.RGBA
	}{
		{0, 0, color.RGBA{R: 0xff, A: 0xff}},
		{1, 2, color.RGBA{R: 0xff * 2 / 3, A: 0xff * 2 / 3}}, // columns 3-5: two red, one transparent; row 6 alone
		{3, 2, color.RGBA{}},                                 // column 9 and row 6: what is left, transparent
	} {
		if got := out.RGBAAt(tc.x, tc.y); got != tc.want {
			t.Errorf("(%d,%d) = %v, want %v", tc.x, tc.y, got, tc.want)
		}
	}
	ycc := image.NewYCbCr(image.Rect(0, 0, 8, 8), image.YCbCrSubsampleRatio420)
	for i := range ycc.Y {
		ycc.Y[i] = 200
	}
	for i := range ycc.Cb {
		ycc.Cb[i], ycc.Cr[i] = 128, 128
	}
	if out, ok := shrink(ycc, 4); !ok || out.Bounds().Dx() != 2 || out.RGBAAt(1, 1) != (color.RGBA{R: 200, G: 200, B: 200, A: 0xff}) {
		t.Fatalf("shrink(YCbCr) = %v %v", out, ok)
	}
	if _, ok := shrink(image.NewPaletted(image.Rect(0, 0, 8, 8), color.Palette{color.White}), 2); ok {
		t.Fatal("a paletted image was shrunk")
	}
}

// TestShrinkYCbCrMatchesPixelByPixel: the plane-reading shrink of YCbCr
// images gives what averaging each pixel's YCbCrAt gives, for each chroma
// subsampling, odd sizes and an origin off zero.
func TestShrinkYCbCrMatchesPixelByPixel(t *testing.T) {
	t.Parallel()
	for _, ratio := range []image.YCbCrSubsampleRatio{image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422,
		image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio440, image.YCbCrSubsampleRatio411, image.YCbCrSubsampleRatio410} {
		full := image.NewYCbCr(image.Rect(0, 0, 61, 47), ratio)
		for i := range full.Y {
			full.Y[i] = uint8(i * 7)
		}
		for i := range full.Cb {
			full.Cb[i], full.Cr[i] = uint8(i*13), uint8(255-i*5)
		}
		src := full.SubImage(image.Rect(3, 5, 61, 47)).(*image.YCbCr)
		const k = 4
		got, ok := shrink(src, k)
		if !ok {
			t.Fatalf("%v: declined", ratio)
		}
		b := src.Bounds()
		for oy := range got.Bounds().Dy() {
			for ox := range got.Bounds().Dx() {
				r := image.Rect(b.Min.X+ox*k, b.Min.Y+oy*k, b.Min.X+ox*k+k, b.Min.Y+oy*k+k).Intersect(b)
				var sy, scb, scr, n uint32
				for y := r.Min.Y; y < r.Max.Y; y++ {
					for x := r.Min.X; x < r.Max.X; x++ {
						c := src.YCbCrAt(x, y)
						sy, scb, scr, n = sy+uint32(c.Y), scb+uint32(c.Cb), scr+uint32(c.Cr), n+1
					}
				}
				cr, cg, cb := color.YCbCrToRGB(uint8((sy+n/2)/n), uint8((scb+n/2)/n), uint8((scr+n/2)/n))
				if want := (color.RGBA{R: cr, G: cg, B: cb, A: 0xff}); got.RGBAAt(ox, oy) != want {
					t.Fatalf("%v: (%d,%d) = %v, want %v", ratio, ox, oy, got.RGBAAt(ox, oy), want)
				}
			}
		}
	}
}
