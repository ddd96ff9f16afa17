package main

import (
	"bytes"
	"context"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// TestBenchSlack runs `bench slack` small against this service only (no
// node needed): every event is answered, after the scripted model's turn.
func TestBenchSlack(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole service for a few seconds")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var out, errOut bytes.Buffer
	err := run(ctx, []string{"bench", "slack", "--skip-bolt", "--rounds", "1", "--events", "40", "--in-flight", "10", "--turn", "300ms"},
		func(string) string { return "" }, &out, &errOut)
	if err != nil {
		t.Fatalf("bench slack: %v\nstderr:\n%s", err, errOut.String())
	}
	m := regexp.MustCompile(`round 1 marketingminds +events 40 in flight 10: reply p50 +(\d+) ms p99 +(\d+) ms \| ack p50 +[\d.]+ ms p99 +[\d.]+ ms`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("output %q", out.String())
	}
	if p50, _ := strconv.Atoi(m[1]); p50 < 300 {
		t.Fatalf("reply p50 %d ms is shorter than the model's turn: %s", p50, out.String())
	}
	// Each answer is at least one chat.postMessage; the warm-up made every
	// writer known, so no users.info. (A turn that outlasts the door's
	// QuickReply on a loaded machine streams, which adds calls: their
	// number is the bench's figure, not this test's.)
	c := regexp.MustCompile(`Web API calls/event ([\d.]+) \(users\.info (\d+)\) \| cpu/event +\d+ µs`).FindStringSubmatch(out.String())
	if c == nil {
		t.Fatalf("output %q", out.String())
	}
	if calls, _ := strconv.ParseFloat(c[1], 64); calls < 1 {
		t.Fatalf("%.2f Web API calls per event, want at least the answer's chat.postMessage: %s", calls, out.String())
	}
	if c[2] != "0" {
		t.Fatalf("%s users.info calls after the warm-up made everyone known: %s", c[2], out.String())
	}
}
