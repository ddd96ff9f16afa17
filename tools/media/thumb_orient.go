package media

import (
	"bufio"
	"encoding/binary"
	"image"
	"io"
)

// A camera stores a photo as its sensor read it and says in the EXIF
// Orientation tag (TIFF tag 0x0112, values 1 to 8) how to turn it for
// viewing; the platforms and browsers turn it, and so does a thumbnail.

// maxExifScan bounds how far into a JPEG the Orientation tag is looked
// for: the APP1 segment holding it comes first, within 64 KB.
const maxExifScan = 64 << 10

// jpegOrientation reads the EXIF Orientation of the JPEG in r; 1 (as
// stored) when there is none or it cannot be read.
func jpegOrientation(r io.Reader) int {
	br := bufio.NewReader(io.LimitReader(r, maxExifScan))
	var soi [2]byte
	if _, err := io.ReadFull(br, soi[:]); err != nil || soi != [2]byte{0xff, 0xd8} {
		return 1
	}
	for {
		var head [4]byte
		if _, err := io.ReadFull(br, head[:]); err != nil || head[0] != 0xff {
			return 1
		}
		marker, n := head[1], int(binary.BigEndian.Uint16(head[2:]))-2
		if marker == 0xda || n < 0 { // the image data starts: no EXIF before it
			return 1
		}
		seg := make([]byte, n)
		if _, err := io.ReadFull(br, seg); err != nil {
			return 1
		}
		if marker == 0xe1 && len(seg) > 6 && string(seg[:6]) == "Exif\x00\x00" {
			return tiffOrientation(seg[6:])
		}
	}
}

// tiffOrientation reads the Orientation entry of a TIFF header's first
// directory; 1 when absent or malformed.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var order binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		order = binary.LittleEndian
	case "MM":
		order = binary.BigEndian
	default:
		return 1
	}
	off := int(order.Uint32(t[4:]))
	if off < 8 || off+2 > len(t) {
		return 1
	}
	count := int(order.Uint16(t[off:]))
	for i := range count {
		e := off + 2 + 12*i
		if e+12 > len(t) {
			return 1
		}
		if order.Uint16(t[e:]) == 0x0112 && order.Uint16(t[e+2:]) == 3 { // Orientation, a SHORT
			if v := int(order.Uint16(t[e+8:])); v >= 1 && v <= 8 {
				return v
			}
			return 1
		}
	}
	return 1
}

// orient turns src as EXIF orientation o says; 5 to 8 swap width and height.
func orient(src *image.RGBA, o int) *image.RGBA {
	w, h := src.Bounds().Dx(), src.Bounds().Dy()
	if o < 2 || o > 8 {
		return src
	}
	// at is the source pixel of the destination pixel (x, y).
	var at func(x, y int) (int, int)
	dw, dh := w, h
	switch o {
	case 2: // mirrored
		at = func(x, y int) (int, int) { return w - 1 - x, y }
	case 3: // upside down
		at = func(x, y int) (int, int) { return w - 1 - x, h - 1 - y }
	case 4: // mirrored upside down
		at = func(x, y int) (int, int) { return x, h - 1 - y }
	case 5: // transposed
		at, dw, dh = func(x, y int) (int, int) { return y, x }, h, w
	case 6: // turned a quarter clockwise to view
		at, dw, dh = func(x, y int) (int, int) { return y, h - 1 - x }, h, w
	case 7: // transversed
		at, dw, dh = func(x, y int) (int, int) { return w - 1 - y, h - 1 - x }, h, w
	case 8: // turned a quarter anticlockwise to view
		at, dw, dh = func(x, y int) (int, int) { return w - 1 - y, x }, h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := range dh {
		for x := range dw {
			sx, sy := at(x, y)
			copy(dst.Pix[dst.PixOffset(x, y):dst.PixOffset(x, y)+4], src.Pix[src.PixOffset(sx, sy):src.PixOffset(sx, sy)+4])
		}
	}
	return dst
}
