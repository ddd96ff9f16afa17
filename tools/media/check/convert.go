package check

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"math"

	"golang.org/x/image/draw"

	"github.com/marketingminds/marketingminds/integrations/platform"
)

// Target is what Convert aims at: always a JPEG (images only; videos are not converted).
type Target struct {
	MaxBytes  int64   `json:"max_bytes,omitempty"`
	MaxWidth  int     `json:"max_width,omitempty"`
	MaxPixels int64   `json:"max_pixels,omitempty"` // width × height stays below it
	MinAspect float64 `json:"min_aspect,omitempty"` // with Pad: the frame is widened or heightened into range
	MaxAspect float64 `json:"max_aspect,omitempty"`
	Pad       bool    `json:"pad,omitempty"` // add white borders to reach the aspect range (a preview to accept; never a crop)
}

// TargetFor is the conversion that fits platform p's image rules; pad adds
// borders when the aspect ratio is out of range.
func TargetFor(p platform.Name, pad bool) Target {
	r := DefaultRules[p].Image
	t := Target{MaxBytes: r.MaxBytes, MaxWidth: r.MaxWidth, MaxPixels: r.MaxPixels}
	if pad && r.MinAspect > 0 {
		t.MinAspect, t.MaxAspect, t.Pad = r.MinAspect, r.MaxAspect, true
	}
	return t
}

// Fits tells whether every problem in ps is mended by Convert (with padding when pad).
func Fits(ps []Problem, pad bool) bool {
	for _, p := range ps {
		if p.Fix == FixNone || (p.Fix == FixReframe && !pad) {
			return false
		}
	}
	return true
}

// Limits on what Convert agrees to read, so a hostile file cannot take the machine's memory.
const (
	maxConvertBytes  = 100 * mb
	maxConvertPixels = 100_000_000
	minConvertWidth  = 320
)

// ErrCannotFit is returned when no JPEG of a useful size fits the target.
var ErrCannotFit = errors.New("check: the image cannot be made small enough")

// Convert re-encodes the image in src as a JPEG that fits t: transparency on
// white, borders added when t.Pad and the aspect ratio is out of range, scaled
// down to t.MaxWidth and t.MaxPixels, and the JPEG quality stepped down (then
// the size) until it fits t.MaxBytes. A GIF gives its first frame.
func Convert(ctx context.Context, src io.Reader, t Target) ([]byte, Info, error) {
	raw, err := io.ReadAll(io.LimitReader(src, maxConvertBytes+1))
	if err != nil {
		return nil, Info{}, fmt.Errorf("check: convert: read: %w", err)
	}
	if len(raw) > maxConvertBytes {
		return nil, Info{}, fmt.Errorf("check: convert: the file is over %s", megabytes(maxConvertBytes))
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(raw))
	if err != nil {
		return nil, Info{}, fmt.Errorf("check: convert: %w", ErrUnknownFormat)
	}
	if int64(cfg.Width)*int64(cfg.Height) > maxConvertPixels {
		return nil, Info{}, fmt.Errorf("check: convert: %d × %d pixels is too large to convert", cfg.Width, cfg.Height)
	}
	img, _, err := image.Decode(bytes.NewReader(raw))
	if err != nil {
		return nil, Info{}, fmt.Errorf("check: convert: decode: %w", err)
	}
	frame := padded(img.Bounds().Dx(), img.Bounds().Dy(), t)
	scale := fitScale(frame.Dx(), frame.Dy(), t)
	for {
		if err := ctx.Err(); err != nil {
			return nil, Info{}, fmt.Errorf("check: convert: %w", err)
		}
		w, h := max(1, int(math.Round(float64(frame.Dx())*scale))), max(1, int(math.Round(float64(frame.Dy())*scale)))
		out, err := encodeFitting(ctx, render(img, frame, w, h), t.MaxBytes)
		if err != nil {
			return nil, Info{}, err
		}
		if out != nil {
			info, err := Probe(bytes.NewReader(out))
			return out, info, err
		}
		if w <= minConvertWidth {
			return nil, Info{}, ErrCannotFit
		}
		scale *= 0.8
	}
}

// padded is the frame (in the source's pixels) the image is placed in: its
// own bounds, or wider or taller ones when t.Pad and its aspect is out of range.
func padded(w, h int, t Target) image.Rectangle {
	if !t.Pad || h == 0 {
		return image.Rect(0, 0, w, h)
	}
	a := float64(w) / float64(h)
	switch {
	case t.MinAspect > 0 && a < t.MinAspect:
		return image.Rect(0, 0, int(math.Ceil(float64(h)*t.MinAspect)), h)
	case t.MaxAspect > 0 && a > t.MaxAspect:
		return image.Rect(0, 0, w, int(math.Ceil(float64(w)/t.MaxAspect)))
	}
	return image.Rect(0, 0, w, h)
}

// fitScale is the largest scale (≤ 1) that keeps a w × h frame within t's width and pixel limits.
func fitScale(w, h int, t Target) float64 {
	s := 1.0
	if t.MaxWidth > 0 && w > t.MaxWidth {
		s = float64(t.MaxWidth) / float64(w)
	}
	if t.MaxPixels > 0 {
		if px := float64(w) * float64(h) * s * s; px >= float64(t.MaxPixels) {
			s *= math.Sqrt(float64(t.MaxPixels-1)/px) * 0.999
		}
	}
	return s
}

// render draws img centred in frame on white, scaled to w × h.
func render(img image.Image, frame image.Rectangle, w, h int) *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	sx, sy := float64(w)/float64(frame.Dx()), float64(h)/float64(frame.Dy())
	b := img.Bounds()
	offX, offY := (frame.Dx()-b.Dx())/2, (frame.Dy()-b.Dy())/2
	r := image.Rect(int(math.Round(float64(offX)*sx)), int(math.Round(float64(offY)*sy)),
		int(math.Round(float64(offX+b.Dx())*sx)), int(math.Round(float64(offY+b.Dy())*sy)))
	draw.ApproxBiLinear.Scale(dst, r, img, b, draw.Over, nil)
	return dst
}

var qualities = []int{90, 82, 75, 68, 60}

// encodeFitting encodes img as a JPEG at the best quality that fits maxBytes, or nil when none does.
func encodeFitting(ctx context.Context, img image.Image, maxBytes int64) ([]byte, error) {
	var buf bytes.Buffer
	for _, q := range qualities {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("check: convert: %w", err)
		}
		buf.Reset()
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
			return nil, fmt.Errorf("check: convert: encode: %w", err)
		}
		if maxBytes <= 0 || int64(buf.Len()) <= maxBytes {
			return bytes.Clone(buf.Bytes()), nil
		}
	}
	return nil, nil
}
