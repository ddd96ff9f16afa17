package httpapi

import (
	"errors"
	"html/template"
	"net/http"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/tools/campaigns"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// emailLists: GET /api/email/lists
func (s *Server) emailLists(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	lists, err := s.deps.Campaigns.MailingLists(r.Context(), c)
	if err != nil {
		campaignError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "lists": lists})
}

// emailBody is what POST /api/email/campaigns takes: {"name", "subject",
// "html", "text", "list_keys": [...]} and optionally "from_email",
// "from_name", "campaign_id".
type emailBody struct {
	campaigns.NewEmail
	UserID string `json:"user_id"`
}

// emailCreate: POST /api/email/campaigns
func (s *Server) emailCreate(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	var b emailBody
	if !decodeJSON(w, r, &b) || rejectOtherUser(w, c, b.UserID) {
		return
	}
	e, err := s.deps.Campaigns.CreateEmail(r.Context(), c, b.NewEmail)
	if err != nil {
		campaignError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"success": true, "campaign": e})
}

// emailList: GET /api/email/campaigns[?campaign_id=]
func (s *Server) emailList(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	q := r.URL.Query()
	list, err := s.deps.Campaigns.ListEmails(r.Context(), c, q.Get("campaign_id"))
	if err != nil {
		campaignError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "campaigns": list})
}

// emailGet: GET /api/email/campaigns/{id}
func (s *Server) emailGet(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	e, err := s.deps.Campaigns.GetEmail(r.Context(), c, r.PathValue("id"))
	if err != nil {
		campaignError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "campaign": e})
}

// emailSend: POST /api/email/campaigns/{id}/send (no body, or {"user_id"}).
func (s *Server) emailSend(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	var b struct {
		UserID string `json:"user_id"`
	}
	if r.ContentLength != 0 && !decodeJSON(w, r, &b) {
		return
	}
	if rejectOtherUser(w, c, b.UserID) {
		return
	}
	e, err := s.deps.Campaigns.SendEmail(r.Context(), c, r.PathValue("id"))
	if err != nil {
		campaignError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "campaign": e})
}

// emailSchedule: POST /api/email/campaigns/{id}/schedule {"scheduled_time"}
// (RFC 3339, or a local time read in the caller's zone).
func (s *Server) emailSchedule(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	var b struct {
		ScheduledTime string `json:"scheduled_time"`
		UserID        string `json:"user_id"`
	}
	if !decodeJSON(w, r, &b) || rejectOtherUser(w, c, b.UserID) {
		return
	}
	at, err := s.deps.Campaigns.ParseTime(r.Context(), c, b.ScheduledTime)
	if err != nil {
		campaignError(w, r, err)
		return
	}
	e, err := s.deps.Campaigns.ScheduleEmail(r.Context(), c, r.PathValue("id"), at)
	if err != nil {
		campaignError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "campaign": e, "job_id": e.JobID})
}

// emailReport: GET /api/email/campaigns/{id}/report reads the report from Zoho.
func (s *Server) emailReport(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	e, err := s.deps.Campaigns.EmailReport(r.Context(), c, r.PathValue("id"))
	if err != nil {
		campaignError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "campaign": e, "report": e.Report})
}

// emailContent: GET /email/content/{key}[?format=text] is the e-mail's HTML
// Zoho Campaigns reads (the unguessable key is the credential). It is
// served sandboxed: no script runs on this origin.
func (s *Server) emailContent(w http.ResponseWriter, r *http.Request) {
	html, text, err := s.deps.Campaigns.EmailContent(r.Context(), r.PathValue("key"))
	if errors.Is(err, campaigns.ErrNotFound) {
		http.Error(w, "no such e-mail content", http.StatusNotFound)
		return
	}
	if err != nil {
		zerolog.Ctx(r.Context()).Error().Err(err).Msg("http: email content")
		http.Error(w, "the content cannot be read right now", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Security-Policy", "sandbox")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
	if r.URL.Query().Get("format") == "text" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte(text))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if html != "" {
		_, _ = w.Write([]byte(html))
		return
	}
	if err := textEmailTmpl.Execute(w, text); err != nil {
		zerolog.Ctx(r.Context()).Error().Err(err).Msg("http: render text e-mail")
	}
}

// textEmailTmpl renders a text-only e-mail as HTML.
var textEmailTmpl = template.Must(template.New("text-email").Parse(`<!doctype html>
<html><head><meta charset="utf-8"></head><body><pre style="font-family:inherit;white-space:pre-wrap">{{.}}</pre></body></html>
`))
