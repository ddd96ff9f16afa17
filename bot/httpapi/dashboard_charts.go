package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/bot/present/chart"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/analytics"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// The analytics charts as PNG images, drawn by bot/present/chart: the same
// pictures Slack gets, on the dashboard (behind the session) and in
// e-mails (at signed public links).

// chartRoutes registers the chart images.
func (s *Server) chartRoutes(mux *routeMux) {
	mux.Handle("GET /dashboard/charts/daily.png", s.page(identity.Viewer, "", s.dashChartDaily))
	mux.Handle("GET /dashboard/charts/best-times.png", s.page(identity.Viewer, "", s.dashChartBestTimes))
	if s.links != nil {
		mux.HandleFunc("GET /charts/e/{link}/chart.png", s.publicChart)
	}
}

// dashChartDaily: GET /dashboard/charts/daily.png?from=&to=[&metric=] is
// the caller's workspace's daily figure per platform over the range; no
// metric: impressions above engagement, the picture Slack gets.
func (s *Server) dashChartDaily(w http.ResponseWriter, r *http.Request, v *view) {
	q := r.URL.Query()
	rg, err := analytics.NewRange(q.Get("from"), q.Get("to"))
	var figs []chart.Figure
	if m := q.Get("metric"); m != "" {
		figs = append(figs, chart.Figure(m))
		if !slices.ContainsFunc(chartMetrics, func(c chartMetric) bool { return c.Key == m }) {
			err = errors.New("unknown metric")
		}
	}
	if err != nil {
		http.Error(w, "give from and to as dates like 2026-11-01 and metric (if any) as impressions, engagement or reach", http.StatusBadRequest)
		return
	}
	s.dailyChart(w, r, v.Caller, rg, s.deps.Now().In(v.Loc), "private, no-cache", figs...)
}

// dailyChart answers figs of c's workspace over rg as a PNG.
func (s *Server) dailyChart(w http.ResponseWriter, r *http.Request, c identity.Caller, rg analytics.Range, now time.Time, cache string, figs ...chart.Figure) {
	h, ok, err := s.rangeHistory(r.Context(), c, rg, now)
	if err != nil {
		chartFailed(w, r, err)
		return
	}
	if !ok || len(h.Platforms) == 0 {
		http.Error(w, "no daily figures in this range", http.StatusNotFound)
		return
	}
	s.serveChart(w, r, cache, []any{"daily", figs, h}, func() ([]byte, error) { return s.charts.Daily(h, figs...) })
}

// dashChartBestTimes: GET /dashboard/charts/best-times.png?platform= is a
// platform's weekday × hour heatmap of the caller's workspace.
func (s *Server) dashChartBestTimes(w http.ResponseWriter, r *http.Request, v *view) {
	p := platform.Name(r.URL.Query().Get("platform"))
	if !slices.Contains(platform.Social, p) {
		http.Error(w, "platform is one of facebook, instagram, twitter, linkedin", http.StatusBadRequest)
		return
	}
	bt, err := s.deps.Analytics.BestTimes(r.Context(), v.Caller, p)
	if err != nil {
		chartFailed(w, r, err)
		return
	}
	if len(bt.Platforms[p].Grid) == 0 {
		http.Error(w, "no measured posts on this platform yet", http.StatusNotFound)
		return
	}
	s.serveChart(w, r, "private, no-cache", []any{"best-times", bt}, func() ([]byte, error) { return s.charts.BestTimes(bt) })
}

// publicChart: GET /charts/e/{link}/chart.png is a chart put in an e-mail,
// at its signed link; anything else is a 404 that says nothing more.
func (s *Server) publicChart(w http.ResponseWriter, r *http.Request) {
	l, ok := s.links.open(r.PathValue("link"))
	if !ok || l.Chart != "daily" {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
	c := identity.Caller{WorkspaceID: l.WorkspaceID, UserID: "system", Role: identity.Viewer, Door: identity.DoorSystem}
	s.dailyChart(w, r, c, l.Range, s.deps.Now().UTC(), "public, max-age=3600")
}

// rangeHistory is each platform's daily series over rg; false when rg
// starts further back than the series reach (analytics.MaxRangeDays).
func (s *Server) rangeHistory(ctx context.Context, c identity.Caller, rg analytics.Range, now time.Time) (analytics.History, bool, error) {
	days, ok := historyDays(rg, now)
	if !ok {
		return analytics.History{}, false, nil
	}
	h, err := s.deps.Analytics.History(ctx, c, "", days)
	if err != nil {
		return analytics.History{}, false, err
	}
	return trimHistory(h, rg), true, nil
}

// serveChart answers a chart drawn from data: its ETag is a digest of the
// data, so a browser asking again for unchanged figures gets a 304 and
// nothing is drawn.
func (s *Server) serveChart(w http.ResponseWriter, r *http.Request, cache string, data any, draw func() ([]byte, error)) {
	b, err := json.Marshal(data)
	if err != nil {
		chartFailed(w, r, err)
		return
	}
	sum := sha256.Sum256(b)
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", cache)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	png, err := draw()
	if err != nil {
		chartFailed(w, r, err)
		return
	}
	h.Set("Content-Type", "image/png")
	_, _ = w.Write(png)
}

// chartFailed answers a chart that could not be drawn; the detail goes to
// the log.
func chartFailed(w http.ResponseWriter, r *http.Request, err error) {
	zerolog.Ctx(r.Context()).Error().Err(err).Msg("http: chart")
	http.Error(w, "the chart cannot be drawn right now", http.StatusServiceUnavailable)
}

// insertChart is the e-mail's Markdown with the daily chart of the form's
// range (last week when empty) appended as an image at its signed public
// link; else the Markdown unchanged and what is wrong.
func (s *Server) insertChart(r *http.Request, v *view, f emailForm) (string, string) {
	if s.links == nil {
		return f.Markdown, "charts cannot be put in e-mails on this server (it has no key to sign their links)"
	}
	rg := analytics.DigestWeek(s.deps.Now(), v.Loc)
	if f.ChartFrom != "" || f.ChartTo != "" {
		var err error
		if rg, err = analytics.NewRange(f.ChartFrom, f.ChartTo); err != nil {
			return f.Markdown, strings.TrimPrefix(err.Error(), analytics.ErrInvalid.Error()+": ")
		}
	}
	base := strings.TrimSuffix(s.deps.PublicURL, "/")
	if base == "" {
		base = "http://" + r.Host
	}
	link := base + "/charts/e/" + s.links.sign(chartLink{WorkspaceID: v.Caller.WorkspaceID, Chart: "daily", Range: rg}) + "/chart.png"
	md := strings.TrimRight(f.Markdown, "\n")
	if md != "" {
		md += "\n\n"
	}
	return md + "![Impressions and engagement per day, " + rg.From + " to " + rg.To + "](" + link + ")\n", ""
}
