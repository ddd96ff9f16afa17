package publish

import (
	"context"
	"errors"
	"fmt"

	"github.com/marketingminds/marketingminds/integrations/platform"
	fk "github.com/marketingminds/marketingminds/tools/fault"
	"github.com/marketingminds/marketingminds/tools/limit"
	"github.com/marketingminds/marketingminds/tools/media/check"
)

// MediaInspector reads what a post's media really are (check.Prober:
// linked media downloaded as the platforms will, uploaded media from the
// media store), so each target platform's media limits are checked before
// a person approves; nil checks none.
type MediaInspector interface {
	Inspect(ctx context.Context, workspaceID, rawURL string) (check.Info, error)
	InspectUploaded(ctx context.Context, workspaceID, id string) (check.Info, error)
}

// ConvertOffer says converting the media mends a problem: what a door's
// Convert action (the convert_media tool) acts on.
type ConvertOffer struct {
	MediaURL string        `json:"media_url,omitempty"` // a linked file
	MediaID  string        `json:"media_id,omitempty"`  // or an uploaded one
	Platform platform.Name `json:"platform"`
	// Reframe: borders are added to reach the platform's aspect ratios, so
	// the person sees the converted image before it replaces the original.
	Reframe bool `json:"reframe,omitempty"`
}

// inspected is one media item of a post and what its bytes are.
type inspected struct {
	field string // image_urls, media_ids or video_url
	url   string // a linked file, or
	id    string // an uploaded one
	info  check.Info
}

// inspectMedia probes every media item of c once, in the order the post
// carries them (linked images, uploaded images, the video). Bytes that are
// no image or video are a problem on every platform; a download that fails
// is left to the host check and to the adapter, which report it with its
// reason.
func (s *Service) inspectMedia(ctx context.Context, workspaceID string, c Content, refs []platform.MediaRef) ([]inspected, []Problem) {
	if s.cfg.Media == nil {
		return nil, nil
	}
	var out []inspected
	var problems []Problem
	look := func(it inspected, what string) {
		var err error
		if it.id != "" {
			it.info, err = s.cfg.Media.InspectUploaded(ctx, workspaceID, it.id)
		} else {
			it.info, err = s.cfg.Media.Inspect(ctx, workspaceID, it.url)
		}
		switch {
		case errors.Is(err, check.ErrUnknownFormat):
			problems = append(problems, Problem{Field: it.field, Message: what + " is not an image or a video we can read (JPEG, PNG, GIF, WebP, MP4 or MOV); check the file"})
		case err != nil:
			s.log.Debug().Err(err).Str("workspace", workspaceID).Msg("publish: media not inspected before sending")
		default:
			out = append(out, it)
		}
	}
	for i, u := range c.ImageURLs {
		look(inspected{field: "image_urls", url: u}, fmt.Sprintf("image %d", i+1))
	}
	for i, r := range refs {
		if !r.IsVideo() {
			look(inspected{field: "media_ids", id: r.ID}, fmt.Sprintf("uploaded file %d", i+1))
		}
	}
	if c.VideoURL != "" {
		look(inspected{field: "video_url", url: c.VideoURL}, "the video")
	}
	for i, r := range refs {
		if r.IsVideo() {
			look(inspected{field: "media_ids", id: r.ID}, fmt.Sprintf("uploaded file %d", i+1))
		}
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
			pr.Convert = &ConvertOffer{MediaURL: m.url, MediaID: m.id, Platform: p, Reframe: cp.Fix == check.FixReframe}
		}
		out = append(out, pr)
	}
	return out
}

// ConvertOffers are the conversions that mend some of the problems, once
// per media and platform, for the doors' Convert actions (tools/fault).
func (e *ValidationError) ConvertOffers() []fk.Offer {
	var out []fk.Offer
	seen := map[fk.Offer]bool{}
	for _, p := range e.Problems {
		if p.Convert == nil {
			continue
		}
		o := fk.Offer{MediaURL: p.Convert.MediaURL, MediaID: p.Convert.MediaID, Platform: p.Convert.Platform}
		if seen[o] {
			continue
		}
		seen[o] = true
		out = append(out, o)
	}
	for i := range out { // borders when any problem of that media needs them
		for _, p := range e.Problems {
			if p.Convert != nil && p.Convert.Reframe && p.Convert.MediaURL == out[i].MediaURL && p.Convert.MediaID == out[i].MediaID && p.Convert.Platform == out[i].Platform {
				out[i].Reframe = true
			}
		}
	}
	return out
}
