package settings

import (
	"context"
	"fmt"
	"time"
)

// Lookup returns workspaceID's settings for the system's own use (the
// approval gate, the scheduler, the Slack adapter), with no caller to
// check. It is served from memory for up to the cache TTL: Update in this
// process refreshes the copy at once, another replica's change is seen
// within the TTL (a short one: there is no cross-replica invalidation).
func (s *Service) Lookup(ctx context.Context, workspaceID string) (Settings, error) {
	e, err := s.entry(ctx, workspaceID)
	return e.s, err
}

// ApprovalPolicy is workspaceID's approval policy (cached like Lookup).
func (s *Service) ApprovalPolicy(ctx context.Context, workspaceID string) (Policy, error) {
	e, err := s.entry(ctx, workspaceID)
	return e.s.ApprovalPolicy, err
}

// Location is workspaceID's time zone (cached like Lookup); UTC by default.
func (s *Service) Location(ctx context.Context, workspaceID string) (*time.Location, error) {
	e, err := s.entry(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	return e.loc, nil
}

// ConversationRetention is how long workspaceID keeps the assistant's
// conversations (cached like Lookup).
func (s *Service) ConversationRetention(ctx context.Context, workspaceID string) (time.Duration, error) {
	e, err := s.entry(ctx, workspaceID)
	if err != nil {
		return 0, err
	}
	return time.Duration(e.s.ConversationRetentionDays) * 24 * time.Hour, nil
}

func (s *Service) entry(ctx context.Context, workspaceID string) (cached, error) {
	now := s.now()
	s.mu.Lock()
	e, ok := s.cache[workspaceID]
	s.mu.Unlock()
	if ok && now.Sub(e.read) < s.ttl && now.Sub(e.read) >= 0 {
		return e, nil
	}
	r, found, err := s.store.Get(ctx, workspaceID)
	if err != nil {
		return cached{}, fmt.Errorf("settings: lookup %s: %w", workspaceID, err)
	}
	return s.remember(settingsOf(workspaceID, r, found))
}

// remember caches st as read now and returns the entry.
func (s *Service) remember(st Settings) (cached, error) {
	loc, err := time.LoadLocation(st.TimeZone)
	if err != nil {
		// Only a value written around Update's validation can do this.
		return cached{}, fmt.Errorf("settings: workspace %s: time zone %q: %w", st.WorkspaceID, st.TimeZone, err)
	}
	e := cached{s: st, loc: loc, read: s.now()}
	s.mu.Lock()
	s.cache[st.WorkspaceID] = e
	s.mu.Unlock()
	return e, nil
}

// Digests lists the settings of every workspace whose weekly digest is on
// and has a channel to go to (the digest job's round), for the system's
// own use.
func (s *Service) Digests(ctx context.Context) ([]Settings, error) {
	rs, err := s.store.Digests(ctx)
	if err != nil {
		return nil, fmt.Errorf("settings: digests: %w", err)
	}
	out := make([]Settings, len(rs))
	for i, r := range rs {
		out[i] = settingsOf(r.WorkspaceID, r, true)
	}
	return out, nil
}
