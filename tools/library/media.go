package library

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/media"
)

// MediaLibrary is tools/media as the library sees it (*media.Service): the
// media_ids of an item checked in the caller's workspace, and the item
// recorded as their user ("library:<id>") so the weekly cleanup keeps them
// while the item does, and frees them when it goes.
type MediaLibrary interface {
	Resolve(ctx context.Context, c identity.Caller, ids []string) ([]media.Media, error)
	Use(ctx context.Context, c identity.Caller, ids []string, user string) ([]media.Media, error)
	Release(ctx context.Context, workspaceID, user string) error
	ReleaseExcept(ctx context.Context, workspaceID, user string, keep []string) error
}

// maxMediaIDs is how many uploaded media an item carries: Instagram's
// carousel of 10 (publish.Limits.InstagramCarousel), the platform that
// needs media most; X takes 4 of them, LinkedIn 20.
const maxMediaIDs = 10

// mediaUser is how an item is named in its media's UsedBy.
func mediaUser(id string) string { return "library:" + id }

// resolveMedia checks it.MediaIDs (trimmed in place) in the caller's
// workspace and counts its videos into it.MediaVideos. Every id that is
// not the workspace's is a problem naming its position (media_ids[1]),
// never the id; a repeated id is one too.
func (s *Service) resolveMedia(ctx context.Context, c identity.Caller, it *Item) ([]Problem, error) {
	it.MediaVideos = 0
	if len(it.MediaIDs) == 0 {
		return nil, nil
	}
	if s.media == nil {
		return []Problem{{Field: "media_ids", Message: "media_ids: uploaded media cannot be attached here; give media_urls instead"}}, nil
	}
	var out []Problem
	seen := map[string]int{}
	for i, id := range it.MediaIDs {
		id = strings.TrimSpace(id)
		it.MediaIDs[i] = id
		bad := func(format string, args ...any) {
			out = append(out, Problem{Field: "media_ids", Message: fmt.Sprintf("media_ids[%d]: ", i) + fmt.Sprintf(format, args...)})
		}
		if first, ok := seen[id]; ok {
			bad("the same media as media_ids[%d]", first)
			continue
		}
		seen[id] = i
		if id == "" {
			bad("is empty")
			continue
		}
		ms, err := s.media.Resolve(ctx, c, []string{id})
		if errors.Is(err, media.ErrInvalid) {
			bad("no such media in this workspace")
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("library: read media: %w", err)
		}
		if strings.HasPrefix(ms[0].ContentType, "video/") {
			it.MediaVideos++
		}
	}
	return out, nil
}

// mediaCounts lists what is wrong with how many media it carries, in the
// words of tools/publish's checks.
func mediaCounts(it Item) []Problem {
	var out []Problem
	if n := len(it.MediaIDs); n > maxMediaIDs {
		out = append(out, Problem{Field: "media_ids", Message: fmt.Sprintf("media_ids: at most %d uploaded media per item, this one has %d", maxMediaIDs, n)})
	}
	if it.MediaVideos > 1 {
		out = append(out, Problem{Field: "media_ids", Message: fmt.Sprintf("media_ids: an item carries one video at most, this one has %d", it.MediaVideos)})
	}
	return out
}

// useMedia records that item id uses ids.
func (s *Service) useMedia(ctx context.Context, c identity.Caller, id string, ids []string) error {
	if s.media == nil || len(ids) == 0 {
		return nil
	}
	if _, err := s.media.Use(ctx, c, ids, mediaUser(id)); err != nil {
		return fmt.Errorf("library: record the media of %s: %w", id, err)
	}
	return nil
}

// settleMedia makes the media used by item id exactly those the stored item
// holds, after a patch of its media. Patches run at once each write their
// item and then record its media, in any order: each one here records what
// it reads as stored, then reads again, and goes on until what it recorded
// is still what is stored. Whatever the others recorded in between, the
// last to finish thus leaves the last item's media. Each further round
// answers a patch written during the one before, so it ends when the
// patches do (or the caller's context).
func (s *Service) settleMedia(ctx context.Context, c identity.Caller, kind Kind, id string) error {
	if s.media == nil {
		return nil
	}
	it, err := s.store.Get(ctx, c.WorkspaceID, kind, id)
	for {
		var keep []string // a deleted item keeps none
		if err == nil {
			keep = it.MediaIDs
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		if err := s.useMedia(ctx, c, id, keep); err != nil {
			return err
		}
		if err := s.media.ReleaseExcept(ctx, c.WorkspaceID, mediaUser(id), keep); err != nil {
			return fmt.Errorf("library: release the media %s no longer has: %w", id, err)
		}
		wasGone := err != nil
		it, err = s.store.Get(ctx, c.WorkspaceID, kind, id)
		if wasGone && errors.Is(err, ErrNotFound) || !wasGone && err == nil && slices.Equal(it.MediaIDs, keep) {
			return nil
		}
	}
}

// releaseMedia records that item id uses no media any more.
func (s *Service) releaseMedia(ctx context.Context, workspaceID, id string) error {
	if s.media == nil {
		return nil
	}
	if err := s.media.Release(ctx, workspaceID, mediaUser(id)); err != nil {
		return fmt.Errorf("library: release the media of %s: %w", id, err)
	}
	return nil
}
