package httpapi

import (
	"errors"
	"html/template"
	"net/http"
	"strings"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// composeForm is the composer's fields, kept to show the form again.
type composeForm struct {
	AccountIDs []string
	Text       string
	Link       string
	ImageURLs  string // one per line
	VideoURL   string
	Variants   map[platform.Name]string
	When       string // "now" or "schedule"
	At         string // datetime-local, in the user's zone
	// MediaIDs are the uploaded files attached, in order; Alts their alt
	// text as the form has it, by id.
	MediaIDs []string
	Alts     map[string]string
}

type composeData struct {
	Form      composeForm
	Accounts  []accounts.Account
	Platforms []platform.Name // of the connected accounts, in display order
	Limits    map[platform.Name]int
	// Errors are the server's problems by field ("text", "link",
	// "image_urls", "video_url", "media_ids", "account_ids", "when",
	// "variants.<p>").
	Errors map[string][]string
	// Attached are the attached files' items, shown again with the form.
	Attached []template.HTML
}

func (f composeForm) Selected(id string) bool {
	for _, a := range f.AccountIDs {
		if a == id {
			return true
		}
	}
	return false
}

// request is the form as the publishing capability takes it.
func (f composeForm) request() publish.Request {
	req := publish.Request{Content: publish.Content{Text: f.Text, Link: strings.TrimSpace(f.Link), VideoURL: strings.TrimSpace(f.VideoURL),
		MediaIDs: f.MediaIDs}, AccountIDs: f.AccountIDs, Variants: map[platform.Name]string{}}
	for _, line := range strings.Split(f.ImageURLs, "\n") {
		if u := strings.TrimSpace(line); u != "" {
			req.ImageURLs = append(req.ImageURLs, u)
		}
	}
	for p, text := range f.Variants {
		if strings.TrimSpace(text) != "" {
			req.Variants[p] = text
		}
	}
	return req
}

// composerLimits are the counters' limits, the server's own.
var composerLimits = map[platform.Name]int{
	platform.Twitter:   publish.DefaultLimits.XWeighted,
	platform.LinkedIn:  publish.DefaultLimits.LinkedInChars,
	platform.Instagram: publish.DefaultLimits.InstagramChars,
	platform.Facebook:  publish.DefaultLimits.FacebookChars,
}

func (s *Server) composeData(r *http.Request, v *view, f composeForm) (*composeData, error) {
	d := &composeData{Form: f, Limits: composerLimits, Errors: map[string][]string{}}
	if s.deps.Accounts == nil {
		return d, nil
	}
	list, err := s.deps.Accounts.List(r.Context(), v.Caller, "")
	if err != nil {
		return nil, err
	}
	seen := map[platform.Name]bool{}
	for _, a := range list {
		if a.Status == accounts.StatusDisconnected {
			continue
		}
		d.Accounts = append(d.Accounts, a)
		seen[a.Platform] = true
	}
	for _, p := range platform.Social {
		if seen[p] {
			d.Platforms = append(d.Platforms, p)
		}
	}
	return d, nil
}

// composePage: GET /dashboard/compose[?text=&link=&image_urls=&media_ids=]
// (a library item's "Post this" fills them).
func (s *Server) composePage(w http.ResponseWriter, r *http.Request, v *view) {
	q := r.URL.Query()
	d, err := s.composeData(r, v, composeForm{When: "now", Text: q.Get("text"), Link: q.Get("link"), ImageURLs: strings.Join(q["image_urls"], "\n")})
	if err == nil {
		err = s.prefillMedia(r, v, d, q["media_ids"])
	}
	if err != nil {
		s.dashboardError(w, r, v, err)
		return
	}
	v.Title, v.Data = "Compose", d
	s.render(w, r, http.StatusOK, "compose", v)
}

// composeSubmit: POST /dashboard/compose publishes now or schedules, through
// the same functions as POST /api/social/post and /api/social/post/schedule;
// the server's validation problems are shown next to their fields and
// nothing is sent.
func (s *Server) composeSubmit(w http.ResponseWriter, r *http.Request, v *view) {
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, http.StatusBadRequest, "The form could not be read: "+err.Error())
		return
	}
	f := composeForm{AccountIDs: r.PostForm["account_ids"], Text: r.PostFormValue("text"), Link: r.PostFormValue("link"),
		ImageURLs: r.PostFormValue("image_urls"), VideoURL: r.PostFormValue("video_url"), When: r.PostFormValue("when"),
		At: r.PostFormValue("scheduled_time"), Variants: map[platform.Name]string{}, MediaIDs: r.PostForm["media_ids"], Alts: map[string]string{}}
	for _, id := range f.MediaIDs {
		f.Alts[id] = r.PostFormValue("alt_" + id)
	}
	for _, p := range platform.Social {
		if t := r.PostFormValue("variant_" + string(p)); t != "" {
			f.Variants[p] = t
		}
	}
	d, err := s.composeData(r, v, f)
	if err != nil {
		s.dashboardError(w, r, v, err)
		return
	}
	v.Title, v.Data = "Compose", d
	fail := func(err error) {
		status, msg := dashboardMessage(err)
		var ve *publish.ValidationError
		var de *publish.DuplicateError
		switch {
		case errors.As(err, &ve):
			addProblems(d, ve.Problems)
		case errors.As(err, &de):
			addProblems(d, de.Problems)
		case errors.Is(err, publish.ErrInvalid) && f.When == "schedule":
			d.Errors["when"] = append(d.Errors["when"], msg)
		case status >= 500:
			zerolog.Ctx(r.Context()).Error().Err(err).Msg("dashboard: compose")
			v.Error = msg
		default:
			v.Error = msg
		}
		if v.Error == "" {
			v.Error = "Nothing was sent: fix the fields marked below."
		}
		s.render(w, r, status, "compose", v)
	}
	if err := s.attachMedia(r, v, d); err != nil {
		fail(err)
		return
	}
	req := f.request()
	if f.When == "schedule" {
		at, err := s.deps.Posts.ParseTime(r.Context(), v.Caller, f.At)
		if err != nil {
			fail(err)
			return
		}
		out, err := s.deps.Posts.Schedule(r.Context(), v.Caller, req, at)
		if err != nil {
			fail(err)
			return
		}
		http.Redirect(w, r, "/dashboard/posts/"+out.PostID+"?done=scheduled", http.StatusSeeOther)
		return
	}
	out, err := s.deps.Posts.PublishNow(r.Context(), v.Caller, req)
	if err != nil {
		fail(err)
		return
	}
	http.Redirect(w, r, "/dashboard/posts/"+out.PostID+"?done=created", http.StatusSeeOther)
}

// addProblems files each problem under its field; a text problem of a
// platform with a variant goes next to that variant.
func addProblems(d *composeData, ps []publish.Problem) {
	for _, p := range ps {
		field := p.Field
		switch field {
		case "text", "thread":
			field = "text"
			if strings.TrimSpace(d.Form.Variants[p.Platform]) != "" {
				field = "variants." + string(p.Platform)
			}
		case "account_id", "variants":
			field = "account_ids"
		}
		d.Errors[field] = append(d.Errors[field], p.Message)
	}
}
