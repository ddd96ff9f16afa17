package slack

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/marketingminds/marketingminds/bot/present"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// userCache remembers who a Slack user is for ttl, so users.info is called
// once per user (and once even when several events arrive together).
type userCache struct {
	ttl time.Duration
	now func() time.Time

	mu sync.Mutex
	m  map[string]*cachedUser
}

type cachedUser struct {
	ready chan struct{}
	user  identity.User
	err   error
	until time.Time
}

func newUserCache(ttl time.Duration, now func() time.Time) *userCache {
	return &userCache{ttl: ttl, now: now, m: map[string]*cachedUser{}}
}

// get returns the user under key, loading it with load once.
func (c *userCache) get(key string, load func() (identity.User, error)) (identity.User, error) {
	c.mu.Lock()
	e := c.m[key]
	if e != nil {
		select {
		case <-e.ready:
			if e.err != nil || c.now().After(e.until) {
				e = nil
			}
		default: // another goroutine is loading it
		}
	}
	if e == nil {
		e = &cachedUser{ready: make(chan struct{})}
		c.m[key] = e
		c.mu.Unlock()
		e.user, e.err = load()
		e.until = c.now().Add(c.ttl)
		close(e.ready)
		return e.user, e.err
	}
	c.mu.Unlock()
	<-e.ready
	return e.user, e.err
}

// caller is the identity of Slack user userID of team: read once through
// users.info (display name, time zone; workspace admins and owners are
// admins, others get the default role) and kept in tools/identity, whose
// stored role wins.
func (b *Bot) caller(ctx context.Context, api *slack.Client, teamID, userID string, door identity.Door) (identity.Caller, error) {
	u, err := b.user(ctx, api, teamID, userID)
	if err != nil {
		return identity.Caller{}, err
	}
	return identity.Caller{WorkspaceID: teamID, UserID: userID, Role: u.Role, Door: door}, nil
}

// env is how results read for c: in their time zone, now.
func (b *Bot) env(ctx context.Context, api *slack.Client, c identity.Caller) present.Env {
	e := present.Env{Loc: time.UTC, Now: b.now(), PublicURL: b.cfg.PublicURL}
	if u, err := b.user(ctx, api, c.WorkspaceID, c.UserID); err == nil {
		e.Loc = u.Location()
	}
	return e
}

// user is Slack user userID of team, through the cache.
func (b *Bot) user(ctx context.Context, api *slack.Client, teamID, userID string) (identity.User, error) {
	return b.users.get(teamID+"/"+userID, func() (identity.User, error) {
		var info *slack.User
		err := b.call(ctx, "users.info", false, func() error {
			var err error
			info, err = api.GetUserInfoContext(ctx, userID)
			return err
		})
		if err != nil {
			return identity.User{}, fmt.Errorf("slack: users.info %s: %w", userID, err)
		}
		if info.IsBot {
			return identity.User{}, fmt.Errorf("slack: %s is a bot", userID)
		}
		role := b.defaultRole(ctx, teamID)
		if info.IsAdmin || info.IsOwner || info.IsPrimaryOwner {
			role = identity.Admin
		}
		name := info.Profile.DisplayName
		if name == "" {
			name = info.RealName
		}
		if name == "" {
			name = info.Name
		}
		return b.d.Users.EnsureUser(ctx, identity.User{WorkspaceID: teamID, ID: userID, DisplayName: name, TimeZone: info.TZ, Role: role})
	})
}
