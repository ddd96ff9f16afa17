package httpapi

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// BenchmarkAPIMeVsBare serves GET /api/me (the whole server: middleware,
// metrics, an info-level JSON log, bearer authentication on SQLite) and a
// bare net/http handler answering the same JSON over real loopback HTTP,
// and loads them side by side with one generator of 50 connections, in
// alternating rounds (bare, me, bare, me, ...). It reports the median
// throughput of each, their ratio and the p99s:
//
//	go test ./bot/httpapi/ -run '^$' -bench APIMeVsBare -benchtime 3x
func BenchmarkAPIMeVsBare(b *testing.B) {
	db := storetest.Open(b, store.SQLite, identity.Schema)
	ids := identity.NewService(identity.NewStore(db), time.Now)
	tok, err := ids.CreateToken(context.Background(), "T1", "U1", identity.Editor, "")
	if err != nil {
		b.Fatal(err)
	}
	log := zerolog.New(io.Discard).Level(zerolog.InfoLevel)
	me := httptest.NewServer(New(Deps{Log: log, Identity: ids, Store: db}).Handler())
	defer me.Close()
	body := []byte(`{"success":true,"workspace_id":"T1","user_id":"U1","role":"editor","token_id":"` + tok.Record.ID + `"}` + "\n")
	bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write(body)
	}))
	defer bare.Close()

	const conns, round = 50, time.Second
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: conns * 2, MaxIdleConnsPerHost: conns}}
	var bareRuns, meRuns []loadResult
	b.ResetTimer()
	for range b.N {
		bareRuns = append(bareRuns, load(b, client, bare.URL+"/", "", conns, round))
		meRuns = append(meRuns, load(b, client, me.URL+"/api/me", "Bearer "+tok.Token, conns, round))
	}
	b.StopTimer()
	bm, mm := medianRun(bareRuns), medianRun(meRuns)
	b.ReportMetric(bm.rps, "bare-req/s")
	b.ReportMetric(mm.rps, "me-req/s")
	b.ReportMetric(mm.rps/bm.rps, "me/bare-throughput")
	b.ReportMetric(float64(bm.p99.Microseconds()), "bare-p99-µs")
	b.ReportMetric(float64(mm.p99.Microseconds()), "me-p99-µs")
	b.ReportMetric(float64(mm.p99)/float64(bm.p99), "me/bare-p99")
	// CPU per request (this process: the generator and both servers) moves
	// far less with the machine's load than throughput does: bare/me is
	// what the throughput ratio is on an idle machine.
	bc, mc := medianCPU(bareRuns), medianCPU(meRuns)
	b.ReportMetric(float64(bc.Microseconds()), "bare-cpu-µs/req")
	b.ReportMetric(float64(mc.Microseconds()), "me-cpu-µs/req")
	b.ReportMetric(float64(bc)/float64(mc), "bare/me-cpu")
}

type loadResult struct {
	rps float64
	p99 time.Duration
	cpu time.Duration // process CPU time (user and system) per request
}

// load sends GETs to url from conns goroutines for d and returns the
// throughput and the p99 latency; any answer but 200 fails b.
func load(b *testing.B, client *http.Client, url, auth string, conns int, d time.Duration) loadResult {
	var mu sync.Mutex
	var all []time.Duration
	var wg sync.WaitGroup
	deadline := time.Now().Add(d)
	cpu0 := processCPU()
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			for time.Now().Before(deadline) {
				req, _ := http.NewRequest("GET", url, nil)
				if auth != "" {
					req.Header.Set("Authorization", auth)
				}
				start := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Errorf("%s: status %d", url, resp.StatusCode)
					return
				}
				lat = append(lat, time.Since(start))
			}
			mu.Lock()
			all = append(all, lat...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	cpu := processCPU() - cpu0
	if len(all) == 0 {
		b.Fatal("no request answered")
	}
	slices.Sort(all)
	return loadResult{rps: float64(len(all)) / d.Seconds(), p99: all[len(all)*99/100], cpu: cpu / time.Duration(len(all))}
}

// medianCPU is the median CPU time per request of runs.
func medianCPU(runs []loadResult) time.Duration {
	cpu := make([]time.Duration, len(runs))
	for i, r := range runs {
		cpu[i] = r.cpu
	}
	slices.Sort(cpu)
	return cpu[len(cpu)/2]
}

// medianRun is the run of median throughput.
func medianRun(runs []loadResult) loadResult {
	s := slices.Clone(runs)
	slices.SortFunc(s, func(a, b loadResult) int {
		switch {
		case a.rps < b.rps:
			return -1
		case a.rps > b.rps:
			return 1
		}
		return 0
	})
	return s[len(s)/2]
}

// BenchmarkAPIMeHandler is GET /api/me's own cost, without the network: the
// middleware, routing, authentication and the JSON answer, called in
// process. cpu-ns/op (process CPU, the collector's share included) moves
// little with the machine's load:
//
//	go test ./bot/httpapi/ -run '^$' -bench APIMeHandler -benchmem
func BenchmarkAPIMeHandler(b *testing.B) {
	db := storetest.Open(b, store.SQLite, identity.Schema)
	ids := identity.NewService(identity.NewStore(db), time.Now)
	tok, err := ids.CreateToken(context.Background(), "T1", "U1", identity.Editor, "")
	if err != nil {
		b.Fatal(err)
	}
	h := New(Deps{Log: zerolog.New(io.Discard).Level(zerolog.InfoLevel), Identity: ids, Store: db}).Handler()
	req := httptest.NewRequest("GET", "/api/me", nil)
	req.Header.Set("Authorization", "Bearer "+tok.Token)
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	cpu0 := processCPU()
	for b.Loop() {
		clear(w.h)
		w.status = 0
		h.ServeHTTP(w, req)
		if w.status != http.StatusOK {
			b.Fatalf("status %d", w.status)
		}
	}
	b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/op")
}

// discardWriter is a ResponseWriter that keeps only the status.
type discardWriter struct {
	h      http.Header
	status int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(code int)        { w.status = code }
