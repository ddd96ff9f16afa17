package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/gif" // registers the GIF decoder: a GIF's thumbnail is its first frame
	"image/jpeg"
	_ "image/png" // registers the PNG decoder
	"io"
	"math"
	"strings"
	"time"

	"codeberg.org/go-fonts/liberation/liberationsansbold"
	"git.sr.ht/~sbinet/gg"
	"golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	_ "golang.org/x/image/webp" // registers the WebP decoder
)

// ThumbSize is the longest side of a thumbnail, in pixels: sharp in a
// Slack approval card (Slack shows images up to 360 px high) and on a
// dashboard card at twice its CSS size.
const ThumbSize = 480

// Limits on what Thumbnail decodes, so that a hostile file cannot take the
// machine's memory; past them a media gets a poster card like a video's.
const (
	maxThumbSourceBytes  = 100 << 20
	maxThumbSourcePixels = 100_000_000
	// maxThumbBytes bounds a stored thumbnail (a 480 px JPEG is tens of KB).
	maxThumbBytes = 4 << 20
	thumbQuality  = 82
)

// Thumb is what serving a thumbnail needs besides its bytes.
type Thumb struct {
	ContentType string
	// ETag names the bytes: they never change for a media.
	ETag    string
	ModTime time.Time
}

// thumbKey is the blob name of the thumbnail of the blob key.
func thumbKey(blobKey string) string { return blobKey + "-thumb" }

// Thumbnail reads the thumbnail of workspaceID's media id: a JPEG at most
// ThumbSize pixels on its long side (aspect kept, never cropped), made at
// the first request and kept in the blob store beside the original; a
// video's is a poster card (a dark frame with a play symbol, its duration
// and pixel size). A JPEG, PNG or GIF already within ThumbSize is its own
// thumbnail. The workspace comes from a trusted caller.
func (s *Service) Thumbnail(ctx context.Context, workspaceID, id string) (Blob, Thumb, error) {
	r, err := s.store.Get(ctx, workspaceID, id)
	if err != nil {
		return nil, Thumb{}, err
	}
	if ownThumb(r.Media) {
		b, err := s.blobs.Open(ctx, workspaceID, r.BlobKey)
		if err != nil {
			return nil, Thumb{}, err
		}
		return b, Thumb{ContentType: r.ContentType, ETag: r.SHA256, ModTime: r.CreatedAt}, nil
	}
	t := Thumb{ContentType: "image/jpeg", ETag: thumbKey(r.SHA256), ModTime: r.CreatedAt}
	b, err := s.blobs.Open(ctx, workspaceID, thumbKey(r.BlobKey))
	if errors.Is(err, ErrNotFound) {
		if err := s.makeThumb(ctx, r); err != nil {
			return nil, Thumb{}, err
		}
		b, err = s.blobs.Open(ctx, workspaceID, thumbKey(r.BlobKey))
	}
	if err != nil {
		return nil, Thumb{}, err
	}
	return b, t, nil
}

// ownThumb tells whether a media is served as its own thumbnail: an image
// every browser and Slack shows, within ThumbSize.
func ownThumb(m Media) bool {
	switch m.ContentType {
	case "image/jpeg", "image/png", "image/gif":
		return m.Width > 0 && m.Height > 0 && m.Width <= ThumbSize && m.Height <= ThumbSize
	}
	return false
}

// thumbBounds is the pixel size of m's thumbnail: m's own scaled to fit
// ThumbSize; a poster of a video of unknown size is 16:9.
func thumbBounds(m Media) (int, int) {
	if m.Width <= 0 || m.Height <= 0 {
		return ThumbSize, ThumbSize * 9 / 16
	}
	w, h := m.Width, m.Height
	if long := max(w, h); long > ThumbSize {
		scale := float64(ThumbSize) / float64(long)
		w, h = max(1, int(math.Round(float64(w)*scale))), max(1, int(math.Round(float64(h)*scale)))
	}
	return w, h
}

// makeThumb draws r's thumbnail and keeps it, when it waited its turn and
// no other request made it meanwhile. A media deleted meanwhile loses the
// thumbnail just kept.
func (s *Service) makeThumb(ctx context.Context, r Record) error {
	select {
	case s.thumbSlots <- struct{}{}:
		defer func() { <-s.thumbSlots }()
	case <-ctx.Done():
		return fmt.Errorf("media: thumbnail of %s: %w", r.ID, ctx.Err())
	}
	if b, err := s.blobs.Open(ctx, r.WorkspaceID, thumbKey(r.BlobKey)); err == nil {
		return b.Close()
	}
	start := s.now()
	img, err := s.thumbImage(ctx, r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: thumbQuality}); err != nil {
		return fmt.Errorf("media: thumbnail of %s: encode: %w", r.ID, err)
	}
	if _, err := s.blobs.Put(ctx, r.WorkspaceID, thumbKey(r.BlobKey), &buf, maxThumbBytes); err != nil {
		return fmt.Errorf("media: thumbnail of %s: %w", r.ID, err)
	}
	if _, err := s.store.Get(ctx, r.WorkspaceID, r.ID); errors.Is(err, ErrNotFound) {
		_ = s.blobs.Delete(context.WithoutCancel(ctx), r.WorkspaceID, thumbKey(r.BlobKey))
		return ErrNotFound
	}
	s.log.Debug().Str("workspace", r.WorkspaceID).Str("media", r.ID).Dur("took", s.now().Sub(start)).Msg("media: thumbnail made")
	return nil
}

// thumbImage is r's thumbnail before encoding: the image scaled (and
// turned as its EXIF orientation says), or a poster card for a video and
// for an image too large to decode safely.
func (s *Service) thumbImage(ctx context.Context, r Record) (image.Image, error) {
	w, h := thumbBounds(r.Media)
	if !strings.HasPrefix(r.ContentType, "image/") || r.Bytes > maxThumbSourceBytes ||
		int64(r.Width)*int64(r.Height) > maxThumbSourcePixels {
		return poster(w, h, r.Media)
	}
	b, err := s.blobs.Open(ctx, r.WorkspaceID, r.BlobKey)
	if err != nil {
		return nil, err
	}
	defer b.Close()
	orientation := 1
	if r.ContentType == "image/jpeg" {
		orientation = jpegOrientation(b)
		if _, err := b.Seek(0, io.SeekStart); err != nil {
			return nil, fmt.Errorf("media: thumbnail of %s: %w", r.ID, err)
		}
	}
	src, _, err := image.Decode(ctxReader{ctx: ctx, r: b})
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("media: thumbnail of %s: %w", r.ID, ctx.Err())
		}
		s.log.Warn().Err(err).Str("workspace", r.WorkspaceID).Str("media", r.ID).Msg("media: the image does not decode; its thumbnail is a card")
		return poster(w, h, r.Media)
	}
	// A box shrink to about twice the size first, then Catmull-Rom.
	if k := min(src.Bounds().Dx()/(2*w), src.Bounds().Dy()/(2*h)); k >= 2 {
		if small, ok := shrink(src, k); ok {
			src = small
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	// Transparency shows on white, as the platforms show it.
	draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Over, nil)
	return orient(dst, orientation), nil
}

// Poster colours: a dark frame, light ink.
var (
	posterBack = color.RGBA{R: 0x1d, G: 0x20, B: 0x26, A: 0xff}
	posterInk  = color.RGBA{R: 0xf2, G: 0xf2, B: 0xf2, A: 0xff}
)

// minPoster is the shortest side a poster is drawn at, so that its words
// stay legible for a very narrow video.
const minPoster = 160

// poster draws m's card: a play symbol for a video (a picture frame's
// outline for an image), its duration bottom right ("0:32") and its pixel
// size bottom left, in the Liberation Sans the charts are drawn with.
func poster(w, h int, m Media) (image.Image, error) {
	w, h = max(w, minPoster), max(h, minPoster)
	dc := gg.NewContext(w, h)
	dc.SetColor(posterBack)
	dc.Clear()
	cx, cy, r := float64(w)/2, float64(h)/2, float64(min(w, h))*0.18
	dc.SetColor(posterInk)
	dc.DrawCircle(cx, cy, r)
	dc.Fill()
	dc.SetColor(posterBack)
	if strings.HasPrefix(m.ContentType, "video/") {
		dc.MoveTo(cx-r*0.32, cy-r*0.48) // ▶
		dc.LineTo(cx+r*0.52, cy)
		dc.LineTo(cx-r*0.32, cy+r*0.48)
		dc.ClosePath()
		dc.Fill()
	} else {
		dc.SetLineWidth(r * 0.1)
		dc.DrawRectangle(cx-r*0.5, cy-r*0.38, r, r*0.76)
		dc.Stroke()
	}
	f, err := opentype.Parse(liberationsansbold.TTF)
	if err != nil {
		return nil, fmt.Errorf("media: poster font: %w", err)
	}
	size := math.Max(12, float64(min(w, h))/12)
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, fmt.Errorf("media: poster font: %w", err)
	}
	defer face.Close()
	dc.SetFontFace(face)
	dc.SetColor(posterInk)
	pad := size * 0.8
	if m.Width > 0 && m.Height > 0 {
		dc.DrawStringAnchored(fmt.Sprintf("%d×%d", m.Width, m.Height), pad, float64(h)-pad, 0, 0)
	}
	if label := posterLabel(m); label != "" {
		dc.DrawStringAnchored(label, float64(w)-pad, float64(h)-pad, 1, 0)
	}
	return dc.Image(), nil
}

// posterLabel is what a poster says bottom right: a video's duration, an
// image's format.
func posterLabel(m Media) string {
	if !strings.HasPrefix(m.ContentType, "video/") {
		return strings.ToUpper(strings.TrimPrefix(m.ContentType, "image/"))
	}
	return playTime(m.Duration)
}

// playTime is a duration as a player shows it: "0:32", "12:05", "1:02:03";
// "" for none.
func playTime(d time.Duration) string {
	if d <= 0 {
		return ""
	}
	sec := int64(d.Round(time.Second) / time.Second)
	if sec >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", sec/3600, sec/60%60, sec%60)
	}
	return fmt.Sprintf("%d:%02d", sec/60, sec%60)
}
