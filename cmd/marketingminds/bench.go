package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime/pprof"
	"slices"

	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cobra"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
	"github.com/marketingminds/marketingminds/tools/schedule"
)

// benchCommand groups the benchmarks of whole pipelines.
func benchCommand(getenv func(string) string, stdout, stderr io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Benchmark a pipeline end to end against the in-process sandbox",
		Args:  cobra.NoArgs,
	}
	var o benchOptions
	var asJSON bool
	sched := &cobra.Command{
		Use:   "scheduler",
		Short: "Schedule N deliveries across M X accounts due at one instant; report throughput, lateness, duplicates and lost",
		Long: `Starts a fresh store (embedded SQLite in a temporary directory, or MONGODB_URI
with --store mongo), the platform sandbox over loopback HTTP with X's posting
limit lifted, and --replicas app instances on that store, each with its own
store handle and scheduler, as separate serve processes would be. It connects
--accounts X accounts through the OAuth flow, schedules --deliveries posts
(one per delivery, each with its own text) due at the same instant, and waits
until every delivery is final. Lateness is due time → the sandbox's creation
time of the post, read back from X's timeline endpoint. --platform-latency
makes the sandbox take that long over each post, as a real platform does,
to show what the worker pool sustains when calls wait on the network.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.deliveries < 1 || o.accounts < 1 || o.replicas < 1 {
				return usageError{errors.New("--deliveries, --accounts and --replicas must be at least 1")}
			}
			if o.latency < 0 {
				return usageError{errors.New("--platform-latency cannot be negative")}
			}
			if o.store != "sqlite" && o.store != "mongo" {
				return usageError{fmt.Errorf("--store %q: sqlite or mongo", o.store)}
			}
			res, err := benchScheduler(cmd.Context(), getenv, o, stderr)
			if err != nil {
				return err
			}
			if asJSON {
				return json.NewEncoder(stdout).Encode(res)
			}
			res.print(stdout, o)
			return nil
		},
	}
	f := sched.Flags()
	f.IntVar(&o.deliveries, "deliveries", 100, "deliveries due at the same instant")
	f.IntVar(&o.accounts, "accounts", 10, "X accounts they are spread across")
	f.IntVar(&o.replicas, "replicas", 1, "app instances (schedulers) sharing the store")
	f.StringVar(&o.store, "store", "sqlite", "sqlite (fresh, in a temporary directory) or mongo (MONGODB_URI, a fresh database dropped afterwards)")
	f.DurationVar(&o.latency, "platform-latency", 0, "how long the sandbox takes to answer each post (0: at once), as a real platform does")
	f.DurationVar(&o.lead, "lead", 2*time.Second, "how far ahead of the end of set-up the deliveries are due")
	f.StringVar(&o.logLevel, "log-level", "warn", "log level of the app instances (logs go to stderr)")
	f.BoolVar(&asJSON, "json", false, "print one JSON object")
	f.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the run (from the schedulers' start) to this file")
	f.StringVar(&o.protocol, "sandbox-protocol", "h2c", "what the sandbox's server speaks: h2c (HTTP/2 as the platforms, the app follows its announcement) or http1 (as before h2c, for side-by-side runs with older builds)")
	cmd.AddCommand(sched, benchSlackCommand(stdout, stderr))
	return cmd
}

type benchOptions struct {
	deliveries, accounts, replicas int
	store                          string
	lead, latency                  time.Duration
	logLevel                       string
	cpuProfile                     string
	protocol                       string
}

// benchResult is the report; its JSON keys are the issue's.
type benchResult struct {
	Deliveries     int          `json:"deliveries"`
	ThroughputPerS float64      `json:"throughput_per_s"`
	LatenessMS     benchLatency `json:"lateness_ms"`
	Duplicates     int          `json:"duplicates"`
	Lost           int          `json:"lost"`

	accepted, failed int
	first, last      time.Duration // due time → first and last acceptance
	cpu              time.Duration // CPU time of the whole process (sandbox included) from the schedulers' start until every delivery is final
}

type benchLatency struct {
	P50 float64 `json:"p50"`
	P95 float64 `json:"p95"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

func (r benchResult) print(w io.Writer, o benchOptions) {
	fmt.Fprintf(w, "deliveries   %d across %d X accounts, %d replica(s), %s store\n", r.Deliveries, o.accounts, o.replicas, o.store)
	fmt.Fprintf(w, "accepted     %d (failed %d), the first %.0f ms and the last %.0f ms after the due time\n", r.accepted, r.failed, ms(r.first), ms(r.last))
	fmt.Fprintf(w, "throughput   %.0f deliveries/s\n", r.ThroughputPerS)
	fmt.Fprintf(w, "lateness     p50 %.0f ms  p95 %.0f ms  p99 %.0f ms  max %.0f ms\n", r.LatenessMS.P50, r.LatenessMS.P95, r.LatenessMS.P99, r.LatenessMS.Max)
	fmt.Fprintf(w, "duplicates   %d\n", r.Duplicates)
	fmt.Fprintf(w, "lost         %d\n", r.Lost)
	fmt.Fprintf(w, "cpu          %.0f ms, %.0f µs per delivery (this process: app and sandbox)\n", ms(r.cpu), float64(r.cpu.Microseconds())/float64(r.Deliveries))
}

const benchWorkspace = "Wbench"

var benchCaller = identity.Caller{WorkspaceID: benchWorkspace, UserID: "Ubench", Role: identity.Admin, Door: identity.DoorAPI}

// benchScheduler runs one benchmark; logs go to logOut.
func benchScheduler(ctx context.Context, getenv func(string) string, o benchOptions, logOut io.Writer) (benchResult, error) {
	if o.protocol != "h2c" && o.protocol != "http1" {
		return benchResult{}, usageError{fmt.Errorf("--sandbox-protocol %q: want h2c or http1", o.protocol)}
	}
	dir, err := os.MkdirTemp("", "mm-bench-")
	if err != nil {
		return benchResult{}, fmt.Errorf("bench: %w", err)
	}
	defer os.RemoveAll(dir)
	env := map[string]string{"MM_DATA_DIR": dir, "MM_LOG_FORMAT": "console", "MM_LOG_LEVEL": o.logLevel,
		"MM_HTTP_ADDR": "127.0.0.1:0", "MM_PUBLIC_URL": "http://127.0.0.1:8080"}
	if o.store == "mongo" {
		if env["MONGODB_URI"] = getenv("MONGODB_URI"); env["MONGODB_URI"] == "" {
			return benchResult{}, usageError{errors.New("--store mongo needs MONGODB_URI")}
		}
		env["MONGODB_DATABASE"] = "mm_bench_" + store.NewID()
	}
	cfg, err := loadConfig(func(k string) string { return env[k] })
	if err != nil {
		return benchResult{}, err
	}
	log := newLogger(logOut, cfg.LogFormat, cfg.LogLevel)

	sb, err := sandbox.New(sandbox.Options{Logger: log})
	if err != nil {
		return benchResult{}, err
	}
	defer sb.Close()
	sb.SetXPostLimit(math.MaxInt32)
	if o.latency > 0 {
		sb.InjectFault(sandbox.Fault{Platform: "twitter", Method: http.MethodPost, Path: "/2/tweets", Latency: o.latency})
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return benchResult{}, fmt.Errorf("bench: sandbox listener: %w", err)
	}
	srv := &http.Server{Handler: sb, ReadHeaderTimeout: 10 * time.Second}
	if o.protocol == "h2c" {
		srv.Protocols = sandbox.Protocols()
	}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	base := "http://" + ln.Addr().String()

	// The replicas: each its own store handle, app and scheduler.
	apps := make([]*app, o.replicas)
	for i := range apps {
		db, err := openStore(ctx, cfg, log, prometheus.NewRegistry(), false)
		if err != nil {
			return benchResult{}, err
		}
		if i == 0 && db.Mongo != nil {
			defer func() { _ = db.Mongo.Drop(context.WithoutCancel(ctx)) }()
		}
		defer db.Close(context.WithoutCancel(ctx))
		if apps[i], err = newApp(cfg, db, log, base, schedule.Options{}); err != nil {
			return benchResult{}, err
		}
		// The sandbox's limit is lifted; lift the app's cap to match (the
		// cap check still runs on every delivery).
		apps[i].publish.SetCaps(map[platform.Name]publish.Cap{platform.Twitter: {Posts: math.MaxInt32, Window: 15 * time.Minute}})
	}
	lead := apps[0]

	accts, err := benchConnect(ctx, lead.accounts, sb, o.accounts)
	if err != nil {
		return benchResult{}, err
	}

	// Everything is scheduled before the schedulers start; the due time
	// leaves room for that, plus o.lead.
	run := store.NewID()[:8]
	text := func(i int) string { return fmt.Sprintf("Bench %s: delivery %d of %d", run, i+1, o.deliveries) }
	due := time.Now().Add(o.lead + time.Second + time.Duration(o.deliveries)*time.Millisecond).Truncate(time.Millisecond)
	postIDs, err := benchSchedule(ctx, lead.publish, accts, o.deliveries, text, due)
	if err != nil {
		return benchResult{}, err
	}
	if left := time.Until(due); left < 200*time.Millisecond {
		return benchResult{}, fmt.Errorf("bench: scheduling took too long: %v left before the due time", left)
	}
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return benchResult{}, fmt.Errorf("bench: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return benchResult{}, fmt.Errorf("bench: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	cpuStart := cpuTime()
	for _, a := range apps {
		if err := a.scheduler.Start(ctx); err != nil {
			return benchResult{}, err
		}
		defer a.scheduler.Stop(context.WithoutCancel(ctx))
	}

	// Wait for the sandbox to have every post, then for every job to be final.
	deadline := due.Add(30*time.Second + time.Duration(o.deliveries)*5*time.Millisecond)
	for sb.Calls(http.MethodPost, "/api.x.com/2/tweets") < o.deliveries && time.Now().Before(deadline) {
		if err := sleepCtx(ctx, 2*time.Millisecond); err != nil {
			return benchResult{}, err
		}
	}
	// Only the delivery jobs: the accounts' own token refresh jobs stay
	// pending for hours.
	unfinished := func() (bool, error) {
		for _, st := range []schedule.Status{schedule.StatusPending, schedule.StatusProcessing} {
			js, _, err := lead.scheduler.Store().List(ctx, benchWorkspace, schedule.Filter{Status: st, Kind: publish.JobKind, Limit: 1})
			if err != nil || len(js) > 0 {
				return true, err
			}
		}
		return false, nil
	}
	for time.Now().Before(deadline) {
		busy, err := unfinished()
		if err != nil {
			return benchResult{}, err
		}
		if !busy {
			break
		}
		if err := sleepCtx(ctx, 20*time.Millisecond); err != nil {
			return benchResult{}, err
		}
	}

	cpu := cpuTime() - cpuStart

	posts, err := benchPosts(ctx, base, lead.accounts, accts, due)
	if err != nil {
		return benchResult{}, err
	}
	r, err := benchReport(ctx, lead.publish, o.deliveries, text, postIDs, posts, due)
	r.cpu = cpu
	return r, err
}

// benchConnect connects n X accounts through the OAuth flow: a new sandbox
// user signs in, the consent page redirects with a code, the callback
// exchanges it.
func benchConnect(ctx context.Context, acc *accounts.Service, sb *sandbox.Sandbox, n int) ([]string, error) {
	browser := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	ids := make([]string, 0, n)
	for i := range n {
		uid := sb.SetXUser(fmt.Sprintf("bench%d", i+1))
		consent, err := acc.Connect(ctx, benchCaller, platform.Twitter, accounts.ReturnTo{})
		if err != nil {
			return nil, err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, consent, nil)
		if err != nil {
			return nil, err
		}
		resp, err := browser.Do(req)
		if err != nil {
			return nil, fmt.Errorf("bench: consent page: %w", err)
		}
		resp.Body.Close()
		back, err := url.Parse(resp.Header.Get("Location"))
		if err != nil || resp.StatusCode != http.StatusFound {
			return nil, fmt.Errorf("bench: consent page answered %s, not a redirect", resp.Status)
		}
		q := back.Query()
		res, err := acc.Callback(ctx, platform.Twitter, accounts.CallbackRequest{State: q.Get("state"), Code: q.Get("code"), Error: q.Get("error")})
		if err != nil {
			return nil, err
		}
		if len(res.Accounts) != 1 {
			return nil, fmt.Errorf("bench: connecting X user %s gave %d accounts", uid, len(res.Accounts))
		}
		ids = append(ids, res.Accounts[0].ID)
	}
	return ids, nil
}

// benchSchedule schedules n posts, post i to account i mod len(accts), all
// due at due, through publish.Service.Schedule; it returns the post ids.
func benchSchedule(ctx context.Context, pub *publish.Service, accts []string, n int, text func(int) string, due time.Time) ([]string, error) {
	ids := make([]string, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for w := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				req := publish.Request{Content: publish.Content{Text: text(i)}, AccountIDs: []string{accts[i%len(accts)]}}
				s, err := pub.Schedule(ctx, benchCaller, req, due)
				if err != nil {
					errs[w] = fmt.Errorf("bench: schedule delivery %d: %w", i+1, err)
					return
				}
				ids[i] = s.PostID
			}
		}()
	}
	wg.Wait()
	return ids, errors.Join(errs...)
}

// benchPost is one post as the sandbox's X timeline lists it.
type benchPost struct {
	Text      string    `json:"text"`
	CreatedAt time.Time `json:"created_at"`
}

// benchPosts reads every post of the accounts created since since from X's
// timeline endpoint (GET /2/users/:id/tweets), page by page.
func benchPosts(ctx context.Context, base string, acc *accounts.Service, accts []string, since time.Time) ([]benchPost, error) {
	client := &http.Client{Timeout: 30 * time.Second}
	var all []benchPost
	for _, id := range accts {
		t, err := acc.ValidToken(ctx, benchCaller, id)
		if err != nil {
			return nil, err
		}
		q := url.Values{"tweet.fields": {"created_at"}, "max_results": {"100"},
			"start_time": {since.Add(-time.Minute).UTC().Format(time.RFC3339)}}
		for {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api.x.com/2/users/"+t.ExternalID+"/tweets?"+q.Encode(), nil)
			if err != nil {
				return nil, err
			}
			req.Header.Set("Authorization", "Bearer "+t.AccessToken)
			resp, err := client.Do(req)
			if err != nil {
				return nil, fmt.Errorf("bench: read timeline: %w", err)
			}
			var page struct {
				Data []benchPost `json:"data"`
				Meta struct {
					NextToken string `json:"next_token"`
				} `json:"meta"`
			}
			err = json.NewDecoder(resp.Body).Decode(&page)
			resp.Body.Close()
			if err != nil || resp.StatusCode != http.StatusOK {
				return nil, fmt.Errorf("bench: read timeline: %s (%v)", resp.Status, err)
			}
			all = append(all, page.Data...)
			if page.Meta.NextToken == "" {
				break
			}
			q.Set("pagination_token", page.Meta.NextToken)
		}
	}
	return all, nil
}

// benchReport matches posts to deliveries by text: lateness is due → the
// first post of each text; every further post of a text is a duplicate; a
// delivery without a post that did not fail is lost.
func benchReport(ctx context.Context, pub *publish.Service, n int, text func(int) string, postIDs []string, posts []benchPost, due time.Time) (benchResult, error) {
	first := map[string]time.Time{}
	count := map[string]int{}
	for _, p := range posts {
		count[p.Text]++
		if t, ok := first[p.Text]; !ok || p.CreatedAt.Before(t) {
			first[p.Text] = p.CreatedAt
		}
	}
	r := benchResult{Deliveries: n}
	late := make([]float64, 0, n)
	for i := range n {
		tx := text(i)
		c := count[tx]
		if c == 0 {
			v, err := pub.Get(ctx, benchCaller, postIDs[i])
			if err != nil {
				return benchResult{}, err
			}
			if len(v.Targets) == 1 && v.Targets[0].Status == publish.StatusFailed {
				r.failed++
			} else {
				r.Lost++
			}
			continue
		}
		r.accepted++
		r.Duplicates += c - 1
		d := first[tx].Sub(due)
		r.last = max(r.last, d)
		if r.accepted == 1 || d < r.first {
			r.first = d
		}
		late = append(late, ms(max(d, 0)))
	}
	slices.Sort(late)
	pct := func(p float64) float64 {
		if len(late) == 0 {
			return 0
		}
		return late[min(len(late)-1, int(math.Ceil(p*float64(len(late))))-1)]
	}
	r.LatenessMS = benchLatency{P50: pct(0.50), P95: pct(0.95), P99: pct(0.99), Max: pct(1)}
	if r.accepted > 0 {
		r.ThroughputPerS = math.Round(float64(r.accepted) / max(r.last, time.Millisecond).Seconds())
	}
	return r, nil
}

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
