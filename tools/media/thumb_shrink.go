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
		// Averaging Y, Cb and Cr and converting once is averaging the
		// colours: the conversion is affine.
		out := image.NewRGBA(image.Rect(0, 0, w, h))
		for oy := range h {
			for ox := range w {
				r := block(ox, oy)
				n := uint32(r.Dx() * r.Dy())
				var sy, scb, scr uint32
				for y := r.Min.Y; y < r.Max.Y; y++ {
					for x := r.Min.X; x < r.Max.X; x++ {
						sy += uint32(s.Y[s.YOffset(x, y)])
						ci := s.COffset(x, y)
						scb += uint32(s.Cb[ci])
						scr += uint32(s.Cr[ci])
					}
				}
				cr, cg, cb := color.YCbCrToRGB(uint8((sy+n/2)/n), uint8((scb+n/2)/n), uint8((scr+n/2)/n))
				i := out.PixOffset(ox, oy)
				out.Pix[i], out.Pix[i+1], out.Pix[i+2], out.Pix[i+3] = cr, cg, cb, 0xff
			}
		}
		return out, true
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
