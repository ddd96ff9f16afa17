package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/tools/analytics"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/settings"
)

// digestSpec is the weekly digest's tick: hourly, each workspace's digest
// goes out in its own Monday 09:xx.
const digestSpec = "0 * * * *"

// digestLease keeps a sent week's lock past the week: no second send.
const digestLease = 8 * 24 * time.Hour

// digester sends last week's Digest to each workspace that asked for one,
// once per workspace and week across replicas and restarts.
type digester struct {
	settings interface {
		Digests(ctx context.Context) ([]settings.Settings, error)
	}
	analytics interface {
		Digest(ctx context.Context, c identity.Caller) (analytics.Digest, error)
	}
	locks interface {
		Acquire(ctx context.Context, name, owner string, now time.Time, ttl time.Duration) (bool, error)
	}
	post func(ctx context.Context, workspaceID, channel string, loc *time.Location, d analytics.Digest) error
	now  func() time.Time
}

// digester is the weekly digest job of a; without a Slack door there is
// nowhere to send it.
func (a *app) digester() digester {
	d := digester{settings: a.settings, analytics: a.analytics, locks: a.db, now: time.Now}
	if bot := a.slack.Load(); bot != nil {
		d.post = func(ctx context.Context, ws, channel string, loc *time.Location, dg analytics.Digest) error {
			return bot.PostResult(ctx, ws, channel, loc, dg)
		}
	}
	return d
}

// run sends the digests due now; one workspace's failure does not stop
// the others.
func (d digester) run(ctx context.Context) error {
	if d.post == nil {
		return nil
	}
	log := zerolog.Ctx(ctx)
	all, err := d.settings.Digests(ctx)
	if err != nil {
		return fmt.Errorf("digest: %w", err)
	}
	now := d.now()
	sent := 0
	for _, s := range all {
		to := s.DigestTo()
		loc, err := time.LoadLocation(s.TimeZone)
		if to == "" || err != nil {
			continue
		}
		local := now.In(loc)
		if local.Weekday() != time.Monday || local.Hour() != 9 {
			continue
		}
		week := analytics.DigestWeek(now, loc)
		// A fresh owner: the lock is taken once, whoever asks again
		// (another replica, this one after a restart) is refused.
		ok, err := d.locks.Acquire(ctx, "digest:"+s.WorkspaceID+":"+week.From, rand.Text(), now, digestLease)
		if err != nil {
			log.Error().Err(err).Str("workspace", s.WorkspaceID).Msg("digest: lock")
			continue
		}
		if !ok {
			continue
		}
		c := identity.Caller{WorkspaceID: s.WorkspaceID, UserID: "system", Role: identity.Viewer, Door: identity.DoorSystem}
		dg, err := d.analytics.Digest(ctx, c)
		if err == nil {
			err = d.post(ctx, s.WorkspaceID, to, loc, dg)
		}
		if err != nil {
			log.Error().Err(err).Str("workspace", s.WorkspaceID).Msg("digest: not sent")
			continue
		}
		sent++
	}
	log.Info().Int("sent", sent).Msg("digest")
	return nil
}
