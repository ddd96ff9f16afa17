package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// Agent is the orchestrator as the web chat talks to it (*agents.Orchestrator).
type Agent interface {
	Run(ctx context.Context, t agents.Turn, sink agents.Sink) (agents.Reply, error)
}

// maxChatText bounds a chat message.
const maxChatText = 4000

// chatHistory is how many of the conversation's turns the page shows.
const chatHistory = 50

type chatData struct {
	Turns []chatTurn
	// Pending are this conversation's actions waiting for a decision that
	// no shown turn lists.
	Pending []chatApproval
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

// pendingHere lists the pending and asking approvals of the session's conversation.
func (s *Server) pendingHere(ctx context.Context, v *view) ([]agents.Approval, error) {
	if s.deps.Approvals == nil {
		return nil, nil
	}
	var out []agents.Approval
	for _, st := range []agents.ApprovalStatus{agents.ApprovalAsking, agents.ApprovalPending} {
		list, err := s.deps.Approvals.Approvals(ctx, v.Caller, string(st))
		if err != nil {
			return nil, err
		}
		for _, a := range list {
			if a.Channel == chatChannel(v) {
				out = append(out, a)
			}
		}
	}
	return out, nil
}

// chatPage: GET /dashboard/chat shows the session's conversation; a turn
// still running picks up its stream where it is.
func (s *Server) chatPage(w http.ResponseWriter, r *http.Request, v *view) {
	tasks, err := s.deps.Turns.Tasks(r.Context(), agents.ConversationKey{WorkspaceID: v.Caller.WorkspaceID, Channel: chatChannel(v), Thread: v.session}, chatHistory)
	if err != nil {
		s.chatFailure(w, r, v, err)
		return
	}
	pending, err := s.pendingHere(r.Context(), v)
	if err != nil {
		s.chatFailure(w, r, v, err)
		return
	}
	turns, shown, err := s.chatTurns(r.Context(), v, tasks)
	if err != nil {
		s.chatFailure(w, r, v, err)
		return
	}
	d := &chatData{Turns: turns, Errors: map[string][]string{}}
	env := s.webEnv(r.Context(), v)
	for _, a := range pending {
		if !shown[a.ID] {
			d.Pending = append(d.Pending, waiting(env, a))
		}
	}
	switch r.URL.Query().Get("decided") {
	case "approve":
		v.Notice = "Approved: the action ran."
	case "reject":
		v.Notice = "Rejected: nothing was done."
	}
	if r.URL.Query().Get("converted") != "" {
		v.Notice = "Converted: the post is proposed again with the converted media in place of the original; approve it below."
	}
	v.Title, v.Data = "Assistant", d
	s.render(w, r, http.StatusOK, "chat", v)
}

// chatSend: POST /dashboard/chat with text starts one turn of the
// orchestrator in the session's conversation and answers at once: htmx gets
// the running turn as a fragment that follows its progress, a plain form
// post the page.
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
			s.renderFragment(w, r, "refused", chatFragment{Data: d.Errors["text"][0]})
			return
		}
		s.render(w, r, http.StatusBadRequest, "chat", v)
		return
	}
	t, err := s.startTurn(r.Context(), v, text)
	if err != nil {
		zerolog.Ctx(r.Context()).Error().Err(err).Msg("dashboard: chat: start a turn")
		if isHTMX(r) {
			s.renderFragment(w, r, "refused", chatFragment{Data: turnNoAnswer})
			return
		}
		d.Errors["text"] = []string{turnNoAnswer}
		s.render(w, r, http.StatusServiceUnavailable, "chat", v)
		return
	}
	if !isHTMX(r) {
		http.Redirect(w, r, "/dashboard/chat#turn-"+t.ID, http.StatusSeeOther)
		return
	}
	s.renderTurn(w, r, v, t)
}

// chatDecide: POST /dashboard/chat/approvals/{id}/{decision} approves
// (runs the action once) or rejects through the orchestrator's gate, or
// answers its question with the form's account_id (choose; remember also
// keeps it as the platform's default).
func (s *Server) chatDecide(w http.ResponseWriter, r *http.Request, v *view) {
	id, decision := r.PathValue("id"), r.PathValue("decision")
	var res agents.ApprovalResult
	var err error
	switch decision {
	case "approve":
		res, err = s.deps.Approvals.Approve(r.Context(), v.Caller, id)
	case "reject":
		res, err = s.deps.Approvals.Reject(r.Context(), v.Caller, id, strings.TrimSpace(r.PostFormValue("reason")))
	case "choose", "remember":
		s.chatChoose(w, r, v, id, decision == "remember")
		return
	default:
		s.renderError(w, r, http.StatusNotFound, "An approval is approved, rejected or answered with an account.")
		return
	}
	if err != nil {
		s.decideFailed(w, r, v, id, err)
		return
	}
	if isHTMX(r) {
		s.renderFragment(w, r, "decided", chatFragment{Data: decidedView{ID: id, Text: s.decidedText(r.Context(), v, decision, res), Status: string(res.Approval.Status)}})
		return
	}
	http.Redirect(w, r, "/dashboard/chat?decided="+decision, http.StatusSeeOther)
}

// decideFailed says why a decision could not be made.
func (s *Server) decideFailed(w http.ResponseWriter, r *http.Request, v *view, id string, err error) {
	status, msg := approvalMessage(err)
	if errors.Is(err, agents.ErrInvalid) {
		status, msg = http.StatusBadRequest, "That cannot be done with this approval: ask again in the chat."
	}
	if status >= 500 {
		zerolog.Ctx(r.Context()).Error().Err(err).Msg("dashboard: decide approval")
	}
	if isHTMX(r) {
		s.renderFragment(w, r, "decided", chatFragment{Data: decidedView{ID: id, Text: msg, Failed: true}})
		return
	}
	v.Title, v.Error = http.StatusText(status), msg
	s.render(w, r, status, "error", v)
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
	if s.deps.Agent == nil || s.deps.Turns == nil {
		return
	}
	mux.Handle("GET /dashboard/chat", s.page(identity.Viewer, "chat", s.chatPage))
	mux.Handle("POST /dashboard/chat", s.page(identity.Viewer, "chat", s.chatSend))
	mux.Handle("GET /dashboard/chat/turns/{id}", s.page(identity.Viewer, "chat", s.chatTurn))
	mux.Handle("POST /dashboard/chat/turns/{id}/stop", s.page(identity.Viewer, "chat", s.chatStop))
	if s.deps.Approvals != nil {
		mux.Handle("POST /dashboard/chat/approvals/{id}/{decision}", s.page(identity.Editor, "chat", s.chatDecide))
	}
}
