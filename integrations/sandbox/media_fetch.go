package sandbox

import (
	"bytes"
	"context"
	_ "golang.org/x/image/bmp"  // registers BMP (a Facebook photo format)
	_ "golang.org/x/image/tiff" // registers TIFF (a Facebook photo format)
	"image"
	_ "image/gif" // registers GIF for image.DecodeConfig
	"io"
	"net/http"
	"net/url"
	"time"

	_ "golang.org/x/image/webp" // registers WebP for image.DecodeConfig
)

// Meta downloads the media a container (image_url, video_url) or a Page
// photo or video (url, file_url) names. With Options.MediaClient the sandbox
// does the same, before it takes its lock, and checks the bytes it got as the
// platform does; without one it
// cannot see them and judges by the URL's extension. The limits and how
// each platform refuses are in docs/reference/media-limits.md.

// fetchedMedia is what one download showed.
type fetchedMedia struct {
	failed        bool   // no 200 answer, or no answer
	size          int64  // bytes, counted up to mediaCountCap+1
	format        string // jpeg, png, gif, webp (image.DecodeConfig), mp4 or mov (an ISO BMFF ftyp box), "" otherwise
	width, height int
	video         videoInfo // a video's container, duration and codecs, read from the head
	videoErr      error     // the head holds no readable movie header
}

const (
	mediaHeadBytes = 4 << 20          // kept to read the format and pixel size, and a video's header (Meta wants it first)
	mediaCountCap  = 1 << 30          // bytes counted beyond the head before giving up
	mediaFetchTime = 30 * time.Second // Meta times a slow download out (2207003)
)

// mediaParams are the parameters whose URLs Meta downloads.
var mediaParams = []string{"image_url", "video_url", "url", "file_url"}

// prefetch downloads the media URLs of a Graph write, keyed by URL; nil
// without a media client or for reads.
func (s *Sandbox) prefetch(ctx context.Context, method string, p url.Values) map[string]*fetchedMedia {
	if s.opts.MediaClient == nil || method != http.MethodPost {
		return nil
	}
	out := map[string]*fetchedMedia{}
	for _, k := range mediaParams {
		u := p.Get(k)
		if u == "" || !validURL(u) || out[u] != nil {
			continue
		}
		out[u] = s.fetchMedia(ctx, u)
	}
	return out
}

func (s *Sandbox) fetchMedia(ctx context.Context, u string) *fetchedMedia {
	ctx, cancel := context.WithTimeout(ctx, mediaFetchTime)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return &fetchedMedia{failed: true}
	}
	resp, err := s.opts.MediaClient.Do(req)
	if err != nil {
		s.opts.Logger.Debug().Err(err).Str("url", u).Msg("sandbox: media download failed")
		return &fetchedMedia{failed: true}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return &fetchedMedia{failed: true}
	}
	head, err := io.ReadAll(io.LimitReader(resp.Body, mediaHeadBytes))
	if err != nil {
		return &fetchedMedia{failed: true}
	}
	rest, err := io.Copy(io.Discard, io.LimitReader(resp.Body, mediaCountCap+1))
	if err != nil {
		return &fetchedMedia{failed: true}
	}
	f := &fetchedMedia{size: int64(len(head)) + rest}
	if len(head) >= 12 && string(head[4:8]) == "ftyp" {
		f.format = "mp4"
		if string(head[8:12]) == "qt  " {
			f.format = "mov"
		}
		f.video, f.videoErr = probeVideo(bytes.NewReader(head))
		return f
	}
	if cfg, format, err := image.DecodeConfig(bytes.NewReader(head)); err == nil {
		f.format, f.width, f.height = format, cfg.Width, cfg.Height
	}
	return f
}

// Facebook Page photos: JPEG, PNG, GIF, BMP or TIFF (no WebP) up to 10 MB
// (docs/reference/media-limits.md, Facebook). Graph documents no error code for a photo it
// cannot use; the sandbox answers with #324, the code Graph gives for a
// missing or unreadable image file.
const fbPhotoMax = 10_000_000

var fbPhotoFormats = map[string]bool{"jpeg": true, "png": true, "gif": true, "bmp": true, "tiff": true}

// fbPhotoError checks a downloaded photo URL; nil when it was not downloaded.
func (c *gctx) fbPhotoError(u string) *graphError {
	f := c.media[u]
	switch {
	case f == nil:
		return nil
	case f.failed:
		return &graphError{Code: 324, Message: "(#324) Missing or invalid image file: the image at url could not be downloaded"}
	case !fbPhotoFormats[f.format]:
		return &graphError{Code: 324, Message: "(#324) Missing or invalid image file: the format is not supported"}
	case f.size > fbPhotoMax:
		return &graphError{Code: 324, Message: "(#324) Missing or invalid image file: the image is larger than 10 MB"}
	}
	return nil
}
