package slack_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/bot/slack"
	"github.com/marketingminds/marketingminds/bot/slack/slackfake"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
	"github.com/marketingminds/marketingminds/tools/schedule"
	"github.com/marketingminds/marketingminds/tools/settings"
)

func TestMain(m *testing.M) { storetest.Main(m) }

const (
	secret   = "test-signing-secret"
	botToken = "xoxb-test-bot"
	team     = "T1"
	channel  = "C1"
	dm       = "D1"
)

// turn is one Run the scripted orchestrator received.
type turn struct {
	caller                identity.Caller
	channel, thread, text string
}

// script is a scripted orchestrator: each turn runs fn against the sink.
type script struct {
	mu    sync.Mutex
	turns []turn
	fn    func(ctx context.Context, sink slack.Sink) (string, error)
}

func (s *script) Run(ctx context.Context, c identity.Caller, ch, thread, text string, sink slack.Sink) (string, error) {
	s.mu.Lock()
	s.turns = append(s.turns, turn{c, ch, thread, text})
	fn := s.fn
	s.mu.Unlock()
	if fn == nil {
		sink.Delta("Hello ")
		sink.Delta("there.")
		return "Hello there.", nil
	}
	return fn(ctx, sink)
}

func (s *script) got() []turn {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]turn(nil), s.turns...)
}

// gate emulates the orchestrator's approval gate: an approval is decided
// once, by its requester or an admin; approving runs the action once.
type gate struct {
	mu       sync.Mutex
	pending  map[string]slack.Approval
	decided  map[string]string
	executed map[string]int
}

func newGate(as ...slack.Approval) *gate {
	g := &gate{pending: map[string]slack.Approval{}, decided: map[string]string{}, executed: map[string]int{}}
	for _, a := range as {
		g.pending[a.ID] = a
	}
	return g
}

func (g *gate) Get(_ context.Context, c identity.Caller, id string) (slack.Approval, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	a, ok := g.pending[id]
	if !ok {
		return slack.Approval{}, fmt.Errorf("approval %s not found", id)
	}
	return a, nil
}

func (g *gate) decide(c identity.Caller, id, verb string) (slack.Decision, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	a := g.pending[id]
	if c.UserID != a.RequestedBy && c.Role != identity.Admin {
		return slack.Decision{}, fmt.Errorf("%w: not yours", identity.ErrForbidden)
	}
	if d, ok := g.decided[id]; ok {
		return slack.Decision{Status: d, Text: d + " earlier", Already: true}, nil
	}
	g.decided[id] = verb
	if verb == "approved" {
		g.executed[id]++
		return slack.Decision{Status: "done", Text: "Published to LinkedIn: https://linkedin.example/p/1"}, nil
	}
	return slack.Decision{Status: "rejected", Text: "Nothing was posted."}, nil
}

func (g *gate) Approve(_ context.Context, c identity.Caller, id string) (slack.Decision, error) {
	return g.decide(c, id, "approved")
}

func (g *gate) Reject(_ context.Context, c identity.Caller, id, _ string) (slack.Decision, error) {
	return g.decide(c, id, "rejected")
}

func (g *gate) Choose(_ context.Context, c identity.Caller, id, accountID string, remember bool) (slack.Decision, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if d, ok := g.decided[id]; ok {
		return slack.Decision{Status: d, Text: d + " earlier", Already: true}, nil
	}
	g.decided[id] = "answered"
	next := slack.Approval{ID: id + "-next", RequestedBy: c.UserID, Summary: "Publish now to " + accountID}
	g.pending[next.ID] = next
	text := "Going to " + accountID + "."
	if remember {
		text += " Remembered."
	}
	return slack.Decision{Status: "pending", Text: text, Next: &next}, nil
}

func (g *gate) runs(id string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.executed[id]
}

// publisher records the posts a person made directly and serves a list.
type publisher struct {
	mu      sync.Mutex
	now     []publish.Request
	later   []time.Time
	posts   []publish.PostView
	retried []string
}

func (p *publisher) List(_ context.Context, c identity.Caller, limit int, _ string, _ ...publish.ListOption) ([]publish.PostView, string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.posts[:min(limit, len(p.posts))], "", nil
}

func (p *publisher) Retry(_ context.Context, c identity.Caller, id string) (publish.Outcome, error) {
	if err := c.Require(identity.Editor); err != nil {
		return publish.Outcome{}, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.retried = append(p.retried, id)
	return publish.Outcome{Success: true, PostID: id, Results: []publish.Result{{AccountID: "acc1", Platform: "linkedin", Status: publish.StatusPublished, URL: "https://linkedin.example/p/3"}}}, nil
}

func (p *publisher) PublishAnyway(_ context.Context, c identity.Caller, id, accountID string) (publish.Outcome, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.retried = append(p.retried, id+"/"+accountID)
	return publish.Outcome{Success: true, PostID: id, Results: []publish.Result{{AccountID: accountID, Platform: "twitter", Status: publish.StatusPublished}}}, nil
}

// Get serves the post Schedule made last (P2).
func (p *publisher) Get(_ context.Context, _ identity.Caller, id string) (publish.PostView, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if id != "P2" || len(p.later) == 0 {
		return publish.PostView{}, publish.ErrNotFound
	}
	at := p.later[len(p.later)-1]
	req := p.now[len(p.now)-1]
	v := publish.PostView{ID: id, Status: "scheduled", Content: req.Content, ScheduledAt: &at}
	for _, acc := range req.AccountIDs {
		v.Targets = append(v.Targets, publish.TargetView{AccountID: acc, Platform: "linkedin", Status: publish.StatusPending, RunAt: at})
	}
	return v, nil
}

func (p *publisher) Cancel(_ context.Context, c identity.Caller, id string) (publish.PostView, error) {
	if id != "P-sched" {
		return publish.PostView{}, publish.ErrNotFound
	}
	return publish.PostView{ID: id, Status: "cancelled"}, nil
}

func (p *publisher) ParseTime(_ context.Context, _ identity.Caller, v string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: cannot read the time %q", publish.ErrInvalid, v)
	}
	if !t.After(time.Now()) {
		return time.Time{}, fmt.Errorf("%w: %s is in the past", publish.ErrInvalid, v)
	}
	return t, nil
}

// jobsFake is the scheduler as /mm sees it.
type jobsFake struct {
	mu        sync.Mutex
	cancelled []string
}

func (j *jobsFake) List(_ context.Context, workspaceID string, f schedule.Filter) ([]schedule.Job, string, error) {
	if workspaceID != team {
		return nil, "", nil
	}
	return []schedule.Job{{ID: "J1", Kind: "publish.delivery", Status: schedule.StatusPending, RunAt: time.Date(2026, 12, 24, 9, 0, 0, 0, time.UTC)}}, "", nil
}

func (j *jobsFake) Cancel(_ context.Context, workspaceID, id string) error {
	if workspaceID != team || id != "J1" {
		return schedule.ErrNotFound
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	j.cancelled = append(j.cancelled, id)
	return nil
}

// accountsFake is tools/accounts as the door sees it.
type accountsFake struct {
	mu        sync.Mutex
	tokens    []accounts.TokenState
	connected []accounts.ReturnTo
	more      []accounts.Account // besides acc1 and acc2
}

func (a *accountsFake) List(context.Context, identity.Caller, platform.Name) ([]accounts.Account, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]accounts.Account{
		{ID: "acc1", Platform: "linkedin", AccountName: "Acme", Status: accounts.StatusConnected},
		{ID: "acc2", Platform: "twitter", AccountName: "Acme X", Status: accounts.StatusConnected},
	}, a.more...), nil
}

func (a *accountsFake) TokenStatus(context.Context, identity.Caller) ([]accounts.TokenState, error) {
	return a.tokens, nil
}

func (a *accountsFake) Connect(_ context.Context, c identity.Caller, p platform.Name, ret accounts.ReturnTo) (string, error) {
	if err := c.Require(identity.Editor); err != nil {
		return "", err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.connected = append(a.connected, ret)
	return "https://consent.example/" + string(p) + "?state=s1", nil
}

func (a *accountsFake) Disconnect(_ context.Context, _ identity.Caller, id string) (accounts.Account, error) {
	return accounts.Account{ID: id, AccountName: "Acme"}, nil
}

func (p *publisher) PublishNow(_ context.Context, c identity.Caller, req publish.Request) (publish.Outcome, error) {
	if err := c.Require(identity.Editor); err != nil {
		return publish.Outcome{}, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.now = append(p.now, req)
	var rs []publish.Result
	for _, id := range req.AccountIDs {
		p := platform.Name("linkedin")
		if id == "acc2" {
			p = "twitter"
		}
		rs = append(rs, publish.Result{AccountID: id, Platform: p, Status: publish.StatusPublished, URL: "https://" + string(p) + ".example/p/2"})
	}
	return publish.Outcome{Success: true, PostID: "P1", Results: rs}, nil
}

func (p *publisher) Schedule(_ context.Context, c identity.Caller, req publish.Request, at time.Time) (publish.Scheduled, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.now = append(p.now, req)
	p.later = append(p.later, at)
	return publish.Scheduled{Success: true, PostID: "P2", JobIDs: []string{"J1"}}, nil
}

// defaultsFake keeps default accounts as tools/settings does.
type defaultsFake struct {
	mu sync.Mutex
	m  map[platform.Name]string
}

func (d *defaultsFake) DefaultAccount(_ context.Context, _ string, p platform.Name) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.m[p], nil
}

func (d *defaultsFake) SetDefaultAccount(_ context.Context, c identity.Caller, p platform.Name, id string) (settings.Settings, error) {
	if err := c.Require(identity.Editor); err != nil {
		return settings.Settings{}, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.m[p] = id
	return settings.Settings{}, nil
}

type bundle struct {
	bot  *slack.Bot
	fake *slackfake.Fake
	conv *script
	gate *gate
	pub  *publisher
	acc  *accountsFake
	jobs *jobsFake
	// defaults are tools/settings' default accounts, in memory.
	defaults *defaultsFake
	srv      *httptest.Server
	db       *store.DB
	ids      *identity.Service
	cancel   context.CancelFunc
}

type option func(*slack.Config, *slack.Deps)

func setup(t *testing.T, opts ...option) *bundle {
	t.Helper()
	return setupDB(t, storetest.Open(t, store.SQLite, identity.Schema, identity.SessionSchema, slack.Schema), opts...)
}

// setupOn is another replica sharing other's database.
func setupOn(t *testing.T, other *bundle, opts ...option) *bundle {
	t.Helper()
	return setupDB(t, storetest.Reopen(t, other.db), opts...)
}

func setupDB(t testing.TB, db *store.DB, opts ...option) *bundle {
	t.Helper()
	fake := slackfake.New(botToken, "xapp-test-app")
	t.Cleanup(fake.Close)
	fake.AddChannels(channel, dm)
	fake.AddUser(slackfake.User{ID: "U1", Name: "ana", DisplayName: "Ana", TZ: "Europe/Berlin"})
	fake.AddUser(slackfake.User{ID: "U2", Name: "bo", DisplayName: "Bo", TZ: "America/New_York"})
	fake.AddUser(slackfake.User{ID: "UADMIN", Name: "ad", DisplayName: "Admin", Admin: true})
	b := &bundle{fake: fake, conv: &script{}, gate: newGate(launch), pub: &publisher{}, acc: &accountsFake{}, jobs: &jobsFake{}, db: db}
	b.ids = identity.NewService(identity.NewStore(db), nil)
	cfg := slack.Config{SigningSecret: secret, BotToken: botToken, APIURL: fake.URL(), PublicURL: "https://mm.example.com",
		MessageGap: time.Millisecond, UpdateGap: 5 * time.Millisecond}
	b.defaults = &defaultsFake{m: map[platform.Name]string{}}
	deps := slack.Deps{Store: slack.NewStore(db), Users: b.ids, Conversations: b.conv, Approvals: b.gate, Publisher: b.pub, Accounts: b.acc, Jobs: b.jobs, Tokens: b.ids,
		Targets: publish.NewResolver(b.acc, b.defaults, nil),
		SignIn:  identity.NewSessions(identity.NewSessionStore(db), b.ids, nil), Log: zerolog.Nop()}
	for _, o := range opts {
		o(&cfg, &deps)
	}
	ctx, cancel := context.WithCancel(context.Background())
	b.cancel = cancel
	bot, err := slack.New(ctx, cfg, deps)
	if err != nil {
		t.Fatal(err)
	}
	b.bot = bot
	mux := http.NewServeMux()
	mux.HandleFunc("POST /slack/events", bot.Events)
	mux.HandleFunc("POST /slack/interactivity", bot.Interactivity)
	mux.HandleFunc("POST /slack/commands", bot.Commands)
	b.srv = httptest.NewServer(mux)
	t.Cleanup(func() {
		b.srv.Close()
		cancel()
		bot.Wait()
	})
	return b
}

// signed sends body to path with a valid signature made at ts.
func (b *bundle) send(t *testing.T, path string, body []byte, header http.Header) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if strings.HasPrefix(string(body), "{") {
		req.Header.Set("Content-Type", "application/json")
	} else {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = resp.Body.Close() })
	return resp
}

func sign(key string, ts time.Time, body []byte) http.Header {
	mac := hmac.New(sha256.New, []byte(key))
	fmt.Fprintf(mac, "v0:%d:%s", ts.Unix(), body)
	return http.Header{
		"X-Slack-Request-Timestamp": {fmt.Sprint(ts.Unix())},
		"X-Slack-Signature":         {"v0=" + hex.EncodeToString(mac.Sum(nil))},
	}
}

func (b *bundle) signed(t *testing.T, path string, body []byte) *http.Response {
	t.Helper()
	return b.send(t, path, body, sign(secret, time.Now(), body))
}

// mention is an app_mention event callback.
func mention(eventID, user, ts, thread, text string) []byte {
	return []byte(fmt.Sprintf(`{"type":"event_callback","team_id":%q,"event_id":%q,"event":{"type":"app_mention","user":%q,"text":%q,"ts":%q,"thread_ts":%q,"channel":%q}}`,
		team, eventID, user, "<@UBOT> "+text, ts, thread, channel))
}

// interaction is a signed interactivity form body.
func interaction(payload string) []byte {
	return []byte("payload=" + url.QueryEscape(payload))
}

func newServer(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
