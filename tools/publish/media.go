package publish

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/marketingminds/marketingminds/integrations/safehttp"
)

// MediaHosts checks, when a post is made or its content edited, that a
// media URL's host resolves to addresses the media client may fetch from
// (*safehttp.Client: public ones, and in sandbox mode the sandbox's own).
// The same client checks every connection again when it fetches.
type MediaHosts interface {
	CheckHost(ctx context.Context, rawURL string) error
}

// checkMedia lists the media URLs of c whose host may not be fetched from,
// naming the field; URLs that are not well-formed are Validate's to report.
func (s *Service) checkMedia(ctx context.Context, c Content) []Problem {
	if s.cfg.MediaHosts == nil {
		return nil
	}
	var out []Problem
	check := func(field, what, raw string) {
		u, err := url.Parse(strings.TrimSpace(raw))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return
		}
		if msg := mediaHostProblem(s.cfg.MediaHosts.CheckHost(ctx, u.String())); msg != "" {
			out = append(out, Problem{Field: field, Message: what + " " + msg})
		}
	}
	for i, u := range c.ImageURLs {
		check("image_urls", fmt.Sprintf("image %d", i+1), u)
	}
	if c.VideoURL != "" {
		check("video_url", "the video", c.VideoURL)
	}
	return out
}

// mediaHostProblem says, in a marketer's words, why media cannot be
// fetched from a host, or "".
func mediaHostProblem(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, safehttp.ErrUnresolved):
		return "is on a host name that does not exist; check the link"
	case errors.Is(err, safehttp.ErrBlocked):
		return "is on a private or internal address that cannot be fetched; use a public link to the file"
	}
	return "is on a host that could not be looked up; check the link or try again shortly"
}
