package inbox

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/twitter"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// Accounts is tools/accounts as the inbox needs it (*accounts.Service).
type Accounts interface {
	Get(ctx context.Context, c identity.Caller, id string) (accounts.Account, error)
	ValidToken(ctx context.Context, c identity.Caller, id string) (platform.Target, error)
}

// The engagement side of an adapter (integrations/<platform>.Client); a
// platform offers what its client implements.
type (
	replier interface {
		ReplyToComment(ctx context.Context, t platform.Target, ref platform.CommentRef, text string) (string, error)
	}
	liker interface {
		LikeComment(ctx context.Context, t platform.Target, ref platform.CommentRef) error
	}
	hider interface {
		HideComment(ctx context.Context, t platform.Target, ref platform.CommentRef) error
	}
)

// Published lists a workspace's published deliveries (*publish.Service).
type Published interface {
	PublishedSince(ctx context.Context, workspaceID string, since time.Time) ([]publish.PublishedDelivery, error)
}

// Config builds a Service.
type Config struct {
	Store    Store
	Accounts Accounts
	// Adapters are the platforms' clients; each acts as far as it
	// implements the engagement methods.
	Adapters map[platform.Name]any
	// Directory lists every workspace's accounts, for the poll.
	Directory Directory
	Log       zerolog.Logger
	Now       func() time.Time // nil: time.Now
	// Published, when set, names our post an item is on (tools/publish's
	// deliveries of the last PostWindow).
	Published Published
	// MetaAppSecret signs Meta's webhooks; MetaVerifyToken answers their
	// subscription handshake. Empty: the webhook is refused.
	MetaAppSecret, MetaVerifyToken string
	// OnNew, when set, is called after an ingest stored new items (the
	// Slack door posts them at once instead of at its next look).
	OnNew func()
	// OnChanged, when set, is called with an item a person answered,
	// liked, hid or closed, from whichever door (the Slack door updates the
	// item's message). It must not block.
	OnChanged func(it Item)
}

// Service is the inbox capability.
type Service struct {
	cfg Config
	now func() time.Time
}

// New returns the service.
func New(cfg Config) *Service {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Service{cfg: cfg, now: func() time.Time { return now().UTC().Truncate(time.Millisecond) }}
}

// DefaultLimit and MaxLimit bound a page of List.
const (
	DefaultLimit = 50
	MaxLimit     = 200
)

// List returns a page of the caller's workspace's items, newest first; any role.
func (s *Service) List(ctx context.Context, c identity.Caller, f Filter) (Page, error) {
	if err := c.Require(identity.Viewer); err != nil {
		return Page{}, err
	}
	switch f.State {
	case "", StateNew, StateAnswered, StateHidden, StateDone:
	default:
		return Page{}, fmt.Errorf("%w: state is one of new, answered, hidden, done", ErrInvalid)
	}
	after, err := store.ParseCursor(f.Cursor)
	if err != nil {
		return Page{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	limit := f.Limit
	switch {
	case limit <= 0:
		limit = DefaultLimit
	case limit > MaxLimit:
		limit = MaxLimit
	}
	items, err := s.cfg.Store.List(ctx, c.WorkspaceID, f, after, limit+1)
	if err != nil {
		return Page{}, err
	}
	p := Page{Items: items}
	if len(items) > limit {
		p.Items = items[:limit]
		last := p.Items[limit-1]
		p.NextCursor = store.Cursor{CreatedAt: last.ReceivedAt, ID: last.ID}.String()
	}
	return p, nil
}

// Get returns one of the caller's workspace's items; any role.
func (s *Service) Get(ctx context.Context, c identity.Caller, id string) (Item, error) {
	if err := c.Require(identity.Viewer); err != nil {
		return Item{}, err
	}
	return s.cfg.Store.Get(ctx, c.WorkspaceID, id)
}

// replyKey makes the same reply by the same person to the same item one
// reply, however often it is retried.
func replyKey(id, by, text string) string {
	h := sha256.Sum256([]byte(id + "\x00" + by + "\x00" + text))
	return hex.EncodeToString(h[:12])
}

// Reply sends text as the account's answer to the item; editors may. The
// same text sent again by the same person is not sent twice.
func (s *Service) Reply(ctx context.Context, c identity.Caller, id, text string) (Item, error) {
	if err := c.Require(identity.Editor); err != nil {
		return Item{}, err
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return Item{}, fmt.Errorf("%w: write the reply's text", ErrInvalid)
	}
	it, err := s.cfg.Store.Get(ctx, c.WorkspaceID, id)
	if err != nil {
		return Item{}, err
	}
	r, ok := s.cfg.Adapters[it.Platform].(replier)
	if !ok {
		return Item{}, fmt.Errorf("%w: %s does not let apps answer here", ErrInvalid, it.Platform.Label())
	}
	if n := twitter.WeightedLength(text); it.Platform == platform.Twitter && n > twitter.MaxWeightedLength {
		return Item{}, fmt.Errorf("%w: an answer on X has at most %d characters; this one counts %d", ErrInvalid, twitter.MaxWeightedLength, n)
	}
	key := replyKey(id, c.UserID, text)
	it, began, err := s.cfg.Store.BeginReply(ctx, c.WorkspaceID, id, Reply{Text: text, By: c.UserID, At: s.now(), Key: key})
	if err != nil {
		return Item{}, err
	}
	if !began {
		for _, rep := range it.Replies {
			if rep.Key == key && rep.ExternalID != "" {
				return it, nil
			}
		}
		return Item{}, ErrBusy
	}
	t, ref, err := s.target(ctx, c, it)
	var extID string
	if err == nil {
		extID, err = r.ReplyToComment(ctx, t, ref, text)
	}
	if err != nil {
		// Recorded even when the caller went away: a pending reply blocks its retries.
		if derr := s.cfg.Store.DropReply(context.WithoutCancel(ctx), c.WorkspaceID, id, key); derr != nil {
			s.cfg.Log.Error().Err(derr).Str("item", id).Msg("inbox: a failed reply stays pending")
		}
		return Item{}, fmt.Errorf("inbox: reply to %s: %w", id, err)
	}
	return s.changed(s.cfg.Store.EndReply(context.WithoutCancel(ctx), c.WorkspaceID, id, key, extID, s.now()))
}

// Like likes the item as the account; editors may, where the platform allows.
func (s *Service) Like(ctx context.Context, c identity.Caller, id string) (Item, error) {
	return s.act(ctx, c, id, "like", "", func(a any) actFunc {
		if l, ok := a.(liker); ok {
			return l.LikeComment
		}
		return nil
	})
}

// Hide hides the item on the platform; editors may, where the platform allows.
func (s *Service) Hide(ctx context.Context, c identity.Caller, id string) (Item, error) {
	return s.act(ctx, c, id, "hide", StateHidden, func(a any) actFunc {
		if h, ok := a.(hider); ok {
			return h.HideComment
		}
		return nil
	})
}

// Done closes the item without an answer; editors may.
func (s *Service) Done(ctx context.Context, c identity.Caller, id string) (Item, error) {
	if err := c.Require(identity.Editor); err != nil {
		return Item{}, err
	}
	return s.changed(s.cfg.Store.SetState(ctx, c.WorkspaceID, id, StateDone, c.UserID))
}

// actFunc is one platform action on a comment.
type actFunc func(context.Context, platform.Target, platform.CommentRef) error

// act does the action pick finds on the item's adapter (nil: the platform
// does not offer it), then sets the item's state (its own when state is "").
func (s *Service) act(ctx context.Context, c identity.Caller, id, what, state string, pick func(any) actFunc) (Item, error) {
	if err := c.Require(identity.Editor); err != nil {
		return Item{}, err
	}
	it, err := s.cfg.Store.Get(ctx, c.WorkspaceID, id)
	if err != nil {
		return Item{}, err
	}
	do := pick(s.cfg.Adapters[it.Platform])
	if do == nil {
		return Item{}, fmt.Errorf("%w: %s does not let apps %s this", ErrInvalid, it.Platform.Label(), what)
	}
	t, ref, err := s.target(ctx, c, it)
	if err == nil {
		err = do(ctx, t, ref)
	}
	if err != nil {
		return Item{}, fmt.Errorf("inbox: %s %s: %w", what, id, err)
	}
	if state == "" {
		state = it.State
	}
	return s.changed(s.cfg.Store.SetState(ctx, c.WorkspaceID, id, state, c.UserID))
}

// target is the account acting on the item and the item as its platform names it.
func (s *Service) target(ctx context.Context, c identity.Caller, it Item) (platform.Target, platform.CommentRef, error) {
	sys := identity.Caller{WorkspaceID: c.WorkspaceID, UserID: c.UserID, Role: identity.Admin, Door: identity.DoorSystem}
	acc, err := s.cfg.Accounts.Get(ctx, sys, it.AccountID)
	if errors.Is(err, accounts.ErrNotFound) {
		return platform.Target{}, platform.CommentRef{}, fmt.Errorf("%w: the account of this item is no longer connected", ErrInvalid)
	}
	if err != nil {
		return platform.Target{}, platform.CommentRef{}, err
	}
	t, err := s.cfg.Accounts.ValidToken(ctx, sys, it.AccountID)
	if err != nil {
		return platform.Target{}, platform.CommentRef{}, err
	}
	return t, platform.CommentRef{ExternalID: it.ExternalID, PostExternalID: it.PostExternalID, ParentExternalID: it.ParentExternalID,
		Kind: it.Kind, AccountExternalID: acc.ExternalID}, nil
}

// Ingest stores the items of workspaceID not seen before (same platform
// and external id) and returns those; webhook and poll both deliver.
func (s *Service) Ingest(ctx context.Context, workspaceID string, items []Item) ([]Item, error) {
	if len(items) == 0 {
		return nil, nil
	}
	now := s.now()
	fresh := make([]Item, 0, len(items))
	seen := make(map[string]bool, len(items))
	for _, it := range items {
		it.WorkspaceID = workspaceID
		it.ID = ItemID(workspaceID, it.Platform, it.ExternalID)
		if it.ExternalID == "" || seen[it.ID] {
			continue
		}
		seen[it.ID] = true
		if it.State == "" {
			it.State = StateNew
		}
		if it.Kind == "" {
			it.Kind = KindComment
		}
		if it.Replies == nil {
			it.Replies = []Reply{}
		}
		it.ReceivedAt = now
		it.CreatedAt = store.Trunc(it.CreatedAt.UTC())
		fresh = append(fresh, it)
	}
	if err := s.linkPosts(ctx, workspaceID, fresh); err != nil {
		return nil, err
	}
	out, err := s.cfg.Store.Insert(ctx, fresh)
	if err != nil {
		return nil, fmt.Errorf("inbox: ingest: %w", err)
	}
	if len(out) > 0 && s.cfg.OnNew != nil {
		s.cfg.OnNew()
	}
	return out, nil
}

// linkPosts sets PostID on the items that are on one of our posts.
func (s *Service) linkPosts(ctx context.Context, workspaceID string, items []Item) error {
	if s.cfg.Published == nil {
		return nil
	}
	ds, err := s.cfg.Published.PublishedSince(ctx, workspaceID, s.now().Add(-PostWindow))
	if err != nil {
		return fmt.Errorf("inbox: our posts: %w", err)
	}
	ours := make(map[string]string, len(ds))
	for _, d := range ds {
		ours[d.AccountID+"\x00"+d.PlatformPostID] = d.PostID
	}
	for i, it := range items {
		if id, ok := ours[it.AccountID+"\x00"+it.PostExternalID]; ok && it.PostID == "" {
			items[i].PostID = id
		}
	}
	return nil
}

// ClaimUnannounced leases new items not yet posted to Slack to owner, so
// that each is posted once across replicas; MarkAnnounced ends the lease.
func (s *Service) ClaimUnannounced(ctx context.Context, owner string, lease time.Duration, limit int) ([]Item, error) {
	return s.cfg.Store.ClaimUnannounced(ctx, s.now(), owner, lease, limit)
}

// MarkAnnounced records where the Slack door posted the item.
func (s *Service) MarkAnnounced(ctx context.Context, workspaceID, id string, a Announce) error {
	return s.cfg.Store.MarkAnnounced(ctx, workspaceID, id, a)
}

// Unanswered counts the caller's workspace's new items; any role.
func (s *Service) Unanswered(ctx context.Context, c identity.Caller) (int, error) {
	if err := c.Require(identity.Viewer); err != nil {
		return 0, err
	}
	return s.cfg.Store.Count(ctx, c.WorkspaceID, StateNew)
}
