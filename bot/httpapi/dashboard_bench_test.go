package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// BenchmarkDashboardPages renders the overview (and the pages that read the
// 500-post window) for a workspace with 5,000 posts, in process, and reports
// the p99 of the server's time per render (target: overview p99 <= 20 ms).
func BenchmarkDashboardPages(b *testing.B) {
	t := &testing.T{}
	f := dashSetup(t, "http://127.0.0.1")
	ctx := context.Background()
	editor := identity.Caller{WorkspaceID: "T1", UserID: "U-e", Role: identity.Editor, Door: identity.DoorAPI}
	at := time.Now().Add(30 * 24 * time.Hour)
	for i := range 5000 {
		req := publish.Request{AccountIDs: []string{"x1"}, Content: publish.Content{Text: fmt.Sprintf("Post number %d of the benchmark", i)}}
		if _, err := f.posts.Schedule(ctx, editor, req, at.Add(time.Duration(i)*time.Minute)); err != nil {
			b.Fatal(err)
		}
	}
	code, _, err := f.sessions.CreateLink(ctx, "T1", "U-e", identity.Editor)
	if err != nil {
		b.Fatal(err)
	}
	started, err := f.sessions.SignInWithLink(ctx, code)
	if err != nil {
		b.Fatal(err)
	}
	handler := f.srv.Config.Handler
	for _, page := range []string{"/dashboard", "/dashboard/posts", "/dashboard/calendar?view=month&date=" + url.QueryEscape(at.Format("2006-01-02"))} {
		b.Run(strings.TrimPrefix(strings.SplitN(page, "?", 2)[0], "/dashboard"), func(b *testing.B) {
			var took []time.Duration
			size := 0
			for b.Loop() {
				req := httptest.NewRequest("GET", page, nil)
				req.AddCookie(&http.Cookie{Name: sessionCookie, Value: started.Secret})
				rec := httptest.NewRecorder()
				start := time.Now()
				handler.ServeHTTP(rec, req)
				took = append(took, time.Since(start))
				if rec.Code != http.StatusOK {
					b.Fatalf("%s = %d", page, rec.Code)
				}
				size = rec.Body.Len()
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64(size), "html-bytes")
		})
	}
}
