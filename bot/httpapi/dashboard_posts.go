package httpapi

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/bot/present"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/media"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// recentPosts reads up to max of the workspace's newest posts matching opts
// through the same List the REST API serves; more reports that others exist.
func (s *Server) recentPosts(ctx context.Context, c identity.Caller, max int, opts ...publish.ListOption) (posts []publish.PostView, more bool, err error) {
	cursor := ""
	for len(posts) < max {
		page, next, err := s.deps.Posts.List(ctx, c, min(100, max-len(posts)), cursor, opts...)
		if err != nil {
			return nil, false, err
		}
		posts = append(posts, page...)
		if next == "" {
			return posts, false, nil
		}
		cursor = next
	}
	return posts, true, nil
}

// postTime is where a post sits on the calendar: its scheduled time, else
// when it was published, else when it was created.
func postTime(p publish.PostView) time.Time {
	if p.ScheduledAt != nil {
		return *p.ScheduledAt
	}
	for _, t := range p.Targets {
		if t.PublishedAt != nil {
			return *t.PublishedAt
		}
	}
	return p.CreatedAt
}

// needsAttention: a target failed or is unconfirmed.
func needsAttention(p publish.PostView) bool {
	for _, t := range p.Targets {
		if t.Status == publish.StatusFailed || t.Status == publish.StatusUnconfirmed {
			return true
		}
	}
	return false
}

// postFilter is the posts page's filters.
type postFilter struct {
	Status   string
	Platform string
	From, To string // dates, YYYY-MM-DD in the user's zone
}

// postsPerPage bounds a page of the posts list (and its size).
const postsPerPage = 50

type postsData struct {
	Filter    postFilter
	Posts     []publish.PostView
	FirstHref string // the first page, "" when on it
	NextHref  string // the next (older) page, "" when none
	Statuses  []publish.Status
	Platforms []platform.Name
}

// postsPage: GET /dashboard/posts?status=&platform=&from=&to=&cursor=
// The filters are List's: a target's status and platform, and the post's
// time (scheduled, else created) between two days of the user's zone.
func (s *Server) postsPage(w http.ResponseWriter, r *http.Request, v *view) {
	q := r.URL.Query()
	f := postFilter{Status: q.Get("status"), Platform: q.Get("platform"), From: q.Get("from"), To: q.Get("to")}
	var problems []string
	if f.Status != "" && !slices.Contains(publish.TargetStatuses, publish.Status(f.Status)) {
		problems = append(problems, "status must be one of pending, publishing, published, failed, unconfirmed, cancelled")
	}
	if f.Platform != "" && !slices.Contains(platform.Social, platform.Name(f.Platform)) {
		problems = append(problems, "platform must be one of facebook, instagram, twitter, linkedin")
	}
	from, errFrom := parseDay(f.From, v.Loc)
	to, errTo := parseDay(f.To, v.Loc)
	if errFrom != nil || errTo != nil {
		problems = append(problems, "dates are written 2026-12-01")
	} else if !from.IsZero() && !to.IsZero() && to.Before(from) {
		problems = append(problems, "the last day is before the first")
	}
	if !to.IsZero() {
		to = to.AddDate(0, 0, 1) // the whole last day
	}
	v.Title = "Posts"
	data := postsData{Filter: f, Statuses: publish.TargetStatuses, Platforms: platform.Social}
	v.Data = &data
	if len(problems) > 0 {
		v.Error = strings.Join(problems, "; ")
		s.render(w, r, http.StatusBadRequest, "posts", v)
		return
	}
	cursor := q.Get("cursor")
	posts, next, err := s.deps.Posts.List(r.Context(), v.Caller, postsPerPage, cursor, publish.WithStatus(publish.Status(f.Status)),
		publish.OnPlatform(platform.Name(f.Platform)), publish.Between(from, to))
	if errors.Is(err, publish.ErrInvalid) {
		v.Error = "this page link is not valid any more; start from the first page"
		s.render(w, r, http.StatusBadRequest, "posts", v)
		return
	}
	if err != nil {
		s.dashboardError(w, r, v, err)
		return
	}
	data.Posts = posts
	who := make([]string, 0, len(posts))
	for _, p := range posts {
		who = append(who, p.CreatedBy)
	}
	s.learnNames(r.Context(), v, who...)
	pageQuery := func(cursor string) string {
		pq := url.Values{}
		for k, val := range map[string]string{"status": f.Status, "platform": f.Platform, "from": f.From, "to": f.To, "cursor": cursor} {
			if val != "" {
				pq.Set(k, val)
			}
		}
		return "/dashboard/posts?" + pq.Encode()
	}
	if cursor != "" {
		data.FirstHref = pageQuery("")
	}
	if next != "" {
		data.NextHref = pageQuery(next)
	}
	s.render(w, r, http.StatusOK, "posts", v)
}

// parseDay reads YYYY-MM-DD in loc; "" is the zero time.
func parseDay(v string, loc *time.Location) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	return time.ParseInLocation("2006-01-02", v, loc)
}

// postPageData is a post with its uploaded media, as the post page shows it.
type postPageData struct {
	publish.PostView
	// Media are the post's uploaded files in order, each with the alt text
	// shown for it; one deleted since (a published post's) is left out.
	Media []postMedia
}

type postMedia struct {
	media.Media
	AltShown string
}

// postData reads what the post page shows of p.
func (s *Server) postData(ctx context.Context, c identity.Caller, p publish.PostView) postPageData {
	d := postPageData{PostView: p}
	for i, id := range p.Content.MediaIDs {
		if s.deps.Media == nil {
			break
		}
		m, err := s.deps.Media.Get(ctx, c, id)
		if err != nil {
			if !errors.Is(err, media.ErrNotFound) {
				zerolog.Ctx(ctx).Warn().Err(err).Msg("dashboard: a post's media")
			}
			continue
		}
		d.Media = append(d.Media, postMedia{Media: m, AltShown: present.MediaAlt(m, i, len(p.Content.MediaIDs))})
	}
	return d
}

// postPage: GET /dashboard/posts/{id}
func (s *Server) postPage(w http.ResponseWriter, r *http.Request, v *view) {
	p, err := s.deps.Posts.Get(r.Context(), v.Caller, r.PathValue("id"))
	if err != nil {
		s.dashboardError(w, r, v, err)
		return
	}
	v.Title = "Post"
	v.Notice = postNotices[r.URL.Query().Get("done")]
	v.Data = s.postData(r.Context(), v.Caller, p)
	s.learnNames(r.Context(), v, p.CreatedBy)
	s.render(w, r, http.StatusOK, "post", v)
}

var postNotices = map[string]string{
	"retry":          "Retried: the failed targets were sent again.",
	"publish-anyway": "Published anyway.",
	"cancel":         "Cancelled: nothing more of this post will be sent.",
	"reschedule":     "Rescheduled.",
	"created":        "Published.",
	"scheduled":      "Scheduled.",
}

// postAction: POST /dashboard/posts/{id}/{retry|publish-anyway|cancel|reschedule}
func (s *Server) postAction(w http.ResponseWriter, r *http.Request, v *view) {
	id, action := r.PathValue("id"), r.PathValue("action")
	ctx, c := r.Context(), v.Caller
	var err error
	switch action {
	case "retry":
		_, err = s.deps.Posts.Retry(ctx, c, id)
	case "publish-anyway":
		_, err = s.deps.Posts.PublishAnyway(ctx, c, id, r.PostFormValue("account_id"))
	case "cancel":
		_, err = s.deps.Posts.Cancel(ctx, c, id)
	case "reschedule":
		var at time.Time
		if at, err = s.deps.Posts.ParseTime(ctx, c, r.PostFormValue("scheduled_time")); err == nil {
			_, err = s.deps.Posts.Update(ctx, c, id, publish.Patch{RunAt: &at})
		}
	default:
		s.renderError(w, r, http.StatusNotFound, "There is no action "+action+" on posts.")
		return
	}
	if err != nil {
		p, gerr := s.deps.Posts.Get(ctx, c, id)
		if gerr != nil {
			s.dashboardError(w, r, v, gerr)
			return
		}
		status, msg := dashboardMessage(err)
		if status >= 500 {
			zerolog.Ctx(ctx).Error().Err(err).Str("action", action).Msg("dashboard: post action")
		}
		v.Title, v.Error, v.Data = "Post", msg, s.postData(ctx, c, p)
		s.learnNames(ctx, v, p.CreatedBy)
		s.render(w, r, status, "post", v)
		return
	}
	http.Redirect(w, r, "/dashboard/posts/"+id+"?done="+action, http.StatusSeeOther)
}

// dashboardMessage maps a tool error to a status and words for the page.
func dashboardMessage(err error) (int, string) {
	var ve *publish.ValidationError
	var de *publish.DuplicateError
	switch {
	case errors.As(err, &ve), errors.As(err, &de):
		return http.StatusUnprocessableEntity, strings.TrimPrefix(err.Error(), "publish: ")
	case errors.Is(err, identity.ErrForbidden):
		return http.StatusForbidden, err.Error()
	case errors.Is(err, publish.ErrNotFound):
		return http.StatusNotFound, "No such post in this workspace."
	case errors.Is(err, publish.ErrConflict), errors.Is(err, publish.ErrInvalid):
		msg := strings.TrimPrefix(strings.TrimPrefix(err.Error(), "publish: "), "conflict: ")
		return http.StatusUnprocessableEntity, strings.TrimPrefix(msg, "invalid request: ")
	}
	return http.StatusInternalServerError, "That failed on our side; try again shortly."
}

// dashboardError renders a tool error as a page.
func (s *Server) dashboardError(w http.ResponseWriter, r *http.Request, v *view, err error) {
	status, msg := dashboardMessage(err)
	if status >= 500 {
		zerolog.Ctx(r.Context()).Error().Err(err).Msg("dashboard")
	}
	v.Title, v.Error, v.Data = http.StatusText(status), msg, nil
	s.render(w, r, status, "error", v)
}
