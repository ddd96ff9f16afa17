package analytics

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// SkipReason says why figures were not fetched.
type SkipReason string

// The reasons.
const (
	// SkipNeedsReauth: the account must be connected again.
	SkipNeedsReauth SkipReason = "needs_reauth"
	// SkipNotConnected: the posts' account is disconnected or gone.
	SkipNotConnected SkipReason = "not_connected"
	// SkipRateLimited: the platform rate-limited this account; the rest
	// of its figures wait for the next run.
	SkipRateLimited SkipReason = "rate_limited"
	// SkipPlatformRateLimited: another account hit the platform's
	// app-wide quota earlier in the run (Config.PlatformWide).
	SkipPlatformRateLimited SkipReason = "platform_rate_limited"
	// SkipTokenRejected: the platform refused the account's token.
	SkipTokenRejected SkipReason = "token_rejected"
	// SkipNotPermitted: the platform refused the app the account's post
	// figures (HTTP 403: a permission the app was not granted, such as
	// LinkedIn's r_member_social); every post of the account would fail
	// the same way, so the rest are not asked for.
	SkipNotPermitted SkipReason = "not_permitted"
	// SkipNoAdapter: no adapter is configured for the platform.
	SkipNoAdapter SkipReason = "no_adapter"
)

// Skip is an account whose figures (the rest of them, from where it
// stopped) were not fetched in a run.
type Skip struct {
	WorkspaceID string        `json:"workspace_id"`
	AccountID   string        `json:"account_id"`
	Platform    platform.Name `json:"platform"`
	Reason      SkipReason    `json:"reason"`
	Detail      string        `json:"detail,omitempty"`
	// Posts is how many of the account's posts were not synced.
	Posts int `json:"posts"`
}

// Failure is one thing that went wrong; the run went on.
type Failure struct {
	WorkspaceID string        `json:"workspace_id"`
	AccountID   string        `json:"account_id,omitempty"`
	Platform    platform.Name `json:"platform,omitempty"`
	// PostID and DeliveryID are set for a post's figures.
	PostID     string `json:"post_id,omitempty"`
	DeliveryID string `json:"delivery_id,omitempty"`
	Error      string `json:"error"`
}

// Report is what a sync did.
type Report struct {
	// Day is the day the records were written under: the workspace's for
	// a sync of one workspace, UTC's for the daily run of all of them.
	Day            string `json:"day"`
	PostsSynced    int    `json:"posts_synced"`
	AccountsSynced int    `json:"accounts_synced"`
	// EmailsSynced counts the e-mail campaign reports read, LeadDays the
	// (day, source) lead counts written.
	EmailsSynced int           `json:"emails_synced"`
	LeadDays     int           `json:"lead_days"`
	Skipped      []Skip        `json:"skipped"`
	Errors       []Failure     `json:"errors"`
	Took         time.Duration `json:"-"`
	TookMS       int64         `json:"took_ms"`
}

// unit is one account's work in a run: its own figures, then its posts'.
type unit struct {
	acct  Account
	posts []publish.PublishedDelivery
}

type unitKey struct{ workspace, account string }

// scope narrows a run to one workspace, and within it to one account.
type scope struct{ workspace, account string }

// run is one Sync's shared state.
type run struct {
	s    *Service
	now  time.Time
	sem  map[platform.Name]chan struct{}
	locs map[string]*time.Location // workspace → time zone

	mu      sync.Mutex
	stopped map[platform.Name]string   // platform → why it stopped for this run
	touched map[string]map[string]bool // workspace → published days whose rollups changed
	rep     Report
}

// day and hour of the run in the workspace's time zone.
func (r *run) dayHour(workspaceID string) (string, int) {
	t := r.now.In(r.locs[workspaceID])
	return t.Format(DayFormat), t.Hour()
}

func (r *run) touch(workspaceID string, days ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.touched[workspaceID] == nil {
		r.touched[workspaceID] = map[string]bool{}
	}
	for _, d := range days {
		r.touched[workspaceID][d] = true
	}
}

// Sync fetches today's (UTC) figures of every account of every workspace
// and of every post published through us in the last Window, through the
// platform adapters, and upserts them into analytics_data: a second run the
// same day overwrites that day's records. Accounts run concurrently
// (Concurrency), calls to one platform are bounded (PerPlatform). A rate
// limit stops the account (the platform, for PlatformWide ones) for this run
// and is reported, never retried here; an account that must be reconnected
// is skipped and reported; any other failure is reported and the run goes
// on. E-mail campaign reports and lead counts come from Zoho for every
// workspace that connected it (zoho.go). Each workspace's rollups of the
// days whose figures changed are rebuilt at the end. The error is only for
// a run that could not start (the account list is unreadable) or was
// cancelled.
func (s *Service) Sync(ctx context.Context) (Report, error) { return s.sync(ctx, scope{}) }

// SyncNow runs the sync for the caller's workspace (only accountID's
// figures when it is not ""); editor or admin. An account id of another
// workspace is ErrNotFound.
func (s *Service) SyncNow(ctx context.Context, c identity.Caller, accountID string) (Report, error) {
	if err := c.Require(identity.Editor); err != nil {
		return Report{}, err
	}
	if accountID != "" {
		if _, err := s.cfg.Accounts.Get(ctx, c, accountID); err != nil {
			if errors.Is(err, accounts.ErrNotFound) {
				return Report{}, fmt.Errorf("%w: account %s", ErrNotFound, accountID)
			}
			return Report{}, fmt.Errorf("analytics: sync: %w", err)
		}
	}
	return s.sync(ctx, scope{workspace: c.WorkspaceID, account: accountID})
}

func (s *Service) sync(ctx context.Context, sc scope) (Report, error) {
	start := s.now()
	now := start.UTC()
	r := &run{s: s, now: now, sem: map[platform.Name]chan struct{}{}, stopped: map[platform.Name]string{},
		locs: map[string]*time.Location{}, touched: map[string]map[string]bool{}}
	r.rep.Day = Day(now)

	accts, err := s.cfg.Directory.Accounts(ctx)
	if err != nil {
		return r.rep, err
	}
	if sc.workspace != "" {
		accts = slices.DeleteFunc(accts, func(a Account) bool {
			return a.WorkspaceID != sc.workspace || (sc.account != "" && a.ID != sc.account)
		})
	}
	units := map[unitKey]*unit{}
	var order []*unit
	var workspaces []string
	if sc.workspace != "" {
		workspaces = append(workspaces, sc.workspace)
	}
	for _, a := range accts {
		k := unitKey{a.WorkspaceID, a.ID}
		if units[k] != nil {
			continue
		}
		u := &unit{acct: a}
		units[k] = u
		order = append(order, u)
		if !slices.Contains(workspaces, a.WorkspaceID) {
			workspaces = append(workspaces, a.WorkspaceID)
		}
		if r.sem[a.Platform] == nil {
			r.sem[a.Platform] = make(chan struct{}, s.cfg.PerPlatform)
		}
	}
	var zohoWS []string
	if sc.workspace == "" {
		if zohoWS, err = s.cfg.Directory.ZohoWorkspaces(ctx); err != nil {
			return r.rep, err
		}
		for _, ws := range zohoWS {
			if !slices.Contains(workspaces, ws) {
				workspaces = append(workspaces, ws)
			}
		}
	} else if sc.account == "" {
		zohoWS = workspaces
	}
	for _, ws := range workspaces {
		loc, err := s.location(ctx, ws)
		if err != nil {
			r.rep.Errors = append(r.rep.Errors, Failure{WorkspaceID: ws, Error: err.Error() + " (days written in UTC)"})
			loc = time.UTC
		}
		r.locs[ws] = loc
	}
	if sc.workspace != "" {
		r.rep.Day, _ = r.dayHour(sc.workspace)
	}
	since := now.Add(-s.cfg.Window)
	for _, ws := range workspaces {
		ds, err := s.cfg.Deliveries.PublishedSince(ctx, ws, since)
		if err != nil {
			if ctx.Err() != nil {
				return r.finish(start), ctx.Err()
			}
			r.rep.Errors = append(r.rep.Errors, Failure{WorkspaceID: ws, Error: "list published posts: " + err.Error()})
			continue
		}
		for _, d := range ds {
			if sc.account != "" && d.AccountID != sc.account {
				continue
			}
			if u := units[unitKey{ws, d.AccountID}]; u != nil {
				u.posts = append(u.posts, d)
				continue
			}
			// The account record is gone: its posts cannot be read.
			u := &unit{acct: Account{WorkspaceID: ws, ID: d.AccountID, Platform: d.Platform, Status: statusDisconnected}, posts: []publish.PublishedDelivery{d}}
			units[unitKey{ws, d.AccountID}] = u
			order = append(order, u)
		}
	}

	work := make(chan *unit)
	var wg sync.WaitGroup
	for range min(s.cfg.Concurrency, len(order)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := range work {
				r.sync(ctx, u)
			}
		}()
	}
feed:
	for _, u := range order {
		select {
		case work <- u:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	if s.cfg.Zoho != nil {
		for _, ws := range zohoWS {
			if ctx.Err() != nil {
				break
			}
			r.syncZoho(ctx, ws)
		}
	}
	r.refresh(ctx)
	rep := r.finish(start)
	if err := ctx.Err(); err != nil {
		return rep, fmt.Errorf("analytics: sync interrupted: %w", err)
	}
	return rep, nil
}

// refresh rebuilds the rollups of the days whose records were written,
// even when the run was cancelled (the records are there).
func (r *run) refresh(ctx context.Context) {
	wctx := context.WithoutCancel(ctx)
	for _, ws := range slices.Sorted(maps.Keys(r.touched)) {
		days := slices.Collect(maps.Keys(r.touched[ws]))
		if err := r.s.refreshRollups(wctx, ws, days); err != nil {
			r.rep.Errors = append(r.rep.Errors, Failure{WorkspaceID: ws, Error: err.Error()})
		}
	}
}

// finish orders the report, logs its one summary line and returns it.
func (r *run) finish(start time.Time) Report {
	rep := r.rep
	rep.Took = r.s.now().Sub(start)
	rep.TookMS = rep.Took.Milliseconds()
	if rep.Skipped == nil {
		rep.Skipped = []Skip{}
	}
	if rep.Errors == nil {
		rep.Errors = []Failure{}
	}
	slices.SortFunc(rep.Skipped, func(a, b Skip) int {
		return cmp.Or(cmp.Compare(a.WorkspaceID, b.WorkspaceID), cmp.Compare(a.Platform, b.Platform), cmp.Compare(a.AccountID, b.AccountID))
	})
	slices.SortFunc(rep.Errors, func(a, b Failure) int {
		return cmp.Or(cmp.Compare(a.WorkspaceID, b.WorkspaceID), cmp.Compare(a.Platform, b.Platform), cmp.Compare(a.AccountID, b.AccountID),
			cmp.Compare(a.DeliveryID, b.DeliveryID))
	})
	ev := r.s.log.Info()
	if len(rep.Errors) > 0 {
		ev = r.s.log.Warn().Str("first_error", rep.Errors[0].Error)
	}
	reasons := map[string]int{}
	for _, sk := range rep.Skipped {
		reasons[string(sk.Reason)]++
	}
	ev.Str("day", rep.Day).Int("posts_synced", rep.PostsSynced).Int("accounts_synced", rep.AccountsSynced).
		Int("skipped", len(rep.Skipped)).Interface("skipped_by_reason", reasons).Int("errors", len(rep.Errors)).
		Dur("took", rep.Took).Msg("analytics: sync done")
	return rep
}

func (r *run) skip(u *unit, reason SkipReason, detail string, posts int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rep.Skipped = append(r.rep.Skipped, Skip{WorkspaceID: u.acct.WorkspaceID, AccountID: u.acct.ID, Platform: u.acct.Platform,
		Reason: reason, Detail: detail, Posts: posts})
}

func (r *run) fail(u *unit, d *publish.PublishedDelivery, msg string) {
	f := Failure{WorkspaceID: u.acct.WorkspaceID, AccountID: u.acct.ID, Platform: u.acct.Platform, Error: msg}
	if d != nil {
		f.PostID, f.DeliveryID = d.PostID, d.DeliveryID
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rep.Errors = append(r.rep.Errors, f)
}

// stoppedFor says why the platform stopped for this run ("" when it did not).
func (r *run) stoppedFor(p platform.Name) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stopped[p]
}

func (r *run) stop(p platform.Name, why string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped[p] == "" {
		r.stopped[p] = why
	}
}

// call runs one platform call within the platform's concurrency bound and
// the call timeout.
func (r *run) call(ctx context.Context, p platform.Name, fn func(ctx context.Context) (platform.Metrics, error)) (platform.Metrics, error) {
	select {
	case r.sem[p] <- struct{}{}:
	case <-ctx.Done():
		return platform.Metrics{}, ctx.Err()
	}
	defer func() { <-r.sem[p] }()
	cctx, cancel := context.WithTimeout(ctx, r.s.cfg.CallTimeout)
	defer cancel()
	return fn(cctx)
}

// forbidden reports a refusal of the app's permissions (HTTP 403).
func forbidden(err error) bool {
	var pe *platform.Error
	return errors.As(err, &pe) && pe.Status == http.StatusForbidden
}

// sync fetches one account's figures, then its posts', and upserts what it
// got in one write.
func (r *run) sync(ctx context.Context, u *unit) {
	a := u.acct
	switch a.Status {
	case statusDisconnected:
		if len(u.posts) > 0 {
			r.skip(u, SkipNotConnected, "the account is disconnected", len(u.posts))
		}
		return
	case statusNeedsReauth:
		r.skip(u, SkipNeedsReauth, a.Reason, len(u.posts))
		return
	}
	ad := r.s.cfg.Adapters[a.Platform]
	if ad == nil {
		r.skip(u, SkipNoAdapter, "no "+a.Platform.Label()+" adapter is configured", len(u.posts))
		return
	}
	if why := r.stoppedFor(a.Platform); why != "" {
		r.skip(u, SkipPlatformRateLimited, why, len(u.posts))
		return
	}
	tok, err := r.s.cfg.Tokens.ValidToken(ctx, system(a.WorkspaceID), a.ID)
	switch {
	case errors.Is(err, accounts.ErrNeedsReauth):
		r.skip(u, SkipNeedsReauth, err.Error(), len(u.posts))
		return
	case errors.Is(err, accounts.ErrDisconnected) || errors.Is(err, accounts.ErrNotFound):
		r.skip(u, SkipNotConnected, err.Error(), len(u.posts))
		return
	case err != nil:
		if ctx.Err() == nil {
			r.fail(u, nil, "get token: "+err.Error())
		}
		return
	}

	var recs []Record
	posts, accountDone := 0, false
	// Step -1 is the account's own figures, then each post.
	for i := -1; i < len(u.posts); i++ {
		left := len(u.posts) - max(i, 0)
		if why := r.stoppedFor(a.Platform); why != "" {
			r.skip(u, SkipPlatformRateLimited, why, left)
			break
		}
		var d *publish.PublishedDelivery
		var m platform.Metrics
		if i < 0 {
			m, err = r.call(ctx, a.Platform, func(ctx context.Context) (platform.Metrics, error) { return ad.AccountMetrics(ctx, tok) })
		} else {
			d = &u.posts[i]
			m, err = r.call(ctx, a.Platform, func(ctx context.Context) (platform.Metrics, error) { return ad.PostMetrics(ctx, tok, d.PlatformPostID) })
		}
		if err != nil {
			if ctx.Err() != nil {
				break // the run was cancelled; Sync says so
			}
			switch platform.KindOf(err) {
			case platform.KindRateLimit:
				why := platform.Message(err)
				if after, ok := platform.RetryAfter(err); ok && after > 0 {
					why += fmt.Sprintf(" (retry after %s)", after.Round(time.Second))
				}
				if r.s.cfg.PlatformWide[a.Platform] {
					r.stop(a.Platform, a.Platform.Label()+" rate limit: "+why)
				}
				r.skip(u, SkipRateLimited, why, left)
			case platform.KindAuth:
				r.skip(u, SkipTokenRejected, platform.Message(err), left)
			case platform.KindPermanent:
				if !forbidden(err) {
					r.fail(u, d, platform.Message(err))
					continue
				}
				r.skip(u, SkipNotPermitted, platform.Message(err), left)
			default:
				r.fail(u, d, platform.Message(err))
				continue
			}
			break
		}
		day, hour := r.dayHour(a.WorkspaceID)
		rec := Record{WorkspaceID: a.WorkspaceID, Kind: KindAccount, SubjectID: a.ID, Day: day, Hour: hour, AccountID: a.ID,
			Platform: a.Platform, Metrics: m, FetchedAt: r.s.now().UTC(), PublishedDay: day}
		if d != nil {
			rec.Kind, rec.SubjectID, rec.PostID, rec.PlatformPostID = KindPost, d.DeliveryID, d.PostID, d.PlatformPostID
			rec.PublishedAt, rec.PublishedDay = d.PublishedAt.UTC(), DayIn(d.PublishedAt, r.locs[a.WorkspaceID])
			rec.CampaignID = d.CampaignID
			posts++
		} else {
			accountDone = true
		}
		recs = append(recs, rec)
	}
	if len(recs) == 0 {
		return
	}
	// The records are written even when the run was cancelled: they were fetched.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.s.cfg.CallTimeout)
	defer cancel()
	if err := r.s.store.Upsert(wctx, recs); err != nil {
		r.fail(u, nil, err.Error())
		return
	}
	for _, rec := range recs {
		r.touch(a.WorkspaceID, rec.PublishedDay)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rep.PostsSynced += posts
	if accountDone {
		r.rep.AccountsSynced++
	}
}
