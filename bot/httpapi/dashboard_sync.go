package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/marketingminds/marketingminds/tools/analytics"
)

// syncTimeout bounds a Sync now: the sync outlives a browser that goes away
// (its records are written), as the REST route's does.
const syncTimeout = 5 * time.Minute

// analyticsSyncNow: POST /dashboard/analytics/sync (back=overview|analytics)
// runs analytics.SyncNow for the caller's workspace, the capability behind
// POST /api/social/analytics/sync, then shows the page it was asked from
// with the result in its notice (htmx swaps that page's main in).
func (s *Server) analyticsSyncNow(w http.ResponseWriter, r *http.Request, v *view) {
	if s.deps.Analytics == nil {
		s.renderError(w, r, http.StatusNotFound, "Analytics are not served here.")
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), syncTimeout)
	defer cancel()
	rep, err := s.deps.Analytics.SyncNow(ctx, v.Caller, "")
	if err != nil {
		s.analyticsPageError(w, r, v, err)
		return
	}
	words := syncWords(rep)
	if len(rep.Errors) > 0 {
		v.Error = words
	} else {
		v.Notice = words
	}
	if r.PostFormValue("back") == "overview" {
		v.Nav = "overview"
		s.overviewPage(w, r, v)
		return
	}
	s.analyticsPage(w, r, v)
}

// syncWords says what a sync did, and what it could not read.
func syncWords(rep analytics.Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Sync finished: %s on %s", plural(rep.PostsSynced, "post"), plural(rep.AccountsSynced, "account"))
	if rep.EmailsSynced > 0 {
		fmt.Fprintf(&b, ", %s", plural(rep.EmailsSynced, "e-mail campaign"))
	}
	b.WriteString(".")
	if n := len(rep.Errors); n > 0 {
		fmt.Fprintf(&b, " %s could not be read:", plural(n, "item"))
		for i, f := range rep.Errors {
			if i == 3 {
				fmt.Fprintf(&b, " and %d more", n-3)
				break
			}
			if i > 0 {
				b.WriteString(";")
			}
			if f.Platform != "" {
				fmt.Fprintf(&b, " %s:", f.Platform.Label())
			}
			fmt.Fprintf(&b, " %s", f.Error)
		}
		b.WriteString(".")
	}
	return b.String()
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// hasSeries reports whether h holds at least one day of some platform.
func hasSeries(h analytics.History) bool {
	for _, s := range h.Platforms {
		if len(s.Dates) > 0 {
			return true
		}
	}
	return false
}
