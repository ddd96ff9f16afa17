package media

import (
	"image"
	"image/color"
)

// shrink averages every k×k block of src into one pixel (a box filter:
// every source pixel counts once, so nothing aliases; the blocks of the
// last column and row are what is left, so nothing is cut off), for the kinds of
// image the decoders give for photos: YCbCr (JPEG, lossy WebP), RGBA and
// NRGBA (PNG). Scaling a photo to a thumbnail by a box shrink to about
// twice the size and then a Catmull-Rom resize reads each source pixel
// once instead of dozens of times. ok is false for other kinds (they are
// scaled directly).
func shrink(src image.Image, k int) (_ *image.RGBA, ok bool) {
	b := src.Bounds()
	if k < 2 || b.Dx() < k || b.Dy() < k {
		return nil, false
	}
	w, h := (b.Dx()+k-1)/k, (b.Dy()+k-1)/k
	// block is the source rectangle of the output pixel (ox, oy).
	block := func(ox, oy int) image.Rectangle {
		return image.Rect(b.Min.X+ox*k, b.Min.Y+oy*k, b.Min.X+ox*k+k, b.Min.Y+oy*k+k).Intersect(b)
	}
	var px func(x, y int) (r, g, b, a uint32) // 8-bit premultiplied components
	switch s := src.(type) {
	case *image.YCbCr:
		return shrinkYCbCr(s, k, w, h), true
	case *image.RGBA:
		px = func(x, y int) (uint32, uint32, uint32, uint32) {
			i := s.PixOffset(x, y)
			return uint32(s.Pix[i]), uint32(s.Pix[i+1]), uint32(s.Pix[i+2]), uint32(s.Pix[i+3])
		}
	case *image.NRGBA:
		px = func(x, y int) (uint32, uint32, uint32, uint32) {
			i := s.PixOffset(x, y)
			a := uint32(s.Pix[i+3])
			return uint32(s.Pix[i]) * a / 0xff, uint32(s.Pix[i+1]) * a / 0xff, uint32(s.Pix[i+2]) * a / 0xff, a
		}
	default:
		return nil, false
	}
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	for oy := range h {
		for ox := range w {
			r := block(ox, oy)
			n := uint32(r.Dx() * r.Dy())
			var sr, sg, sb, sa uint32
			for y := r.Min.Y; y < r.Max.Y; y++ {
				for x := r.Min.X; x < r.Max.X; x++ {
					pr, pg, pb, pa := px(x, y)
					sr, sg, sb, sa = sr+pr, sg+pg, sb+pb, sa+pa
				}
			}
			i := out.PixOffset(ox, oy)
			out.Pix[i], out.Pix[i+1], out.Pix[i+2], out.Pix[i+3] = uint8((sr+n/2)/n), uint8((sg+n/2)/n), uint8((sb+n/2)/n), uint8((sa+n/2)/n)
		}
	}
	return out, true
}

// chromaStep is how many pixels of a row share a chroma sample.
func chromaStep(r image.YCbCrSubsampleRatio) int {
	switch r {
	case image.YCbCrSubsampleRatio422, image.YCbCrSubsampleRatio420:
		return 2
	case image.YCbCrSubsampleRatio411, image.YCbCrSubsampleRatio410:
		return 4
	}
	return 1
}

// shrinkYCbCr is shrink of a YCbCr image (JPEG, lossy WebP) into a w×h
// image, a row of blocks at a time reading the planes in order. Averaging
// Y, Cb and Cr and converting once is averaging the colours: the
// conversion is affine.
func shrinkYCbCr(s *image.YCbCr, k, w, h int) *image.RGBA {
	b := s.Rect
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	step := chromaStep(s.SubsampleRatio)
	sums := make([]uint32, 3*w) // Y, Cb, Cr of each block of the row
	for oy := range h {
		y0, y1 := b.Min.Y+oy*k, min(b.Min.Y+oy*k+k, b.Max.Y)
		clear(sums)
		for y := y0; y < y1; y++ {
			yRow := s.Y[s.YOffset(b.Min.X, y):]
			c0 := s.COffset(b.Min.X, y) - b.Min.X/step // the chroma offset of x is c0 + x/step
			for ox := range w {
				x0, x1 := b.Min.X+ox*k, min(b.Min.X+ox*k+k, b.Max.X)
				var sy, scb, scr uint32
				for x := x0; x < x1; x++ {
					ci := c0 + x/step
					sy += uint32(yRow[x-b.Min.X])
					scb += uint32(s.Cb[ci])
					scr += uint32(s.Cr[ci])
				}
				sums[3*ox] += sy
				sums[3*ox+1] += scb
				sums[3*ox+2] += scr
			}
		}
		for ox := range w {
			n := uint32((min(b.Min.X+ox*k+k, b.Max.X) - (b.Min.X + ox*k)) * (y1 - y0))
			r, g, bl := color.YCbCrToRGB(uint8((sums[3*ox]+n/2)/n), uint8((sums[3*ox+1]+n/2)/n), uint8((sums[3*ox+2]+n/2)/n))
			i := out.PixOffset(ox, oy)
			out.Pix[i], out.Pix[i+1], out.Pix[i+2], out.Pix[i+3] = r, g, bl, 0xff
		}
	}
	return out
}
