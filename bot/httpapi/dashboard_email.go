package httpapi

import (
	"errors"
	"html/template"
	"net/http"
	"strings"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/campaigns"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// emailForm is the new e-mail campaign's fields, kept to show the form again.
type emailForm struct {
	// Markdown is the message as written; the HTML sent is rendered from it
	// (campaigns.MarkdownHTML).
	Name, Subject, Markdown, Text, FromEmail, FromName string
	ListKeys                                           []string
	// ChartFrom, ChartTo: the range of the chart Insert chart puts in
	// (empty: last week).
	ChartFrom, ChartTo string
}

func (f emailForm) Has(key string) bool {
	for _, k := range f.ListKeys {
		if k == key {
			return true
		}
	}
	return false
}

type emailData struct {
	// NeedsZoho: the workspace has no usable Zoho connection (ZohoMsg
	// says why); the page offers the accounts page's Zoho connect.
	NeedsZoho bool
	ZohoMsg   string
	Emails    []campaigns.EmailCampaign
	Lists     []campaigns.MailingList
	Form      emailForm
	Errors    map[string][]string
	// Preview is the message's HTML when the form asked for a preview.
	Preview template.HTML
}

type emailDetail struct {
	Email  campaigns.EmailCampaign
	At     string   // the schedule form's value
	Lists  []string // the names of Email.ListKeys
	Errors map[string][]string
}

type crmData struct {
	NeedsZoho bool
	ZohoMsg   string
	Counts    map[string]int
	Modules   []string
	Query     string
	Leads     []campaigns.CRMRecord
	Searched  bool
	// Newest are the newest leads, shown when nothing is searched.
	Newest []campaigns.CRMRecord
	Errors map[string][]string
}

// newestLeads is how many of the newest leads the CRM page shows.
const newestLeads = 10

// zohoMissing says whether err means the workspace (or server) cannot use
// Zoho, and what to tell the user.
func zohoMissing(err error) (string, bool) {
	switch {
	case errors.Is(err, campaigns.ErrZohoNotConnected):
		return "Connect Zoho first: e-mail campaigns and the CRM go through your Zoho account.", true
	case errors.Is(err, campaigns.ErrZohoUnavailable):
		return "Zoho is not configured on this server (ZOHO_CLIENT_ID and ZOHO_CLIENT_SECRET): ask whoever runs it.", true
	}
	return "", false
}

// campaignsMessage is a campaigns error as the dashboard shows it.
func campaignsMessage(err error) (int, string) {
	msg := strings.TrimPrefix(err.Error(), "campaigns: ")
	var pe *platform.Error
	switch {
	case errors.Is(err, identity.ErrForbidden):
		return http.StatusForbidden, err.Error()
	case errors.Is(err, campaigns.ErrNotFound):
		return http.StatusNotFound, "No such e-mail campaign in this workspace."
	case errors.Is(err, campaigns.ErrInvalid):
		return http.StatusUnprocessableEntity, strings.TrimPrefix(msg, "invalid request: ")
	case errors.Is(err, campaigns.ErrConflict):
		return http.StatusConflict, strings.TrimPrefix(msg, "conflict: ")
	case errors.As(err, &pe) && pe.Kind == platform.KindPermanent:
		return http.StatusBadGateway, "Zoho refused: " + platform.Message(err)
	case errors.As(err, &pe):
		return http.StatusBadGateway, "Zoho did not answer as expected; try again shortly."
	}
	return http.StatusInternalServerError, "That failed on our side; try again shortly."
}

func (s *Server) campaignsPageError(w http.ResponseWriter, r *http.Request, v *view, err error) {
	status, msg := campaignsMessage(err)
	if status >= 500 {
		zerolog.Ctx(r.Context()).Error().Err(err).Msg("dashboard: campaigns")
	}
	v.Title, v.Error, v.Data = http.StatusText(status), msg, nil
	s.render(w, r, status, "error", v)
}

// emailFields files the problems of campaigns.CreateEmail ("name is
// required; subject is …") under the form's fields.
func emailFields(msg string) map[string][]string {
	out := map[string][]string{}
	for _, p := range strings.Split(msg, "; ") {
		field := "form"
		switch {
		case strings.HasPrefix(p, "name"):
			field = "name"
		case strings.HasPrefix(p, "subject"):
			field = "subject"
		case strings.HasPrefix(p, "html"):
			field = "content"
		case strings.HasPrefix(p, "list_keys"), strings.Contains(p, "mailing list"):
			field = "list_keys"
		case strings.HasPrefix(p, "from_email"):
			field = "from_email"
		}
		out[field] = append(out[field], p)
	}
	return out
}

// emailData reads the campaigns list and, when Zoho answers, its lists.
func (s *Server) dashEmailData(r *http.Request, v *view, f emailForm) (*emailData, error) {
	d := &emailData{Form: f, Errors: map[string][]string{}}
	list, err := s.deps.Campaigns.ListEmails(r.Context(), v.Caller, "")
	if err != nil {
		return nil, err
	}
	d.Emails = list
	lists, err := s.deps.Campaigns.MailingLists(r.Context(), v.Caller)
	if msg, missing := zohoMissing(err); missing {
		d.NeedsZoho, d.ZohoMsg = true, msg
		return d, nil
	}
	if err != nil {
		return nil, err
	}
	d.Lists = lists
	return d, nil
}

// emailPage: GET /dashboard/email
func (s *Server) dashEmailPage(w http.ResponseWriter, r *http.Request, v *view) {
	d, err := s.dashEmailData(r, v, emailForm{})
	if err != nil {
		s.campaignsPageError(w, r, v, err)
		return
	}
	if r.URL.Query().Get("created") != "" {
		v.Notice = "E-mail campaign created as a draft."
	}
	v.Title, v.Data = "E-mail", d
	s.render(w, r, http.StatusOK, "email", v)
}

// emailCreate: POST /dashboard/email creates a draft through
// campaigns.CreateEmail (as POST /api/email/campaigns does).
func (s *Server) dashEmailCreate(w http.ResponseWriter, r *http.Request, v *view) {
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, http.StatusBadRequest, "The form could not be read: "+err.Error())
		return
	}
	f := emailForm{Name: r.PostFormValue("name"), Subject: r.PostFormValue("subject"), Markdown: r.PostFormValue("markdown"),
		Text: r.PostFormValue("text"), FromEmail: strings.TrimSpace(r.PostFormValue("from_email")),
		FromName: strings.TrimSpace(r.PostFormValue("from_name")), ListKeys: r.PostForm["list_keys"],
		ChartFrom: strings.TrimSpace(r.PostFormValue("chart_from")), ChartTo: strings.TrimSpace(r.PostFormValue("chart_to"))}
	action := r.PostFormValue("action")
	var chartErr string
	if action == "insert-chart" {
		f.Markdown, chartErr = s.insertChart(r, v, f)
	}
	d, err := s.dashEmailData(r, v, f)
	if err != nil {
		s.campaignsPageError(w, r, v, err)
		return
	}
	v.Title, v.Data = "E-mail", d
	html, err := campaigns.MarkdownHTML(f.Markdown)
	if err != nil {
		_, msg := campaignsMessage(err)
		d.Errors["content"], v.Error = []string{msg}, "Nothing was created: fix the fields marked below."
		s.render(w, r, http.StatusUnprocessableEntity, "email", v)
		return
	}
	if chartErr != "" {
		d.Errors["chart"], v.Error = []string{chartErr}, "No chart was inserted: fix the fields marked below."
		s.render(w, r, http.StatusUnprocessableEntity, "email", v)
		return
	}
	if action == "preview" || action == "insert-chart" {
		d.Preview = template.HTML(html) // goldmark's safe rendering: no raw HTML, no script links
		s.render(w, r, http.StatusOK, "email", v)
		return
	}
	text := f.Text
	if strings.TrimSpace(text) == "" {
		text = f.Markdown // Markdown reads well as the plain-text part
	}
	e, err := s.deps.Campaigns.CreateEmail(r.Context(), v.Caller, campaigns.NewEmail{Name: f.Name, Subject: f.Subject, HTML: html,
		Text: text, ListKeys: f.ListKeys, FromEmail: f.FromEmail, FromName: f.FromName})
	if err != nil {
		if _, missing := zohoMissing(err); missing {
			s.render(w, r, http.StatusConflict, "email", v)
			return
		}
		status, msg := campaignsMessage(err)
		if !errors.Is(err, campaigns.ErrInvalid) {
			if status >= 500 {
				zerolog.Ctx(r.Context()).Error().Err(err).Msg("dashboard: create e-mail")
			}
			v.Error = msg
		} else {
			d.Errors, v.Error = emailFields(msg), "Nothing was created: fix the fields marked below."
		}
		s.render(w, r, status, "email", v)
		return
	}
	http.Redirect(w, r, "/dashboard/email/"+e.ID+"?done=created", http.StatusSeeOther)
}

// emailDetailPage: GET /dashboard/email/{id}
func (s *Server) dashEmailDetailPage(w http.ResponseWriter, r *http.Request, v *view) {
	e, err := s.deps.Campaigns.GetEmail(r.Context(), v.Caller, r.PathValue("id"))
	if err != nil {
		s.campaignsPageError(w, r, v, err)
		return
	}
	switch r.URL.Query().Get("done") {
	case "created":
		v.Notice = "E-mail campaign created as a draft."
	case "scheduled":
		v.Notice = "Scheduled."
	case "report":
		v.Notice = "Report read from Zoho."
	case "sent":
		v.Notice = "Sent."
	case "cancelled":
		v.Notice = "Cancelled: it will not be sent."
	}
	v.Title, v.Data = e.Name, &emailDetail{Email: e, Errors: map[string][]string{}, Lists: s.emailListNames(r, v, e.ListKeys)}
	s.render(w, r, http.StatusOK, "email_detail", v)
}

// emailSchedule: POST /dashboard/email/{id}/schedule with at (a local
// time or words, read in the caller's zone as the REST route reads it).
func (s *Server) dashEmailSchedule(w http.ResponseWriter, r *http.Request, v *view) {
	id, at := r.PathValue("id"), strings.TrimSpace(r.PostFormValue("at"))
	e, err := s.deps.Campaigns.GetEmail(r.Context(), v.Caller, id)
	if err != nil {
		s.campaignsPageError(w, r, v, err)
		return
	}
	d := &emailDetail{Email: e, At: at, Errors: map[string][]string{}, Lists: s.emailListNames(r, v, e.ListKeys)}
	v.Title, v.Data = e.Name, d
	when, err := s.deps.Campaigns.ParseTime(r.Context(), v.Caller, at)
	if err == nil {
		_, err = s.deps.Campaigns.ScheduleEmail(r.Context(), v.Caller, id, when)
	}
	if err != nil {
		status, msg := campaignsMessage(err)
		switch {
		case errors.Is(err, campaigns.ErrInvalid), errors.Is(err, campaigns.ErrConflict):
			d.Errors["at"], v.Error = []string{msg}, "Not scheduled: see below."
		default:
			if status >= 500 {
				zerolog.Ctx(r.Context()).Error().Err(err).Msg("dashboard: schedule e-mail")
			}
			v.Error = msg
		}
		s.render(w, r, status, "email_detail", v)
		return
	}
	http.Redirect(w, r, "/dashboard/email/"+id+"?done=scheduled", http.StatusSeeOther)
}

// emailReport: POST /dashboard/email/{id}/report reads the report from Zoho.
func (s *Server) dashEmailReport(w http.ResponseWriter, r *http.Request, v *view) {
	id := r.PathValue("id")
	if _, err := s.deps.Campaigns.EmailReport(r.Context(), v.Caller, id); err != nil {
		s.campaignsPageError(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/dashboard/email/"+id+"?done=report", http.StatusSeeOther)
}

// crmPage: GET /dashboard/crm[?q=] shows each module's count and searches leads.
func (s *Server) dashCrmPage(w http.ResponseWriter, r *http.Request, v *view) {
	d := &crmData{Modules: campaigns.CRMModules, Query: strings.TrimSpace(r.URL.Query().Get("q")), Errors: map[string][]string{}}
	v.Title, v.Data = "CRM", d
	counts, err := s.deps.Campaigns.CRMCounts(r.Context(), v.Caller)
	if msg, missing := zohoMissing(err); missing {
		d.NeedsZoho, d.ZohoMsg = true, msg
		s.render(w, r, http.StatusOK, "crm", v)
		return
	}
	if err != nil {
		s.campaignsPageError(w, r, v, err)
		return
	}
	d.Counts = counts
	if d.Query != "" || r.URL.Query().Has("q") {
		leads, err := s.deps.Campaigns.SearchLeads(r.Context(), v.Caller, d.Query, 25)
		if errors.Is(err, campaigns.ErrInvalid) {
			_, msg := campaignsMessage(err)
			d.Errors["q"] = []string{msg}
			s.render(w, r, http.StatusBadRequest, "crm", v)
			return
		}
		if err != nil {
			s.campaignsPageError(w, r, v, err)
			return
		}
		d.Leads, d.Searched = leads, true
	} else {
		newest, err := s.deps.Campaigns.CRMRecords(r.Context(), v.Caller, "Leads", newestLeads, false)
		if err != nil {
			s.campaignsPageError(w, r, v, err)
			return
		}
		d.Newest = newest.Records
	}
	s.render(w, r, http.StatusOK, "crm", v)
}

// campaignsRoutes are the e-mail and CRM pages, when campaigns are served.
func (s *Server) campaignsRoutes(mux *routeMux) {
	if s.deps.Campaigns == nil {
		return
	}
	mux.Handle("GET /dashboard/email", s.page(identity.Viewer, "email", s.dashEmailPage))
	mux.Handle("POST /dashboard/email", s.page(identity.Editor, "email", s.dashEmailCreate))
	mux.Handle("GET /dashboard/email/{id}", s.page(identity.Viewer, "email", s.dashEmailDetailPage))
	mux.Handle("POST /dashboard/email/{id}/schedule", s.page(identity.Editor, "email", s.dashEmailSchedule))
	mux.Handle("POST /dashboard/email/{id}/cancel", s.page(identity.Editor, "email", s.dashEmailCancel))
	mux.Handle("POST /dashboard/email/{id}/send", s.page(identity.Editor, "email", s.dashEmailSend))
	mux.Handle("POST /dashboard/email/{id}/report", s.page(identity.Viewer, "email", s.dashEmailReport))
	mux.Handle("GET /dashboard/crm", s.page(identity.Viewer, "crm", s.dashCrmPage))
}
