package media

import (
	"bytes"
	"context"
	"errors"
	"github.com/marketingminds/marketingminds/integrations/sandbox/testmedia"
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
	pic := testmedia.Photo(t, 320, 200, 7)
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

// TestUndecodableImagesGetAPosterCard: an image too large to decode
// safely, or whose bytes do not decode, gets a card of its aspect instead
// of a failure.
func TestUndecodableImagesGetAPosterCard(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, storetest.Open(t, store.SQLite, Schema))
	for i, m := range []Media{{ID: "huge", ContentType: "image/png", Width: 20000, Height: 10000},
		{ID: "broken", ContentType: "image/webp", Width: 1000, Height: 500}} {
		w, err := b.svc.blobs.Write(ctx, "T1", strings.NewReader("not an image at all "+m.ID), MaxBytes)
		if err != nil {
			t.Fatal(err)
		}
		m.WorkspaceID, m.UploadedBy, m.Name, m.SHA256, m.Source, m.Bytes, m.CreatedAt = "T1", "U1", m.ID, w.SHA256, SourceAPI, w.Bytes, t0.Add(time.Duration(i)*time.Second)
		if err := b.svc.store.Insert(ctx, Record{BlobKey: w.Key, Media: m}); err != nil {
			t.Fatal(err)
		}
		blob, _, err := b.svc.Thumbnail(ctx, "T1", m.ID)
		if err != nil {
			t.Fatalf("%s: %v", m.ID, err)
		}
		_, img, _ := readThumb(t, blob)
		if img.Bounds().Dx() != 480 || img.Bounds().Dy() != 240 || !near(img.At(3, 3), posterBack.R, posterBack.G, posterBack.B) {
			t.Fatalf("%s: %v, corner %v; want a 480×240 card", m.ID, img.Bounds(), img.At(3, 3))
		}
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
	m, err := b.svc.Upload(ctx, editor, Upload{Source: SourceAPI, Body: bytes.NewReader(testmedia.Photo(t, 8, 8, 40))})
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
