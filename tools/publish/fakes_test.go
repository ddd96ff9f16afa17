package publish

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/identity"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }
func (c *clock) Set(t time.Time)         { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// fault is one scripted answer of fakeAdapter.Publish.
type fault struct {
	kind   platform.Kind
	accept bool // the post is created even though an error is answered
	wait   time.Duration
	msg    string
}

// fakeAdapter is a platform: it keeps a timeline, answers Publish from a
// script, and insists on the current token.
type fakeAdapter struct {
	name  platform.Name
	clock *clock

	mu        sync.Mutex
	script    []fault
	timeline  []platform.RecentPost
	publishes int
	token     string // the only token accepted; "" accepts any
	readErr   error
}

func (a *fakeAdapter) fail(f ...fault) { a.mu.Lock(); a.script = append(a.script, f...); a.mu.Unlock() }

func (a *fakeAdapter) Publish(ctx context.Context, t platform.Target, p platform.Post) (platform.Published, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.publishes++
	if a.token != "" && t.AccessToken != a.token {
		return platform.Published{}, &platform.Error{Platform: a.name, Op: "create post", Kind: platform.KindAuth, Status: 401, Message: "Unauthorized"}
	}
	var f *fault
	if len(a.script) > 0 {
		f, a.script = &a.script[0], a.script[1:]
	}
	var pub platform.Published
	if f == nil || f.accept {
		id := fmt.Sprintf("%s-%d", a.name, len(a.timeline)+1)
		a.timeline = append(a.timeline, platform.RecentPost{ID: id, Text: sentTexts(a.name, p)[0], URL: "https://example.test/" + id, CreatedAt: a.clock.Now()})
		pub = platform.Published{ID: id, URL: "https://example.test/" + id}
	}
	if f == nil {
		return pub, nil
	}
	return platform.Published{}, &platform.Error{Platform: a.name, Op: "create post", Kind: f.kind, Status: map[platform.Kind]int{
		platform.KindTransient: 500, platform.KindRateLimit: 429, platform.KindPermanent: 400, platform.KindAuth: 401}[f.kind],
		Message: f.msg, RetryAfter: f.wait}
}

func (a *fakeAdapter) RecentPosts(ctx context.Context, t platform.Target, since time.Time) ([]platform.RecentPost, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.readErr != nil {
		return nil, a.readErr
	}
	var out []platform.RecentPost
	for _, p := range a.timeline {
		if !p.CreatedAt.Before(since) {
			out = append(out, p)
		}
	}
	return out, nil
}

func (a *fakeAdapter) posts() int { a.mu.Lock(); defer a.mu.Unlock(); return len(a.timeline) }
func (a *fakeAdapter) calls() int { a.mu.Lock(); defer a.mu.Unlock(); return a.publishes }

type fakeAccounts struct {
	mu        sync.Mutex
	accounts  map[string]Account
	adapters  map[platform.Name]*fakeAdapter
	refreshes int
	gen       int
}

func (f *fakeAccounts) Account(ctx context.Context, ws, id string) (Account, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a, ok := f.accounts[id]
	if !ok || a.WorkspaceID != ws {
		return Account{}, fmt.Errorf("account %s: %w", id, ErrUnknownAccount)
	}
	return a, nil
}

func (f *fakeAccounts) Token(ctx context.Context, ws, id string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return fmt.Sprintf("tok-%s-%d", id, f.gen), nil
}

// RefreshToken issues a new token and makes the platform accept it.
func (f *fakeAccounts) RefreshToken(ctx context.Context, ws, id, _ string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.refreshes++
	f.gen++
	tok := fmt.Sprintf("tok-%s-%d", id, f.gen)
	for _, ad := range f.adapters {
		ad.mu.Lock()
		if ad.token != "" {
			ad.token = tok
		}
		ad.mu.Unlock()
	}
	return tok, nil
}

type fakeJobs struct {
	mu        sync.Mutex
	specs     map[string]JobSpec
	cancelled map[string]bool
	moves     map[string]int
	n         int
}

func (j *fakeJobs) EnqueueDeliveries(ctx context.Context, specs []JobSpec) ([]string, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	var ids []string
	for _, s := range specs {
		j.n++
		id := fmt.Sprintf("job%d", j.n)
		j.specs[id] = s
		ids = append(ids, id)
	}
	return ids, nil
}

func (j *fakeJobs) CancelJob(ctx context.Context, ws, id string) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.cancelled[id] = true
	return nil
}

func (j *fakeJobs) MoveJob(ctx context.Context, ws, id string, at time.Time) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	s := j.specs[id]
	s.RunAt = at
	j.specs[id] = s
	if j.moves == nil {
		j.moves = map[string]int{}
	}
	j.moves[id]++
	return nil
}

func (j *fakeJobs) moved(id string) int { j.mu.Lock(); defer j.mu.Unlock(); return j.moves[id] }

func (j *fakeJobs) get(id string) JobSpec { j.mu.Lock(); defer j.mu.Unlock(); return j.specs[id] }

type bundle struct {
	svc      *Service
	st       Store
	clock    *clock
	x, li    *fakeAdapter
	ig       *fakeAdapter
	accounts *fakeAccounts
	jobs     *fakeJobs
	editor   identity.Caller
}

// setup builds a Service on a fresh SQLite store (the store's behaviour on
// both backends is TestStore's job) with accounts x1, x2 (X), li1 (LinkedIn),
// ig1 (Instagram), off1 (X, disconnected) in workspace W1 and x9 in W2.
func setup(t *testing.T, mod ...func(*Config)) *bundle {
	t.Helper()
	db := storetest.Open(t, store.SQLite, Schema)
	c := &clock{t: t0}
	b := &bundle{st: NewStore(db), clock: c,
		x:      &fakeAdapter{name: platform.Twitter, clock: c},
		li:     &fakeAdapter{name: platform.LinkedIn, clock: c},
		ig:     &fakeAdapter{name: platform.Instagram, clock: c},
		jobs:   &fakeJobs{specs: map[string]JobSpec{}, cancelled: map[string]bool{}},
		editor: identity.Caller{WorkspaceID: "W1", UserID: "U1", Role: identity.Editor, Door: identity.DoorAPI}}
	b.accounts = &fakeAccounts{adapters: map[platform.Name]*fakeAdapter{platform.Twitter: b.x, platform.LinkedIn: b.li, platform.Instagram: b.ig},
		accounts: map[string]Account{
			"x1":   {ID: "x1", WorkspaceID: "W1", Platform: platform.Twitter, ExternalID: "1001", Name: "Acme", Connected: true},
			"x2":   {ID: "x2", WorkspaceID: "W1", Platform: platform.Twitter, ExternalID: "1002", Connected: true},
			"li1":  {ID: "li1", WorkspaceID: "W1", Platform: platform.LinkedIn, ExternalID: "urn:li:person:1", Connected: true},
			"ig1":  {ID: "ig1", WorkspaceID: "W1", Platform: platform.Instagram, ExternalID: "17841", Connected: true},
			"off1": {ID: "off1", WorkspaceID: "W1", Platform: platform.Twitter, ExternalID: "1003", Connected: false, Problem: "the refresh token was revoked"},
			"x9":   {ID: "x9", WorkspaceID: "W2", Platform: platform.Twitter, ExternalID: "9009", Connected: true},
		}}
	cfg := Config{Store: b.st, Accounts: b.accounts, Jobs: b.jobs, Log: zerolog.Nop(), Now: c.Now,
		Adapters: map[platform.Name]Adapter{platform.Twitter: b.x, platform.LinkedIn: b.li, platform.Instagram: b.ig}}
	for _, m := range mod {
		m(&cfg)
	}
	svc, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b.svc = svc
	return b
}

// delivery returns the post's delivery to account.
func (b *bundle) delivery(t *testing.T, postID, account string) Delivery {
	t.Helper()
	p, err := b.st.GetPost(context.Background(), "W1", postID)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range p.Targets {
		if d.AccountID == account {
			return d
		}
	}
	t.Fatalf("post %s has no delivery to %s", postID, account)
	return Delivery{}
}
