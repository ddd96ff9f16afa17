package httpapi

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/analytics"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// analyticsForm is the analytics page's query, kept to show the form again.
type analyticsForm struct {
	From, To string        // ISO dates; both empty: the last 30 days
	Metric   string        // the series drawn: one of chartMetrics
	Platform platform.Name // the heatmap's
}

// chartMetric is a daily figure the analytics page can draw.
type chartMetric struct{ Key, Label string }

// chartMetrics are the figures the analytics page can draw
// (bot/present/chart's), in menu order.
var chartMetrics = []chartMetric{{"impressions", "Impressions"}, {"engagement", "Engagement"}, {"reach", "Reach"}}

type platformTotals struct {
	Platform platform.Name
	analytics.Totals
}

type analyticsPageData struct {
	Form      analyticsForm
	Errors    map[string][]string
	Metrics   []string
	Labels    map[string]string
	Platforms []platform.Name // the heatmap's menu
	Range     analytics.Range
	Total     analytics.Totals
	ByPlat    []platformTotals
	TopPosts  []analytics.TopPost
	// Daily: the daily chart has figures to draw; Earlier: the range
	// starts before the daily series reach.
	Daily, Earlier bool
	Best           analytics.PlatformBestTimes
	TimeZone       string
	// Responses are the first answers to comments and mentions, per week
	// and platform (nil: no inbox).
	Responses []responseRow
	HasInbox  bool
}

// analyticsPage: GET /dashboard/analytics?from=&to=&metric=&platform=
// draws the range's figures (analytics.Aggregate), each platform's daily
// series (analytics.History) and the best-time heatmap
// (analytics.BestTimes). A bad field is shown next to it, with a 400.
func (s *Server) analyticsPage(w http.ResponseWriter, r *http.Request, v *view) {
	if s.deps.Analytics == nil {
		s.renderError(w, r, http.StatusNotFound, "Analytics are not served here.")
		return
	}
	q := r.URL.Query()
	f := analyticsForm{From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to")), Metric: q.Get("metric"), Platform: platform.Name(q.Get("platform"))}
	d := &analyticsPageData{Form: f, Errors: map[string][]string{}, Platforms: platform.Social, Labels: map[string]string{}}
	for _, m := range chartMetrics {
		d.Metrics = append(d.Metrics, m.Key)
		d.Labels[m.Key] = m.Label
	}
	v.Title, v.Data = "Analytics", d
	if f.Metric == "" {
		d.Form.Metric = chartMetrics[0].Key
	}
	if !slices.ContainsFunc(chartMetrics, func(m chartMetric) bool { return m.Key == d.Form.Metric }) {
		d.Errors["metric"] = append(d.Errors["metric"], "metric is one of impressions, engagement, reach")
	}
	if f.Platform != "" && !slices.Contains(platform.Social, f.Platform) {
		d.Errors["platform"] = append(d.Errors["platform"], "platform is one of facebook, instagram, twitter, linkedin")
	}
	var rg analytics.Range
	switch {
	case f.From == "" && f.To == "":
	case f.From == "":
		d.Errors["from"] = append(d.Errors["from"], "give a start date too (or leave both empty for the last 30 days)")
	case f.To == "":
		d.Errors["to"] = append(d.Errors["to"], "give an end date too (or leave both empty for the last 30 days)")
	default:
		var err error
		if rg, err = analytics.NewRange(f.From, f.To); err != nil {
			msg := strings.TrimPrefix(err.Error(), analytics.ErrInvalid.Error()+": ")
			field := "to"
			if strings.HasPrefix(msg, "date_from") {
				field = "from"
			}
			d.Errors[field] = append(d.Errors[field], msg)
		}
	}
	if len(d.Errors) > 0 {
		v.Error = "Fix the fields marked below."
		s.render(w, r, http.StatusBadRequest, "analytics", v)
		return
	}
	agg, err := s.deps.Analytics.Aggregate(r.Context(), v.Caller, rg)
	if err != nil {
		s.analyticsFailure(w, r, v, err)
		return
	}
	d.Range, d.Total, d.TopPosts = agg.Range, agg.Total, agg.TopPosts
	d.Form.From, d.Form.To = agg.Range.From, agg.Range.To
	for _, p := range platform.Social {
		if t, ok := agg.Platforms[p]; ok {
			d.ByPlat = append(d.ByPlat, platformTotals{Platform: p, Totals: t})
		}
	}
	h, ok, err := s.rangeHistory(r.Context(), v.Caller, agg.Range, s.deps.Now().In(v.Loc))
	if err != nil {
		s.analyticsFailure(w, r, v, err)
		return
	}
	d.Daily, d.Earlier = len(h.Platforms) > 0, !ok
	if d.Form.Platform == "" {
		d.Form.Platform = platform.Twitter
		if len(d.ByPlat) > 0 {
			d.Form.Platform = d.ByPlat[0].Platform
		}
	}
	bt, err := s.deps.Analytics.BestTimes(r.Context(), v.Caller, d.Form.Platform)
	if err != nil {
		s.analyticsFailure(w, r, v, err)
		return
	}
	d.Best, d.TimeZone = bt.Platforms[d.Form.Platform], bt.TimeZone
	if d.Responses, err = s.responseTimes(r.Context(), v.Caller, agg.Range, v.Loc); err != nil {
		s.analyticsPageError(w, r, v, err)
		return
	}
	d.HasInbox = s.deps.Inbox != nil
	s.render(w, r, http.StatusOK, "analytics", v)
}

// analyticsFailure shows a refused or failed analytics question.
func (s *Server) analyticsFailure(w http.ResponseWriter, r *http.Request, v *view, err error) {
	switch {
	case errors.Is(err, identity.ErrForbidden):
		v.Title, v.Error, v.Data = "Forbidden", err.Error(), nil
		s.render(w, r, http.StatusForbidden, "error", v)
	case errors.Is(err, analytics.ErrInvalid):
		v.Title, v.Error, v.Data = "Bad Request", strings.TrimPrefix(err.Error(), analytics.ErrInvalid.Error()+": "), nil
		s.render(w, r, http.StatusBadRequest, "error", v)
	default:
		s.analyticsPageError(w, r, v, err)
	}
}

// historyDays is how many days back History must reach (from today) to
// cover rg, a day of slack for zones; false when that is more than
// analytics.MaxRangeDays.
func historyDays(rg analytics.Range, now time.Time) (int, bool) {
	from, err := time.Parse(analytics.DayFormat, rg.From)
	if err != nil {
		return 0, false
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	days := int(today.Sub(from).Hours()/24) + 2
	if days-1 > analytics.MaxRangeDays {
		return 0, false
	}
	return max(1, min(days, analytics.MaxRangeDays)), true
}

// trimHistory keeps the days of h inside rg.
func trimHistory(h analytics.History, rg analytics.Range) analytics.History {
	out := analytics.History{Range: rg, Platforms: map[platform.Name]analytics.Series{}}
	for p, s := range h.Platforms {
		var t analytics.Series
		for i, d := range s.Dates {
			if d < rg.From || d > rg.To {
				continue
			}
			t.Dates = append(t.Dates, d)
			t.Impressions = append(t.Impressions, at(s.Impressions, i))
			t.Engagement = append(t.Engagement, at(s.Engagement, i))
			t.Reach = append(t.Reach, at(s.Reach, i))
		}
		if len(t.Dates) > 0 {
			out.Platforms[p] = t
		}
	}
	return out
}

func at(vs []*int64, i int) *int64 {
	if i < len(vs) {
		return vs[i]
	}
	return nil
}
