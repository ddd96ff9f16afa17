package httpapi

import (
	"errors"
	"net/http"
	"slices"
	"sort"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/analytics"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// overviewWindow is how many of the newest posts the overview reads.
const overviewWindow = 100

type overviewData struct {
	// Summary and the chart's Range come from tools/analytics when it is
	// served.
	Summary *analytics.OverviewSummary
	Range   analytics.Range
	// Deltas are the cards' changes against the previous period.
	Deltas    map[string]kpiDelta
	Upcoming  []publish.PostView
	Attention []publish.PostView
	Tokens    []accounts.TokenState // the ones not valid
	// NoFigures is set when no sync has written a daily figure yet.
	NoFigures bool
	Window    int
	// Unanswered counts the inbox's new items (0: none, or no inbox).
	Unanswered int
}

// overviewPage: GET /dashboard
func (s *Server) overviewPage(w http.ResponseWriter, r *http.Request, v *view) {
	d := &overviewData{Window: overviewWindow}
	if s.deps.Posts != nil {
		posts, _, err := s.recentPosts(r.Context(), v.Caller, overviewWindow)
		if err != nil {
			s.dashboardError(w, r, v, err)
			return
		}
		for _, p := range posts {
			if p.Status == "scheduled" || p.Status == "pending" {
				d.Upcoming = append(d.Upcoming, p)
			}
			if needsAttention(p) {
				d.Attention = append(d.Attention, p)
			}
		}
		sort.SliceStable(d.Upcoming, func(i, j int) bool { return postTime(d.Upcoming[i]).Before(postTime(d.Upcoming[j])) })
		d.Upcoming = d.Upcoming[:min(len(d.Upcoming), 10)]
	}
	if s.deps.Analytics != nil {
		ov, err := s.deps.Analytics.Overview(r.Context(), v.Caller)
		if err != nil {
			s.analyticsPageError(w, r, v, err)
			return
		}
		h, err := s.deps.Analytics.History(r.Context(), v.Caller, "", analytics.OverviewDays)
		if err != nil {
			s.analyticsPageError(w, r, v, err)
			return
		}
		d.Summary, d.Range = &ov.Analytics.Summary, ov.Analytics.Range
		d.NoFigures = !hasSeries(h)
		prevRange, err := previousRange(d.Range)
		if err != nil {
			s.analyticsPageError(w, r, v, err)
			return
		}
		prev, err := s.deps.Analytics.Aggregate(r.Context(), v.Caller, prevRange)
		if err != nil {
			s.analyticsPageError(w, r, v, err)
			return
		}
		d.Deltas = kpiDeltas(d.Summary, prev.Summary)
	}
	if s.deps.Accounts != nil {
		states, err := s.deps.Accounts.TokenStatus(r.Context(), v.Caller)
		if err != nil {
			s.accountPageError(w, r, v, err)
			return
		}
		for _, st := range states {
			if st.Status != "valid" {
				d.Tokens = append(d.Tokens, st)
			}
		}
	}
	if s.deps.Inbox != nil {
		n, err := s.deps.Inbox.Unanswered(r.Context(), v.Caller)
		if err != nil {
			s.inboxFailure(w, r, v, err)
			return
		}
		d.Unanswered = n
	}
	v.Title, v.Data = "Overview", d
	s.render(w, r, http.StatusOK, "overview", v)
}

type accountsData struct {
	Accounts  []accounts.Account
	Platforms []platform.Name
	// Groups is the account groups section (dashboard_groups.go); nil when
	// groups are not served.
	Groups *groupsData
}

// platformLister is what the accounts page asks of tools/accounts besides
// the Accounts interface: which platforms this server can connect.
type platformLister interface {
	Platforms() []platform.Name
}

// accountsPage: GET /dashboard/accounts[?connected=<platform>]
func (s *Server) accountsPage(w http.ResponseWriter, r *http.Request, v *view) {
	s.accountsPageWith(w, r, v, http.StatusOK, groupForm{})
}

// accountsPageWith shows the accounts page with status, the group form
// filled with f.
func (s *Server) accountsPageWith(w http.ResponseWriter, r *http.Request, v *view, status int, f groupForm) {
	if s.deps.Accounts == nil {
		s.renderError(w, r, http.StatusNotFound, "Accounts are not served here.")
		return
	}
	list, err := s.deps.Accounts.List(r.Context(), v.Caller, "")
	if err != nil {
		s.accountPageError(w, r, v, err)
		return
	}
	if s.deps.Campaigns != nil { // Zoho's grant (e-mail and CRM) is listed too
		z, err := s.deps.Accounts.List(r.Context(), v.Caller, platform.Zoho)
		if err != nil {
			s.accountPageError(w, r, v, err)
			return
		}
		list = append(list, z...)
	}
	d := &accountsData{Accounts: list}
	if d.Groups, err = s.groupsSection(r, v, list, f); err != nil {
		s.accountPageError(w, r, v, err)
		return
	}
	if pl, ok := s.deps.Accounts.(platformLister); ok {
		d.Platforms = pl.Platforms()
	}
	q := r.URL.Query()
	if p := q.Get("connected"); p != "" {
		v.Notice = platform.Name(p).Label() + " connected."
	}
	if q.Get("disconnected") != "" {
		v.Notice = "Account disconnected."
	}
	if g := q.Get("group"); g != "" {
		v.Notice = "Saved the group " + g + "."
	}
	if g := q.Get("ungrouped"); g != "" {
		v.Notice = "Deleted the group " + g + "; its accounts stay connected."
	}
	v.Title, v.Data = "Accounts", d
	s.render(w, r, status, "accounts", v)
}

// accountConnect: POST /dashboard/connect/{platform} (back=<page>) starts
// the OAuth flow of the REST connect route; its callback ends back on the
// dashboard page the button was on (the accounts page when back is not one
// of them) with ?connected=<platform>.
func (s *Server) accountConnect(w http.ResponseWriter, r *http.Request, v *view) {
	back := r.PostFormValue("back")
	if !slices.Contains(connectPages, back) {
		back = "/dashboard/accounts"
	}
	u, err := s.deps.Accounts.Connect(r.Context(), v.Caller, platform.Name(r.PathValue("platform")),
		accounts.ReturnTo{Kind: "dashboard", Page: back})
	if err != nil {
		s.accountPageError(w, r, v, err)
		return
	}
	http.Redirect(w, r, u, http.StatusSeeOther)
}

// connectPages are the dashboard pages with a connect button, where its
// callback returns.
var connectPages = []string{"/dashboard", "/dashboard/accounts", "/dashboard/email", "/dashboard/crm"}

// accountDisconnect: POST /dashboard/accounts/{id}/disconnect
func (s *Server) accountDisconnect(w http.ResponseWriter, r *http.Request, v *view) {
	if _, err := s.deps.Accounts.Disconnect(r.Context(), v.Caller, r.PathValue("id")); err != nil {
		s.accountPageError(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/dashboard/accounts?disconnected=1", http.StatusSeeOther)
}

func (s *Server) analyticsPageError(w http.ResponseWriter, r *http.Request, v *view, err error) {
	zerolog.Ctx(r.Context()).Error().Err(err).Msg("dashboard: analytics")
	v.Title, v.Error, v.Data = "Service Unavailable", "The figures could not be read; try again shortly.", nil
	s.render(w, r, http.StatusServiceUnavailable, "error", v)
}

func (s *Server) accountPageError(w http.ResponseWriter, r *http.Request, v *view, err error) {
	status, msg := http.StatusInternalServerError, "That failed on our side; try again shortly."
	switch {
	case errors.Is(err, identity.ErrForbidden):
		status, msg = http.StatusForbidden, err.Error()
	case errors.Is(err, accounts.ErrNotFound):
		status, msg = http.StatusNotFound, "No such account in this workspace."
	case errors.Is(err, accounts.ErrUnknownPlatform):
		status, msg = http.StatusNotFound, err.Error()
	default:
		zerolog.Ctx(r.Context()).Error().Err(err).Msg("dashboard: accounts")
	}
	v.Title, v.Error, v.Data = http.StatusText(status), msg, nil
	s.render(w, r, status, "error", v)
}

// calendarData is a week (7 days) or a month (whole weeks around it).
type calendarData struct {
	View       string // week or month
	Title      string
	Prev, Next string // dates to navigate to
	Today      string
	Weeks      [][]calendarDay
	// Capped is set when the window holds more than calendarCap posts and
	// only the newest of them are shown.
	Capped int
}

// calendarCap bounds the posts a calendar window reads.
const calendarCap = 2000

type calendarDay struct {
	Date    time.Time
	InRange bool // in the month shown (always true in week view)
	IsToday bool
	Posts   []calendarEntry
	// More counts the posts beyond perDay, listed on the posts page.
	More int
}

// perDay bounds the entries a calendar day shows (and the page's size).
const perDay = 6

type calendarEntry struct {
	At   time.Time
	Post publish.PostView
}

// calendarPage: GET /dashboard/calendar?view=week|month&date=YYYY-MM-DD
func (s *Server) calendarPage(w http.ResponseWriter, r *http.Request, v *view) {
	q := r.URL.Query()
	mode := q.Get("view")
	if mode == "" {
		mode = "week"
	}
	now := s.deps.Now().In(v.Loc)
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, v.Loc)
	if ds := q.Get("date"); ds != "" {
		d, err := parseDay(ds, v.Loc)
		if err != nil {
			v.Title, v.Error = "Calendar", "date is written 2026-12-01"
			s.render(w, r, http.StatusBadRequest, "error", v)
			return
		}
		day = d
	}
	if mode != "week" && mode != "month" {
		v.Title, v.Error = "Calendar", "view is week or month"
		s.render(w, r, http.StatusBadRequest, "error", v)
		return
	}
	d := &calendarData{View: mode, Today: now.Format("2006-01-02")}
	var start, end time.Time
	if mode == "week" {
		start = monday(day)
		end = start.AddDate(0, 0, 7)
		d.Title = "Week of " + start.Format("2 January 2006")
		d.Prev, d.Next = start.AddDate(0, 0, -7).Format("2006-01-02"), end.Format("2006-01-02")
	} else {
		first := time.Date(day.Year(), day.Month(), 1, 0, 0, 0, 0, v.Loc)
		start = monday(first)
		end = monday(first.AddDate(0, 1, 0).Add(-time.Hour)).AddDate(0, 0, 7)
		d.Title = first.Format("January 2006")
		d.Prev, d.Next = first.AddDate(0, -1, 0).Format("2006-01-02"), first.AddDate(0, 1, 0).Format("2006-01-02")
	}
	posts, more, err := s.recentPosts(r.Context(), v.Caller, calendarCap, publish.Between(start, end))
	if err != nil {
		s.dashboardError(w, r, v, err)
		return
	}
	if more {
		d.Capped = calendarCap
	}
	byDay := map[string][]calendarEntry{}
	for _, p := range posts {
		at := postTime(p).In(v.Loc)
		if at.Before(start) || !at.Before(end) || p.Status == "cancelled" {
			continue
		}
		k := at.Format("2006-01-02")
		byDay[k] = append(byDay[k], calendarEntry{At: at, Post: p})
	}
	for wk := start; wk.Before(end); wk = wk.AddDate(0, 0, 7) {
		var week []calendarDay
		for i := range 7 {
			date := wk.AddDate(0, 0, i)
			k := date.Format("2006-01-02")
			entries := byDay[k]
			sort.Slice(entries, func(a, b int) bool { return entries[a].At.Before(entries[b].At) })
			cd := calendarDay{Date: date, InRange: mode == "week" || date.Month() == day.Month(), IsToday: k == d.Today, Posts: entries}
			if len(entries) > perDay {
				cd.Posts, cd.More = entries[:perDay], len(entries)-perDay
			}
			week = append(week, cd)
		}
		d.Weeks = append(d.Weeks, week)
	}
	v.Title, v.Data = "Calendar", d
	s.render(w, r, http.StatusOK, "calendar", v)
}

// monday is the start of t's week (weeks start on Monday).
func monday(t time.Time) time.Time {
	t = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
	return t.AddDate(0, 0, -((int(t.Weekday()) + 6) % 7))
}
