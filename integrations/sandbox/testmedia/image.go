package testmedia

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"testing"
)

// Image encodes a w × h picture as format ("jpeg", "png" or "gif") and
// pads it with zeros after its end to pad bytes in all, when pad is larger:
// decoders stop at the end marker, so the file is as large as wanted
// without being as large in pixels.
func Image(t testing.TB, format string, w, h, pad int) []byte {
	t.Helper()
	img := image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{color.Black, color.White, color.RGBA{0x0a, 0x66, 0xc2, 0xff}})
	for i := range img.Pix {
		img.Pix[i] = uint8(i % 3)
	}
	var b bytes.Buffer
	var err error
	switch format {
	case "jpeg":
		err = jpeg.Encode(&b, img, &jpeg.Options{Quality: 80})
	case "png":
		err = png.Encode(&b, img)
	case "gif":
		err = gif.Encode(&b, img, nil)
	default:
		t.Fatalf("testmedia: no encoder for %q", format)
	}
	if err != nil {
		t.Fatal(err)
	}
	if extra := pad - b.Len(); extra > 0 {
		b.Write(make([]byte, extra))
	}
	return b.Bytes()
}

// PNGHeader is the start of a PNG of w × h pixels: the signature and the
// IHDR chunk, all a decoder reads for the size. It stands for pictures too
// large to encode in a test.
func PNGHeader(w, h int) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	chunk := append([]byte("IHDR"), ihdr...)
	out := []byte("\x89PNG\r\n\x1a\n")
	out = binary.BigEndian.AppendUint32(out, uint32(len(ihdr)))
	out = append(out, chunk...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(chunk))
}

// Photo is a w × h JPEG with a gradient whose colours depend on seed:
// different seeds give different bytes (media are stored once per bytes).
func Photo(t testing.TB, w, h int, seed uint8) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x*16) + seed*37, uint8(y * 16), seed * 91, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
