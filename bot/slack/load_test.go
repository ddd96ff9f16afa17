package slack_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/bot/httpapi"
	"github.com/marketingminds/marketingminds/bot/slack"
)

// TestLoadAckLatency sends 200 signed events (each delivered twice: the
// event and Slack's retry) and 200 signed /mm commands at once through the
// HTTP sidecar while every conversation turn takes 4 s, and measures how
// fast Slack gets its acks. Every event must get exactly one reply and
// every command exactly one response_url message.
func TestLoadAckLatency(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	const n, channels, turn = 200, 50, 4 * time.Second
	b := setup(t, func(c *slack.Config, _ *slack.Deps) { c.MessageGap = time.Second })
	for i := range channels {
		b.fake.AddChannels(fmt.Sprintf("CL%02d", i))
	}
	b.conv.fn = func(ctx context.Context, sink slack.Sink) (string, error) {
		select { // the scripted model's latency
		case <-time.After(turn):
		case <-ctx.Done():
			return "", ctx.Err()
		}
		sink.Delta("done")
		return "done", nil
	}
	// The handler's own time, from the request read to the ack written.
	h := httpapi.New(httpapi.Deps{Log: zerolog.Nop(), Registry: prometheus.NewRegistry(), Slack: b.bot}).Handler()
	var mu sync.Mutex
	var server []time.Duration
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t0 := time.Now()
		h.ServeHTTP(w, r)
		if r.URL.Path != "/healthz" {
			mu.Lock()
			server = append(server, time.Since(t0))
			mu.Unlock()
		}
	}))
	t.Cleanup(srv.Close)

	bodies := make([][]byte, n)
	for i := range n {
		bodies[i] = []byte(fmt.Sprintf(`{"type":"event_callback","team_id":"T1","event_id":"EvLoad%03d","event":{"type":"app_mention","user":"U1","text":"<@UBOT> report %d","ts":"1700001000.%06d","channel":"CL%02d"}}`,
			i, i, i, i%channels))
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 3 * n}}
	var warm sync.WaitGroup // open the connections first, as a busy sender has them
	for range 3 * n {
		warm.Go(func() {
			if resp, err := client.Get(srv.URL + "/healthz"); err == nil {
				resp.Body.Close()
			}
		})
	}
	warm.Wait()
	lat := make([]time.Duration, 3*n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range 3 * n {
		wg.Go(func() {
			path, body, ctype := "/slack/events", bodies[i%n], "application/json"
			if i >= 2*n {
				path, body, ctype = "/slack/commands", slashBody(b, "U1", "accounts", fmt.Sprintf("load%03d", i-2*n)), "application/x-www-form-urlencoded"
			}
			req, _ := http.NewRequest(http.MethodPost, srv.URL+path, bytesReader(body))
			req.Header = sign(secret, time.Now(), body)
			req.Header.Set("Content-Type", ctype)
			if i >= n && i < 2*n {
				req.Header.Set("X-Slack-Retry-Num", "1")
			}
			<-start
			t0 := time.Now()
			resp, err := client.Do(req)
			lat[i] = time.Since(t0)
			if err != nil || resp.StatusCode != http.StatusOK {
				t.Errorf("delivery %d: %v %v", i, err, resp)
				return
			}
			resp.Body.Close()
		})
	}
	began := time.Now()
	close(start)
	wg.Wait()
	acked := time.Since(began)
	b.bot.Wait()
	slices.Sort(lat)
	slices.Sort(server)
	p50, p99 := lat[len(lat)/2], lat[len(lat)*99/100]
	s50, s99 := server[len(server)/2], server[len(server)*99/100]
	t.Logf("%d requests at once (%d events + %d retries + %d /mm), turns of %v: all acked after %v; ack seen by the sender p50 %v p99 %v max %v; in the handler p50 %v p99 %v; all replies done after %v",
		3*n, n, n, n, turn, acked, p50, p99, lat[len(lat)-1], s50, s99, time.Since(began))

	if turns := len(b.conv.got()); turns != n {
		t.Fatalf("%d turns, want %d", turns, n)
	}
	replies := map[string]int{}
	for _, c := range b.fake.Calls("chat.postMessage", "chat.startStream") { // a quick answer is posted whole
		replies[c.Args.Get("channel")+"/"+c.Args.Get("thread_ts")]++
	}
	if len(replies) != n {
		t.Fatalf("%d threads answered, want %d", len(replies), n)
	}
	for thread, k := range replies {
		if k != 1 {
			t.Fatalf("thread %s answered %d times", thread, k)
		}
	}
	responses := map[string]int{}
	for _, r := range b.fake.Responses() {
		responses[r.ID]++
	}
	if len(responses) != n {
		t.Fatalf("%d commands answered, want %d", len(responses), n)
	}
	for id, k := range responses {
		if k != 1 {
			t.Fatalf("command %s answered %d times", id, k)
		}
	}
	if s99 > turn*3/4 { // well below the turns: the ack does not wait for the work (a loaded machine slows both)
		t.Fatalf("ack p99 %v in the handler: acks must not wait for the work", s99)
	}
}
