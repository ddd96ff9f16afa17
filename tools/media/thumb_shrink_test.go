package media

import (
	"image"
	"image/color"
	"testing"
)

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
