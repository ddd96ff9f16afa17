package httpapi

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/bot/present"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// Agent is the orchestrator as the web chat talks to it (*agents.Orchestrator).
type Agent interface {
	Run(ctx context.Context, t agents.Turn, sink agents.Sink) (agents.Reply, error)
}

// maxChatText bounds a chat message.
const maxChatText = 4000

// chatExchange is one message and the assistant's answer.
type chatExchange struct {
	You   string
	Reply string
	// Cards are the results nobody wrote about, rendered (bot/present).
	Cards     []template.HTML
	Approvals []agents.Approval
	Error     string
}

type chatData struct {
	Exchanges []chatExchange
	// Pending are this conversation's actions waiting for a decision.
	Pending []agents.Approval
	Text    string
	Errors  map[string][]string
}

// chatFragment is what a fragment template gets: its data and the CSRF
// token its forms carry.
type chatFragment struct {
	CSRF string
	Data any
}

// chatChannel is the conversation of the signed-in session.
func chatChannel(v *view) string { return "web:" + v.session }

// isHTMX: the request came from htmx and wants a fragment. htmx does not
// swap 4xx/5xx answers, so a fragment's refusal is a 200 with an alert.
func isHTMX(r *http.Request) bool { return r.Header.Get("HX-Request") == "true" }

func (s *Server) renderFragment(w http.ResponseWriter, r *http.Request, name string, data chatFragment) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := pages["chat"].ExecuteTemplate(w, name, data); err != nil {
		zerolog.Ctx(r.Context()).Error().Err(err).Str("fragment", name).Msg("dashboard: render")
	}
}

// pendingHere lists the pending approvals of the session's conversation.
func (s *Server) pendingHere(ctx context.Context, v *view) ([]agents.Approval, error) {
	if s.deps.Approvals == nil {
		return nil, nil
	}
	list, err := s.deps.Approvals.Approvals(ctx, v.Caller, string(agents.ApprovalPending))
	if err != nil {
		return nil, err
	}
	var out []agents.Approval
	for _, a := range list {
		if a.Channel == chatChannel(v) {
			out = append(out, a)
		}
	}
	return out, nil
}

// chatPage: GET /dashboard/chat
func (s *Server) chatPage(w http.ResponseWriter, r *http.Request, v *view) {
	pending, err := s.pendingHere(r.Context(), v)
	if err != nil {
		s.chatFailure(w, r, v, err)
		return
	}
	switch r.URL.Query().Get("decided") {
	case "approve":
		v.Notice = "Approved: the action ran."
	case "reject":
		v.Notice = "Rejected: nothing was done."
	}
	v.Title, v.Data = "Assistant", &chatData{Pending: pending, Errors: map[string][]string{}}
	s.render(w, r, http.StatusOK, "chat", v)
}

// chatSend: POST /dashboard/chat with text runs one turn of the
// orchestrator in the session's conversation; htmx gets the exchange as a
// fragment, a plain form post the page with it.
func (s *Server) chatSend(w http.ResponseWriter, r *http.Request, v *view) {
	text := strings.TrimSpace(r.PostFormValue("text"))
	d := &chatData{Text: text, Errors: map[string][]string{}}
	v.Title, v.Data = "Assistant", d
	switch {
	case text == "":
		d.Errors["text"] = []string{"write a message first"}
	case utf8.RuneCountInString(text) > maxChatText:
		d.Errors["text"] = []string{"the message is longer than 4000 characters"}
	}
	if len(d.Errors) > 0 {
		if isHTMX(r) {
			s.renderFragment(w, r, "exchange", chatFragment{CSRF: v.CSRF, Data: chatExchange{You: text, Error: d.Errors["text"][0]}})
			return
		}
		s.render(w, r, http.StatusBadRequest, "chat", v)
		return
	}
	ex := chatExchange{You: text}
	reply, err := s.deps.Agent.Run(r.Context(), agents.Turn{Caller: v.Caller, Channel: chatChannel(v), Thread: v.session, Text: text}, nil)
	status := http.StatusOK
	if err != nil {
		zerolog.Ctx(r.Context()).Error().Err(err).Msg("dashboard: chat")
		ex.Error, status = "The assistant could not answer; try again shortly.", http.StatusServiceUnavailable
	} else {
		ex.Reply, ex.Approvals = reply.Text, reply.Approvals
		reg, env := present.New(), present.Env{Loc: v.Loc, Now: s.deps.Now()}
		for _, v := range reg.Shown(reply) {
			ex.Cards = append(ex.Cards, reg.Web(env, v))
		}
	}
	if isHTMX(r) {
		s.renderFragment(w, r, "exchange", chatFragment{CSRF: v.CSRF, Data: ex})
		return
	}
	d.Text, d.Exchanges = "", []chatExchange{ex}
	s.render(w, r, status, "chat", v)
}

// chatDecide: POST /dashboard/chat/approvals/{id}/{decision} approves
// (runs the action once) or rejects through the orchestrator's gate.
func (s *Server) chatDecide(w http.ResponseWriter, r *http.Request, v *view) {
	id, decision := r.PathValue("id"), r.PathValue("decision")
	var res agents.ApprovalResult
	var err error
	switch decision {
	case "approve":
		res, err = s.deps.Approvals.Approve(r.Context(), v.Caller, id)
	case "reject":
		res, err = s.deps.Approvals.Reject(r.Context(), v.Caller, id, strings.TrimSpace(r.PostFormValue("reason")))
	default:
		s.renderError(w, r, http.StatusNotFound, "An approval is approved or rejected.")
		return
	}
	if err != nil {
		status, msg := approvalMessage(err)
		if status >= 500 {
			zerolog.Ctx(r.Context()).Error().Err(err).Msg("dashboard: decide approval")
		}
		if isHTMX(r) {
			s.renderFragment(w, r, "decided", chatFragment{Data: decidedView{ID: id, Text: msg, Failed: true}})
			return
		}
		v.Title, v.Error = http.StatusText(status), msg
		s.render(w, r, status, "error", v)
		return
	}
	if isHTMX(r) {
		s.renderFragment(w, r, "decided", chatFragment{Data: decidedView{ID: id, Text: res.Text, Status: string(res.Approval.Status)}})
		return
	}
	http.Redirect(w, r, "/dashboard/chat?decided="+decision, http.StatusSeeOther)
}

type decidedView struct {
	ID, Text, Status string
	Failed           bool
}

func approvalMessage(err error) (int, string) {
	switch {
	case errors.Is(err, identity.ErrForbidden):
		return http.StatusForbidden, err.Error()
	case errors.Is(err, agents.ErrNotFound):
		return http.StatusNotFound, "No such approval in this workspace."
	case errors.Is(err, agents.ErrDecided):
		return http.StatusConflict, "Someone already decided this: " + strings.TrimPrefix(err.Error(), agents.ErrDecided.Error()+": ") + "."
	}
	return http.StatusInternalServerError, "The approval could not be decided; try again shortly."
}

func (s *Server) chatFailure(w http.ResponseWriter, r *http.Request, v *view, err error) {
	status, msg := approvalMessage(err)
	if status >= 500 {
		zerolog.Ctx(r.Context()).Error().Err(err).Msg("dashboard: chat")
	}
	v.Title, v.Error, v.Data = http.StatusText(status), msg, nil
	s.render(w, r, status, "error", v)
}

func (s *Server) chatRoutes(mux *routeMux) {
	if s.deps.Agent == nil {
		return
	}
	mux.Handle("GET /dashboard/chat", s.page(identity.Viewer, "chat", s.chatPage))
	mux.Handle("POST /dashboard/chat", s.page(identity.Viewer, "chat", s.chatSend))
	if s.deps.Approvals != nil {
		mux.Handle("POST /dashboard/chat/approvals/{id}/{decision}", s.page(identity.Editor, "chat", s.chatDecide))
	}
}
