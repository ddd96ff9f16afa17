package httpapi

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// requestIDPattern is the rule validRequestID implements by hand (it runs on
// every request): the oracle of its tests.
var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

func TestValidRequestID(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"", "abc-123", "A.b_C-9", strings.Repeat("a", 64), strings.Repeat("a", 65), "bad id", "x<script>", "é", "a\n", "a/b"} {
		if got, want := validRequestID(id), requestIDPattern.MatchString(id); got != want {
			t.Errorf("validRequestID(%q) = %v, want %v", id, got, want)
		}
	}
}

func FuzzValidRequestID(f *testing.F) {
	for _, s := range []string{"abc-123", "bad id", "", strings.Repeat("z", 64)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		if got, want := validRequestID(id), requestIDPattern.MatchString(id); got != want {
			t.Fatalf("validRequestID(%q) = %v, want %v", id, got, want)
		}
	})
}

// Each route, method and status's series are resolved once and kept: every
// later request still counts, and past maxSeries the rest count unkept.
func TestMetricsSeriesKept(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	m := newHTTPMetrics(reg)
	for range 3 {
		m.observe("GET /api/me", "GET", 200, time.Millisecond)
	}
	for i := range maxSeries + 10 {
		m.observe("unmatched", fmt.Sprintf("M%d", i), 404, time.Millisecond)
	}
	m.observe("unmatched", fmt.Sprintf("M%d", maxSeries+9), 404, time.Millisecond)
	if n := m.kept.Load(); n != maxSeries {
		t.Errorf("kept %d series, want %d", n, maxSeries)
	}
	counts := map[string]float64{} // "route method status" → requests
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() != "mm_http_requests_total" {
			continue
		}
		for _, mt := range f.GetMetric() {
			l := map[string]string{}
			for _, p := range mt.GetLabel() {
				l[p.GetName()] = p.GetValue()
			}
			counts[l["route"]+" "+l["method"]+" "+l["status"]] = mt.GetCounter().GetValue()
		}
	}
	if got := counts["GET /api/me GET 200"]; got != 3 {
		t.Errorf("GET /api/me 200 counted %v times, want 3", got)
	}
	if len(counts) != maxSeries+11 {
		t.Errorf("%d request series, want %d", len(counts), maxSeries+11)
	}
	if got := counts[fmt.Sprintf("unmatched M%d 404", maxSeries+9)]; got != 2 {
		t.Errorf("a series past the kept ones counted %v times, want 2", got)
	}
}
