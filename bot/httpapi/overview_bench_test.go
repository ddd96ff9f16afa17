package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/sandbox/sandboxtest"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/analytics"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// seedOverview gives workspace T1 10 connected X accounts (the fixture's
// and 9 more through the OAuth flow) and 5,000 posts over the last 30 days,
// each with 3 daily snapshots, plus the accounts' daily followers, written
// to analytics_data; then rebuilds the rollups from them.
func seedOverview(b *testing.B, f *analyticsFixture) {
	b.Helper()
	ctx := context.Background()
	editor := identity.Caller{WorkspaceID: "T1", UserID: "U-editor", Role: identity.Editor, Door: identity.DoorAPI}
	ids := []string{f.x.ID}
	for i := range 9 {
		f.sb.SetXUser(fmt.Sprintf("brand_%d", i))
		u, err := f.acc.Connect(ctx, editor, platform.Twitter, accounts.ReturnTo{Kind: "slack", Channel: "C1"})
		if err != nil {
			b.Fatal(err)
		}
		q := sandboxtest.Consent(b, u)
		res, err := f.acc.Callback(ctx, platform.Twitter, accounts.CallbackRequest{State: q.Get("state"), Code: q.Get("code")})
		if err != nil || len(res.Accounts) != 1 {
			b.Fatalf("connect X %d: %+v, %v", i, res, err)
		}
		ids = append(ids, res.Accounts[0].ID)
	}
	st := analytics.NewStore(f.db)
	now := time.Now().UTC()
	n := platform.Count
	var recs []analytics.Record
	flush := func() {
		if err := st.Upsert(ctx, recs); err != nil {
			b.Fatal(err)
		}
		recs = recs[:0]
	}
	for i := range 5000 { // the newest first, 29 days back
		at := now.Add(-time.Duration(i) * (29 * 24 * time.Hour / 5000)) // 8.4 minutes apart
		for s := range 3 {
			day := at.AddDate(0, 0, s)
			if day.After(now) {
				break
			}
			v := int64(100 + i%400 + 50*s)
			recs = append(recs, analytics.Record{WorkspaceID: "T1", Kind: analytics.KindPost, SubjectID: fmt.Sprintf("d%05d", i),
				Day: analytics.Day(day), Hour: day.Hour(), AccountID: ids[i%len(ids)], Platform: platform.Twitter, PostID: fmt.Sprintf("p%05d", i),
				PlatformPostID: fmt.Sprint(1900000000000000000 + i), PublishedAt: at, PublishedDay: analytics.Day(at), FetchedAt: day,
				Metrics: platform.Metrics{Impressions: n(v * 10), Likes: n(v / 10), Comments: n(v / 50), Shares: n(v / 80), Clicks: n(v / 20), Saves: n(v / 90)}})
		}
		if len(recs) >= 1000 {
			flush()
		}
	}
	for d := range 30 {
		day := analytics.Day(now.AddDate(0, 0, -d))
		for j, id := range ids {
			recs = append(recs, analytics.Record{WorkspaceID: "T1", Kind: analytics.KindAccount, SubjectID: id, Day: day, AccountID: id,
				Platform: platform.Twitter, PublishedDay: day, FetchedAt: now, Metrics: platform.Metrics{Followers: n(int64(1000*j + 30 - d))}})
		}
	}
	flush()
	admin := identity.Caller{WorkspaceID: "T1", UserID: "U-admin", Role: identity.Admin, Door: identity.DoorSystem}
	rg, err := analytics.NewRange(analytics.Day(now.AddDate(0, 0, -40)), analytics.Day(now))
	if err != nil {
		b.Fatal(err)
	}
	if err := f.an.RebuildRollups(ctx, admin, rg); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkDashboardOverview serves GET /api/dashboard/overview over
// loopback HTTP (bearer token, SQLite store) for a workspace with 10
// accounts and 5,000 posts with snapshots, from parallel clients, and
// reports p50/p99 latency and requests per second.
//
//	go test -run '^$' -bench DashboardOverview -benchtime 10000x ./bot/httpapi
func BenchmarkDashboardOverview(b *testing.B) {
	f := analyticsSetup(b)
	seedOverview(b, f)
	tr := &http.Transport{MaxIdleConnsPerHost: 64, MaxConnsPerHost: 64}
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	b.Cleanup(tr.CloseIdleConnections)
	auth := "Bearer " + f.tokens[identity.Viewer]
	get := func() (time.Duration, error) {
		req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/api/dashboard/overview", nil)
		req.Header.Set("Authorization", auth)
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("HTTP %d", resp.StatusCode)
		}
		return time.Since(start), err
	}
	// The answer holds the seeded figures.
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/api/dashboard/overview", nil)
	req.Header.Set("Authorization", auth)
	resp, err := client.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	var body map[string]any
	err = json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if err != nil || num2(body, "analytics", "summary", "posts_published") != 5000.0 {
		b.Fatalf("overview: %v, %v; want the 5,000 seeded posts", body, err)
	}
	var mu sync.Mutex
	var lat []time.Duration
	b.SetParallelism(4) // 4 × GOMAXPROCS clients
	b.ResetTimer()
	cpu0 := processCPU()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		for pb.Next() {
			d, err := get()
			if err != nil {
				b.Error(err)
				return
			}
			mine = append(mine, d)
		}
		mu.Lock()
		lat = append(lat, mine...)
		mu.Unlock()
	})
	elapsed := time.Since(start)
	cpu := processCPU() - cpu0
	b.StopTimer()
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))]) / float64(time.Millisecond)
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "req/s")
	// CPU per request, the load generator's included: what the figures
	// would be on a quiet machine does not depend on other processes.
	b.ReportMetric(float64(cpu)/float64(time.Millisecond)/float64(len(lat)), "cpu-ms/req")
}

// processCPU is the process's user + system CPU time so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// num2 walks keys into a decoded JSON object (nil when absent).
func num2(m map[string]any, keys ...string) any {
	var v any = m
	for _, k := range keys {
		obj, _ := v.(map[string]any)
		v = obj[k]
	}
	return v
}
