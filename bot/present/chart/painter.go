package chart

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"sync"

	"git.sr.ht/~sbinet/gg"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgimg"
)

// white is the background every chart is drawn on.
var white = color.RGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}

// shades is how many steps each ink colour gets between itself and the
// white background: anti-aliased edges are blends of one ink with white,
// so a handful of steps reproduces them without visible banding.
const shades = 16

// inks makes the palette of a chart drawn with the given colours on
// white: each colour with its blends towards white, and black's (text,
// axes, the grey grid). At most 256 colours, the limit of a paletted PNG:
// colours past what fits get fewer shades.
func inks(cs ...color.RGBA) color.Palette {
	cs = append([]color.RGBA{{A: 0xff}}, cs...)
	steps := min(shades, 255/len(cs))
	pal := color.Palette{white}
	for _, c := range cs {
		for s := range steps {
			f := func(v uint8) uint8 { return uint8(int(v) + (0xff-int(v))*s/steps) }
			pal = append(pal, color.RGBA{R: f(c.R), G: f(c.G), B: f(c.B), A: 0xff})
		}
	}
	return pal
}

// Painter draws charts. It keeps its pixel buffers and the PNG encoder's
// state from one chart to the next, which otherwise cost a few megabytes
// a chart. Its zero value is ready to use; it is safe for concurrent use.
type Painter struct {
	images   sync.Pool // *image.RGBA: what a chart is drawn on
	indexed  sync.Pool // *image.Paletted: what it is encoded from
	encoders encoders
}

// canvas is a white canvas of w × h drawn on a reused image; give the
// image back through encode.
func (p *Painter) canvas(w, h vg.Length) (*vgimg.Canvas, *image.RGBA) {
	r := image.Rect(0, 0, int(w/vg.Inch*dpi+0.5), int(h/vg.Inch*dpi+0.5))
	img, _ := p.images.Get().(*image.RGBA)
	if img == nil || img.Rect != r {
		img = image.NewRGBA(r)
	}
	ctx := gg.NewContextForRGBA(img)
	// As vgimg.NewWith sets up a context of its own.
	ctx.SetLineCapButt()
	ctx.InvertY()
	return vgimg.NewWith(vgimg.UseImageWithContext(img, ctx), vgimg.UseDPI(dpi)), img
}

// encode writes img as a paletted PNG of pal's colours (one byte a pixel
// instead of four, which PNG neither filters nor has to compress as much,
// so it is faster to write and the file is smaller) and keeps img's
// buffers for the next chart.
func (p *Painter) encode(img *image.RGBA, pal color.Palette) ([]byte, error) {
	defer p.images.Put(img)
	out, _ := p.indexed.Get().(*image.Paletted)
	if out == nil || out.Rect != img.Rect {
		out = image.NewPaletted(img.Rect, nil)
	}
	defer p.indexed.Put(out)
	out.Palette = pal
	paletted(out, img)
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: &p.encoders}
	if err := enc.Encode(&buf, out); err != nil {
		return nil, fmt.Errorf("chart: encode png: %w", err)
	}
	return buf.Bytes(), nil
}

// encoders keeps the PNG encoder's state (its compressor above all).
type encoders struct{ pool sync.Pool }

func (e *encoders) Get() *png.EncoderBuffer {
	b, _ := e.pool.Get().(*png.EncoderBuffer)
	return b // nil: the encoder makes its own
}

func (e *encoders) Put(b *png.EncoderBuffer) { e.pool.Put(b) }

// paletted sets each pixel of out to the colour of its palette nearest
// to the same pixel of the opaque img (of the same bounds).
// A chart has long runs of one colour and few distinct ones: a run costs
// one comparison a pixel, and the nearest colour is searched once per
// colour (to 5 bits a channel, finer than the palette's steps).
func paletted(out *image.Paletted, img *image.RGBA) {
	b := img.Bounds()
	ink := make([]color.RGBA, len(out.Palette))
	for i, c := range out.Palette {
		ink[i] = color.RGBAModel.Convert(c).(color.RGBA)
	}
	var near [1 << 15]uint16 // index+1 by 5-bit colour; 0 not yet searched
	last, lastIdx := -1, uint8(0)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		src := img.Pix[img.PixOffset(b.Min.X, y):]
		dst := out.Pix[out.PixOffset(b.Min.X, y):]
		for x := range b.Dx() {
			r, g, bl := src[4*x], src[4*x+1], src[4*x+2]
			if k := int(r>>3)<<10 | int(g>>3)<<5 | int(bl>>3); k != last {
				if near[k] == 0 {
					near[k] = uint16(nearest(ink, r, g, bl)) + 1
				}
				last, lastIdx = k, uint8(near[k]-1)
			}
			dst[x] = lastIdx
		}
	}
}

// nearest is the index of the colour of ink closest to (r, g, b).
func nearest(ink []color.RGBA, r, g, b uint8) int {
	best, bestD := 0, 1<<30
	for i, c := range ink {
		dr, dg, db := int(c.R)-int(r), int(c.G)-int(g), int(c.B)-int(b)
		if d := dr*dr + dg*dg + db*db; d < bestD {
			best, bestD = i, d
		}
	}
	return best
}
