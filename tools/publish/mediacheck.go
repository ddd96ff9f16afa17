package publish

import (
	"context"
	"errors"
	"fmt"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/limit"
	"github.com/marketingminds/marketingminds/tools/media/check"
)

// MediaInspector reads what a post's media really are (check.URLProber
// downloads them as the platforms will), so each target platform's media
// limits are checked before a person approves; nil checks none.
type MediaInspector interface {
	Inspect(ctx context.Context, workspaceID, rawURL string) (check.Info, error)
}

// ConvertOffer says converting the media mends a problem: what a door's
// Convert action (the convert_media tool) acts on.
type ConvertOffer struct {
	MediaURL string        `json:"media_url"`
	Platform platform.Name `json:"platform"`
	// Reframe: borders are added to reach the platform's aspect ratios, so
	// the person sees the converted image before it replaces the original.
	Reframe bool `json:"reframe,omitempty"`
}

// inspected is one media item of a post and what its bytes are.
type inspected struct {
	field string // image_urls or video_url
	url   string
	info  check.Info
}

// inspectMedia probes every media URL of c once. Bytes that are no image or
// video are a problem on every platform; a download that fails is left to
// the host check and to the adapter, which report it with its reason.
func (s *Service) inspectMedia(ctx context.Context, workspaceID string, c Content) ([]inspected, []Problem) {
	if s.cfg.Media == nil {
		return nil, nil
	}
	var out []inspected
	var problems []Problem
	look := func(field, what, u string) {
		info, err := s.cfg.Media.Inspect(ctx, workspaceID, u)
		switch {
		case errors.Is(err, check.ErrUnknownFormat):
			problems = append(problems, Problem{Field: field, Message: what + " is not an image or a video we can read (JPEG, PNG, GIF, WebP, MP4 or MOV); check the link"})
		case err != nil:
			s.log.Debug().Err(err).Str("workspace", workspaceID).Msg("publish: media not inspected before sending")
		default:
			out = append(out, inspected{field: field, url: u, info: info})
		}
	}
	for i, u := range c.ImageURLs {
		look("image_urls", fmt.Sprintf("image %d", i+1), u)
	}
	if c.VideoURL != "" {
		look("video_url", "the video", c.VideoURL)
	}
	return out, problems
}

// mediaProblems checks the inspected media against platform p's documented
// limits for account id; a problem conversion mends carries its offer.
func mediaProblems(p platform.Name, id string, media []inspected) []Problem {
	if len(media) == 0 {
		return nil
	}
	infos := make([]check.Info, len(media))
	for i, m := range media {
		infos[i] = m.info
	}
	var out []Problem
	for _, cp := range check.Check(p, infos) {
		m := media[cp.Item]
		pr := Problem{AccountID: limit.Clip(id), Platform: p, Field: m.field, Message: cp.Message}
		if cp.Fix != check.FixNone {
			pr.Convert = &ConvertOffer{MediaURL: m.url, Platform: p, Reframe: cp.Fix == check.FixReframe}
		}
		out = append(out, pr)
	}
	return out
}
