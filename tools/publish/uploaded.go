package publish

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/media"
)

// MediaLibrary is tools/media as publishing sees it (*media.Service):
// media_ids checked in the caller's workspace, their use recorded, and a
// signed URL for each at sending.
type MediaLibrary interface {
	Resolve(ctx context.Context, c identity.Caller, ids []string) ([]media.Media, error)
	Use(ctx context.Context, c identity.Caller, ids []string, user string) ([]media.Media, error)
	URL(workspaceID, id string, ttl time.Duration) string
}

// uploaded reads a post's media_ids into the refs its deliveries carry; an
// id that is not the workspace's is a validation problem naming its
// position, never the id.
func (s *Service) uploaded(ctx context.Context, c identity.Caller, ids []string) ([]platform.MediaRef, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	if s.cfg.Uploaded == nil {
		return nil, &ValidationError{Problems: []Problem{{Field: "media_ids", Message: "uploaded media cannot be posted here; give image_urls or video_url instead"}}}
	}
	ms, err := s.cfg.Uploaded.Resolve(ctx, c, ids)
	if errors.Is(err, media.ErrInvalid) {
		msg := strings.TrimPrefix(err.Error(), media.ErrInvalid.Error()+": ")
		return nil, &ValidationError{Problems: []Problem{{Field: "media_ids", Message: msg}}}
	}
	if err != nil {
		return nil, wrapf(err, "read media")
	}
	refs := make([]platform.MediaRef, len(ms))
	for i, m := range ms {
		refs[i] = platform.MediaRef{ID: m.ID, ContentType: m.ContentType, Alt: m.Alt}
	}
	return refs, nil
}

// useMedia records that post p uses its media (they are then kept by the
// cleanup and not deleted while p waits).
func (s *Service) useMedia(ctx context.Context, c identity.Caller, p Post) error {
	if len(p.Content.MediaIDs) == 0 || s.cfg.Uploaded == nil {
		return nil
	}
	if _, err := s.cfg.Uploaded.Use(ctx, c, p.Content.MediaIDs, "post:"+p.ID); err != nil {
		return wrapf(err, "record the media of post %s", p.ID)
	}
	return nil
}

// withURLs gives b's uploaded media their signed URLs (fresh: a scheduled
// post's are made when it is sent) after its linked ones, and their alt text.
func (s *Service) withURLs(workspaceID string, b platform.Post) platform.Post {
	if len(b.Media) == 0 || s.cfg.Uploaded == nil {
		return b
	}
	b.ImageURLs = append([]string(nil), b.ImageURLs...)
	b.Alt = map[string]string{}
	for _, m := range b.Media {
		u := s.cfg.Uploaded.URL(workspaceID, m.ID, media.DefaultTTL)
		if m.IsVideo() {
			b.VideoURL = u
		} else {
			b.ImageURLs = append(b.ImageURLs, u)
		}
		if m.Alt != "" {
			b.Alt[u] = m.Alt
		}
	}
	return b
}
