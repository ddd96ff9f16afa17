package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

// TestBenchScheduler runs `bench scheduler` small (200 deliveries, 2
// replicas on one SQLite store) and checks that nothing was doubled or lost
// and that --json prints exactly the keys.
func TestBenchScheduler(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole pipeline for a few seconds")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var out, errOut bytes.Buffer
	getenv := func(string) string { return "" }
	if err := run(ctx, []string{"bench", "scheduler", "--sandbox-protocol", "spdy"}, getenv, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "want h2c or http1") {
		t.Errorf("--sandbox-protocol spdy: err = %v, want the two choices named", err)
	}
	err := run(ctx, []string{"bench", "scheduler", "--deliveries", "200", "--accounts", "4", "--replicas", "2", "--lead", "10s", "--json"},
		getenv, &out, &errOut)
	if err != nil {
		t.Fatalf("bench scheduler: %v\nstderr:\n%s", err, errOut.String())
	}

	var keys map[string]json.RawMessage
	if err := json.Unmarshal(out.Bytes(), &keys); err != nil {
		t.Fatalf("output is not one JSON object: %v\n%s", err, out.String())
	}
	want := []string{"deliveries", "duplicates", "lateness_ms", "lost", "throughput_per_s"}
	if len(keys) != len(want) {
		t.Errorf("keys %v, want exactly %v", mapKeys(keys), want)
	}
	for _, k := range want {
		if _, ok := keys[k]; !ok {
			t.Errorf("key %q missing from %s", k, out.String())
		}
	}
	var late map[string]float64
	if err := json.Unmarshal(keys["lateness_ms"], &late); err != nil || len(late) != 4 {
		t.Errorf("lateness_ms = %s, want {p50, p95, p99, max}", keys["lateness_ms"])
	}

	var res struct {
		Deliveries     int     `json:"deliveries"`
		ThroughputPerS float64 `json:"throughput_per_s"`
		LatenessMS     struct {
			P50, P95, P99, Max float64
		} `json:"lateness_ms"`
		Duplicates int `json:"duplicates"`
		Lost       int `json:"lost"`
	}
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	if res.Deliveries != 200 || res.Duplicates != 0 || res.Lost != 0 {
		t.Errorf("deliveries %d, duplicates %d, lost %d; want 200, 0, 0", res.Deliveries, res.Duplicates, res.Lost)
	}
	l := res.LatenessMS
	if res.ThroughputPerS <= 0 || l.P50 > l.P95 || l.P95 > l.P99 || l.P99 > l.Max || l.Max <= 0 {
		t.Errorf("throughput %v/s, lateness %+v: not a plausible run", res.ThroughputPerS, l)
	}
}

// TestBenchSchedulerText checks the human-readable report, that
// --platform-latency slows every post by that much, and the usage errors.
func TestBenchSchedulerText(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole pipeline")
	}
	ctx := context.Background()
	var out, errOut bytes.Buffer
	getenv := func(string) string { return "" }
	if err := run(ctx, []string{"bench", "scheduler", "--deliveries", "20", "--accounts", "2", "--lead", "2s", "--platform-latency", "80ms"},
		getenv, &out, &errOut); err != nil {
		t.Fatalf("bench scheduler: %v\n%s", err, errOut.String())
	}
	for _, line := range []string{"throughput", "lateness", "p99", "duplicates   0", "lost         0", "µs per delivery"} {
		if !strings.Contains(out.String(), line) {
			t.Errorf("report lacks %q:\n%s", line, out.String())
		}
	}
	var first float64
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.HasPrefix(line, "accepted") {
			_, _ = fmt.Sscanf(line[strings.Index(line, "the first"):], "the first %f ms", &first)
		}
	}
	if first < 80 {
		t.Errorf("the first post was accepted %v ms after its time, with 80 ms of platform latency:\n%s", first, out.String())
	}
	for _, args := range [][]string{
		{"bench", "scheduler", "--deliveries", "0"},
		{"bench", "scheduler", "--store", "postgres"},
		{"bench", "scheduler", "--store", "mongo"}, // no MONGODB_URI
		{"bench", "scheduler", "--platform-latency", "-1s"},
	} {
		err := run(ctx, args, getenv, &out, &errOut)
		if code := exitCode(err, &errOut); code != 2 {
			t.Errorf("%v: exit code %d (%v), want 2", args, code, err)
		}
	}
}

func mapKeys(m map[string]json.RawMessage) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
