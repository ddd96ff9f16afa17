package media

import (
	"bytes"
	"context"
	"encoding/binary"
	"github.com/marketingminds/marketingminds/integrations/sandbox/testmedia"
	"image"
	"image/color"
	"testing"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
)

// withOrientation puts an EXIF segment saying orientation o, in the given
// byte order, right after the JPEG's start marker (where cameras put it).
func withOrientation(jpg []byte, o int, order binary.AppendByteOrder) []byte {
	tiff := []byte("MM")
	if order.String() == binary.LittleEndian.String() {
		tiff = []byte("II")
	}
	tiff = order.AppendUint16(tiff, 42)
	tiff = order.AppendUint32(tiff, 8)
	tiff = order.AppendUint16(tiff, 2)                                              // two entries
	tiff = order.AppendUint16(order.AppendUint16(tiff, 0x010f), 2)                  // Make, ASCII
	tiff = order.AppendUint32(order.AppendUint32(tiff, 4), uint32('A')<<24|'c'<<16) // "Ac\0\0"
	tiff = order.AppendUint16(order.AppendUint16(tiff, 0x0112), 3)                  // Orientation, SHORT
	tiff = order.AppendUint32(tiff, 1)
	tiff = order.AppendUint16(order.AppendUint16(tiff, uint16(o)), 0)
	tiff = order.AppendUint32(tiff, 0)
	seg := append([]byte("Exif\x00\x00"), tiff...)
	app1 := binary.BigEndian.AppendUint16([]byte{0xff, 0xe1}, uint16(len(seg)+2))
	out := append([]byte{}, jpg[:2]...)
	out = append(append(out, app1...), seg...)
	return append(out, jpg[2:]...)
}

func TestJPEGOrientation(t *testing.T) {
	t.Parallel()
	pic := testmedia.Photo(t, 8, 8, 1)
	if got := jpegOrientation(bytes.NewReader(pic)); got != 1 {
		t.Errorf("no EXIF: %d", got)
	}
	for _, order := range []binary.AppendByteOrder{binary.BigEndian, binary.LittleEndian} {
		for o := 1; o <= 8; o++ {
			if got := jpegOrientation(bytes.NewReader(withOrientation(pic, o, order))); got != o {
				t.Errorf("%v orientation %d read as %d", order, o, got)
			}
		}
	}
	for name, b := range map[string][]byte{"not a JPEG": []byte("GIF89a"), "cut short": withOrientation(pic, 6, binary.BigEndian)[:20],
		"out of range": withOrientation(pic, 9, binary.BigEndian), "empty": nil} {
		if got := jpegOrientation(bytes.NewReader(b)); got != 1 {
			t.Errorf("%s: %d", name, got)
		}
	}
}

// TestOrient: each orientation moves the top-left pixel of a 3×2 image
// where viewing it puts it, and 5 to 8 swap its sides.
func TestOrient(t *testing.T) {
	t.Parallel()
	src := image.NewRGBA(image.Rect(0, 0, 3, 2))
	src.SetRGBA(0, 0, color.RGBA{R: 0xff, A: 0xff})
	for o, want := range map[int]struct{ w, h, x, y int }{1: {3, 2, 0, 0}, 2: {3, 2, 2, 0}, 3: {3, 2, 2, 1}, 4: {3, 2, 0, 1},
		5: {2, 3, 0, 0}, 6: {2, 3, 1, 0}, 7: {2, 3, 1, 2}, 8: {2, 3, 0, 2}} {
		dst := orient(src, o)
		if dst.Bounds().Dx() != want.w || dst.Bounds().Dy() != want.h || dst.RGBAAt(want.x, want.y).R != 0xff {
			t.Errorf("orientation %d: %v, the marked pixel not at (%d,%d)", o, dst.Bounds(), want.x, want.y)
		}
	}
}

// TestThumbnailTurnsAPhotoAsItsEXIFSays: a landscape-stored photo tagged
// "turn a quarter clockwise" gets a portrait thumbnail, its left edge on top.
func TestThumbnailTurnsAPhotoAsItsEXIFSays(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, storetest.Open(t, store.SQLite, Schema))
	pic := withOrientation(encoded(t, banded(800, 600, 0xff), "jpeg"), 6, binary.BigEndian)
	m, err := b.svc.Upload(ctx, editor, Upload{Source: SourceAPI, Body: bytes.NewReader(pic)})
	if err != nil {
		t.Fatal(err)
	}
	blob, _, err := b.svc.Thumbnail(ctx, "T1", m.ID)
	if err != nil {
		t.Fatal(err)
	}
	_, img, _ := readThumb(t, blob)
	if img.Bounds().Dx() != 360 || img.Bounds().Dy() != 480 || !near(img.At(180, 1), 0xff, 0, 0) || !near(img.At(180, 478), 0, 0, 0xff) {
		t.Fatalf("thumbnail %v: top %v, bottom %v; want 360×480, red on top, blue at the bottom", img.Bounds(), img.At(180, 1), img.At(180, 478))
	}
}
