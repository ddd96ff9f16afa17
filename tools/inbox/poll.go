package inbox

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// The reading side of an adapter: comments under recent posts (Facebook,
// Instagram, LinkedIn) or mentions since an id (X).
type (
	postLister interface {
		RecentPosts(ctx context.Context, t platform.Target, since time.Time) ([]platform.RecentPost, error)
	}
	commentLister interface {
		ListComments(ctx context.Context, t platform.Target, postID string, since time.Time) ([]platform.Comment, error)
	}
	mentionReader interface {
		Mentions(ctx context.Context, t platform.Target, sinceID string) ([]platform.Comment, string, error)
	}
	// webhookInstaller asks the platform to deliver the account's webhooks
	// (a Facebook Page installs the app); done on the account's first poll.
	webhookInstaller interface {
		InstallWebhooks(ctx context.Context, t platform.Target) error
	}
	// readChecker says whether the account's engagement can be read at all
	// (a LinkedIn member profile's cannot: it takes a partner-only scope).
	readChecker interface {
		ReadsEngagement(t platform.Target) bool
	}
)

// Poll windows: comments are looked for under the posts of the last
// PostWindow, from the previous poll's start less Overlap (late arrivals;
// what is read twice is stored once).
// An account's first poll looks back FirstLookback only, so connecting an
// account does not flood the inbox with its history.
const (
	PostWindow    = 14 * 24 * time.Hour
	Overlap       = 2 * time.Minute
	FirstLookback = 24 * time.Hour
)

// PollReport sums up one poll of every account.
type PollReport struct {
	Accounts int `json:"accounts"`
	New      int `json:"new"`
	Failed   int `json:"failed"`
}

// Poll reads every connected account's new comments and mentions (the
// recurring job, run once per tick across replicas). One account's failure
// is logged and counted; the others go on.
func (s *Service) Poll(ctx context.Context) (PollReport, error) {
	var rep PollReport
	accts, err := s.cfg.Directory.Accounts(ctx)
	if err != nil {
		return rep, err
	}
	for _, a := range accts {
		n, err := s.PollAccount(ctx, a)
		if errors.Is(err, errNotReadable) {
			continue
		}
		rep.Accounts++
		rep.New += n
		if err != nil {
			rep.Failed++
			s.cfg.Log.Warn().Err(err).Str("workspace", a.WorkspaceID).Str("account", a.ID).Msg("inbox: poll")
		}
		if ctx.Err() != nil {
			return rep, ctx.Err()
		}
	}
	s.cfg.Log.Info().Int("accounts", rep.Accounts).Int("new", rep.New).Int("failed", rep.Failed).Msg("inbox: poll done")
	return rep, nil
}

var errNotReadable = errors.New("inbox: the platform's adapter reads no engagement")

// PollAccount reads one account's new items since its cursor, stores them
// and moves the cursor; it returns how many were new.
func (s *Service) PollAccount(ctx context.Context, a Account) (int, error) {
	ad := s.cfg.Adapters[a.Platform]
	mentions, isMentions := ad.(mentionReader)
	lister, isLister := ad.(commentLister)
	posts, hasPosts := ad.(postLister)
	if !isMentions && !(isLister && hasPosts) {
		return 0, errNotReadable
	}
	if rc, ok := ad.(readChecker); ok && !rc.ReadsEngagement(platform.Target{ExternalID: a.ExternalID}) {
		return 0, errNotReadable
	}
	sys := identity.Caller{WorkspaceID: a.WorkspaceID, UserID: "system", Role: identity.Admin, Door: identity.DoorSystem}
	t, err := s.cfg.Accounts.ValidToken(ctx, sys, a.ID)
	if err != nil {
		return 0, fmt.Errorf("inbox: poll %s: %w", a.ID, err)
	}
	cursor, err := s.cfg.Store.Cursor(ctx, a.WorkspaceID, a.ID)
	if err != nil {
		return 0, err
	}
	if in, ok := ad.(webhookInstaller); ok && cursor == "" {
		if err := in.InstallWebhooks(ctx, t); err != nil {
			s.cfg.Log.Warn().Err(err).Str("account", a.ID).Msg("inbox: webhooks not installed; polling only")
		}
	}
	var found []platform.Comment
	next := cursor
	texts := map[string]string{}
	start := s.now()
	if isMentions {
		if found, next, err = mentions.Mentions(ctx, t, cursor); err != nil {
			return 0, fmt.Errorf("inbox: poll %s: %w", a.ID, err)
		}
		if cursor == "" {
			found = slices.DeleteFunc(found, func(c platform.Comment) bool { return c.CreatedAt.Before(start.Add(-FirstLookback)) })
		}
	} else {
		since := start.Add(-FirstLookback)
		if prev, perr := time.Parse(time.RFC3339Nano, cursor); perr == nil && prev.After(start.Add(-PostWindow)) {
			since = prev.Add(-Overlap)
		}
		recent, err := posts.RecentPosts(ctx, t, start.Add(-PostWindow))
		if err != nil {
			return 0, fmt.Errorf("inbox: poll %s: %w", a.ID, err)
		}
		for _, p := range recent {
			cs, err := lister.ListComments(ctx, t, p.ID, since)
			if err != nil {
				return 0, fmt.Errorf("inbox: poll %s post %s: %w", a.ID, p.ID, err)
			}
			texts[p.ID] = p.Text
			found = append(found, cs...)
		}
		next = start.Format(time.RFC3339Nano)
	}
	items := make([]Item, len(found))
	for i, c := range found {
		items[i] = fromComment(a, c)
		if items[i].PostText == "" {
			items[i].PostText = texts[c.PostExternalID]
		}
	}
	fresh, err := s.Ingest(ctx, a.WorkspaceID, items)
	if err != nil {
		return 0, err
	}
	if next != cursor {
		if err := s.cfg.Store.SetCursor(ctx, a.WorkspaceID, a.ID, next); err != nil {
			return len(fresh), err
		}
	}
	return len(fresh), nil
}

// fromComment is a platform comment as an item of account a.
func fromComment(a Account, c platform.Comment) Item {
	name := c.AuthorName
	if name == "" {
		name = c.AuthorHandle
	}
	return Item{AccountID: a.ID, Platform: a.Platform, ExternalID: c.ExternalID, PostExternalID: c.PostExternalID,
		PostText: c.PostText, ParentExternalID: c.ParentExternalID, AuthorName: name, AuthorHandle: c.AuthorHandle,
		Text: c.Text, Permalink: c.Permalink, Kind: c.Kind, CreatedAt: c.CreatedAt}
}
