package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/marketingminds/marketingminds/bot/slack/slackfake"
)

const (
	benchUsers  = 50 // the people writing in the burst
	benchSecret = "bench-signing-secret"
	benchToken  = "xoxb-bench"
)

type slackBenchOptions struct {
	events, inFlight, rounds int
	warmup                   int
	turn                     time.Duration
	boltDir, node            string
	skipBolt                 bool
	cpuProfile               string
}

// benchSlackCommand is `bench slack`: the same signed event burst at this
// door and at a Bolt for JavaScript app, alternately.
func benchSlackCommand(stdout, stderr io.Writer) *cobra.Command {
	var o slackBenchOptions
	cmd := &cobra.Command{
		Use:   "slack",
		Short: "Fire a signed app_mention burst at this Slack door and at Bolt for JavaScript, alternately; report reply latency and ack p99",
		Long: `Each round starts a fresh fake Slack Web API and, in turn, this service
(serve, embedded SQLite in a temporary directory, a scripted model that
answers after --turn) and the Bolt app in --bolt-dir (its handler waits
--turn, then chat.postMessage), fires --events signed app_mention events
(each in its own channel) with --in-flight at a time, and waits for every
reply in the fake. Reply latency is an event's send → its reply's arrival
in the fake; ack is the event's HTTP round trip. Run npm ci in --bolt-dir
first.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.events < 1 || o.inFlight < 1 || o.rounds < 1 || o.warmup < 0 {
				return usageError{errors.New("--events, --in-flight and --rounds must be at least 1, --warmup at least 0")}
			}
			for r := range o.rounds {
				targets := []string{"marketingminds", "bolt"}
				if r%2 == 1 {
					slices.Reverse(targets)
				}
				for _, target := range targets {
					if target == "bolt" && o.skipBolt {
						continue
					}
					res, err := benchSlackRound(cmd.Context(), o, target, stderr)
					if err != nil {
						return fmt.Errorf("bench slack: %s: %w", target, err)
					}
					fmt.Fprintf(stdout, "round %d %-14s events %d in flight %d: reply p50 %6.0f ms p99 %6.0f ms | ack p50 %5.1f ms p99 %5.1f ms | new Web API conns %d | Web API calls/event %.2f (users.info %d) | cpu/event %4.0f µs\n",
						r+1, target, o.events, o.inFlight, ms(res.reply50), ms(res.reply99), ms(res.ack50), ms(res.ack99), res.conns,
						float64(res.calls)/float64(o.events), res.lookups, float64(res.cpu.Microseconds())/float64(o.events))
				}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.events, "events", 2000, "app_mention events in the burst")
	f.IntVar(&o.inFlight, "in-flight", 50, "events sent at once")
	f.IntVar(&o.warmup, "warmup", benchUsers, "events sent (and answered) before each burst, not measured: one per person by default")
	f.IntVar(&o.rounds, "rounds", 2, "rounds; each runs both, alternating which goes first")
	f.DurationVar(&o.turn, "turn", 2*time.Second, "the scripted model's latency")
	f.StringVar(&o.boltDir, "bolt-dir", filepath.Join("bench", "bolt"), "the Bolt app (npm ci done)")
	f.StringVar(&o.node, "node", "node", "the node binary")
	f.BoolVar(&o.skipBolt, "skip-bolt", false, "measure this service only")
	f.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of this service's bursts (the last round's) to this file")
	return cmd
}

type slackRound struct {
	reply50, reply99, ack50, ack99 time.Duration
	conns                          int64
	calls                          int // Web API calls the fake received during the burst
	lookups                        int // of which users.info: none once the people are known
	// cpu is the CPU time spent from the first event to the last reply by
	// this process (the fake Web API, the sender and, for this service, the
	// service and its scripted model) and by the Bolt app's process.
	cpu time.Duration
}

func benchSlackRound(ctx context.Context, o slackBenchOptions, target string, logOut io.Writer) (slackRound, error) {
	fake := slackfake.New(benchToken)
	defer fake.Close()
	for i := range o.events + o.warmup {
		fake.AddChannels(benchChannel(i))
	}
	for u := range benchUsers {
		fake.AddUser(slackfake.User{ID: fmt.Sprintf("UB%05d", u), Name: fmt.Sprintf("user%05d", u), TZ: "UTC"})
	}
	port, err := freePort()
	if err != nil {
		return slackRound{}, err
	}
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var stop func() error
	appCPU := func() time.Duration { return 0 } // this service runs in this process
	switch target {
	case "bolt":
		var pid int
		stop, pid, err = startBolt(ctx, o, fake.URL(), port, logOut)
		appCPU = func() time.Duration { return processCPU(pid) }
	default:
		stop, err = startOurs(ctx, o, fake.URL(), port, logOut)
	}
	if err != nil {
		return slackRound{}, err
	}
	defer func() { _ = stop() }()
	if err := waitListening(ctx, base); err != nil {
		return slackRound{}, err
	}
	if o.cpuProfile != "" && target != "bolt" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return slackRound{}, fmt.Errorf("bench: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return slackRound{}, fmt.Errorf("bench: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	// The warm-up (the same for both services) makes the people known and
	// the code paths hot, as in a service that has been running: its events
	// come after the burst's indexes and are not measured.
	if o.warmup > 0 {
		if _, _, err := fireBurst(ctx, base+"/slack/events", o, o.events, o.warmup); err != nil {
			return slackRound{}, fmt.Errorf("bench: warm-up: %w", err)
		}
		if _, err := waitReplies(ctx, fake, o.events, o.warmup, time.Minute); err != nil {
			return slackRound{}, fmt.Errorf("bench: warm-up: %w", err)
		}
	}
	conns0, calls0, lookups0 := fake.NewConns(), len(fake.Calls()), len(fake.Calls("users.info"))
	cpu0 := cpuTime() + appCPU()
	sent, acks, err := fireBurst(ctx, base+"/slack/events", o, 0, o.events)
	if err != nil {
		return slackRound{}, err
	}
	replies, err := waitReplies(ctx, fake, 0, o.events, 5*time.Minute)
	if err != nil {
		return slackRound{}, err
	}
	cpu := cpuTime() + appCPU() - cpu0
	lat := make([]time.Duration, 0, o.events)
	for i := range o.events {
		lat = append(lat, replies[benchChannel(i)].Sub(sent[i]))
	}
	slices.Sort(lat)
	slices.Sort(acks)
	pct := func(d []time.Duration, p int) time.Duration { return d[min(len(d)-1, len(d)*p/100)] }
	return slackRound{reply50: pct(lat, 50), reply99: pct(lat, 99), ack50: pct(acks, 50), ack99: pct(acks, 99), conns: fake.NewConns() - conns0,
		calls: len(fake.Calls()) - calls0, lookups: len(fake.Calls("users.info")) - lookups0, cpu: cpu}, nil
}

func benchChannel(i int) string { return fmt.Sprintf("CB%05d", i) }

// fireBurst sends n signed events numbered from first, inFlight at a time,
// and returns when each was sent and each ack's round trip.
func fireBurst(ctx context.Context, url string, o slackBenchOptions, first, n int) ([]time.Time, []time.Duration, error) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: o.inFlight}, Timeout: 30 * time.Second}
	defer client.CloseIdleConnections()
	sent := make([]time.Time, n)
	acks := make([]time.Duration, n)
	next := make(chan int)
	errc := make(chan error, o.inFlight)
	var wg sync.WaitGroup
	for range o.inFlight {
		wg.Go(func() {
			for k := range next {
				i := first + k
				body := fmt.Appendf(nil, `{"type":"event_callback","team_id":"T1","api_app_id":"A1","event_id":"EvBench%05d","event_time":%d,"event":{"type":"app_mention","user":"UB%05d","text":"<@UBOT> how did last week go? %d","ts":"1700002000.%06d","channel":"%s","event_ts":"1700002000.%06d"}}`,
					i, time.Now().Unix(), i%benchUsers, i, i, benchChannel(i), i)
				req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(string(body)))
				if err != nil {
					errc <- err
					return
				}
				ts := fmt.Sprint(time.Now().Unix())
				mac := hmac.New(sha256.New, []byte(benchSecret))
				fmt.Fprintf(mac, "v0:%s:%s", ts, body)
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Slack-Request-Timestamp", ts)
				req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
				sent[k] = time.Now()
				resp, err := client.Do(req)
				if err != nil {
					errc <- err
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				acks[k] = time.Since(sent[k])
				if resp.StatusCode != http.StatusOK {
					errc <- fmt.Errorf("event %d: status %d", i, resp.StatusCode)
					return
				}
			}
		})
	}
	go func() {
		defer close(next)
		for k := range n {
			select {
			case next <- k:
			case <-ctx.Done():
				return
			}
		}
	}()
	wg.Wait()
	select {
	case err := <-errc:
		return nil, nil, err
	default:
	}
	return sent, acks, nil
}

// waitReplies polls the fake until the n channels of the events numbered
// from first each hold their first reply (a posted message or a started
// stream) and returns when each arrived.
func waitReplies(ctx context.Context, fake *slackfake.Fake, first, n int, within time.Duration) (map[string]time.Time, error) {
	deadline := time.Now().Add(within)
	want := make(map[string]bool, n)
	for i := range n {
		want[benchChannel(first+i)] = true
	}
	for {
		got := map[string]time.Time{}
		for _, c := range fake.Calls("chat.postMessage", "chat.startStream") {
			if c.Result["ok"] != true {
				continue
			}
			ch := c.Args.Get("channel")
			if !want[ch] {
				continue
			}
			if at, ok := got[ch]; !ok || c.At.Before(at) {
				got[ch] = c.At
			}
		}
		if len(got) >= n {
			return got, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("%d of %d replies after %v", len(got), n, within)
		}
		if err := sleepCtx(ctx, 100*time.Millisecond); err != nil {
			return nil, err
		}
	}
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// waitListening polls base until it answers HTTP.
func waitListening(ctx context.Context, base string) error {
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not listening: %w", base, err)
		}
		if err := sleepCtx(ctx, 50*time.Millisecond); err != nil {
			return err
		}
	}
}

// startBolt starts the Bolt app and returns how to stop it and its pid.
func startBolt(ctx context.Context, o slackBenchOptions, apiURL string, port int, logOut io.Writer) (func() error, int, error) {
	if _, err := os.Stat(filepath.Join(o.boltDir, "node_modules", "@slack", "bolt")); err != nil {
		return nil, 0, fmt.Errorf("run npm ci in %s first: %w", o.boltDir, err)
	}
	cmd := exec.CommandContext(ctx, o.node, "app.js")
	cmd.Dir = o.boltDir
	cmd.Env = append(os.Environ(), "PORT="+fmt.Sprint(port), "SLACK_SIGNING_SECRET="+benchSecret, "SLACK_BOT_TOKEN="+benchToken,
		"SLACK_API_URL="+apiURL, "TURN_MS="+fmt.Sprint(o.turn.Milliseconds()))
	cmd.Stdout, cmd.Stderr = logOut, logOut
	if err := cmd.Start(); err != nil {
		return nil, 0, fmt.Errorf("start bolt: %w", err)
	}
	return func() error {
		_ = cmd.Process.Signal(os.Interrupt)
		return cmd.Wait()
	}, cmd.Process.Pid, nil
}

// processCPU is the CPU time (user and system) process pid has used, from
// /proc (Linux; 0 elsewhere), in clock ticks of 10 ms.
func processCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The fields after the command name (which may hold spaces) in ")";
	// utime and stime are the 14th and 15th of the whole line.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	var utime, stime int64
	if _, err := fmt.Sscan(f[11], &utime); err != nil {
		return 0
	}
	if _, err := fmt.Sscan(f[12], &stime); err != nil {
		return 0
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond
}
