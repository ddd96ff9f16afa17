package publish

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/limit"
)

// Account is what publishing needs to know of a connected account.
type Account struct {
	ID          string
	WorkspaceID string
	Platform    platform.Name
	ExternalID  string
	Name        string
	// Connected is false when the account must be reconnected (revoked,
	// refresh failed, disconnected); Problem then says why.
	Connected bool
	Problem   string
}

// Accounts is how publishing reaches accounts and their tokens (tools/accounts).
type Accounts interface {
	// Account returns the account in the workspace, or an error wrapping
	// ErrUnknownAccount.
	Account(ctx context.Context, workspaceID, accountID string) (Account, error)
	// Token returns a usable access token for the account (refreshed when
	// it is about to expire).
	Token(ctx context.Context, workspaceID, accountID string) (string, error)
	// RefreshToken replaces refused, a token the platform refused
	// (401, Graph code 190) and returns the new one.
	RefreshToken(ctx context.Context, workspaceID, accountID, refused string) (string, error)
}

// Adapter is a platform's publishing side (integrations/<platform>.Client).
type Adapter interface {
	Publish(ctx context.Context, t platform.Target, p platform.Post) (platform.Published, error)
	RecentPosts(ctx context.Context, t platform.Target, since time.Time) ([]platform.RecentPost, error)
}

// publishingLimiter is an adapter that can say an account's publishing quota
// (Instagram's content_publishing_limit).
type publishingLimiter interface {
	PublishingLimit(ctx context.Context, t platform.Target) (used, total int, err error)
}

// JobSpec is one delivery job to enqueue.
type JobSpec struct {
	WorkspaceID string
	DeliveryID  string
	RunAt       time.Time
	UniqueKey   string
	CreatedBy   string
}

// Jobs is what publishing needs of the durable scheduler (tools/schedule);
// SchedulerJobs adapts a *schedule.Scheduler.
type Jobs interface {
	EnqueueDeliveries(ctx context.Context, specs []JobSpec) ([]string, error)
	CancelJob(ctx context.Context, workspaceID, jobID string) error
	MoveJob(ctx context.Context, workspaceID, jobID string, runAt time.Time) error
}

// Cap is a per-account posting limit respected before sending.
type Cap struct {
	Posts  int
	Window time.Duration
}

// DefaultCaps: X allows 100 posts per 15 minutes per user; Instagram 100 API
// posts per rolling 24 h (the adapter's content_publishing_limit, when it
// answers, gives the account's real quota_total instead).
var DefaultCaps = map[platform.Name]Cap{
	platform.Twitter:   {Posts: 100, Window: 15 * time.Minute},
	platform.Instagram: {Posts: 100, Window: 24 * time.Hour},
}

// Config builds a Service.
type Config struct {
	Store    Store
	Accounts Accounts
	// Adapters by platform; a platform without one is not offered.
	Adapters map[platform.Name]Adapter
	Jobs     Jobs
	Log      zerolog.Logger
	Now      func() time.Time
	// Limits: zero value means DefaultLimits.
	Limits *Limits
	// Caps: nil means DefaultCaps; an empty map disables caps.
	Caps map[platform.Name]Cap
	// Concurrency bounds the publish-now fan-out (default 8).
	Concurrency int
	// MaxAttempts bounds the sends of one delivery (default 5).
	MaxAttempts int
	// ReconcileTries bounds the reads of an account, to settle an unknown
	// outcome, that fail for a reason that may pass (a 5xx, a timeout, a
	// rate limit); then the delivery is unconfirmed (default 3). A read the
	// platform refuses settles it at once.
	ReconcileTries int
	// Backoff is the wait after the n-th failed send (default n² × 2 s).
	Backoff func(n int) time.Duration
	// Watchdog is how far ahead a publish-now (or retry) keeps each
	// delivery's job while it sends inline, renewed every Watchdog/3, so the
	// job fires within Watchdog of a crash to finish or reconcile what the
	// request could not (default DefaultWatchdog, the scheduler's lease).
	Watchdog time.Duration
	// AttemptTimeout bounds one publish-now send (default 2 min).
	AttemptTimeout time.Duration
	// UserLocation reads a user's time zone, for local schedule times
	// (default UTC).
	UserLocation func(ctx context.Context, workspaceID, userID string) (*time.Location, error)
	// OnSettled, when set, is told of every delivery whose outcome was saved
	// as published, failed or unconfirmed (tools/analytics counts what was
	// published, the Slack door tells the thread that asked); it must not
	// block.
	OnSettled func(d Delivery)
	// Campaigns, when set, says whether a post's campaign_id names a
	// marketing campaign of the caller's workspace.
	Campaigns Campaigns
	// Uploaded resolves media_ids (tools/media); without it a post naming
	// uploaded media is refused.
	Uploaded MediaLibrary
	// MediaHosts checks media URLs' hosts when a post is made or edited
	// (the media client); nil checks none.
	MediaHosts MediaHosts
	// Media reads what the media are, for each platform's media limits
	// when a post is made; nil checks none.
	Media MediaInspector
}

// Campaigns is the marketing campaigns a post may belong to.
type Campaigns interface {
	CampaignExists(ctx context.Context, c identity.Caller, id string) (bool, error)
}

// Service is the publishing capability.
type Service struct {
	cfg    Config
	store  Store
	log    zerolog.Logger
	now    func() time.Time
	limits Limits
	commit *committer
	fetch  *fetcher // nil when the store cannot read in batches
	// accounts shares concurrent reads of one account among deliveries;
	// acctCache keeps connected ones for accountTTL.
	accounts  flight[Account]
	tokens    flight[string]
	started   flight[capCount]
	acctMu    sync.Mutex
	acctCache map[string]accountEntry

	capMu    sync.Mutex
	capLocal map[string][]time.Time // account → this replica's recent starts
	capStore map[string]capCount    // account → its starts as last read from the store
	quotaMu  sync.Mutex
	quota    map[string]quotaEntry // account → Instagram quota_total
}

type quotaEntry struct {
	total int
	at    time.Time
}

// New returns a Service.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Accounts == nil || cfg.Jobs == nil {
		return nil, errors.New("publish: New needs a Store, Accounts and Jobs")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Caps == nil {
		cfg.Caps = DefaultCaps
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 8
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 5
	}
	if cfg.ReconcileTries <= 0 {
		cfg.ReconcileTries = 3
	}
	if cfg.Backoff == nil {
		cfg.Backoff = func(n int) time.Duration { return time.Duration(n*n) * 2 * time.Second }
	}
	if cfg.AttemptTimeout <= 0 {
		cfg.AttemptTimeout = 2 * time.Minute
	}
	if cfg.Watchdog <= 0 {
		cfg.Watchdog = DefaultWatchdog
	}
	lim := DefaultLimits
	if cfg.Limits != nil {
		lim = *cfg.Limits
	}
	s := &Service{cfg: cfg, store: cfg.Store, log: cfg.Log, now: func() time.Time { return cfg.Now().UTC() }, limits: lim,
		capLocal: map[string][]time.Time{}, capStore: map[string]capCount{}, acctCache: map[string]accountEntry{}, quota: map[string]quotaEntry{}}
	s.commit = newCommitter(cfg.Store.SaveDeliveries)
	if br, ok := cfg.Store.(batchReader); ok {
		s.fetch = newFetcher(br, 256)
	}
	return s, nil
}

// prepared is a validated request: the post to store and the targets skipped.
type prepared struct {
	post    Post
	invalid []Result
}

// prepare validates req for every target (all problems at once), applies the
// duplicate guard and builds the post with one pending delivery per valid
// target, due at runAt.
func (s *Service) prepare(ctx context.Context, c identity.Caller, req Request, runAt time.Time, scheduled bool) (prepared, error) {
	now := s.now()
	ids := dedupe(req.AccountIDs)
	if len(ids) == 0 {
		return prepared{}, &ValidationError{Problems: []Problem{{Field: "account_ids", Message: "name at least one account to post to"}}}
	}
	post := Post{ID: newID(), WorkspaceID: c.WorkspaceID, CampaignID: strings.TrimSpace(req.CampaignID), Content: req.Content, Variants: req.Variants, CreatedBy: c.UserID,
		Door: c.Door, CreatedAt: now, UpdatedAt: now}
	if scheduled {
		post.ScheduledAt = runAt
	}
	if post.CampaignID != "" && s.cfg.Campaigns != nil {
		ok, err := s.cfg.Campaigns.CampaignExists(ctx, c, post.CampaignID)
		if err != nil {
			return prepared{}, fmt.Errorf("publish: check campaign %s: %w", post.CampaignID, err)
		}
		if !ok {
			return prepared{}, &ValidationError{Problems: []Problem{{Field: "campaign_id", Message: fmt.Sprintf("no marketing campaign %s in this workspace", limit.Quote(post.CampaignID))}}}
		}
	}
	for name := range req.Variants {
		if !isSocial(name) {
			return prepared{}, &ValidationError{Problems: []Problem{{Field: "variants", Message: fmt.Sprintf("variants: unknown platform %s", limit.Quote(string(name)))}}}
		}
	}
	if ps := s.checkMedia(ctx, req.Content); len(ps) > 0 {
		return prepared{}, mediaError(ps)
	}
	refs, err := s.uploaded(ctx, c, req.Content.MediaIDs)
	if err != nil {
		return prepared{}, err
	}
	media, problems := s.inspectMedia(ctx, c.WorkspaceID, req.Content, refs)
	if len(problems) > 0 {
		return prepared{}, mediaError(problems)
	}
	var invalid []Result
	for _, id := range ids {
		d, name, ps, err := s.newTarget(ctx, c, post, refs, id, runAt, now, len(post.Targets))
		if err != nil {
			return prepared{}, err
		}
		if len(ps) == 0 {
			ps = mediaProblems(name, id, media)
		}
		if len(ps) > 0 {
			problems = append(problems, ps...)
			invalid = append(invalid, Result{AccountID: id, Platform: name, Status: StatusInvalid, Error: joinProblems(ps)})
			continue
		}
		post.Targets = append(post.Targets, d)
	}
	if len(problems) > 0 && (!req.SkipInvalid || len(post.Targets) == 0) {
		return prepared{}, &ValidationError{Problems: problems}
	}
	if !req.AllowDuplicate {
		if err := s.duplicateGuard(ctx, post.Targets); err != nil {
			return prepared{}, err
		}
	}
	return prepared{post: post, invalid: invalid}, nil
}

// newTarget checks account id as a target of p (connected, publishable,
// p's content valid there) and returns its pending delivery, due at runAt,
// or the problems that keep it out (each naming the account).
func (s *Service) newTarget(ctx context.Context, c identity.Caller, p Post, refs []platform.MediaRef, id string, runAt, now time.Time, position int) (Delivery, platform.Name, []Problem, error) {
	acct, err := s.cfg.Accounts.Account(ctx, c.WorkspaceID, id)
	var ps []Problem
	switch {
	case errors.Is(err, ErrUnknownAccount):
		ps = []Problem{{Field: "account_ids", Message: fmt.Sprintf("account %s is not connected to this workspace", limit.Clip(id))}}
	case err != nil:
		return Delivery{}, "", nil, wrapf(err, "look up account %s", id)
	case !acct.Connected:
		why := acct.Problem
		if why == "" {
			why = "it was disconnected"
		}
		ps = []Problem{{Field: "account_ids", Message: fmt.Sprintf("%s account %s needs to be reconnected: %s", acct.Platform.Label(), accountLabel(acct), why)}}
	case s.cfg.Adapters[acct.Platform] == nil:
		ps = []Problem{{Field: "account_ids", Message: fmt.Sprintf("publishing to %s is not available here", acct.Platform.Label())}}
	}
	var body platform.Post
	if len(ps) == 0 {
		body = bodyFor(p.Content, p.Variants, acct.Platform, refs)
		ps = Validate(acct.Platform, body, s.limits)
	}
	if len(ps) > 0 {
		for i := range ps {
			ps[i].AccountID = limit.Clip(id) // a real id is short; a long one is not echoed
			if ps[i].Platform == "" {
				ps[i].Platform = acct.Platform
			}
		}
		return Delivery{}, acct.Platform, ps, nil
	}
	return Delivery{ID: newID(), WorkspaceID: c.WorkspaceID, PostID: p.ID, AccountID: id, Platform: acct.Platform, Body: body,
		TextHash: textHash(acct.Platform, body), Status: StatusPending, Rev: 1, Position: position, RunAt: runAt,
		CreatedAt: now, UpdatedAt: now}, acct.Platform, nil, nil
}

// DuplicateWindow is how far apart the same text to the same account must be.
const DuplicateWindow = 24 * time.Hour

func (s *Service) duplicateGuard(ctx context.Context, ds []Delivery) error {
	var problems []Problem
	var dups []Duplicate
	for _, d := range ds {
		same, err := s.store.SameText(ctx, d.WorkspaceID, d.AccountID, d.TextHash, d.RunAt.Add(-DuplicateWindow), d.RunAt.Add(DuplicateWindow))
		if err != nil {
			return err
		}
		if len(same) > 0 {
			dup := s.duplicate(ctx, d, same[0])
			dups = append(dups, dup)
			problems = append(problems, Problem{AccountID: d.AccountID, Platform: d.Platform, Field: "text", Message: dup.Message()})
		}
	}
	if len(problems) > 0 {
		return &DuplicateError{Problems: problems, Duplicates: dups}
	}
	return nil
}

// create enqueues one job per delivery (due at jobAt), then stores the post
// with the job ids. A job that fires before the post exists finds nothing to
// do; a post is never stored without its jobs.
func (s *Service) create(ctx context.Context, c identity.Caller, p *Post, jobAt time.Time) ([]string, error) {
	specs := make([]JobSpec, len(p.Targets))
	for i, d := range p.Targets {
		specs[i] = JobSpec{WorkspaceID: c.WorkspaceID, DeliveryID: d.ID, RunAt: jobAt, UniqueKey: "delivery:" + d.ID + ":1", CreatedBy: c.UserID}
	}
	jobIDs, err := s.cfg.Jobs.EnqueueDeliveries(ctx, specs)
	if err != nil {
		return nil, wrapf(err, "enqueue deliveries")
	}
	if len(jobIDs) != len(specs) {
		return nil, fmt.Errorf("publish: enqueue returned %d ids for %d jobs", len(jobIDs), len(specs))
	}
	for i := range p.Targets {
		p.Targets[i].JobID = jobIDs[i]
	}
	if err := s.store.CreatePost(ctx, *p); err != nil {
		for _, id := range jobIDs {
			_ = s.cfg.Jobs.CancelJob(context.WithoutCancel(ctx), c.WorkspaceID, id)
		}
		return nil, err
	}
	if err := s.useMedia(ctx, c, *p); err != nil {
		return nil, err
	}
	return jobIDs, nil
}

// PublishNow validates req, stores the post and publishes every target at
// once through the delivery path scheduled posts use (bounded concurrency,
// each target independent). A target that must wait (rate limit, a
// temporary failure) is left to its delivery job and reported pending.
func (s *Service) PublishNow(ctx context.Context, c identity.Caller, req Request) (Outcome, error) {
	if err := c.Require(identity.Editor); err != nil {
		return Outcome{}, err
	}
	now := s.now()
	pr, err := s.prepare(ctx, c, req, now, false)
	if err != nil {
		return Outcome{}, err
	}
	if _, err := s.create(ctx, c, &pr.post, now.Add(s.cfg.Watchdog)); err != nil {
		return Outcome{}, err
	}
	s.runNow(ctx, pr.post.Targets)
	return s.outcome(ctx, c.WorkspaceID, pr.post.ID, pr.invalid)
}

// Schedule validates req and stores the post with one job per target due at
// at, which must be in the future.
func (s *Service) Schedule(ctx context.Context, c identity.Caller, req Request, at time.Time) (Scheduled, error) {
	if err := c.Require(identity.Editor); err != nil {
		return Scheduled{}, err
	}
	at = at.UTC()
	if !at.After(s.now()) {
		return Scheduled{}, fmt.Errorf("%w: %s is in the past; pick a time from now on", ErrInvalid, at.Format("Mon 2 Jan 2006, 15:04 MST"))
	}
	pr, err := s.prepare(ctx, c, req, at, true)
	if err != nil {
		return Scheduled{}, err
	}
	jobIDs, err := s.create(ctx, c, &pr.post, at)
	if err != nil {
		return Scheduled{}, err
	}
	return Scheduled{Success: true, PostID: pr.post.ID, JobIDs: jobIDs}, nil
}

// runNow sends ds concurrently (at most Concurrency at a time) and hands
// whatever must wait to the deliveries' jobs.
func (s *Service) runNow(ctx context.Context, ds []Delivery) {
	k := s.keep(ctx, ds)
	defer k.close()
	sem := make(chan struct{}, s.cfg.Concurrency)
	var wg sync.WaitGroup
	for _, d := range ds {
		wg.Add(1)
		sem <- struct{}{}
		go func(d Delivery) {
			defer wg.Done()
			defer func() { <-sem }()
			actx, cancel := context.WithTimeout(ctx, s.cfg.AttemptTimeout)
			defer cancel()
			err := s.Deliver(actx, d.WorkspaceID, d.ID, false)
			k.release(d.ID)
			s.handOver(context.WithoutCancel(ctx), d, err)
		}(d)
	}
	wg.Wait()
}

// handOver moves a delivery's job to when it should run next after an
// inline attempt: at the rate limit's reset, after the backoff, or, when the
// delivery is settled, nowhere (its watchdog run will find nothing to do).
func (s *Service) handOver(ctx context.Context, d Delivery, err error) {
	var at time.Time
	var snooze *SnoozeError
	var perm *PermanentError
	switch {
	case err == nil, errors.As(err, &perm):
		return
	case errors.As(err, &snooze):
		at = snooze.Until
	default:
		cur, gerr := s.store.GetDelivery(ctx, d.WorkspaceID, d.ID)
		n := 1
		if gerr == nil {
			n = max(cur.Attempts, 1)
		}
		at = s.now().Add(s.cfg.Backoff(n))
	}
	if merr := s.cfg.Jobs.MoveJob(ctx, d.WorkspaceID, d.JobID, at); merr != nil {
		s.log.Warn().Err(merr).Str("delivery", d.ID).Str("job", d.JobID).Msg("publish: move delivery job")
	}
}

// outcome reads the post back and reports every target.
func (s *Service) outcome(ctx context.Context, workspaceID, postID string, extra []Result) (Outcome, error) {
	p, err := s.store.GetPost(ctx, workspaceID, postID)
	if err != nil {
		return Outcome{}, err
	}
	out := Outcome{Success: len(extra) == 0 && len(p.Targets) > 0, PostID: p.ID, Results: []Result{}, Text: p.Content.Text}
	for _, d := range p.Targets {
		out.Results = append(out.Results, Result{AccountID: d.AccountID, Platform: d.Platform, Status: d.Status,
			PlatformPostID: d.PlatformPostID, URL: d.URL, Error: d.LastError, Failure: d.Failure})
		if d.Status != StatusPublished {
			out.Success = false
		}
	}
	out.Results = append(out.Results, extra...)
	return out, nil
}

func dedupe(ids []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, id := range ids {
		id = strings.TrimSpace(id)
		if id == "" || seen[id] {
			continue
		}
		seen[id] = true
		out = append(out, id)
	}
	return out
}

func isSocial(n platform.Name) bool {
	for _, p := range platform.Social {
		if p == n {
			return true
		}
	}
	return false
}

func accountLabel(a Account) string {
	if a.Name != "" {
		return fmt.Sprintf("%q", a.Name)
	}
	return a.ID
}

func joinProblems(ps []Problem) string {
	msgs := make([]string, len(ps))
	for i, p := range ps {
		msgs[i] = p.Message
	}
	return strings.Join(msgs, "; ")
}
