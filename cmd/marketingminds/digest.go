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

// digestTry is the lock's lease while a digest is being sent: should the
// process die sending, the lock is free again by the next hourly tick.
const digestTry = 45 * time.Minute

// digestTries is how many hourly ticks of a workspace's Monday morning may
// send its digest: 09:xx and, after failures, the two hours after.
const digestTries = 3

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
		Release(ctx context.Context, name, owner string) error
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
		if local.Weekday() != time.Monday || local.Hour() < 9 || local.Hour() >= 9+digestTries {
			continue
		}
		if d.send(ctx, s.WorkspaceID, to, loc, now) {
			sent++
		}
	}
	log.Info().Int("sent", sent).Msg("digest")
	return nil
}

// send sends a workspace's digest of last week unless it went out already
// (or another replica is sending it). A failed send gives the week's lock
// back, so the next hourly tick of the Monday morning tries again; a sent
// one keeps it past the week.
func (d digester) send(ctx context.Context, workspaceID, to string, loc *time.Location, now time.Time) bool {
	log := zerolog.Ctx(ctx).With().Str("workspace", workspaceID).Logger()
	week := analytics.DigestWeek(now, loc)
	// A fresh owner: the lock is taken once, whoever asks again (another
	// replica, this one after a restart) is refused while it is held.
	name, owner := "digest:"+workspaceID+":"+week.From, rand.Text()
	ok, err := d.locks.Acquire(ctx, name, owner, now, digestTry)
	if err != nil {
		log.Error().Err(err).Msg("digest: lock")
		return false
	}
	if !ok {
		return false
	}
	c := identity.Caller{WorkspaceID: workspaceID, UserID: "system", Role: identity.Viewer, Door: identity.DoorSystem}
	dg, err := d.analytics.Digest(ctx, c)
	if err == nil {
		err = d.post(ctx, workspaceID, to, loc, dg)
	}
	if err != nil {
		log.Error().Err(err).Msg("digest: not sent; the next hourly tick of the morning tries again")
		if err := d.locks.Release(ctx, name, owner); err != nil {
			log.Error().Err(err).Msg("digest: release the lock")
		}
		return false
	}
	if _, err := d.locks.Acquire(ctx, name, owner, now, digestLease); err != nil {
		log.Error().Err(err).Msg("digest: sent, but its lock was not kept for the week")
	}
	return true
}
