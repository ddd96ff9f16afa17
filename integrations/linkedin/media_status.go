package linkedin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
)

// Defaults of Config.ProcessingPoll and Config.MaxProcessingWait.
const (
	defaultProcessingPoll    = 2 * time.Second
	defaultMaxProcessingWait = 5 * time.Minute
)

// What LinkedIn's processing takes (docs/reference/media-limits.md,
// LinkedIn), said when it fails an upload: its status answer names no cause.
const (
	imageLimits = "LinkedIn takes JPEG, PNG or GIF images under 36,152,320 pixels and up to 5 MB"
	videoLimits = "LinkedIn takes MP4 videos of 3 seconds to 30 minutes and 75 KB to 200 MB, framed from 1:2.4 to 2.4:1"
)

// awaitMedia polls an uploaded image or video (GET /rest/images/{urn},
// /rest/videos/{urn}) until LinkedIn has processed it: AVAILABLE is done,
// PROCESSING_FAILED is a permanent error naming LinkedIn's limits, and a
// video still processing after Config.MaxProcessingWait is transient. A
// token that may upload but not read media (member apps with only
// w_member_social, as some clients report) gets 403: then the post itself
// is left to say whether the media is usable.
// https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/videos-api
func (c *Client) awaitMedia(ctx context.Context, t platform.Target, op, urn string) error {
	path, what, limits := "/rest/images/", "the image", imageLimits
	if isVideo(urn) {
		path, what, limits = "/rest/videos/", "the video", videoLimits
	}
	deadline := c.now().Add(c.cfg.MaxProcessingWait)
	for {
		var st struct {
			Status string `json:"status"`
		}
		if _, err := c.call(ctx, op, http.MethodGet, path+escURN(urn), t.AccessToken, nil, &st, nil); err != nil {
			var pe *platform.Error
			if errors.As(err, &pe) && pe.Status == http.StatusForbidden {
				return nil
			}
			return err
		}
		switch st.Status {
		case "AVAILABLE":
			return nil
		case "PROCESSING_FAILED":
			return &platform.Error{Platform: platform.LinkedIn, Op: op, Kind: platform.KindPermanent, Code: st.Status,
				Message: fmt.Sprintf("LinkedIn could not process %s: %s", what, limits)}
		case "PROCESSING", "WAITING_UPLOAD":
		default:
			return platform.Malformed(platform.LinkedIn, op, http.StatusOK, fmt.Errorf("%s has unknown status %q", urn, st.Status))
		}
		if !c.now().Add(c.cfg.ProcessingPoll).Before(deadline) {
			return &platform.Error{Platform: platform.LinkedIn, Op: op, Kind: platform.KindTransient, Code: st.Status,
				Message: fmt.Sprintf("%s is still %s after %s", what, st.Status, c.cfg.MaxProcessingWait)}
		}
		timer := time.NewTimer(c.cfg.ProcessingPoll)
		select {
		case <-ctx.Done():
			timer.Stop()
			return fmt.Errorf("linkedin: %s: %w", op, ctx.Err())
		case <-timer.C:
		}
	}
}

func isVideo(urn string) bool { return strings.HasPrefix(urn, "urn:li:video:") }
