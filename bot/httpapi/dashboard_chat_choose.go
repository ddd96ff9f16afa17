package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/tools/fault"
)

// chatChoose answers an approval's question (which account?) with the
// form's account_id; remember also keeps it as the platform's default.
// When the account chosen refuses the post, the answer becomes a turn of
// the conversation, as if the person had named the account: the refusal in
// words and its card, whose Convert button proposes the post again (the
// Slack door posts the same card in the thread). Otherwise the approval
// shows as it now stands: to approve, or the next question.
func (s *Server) chatChoose(w http.ResponseWriter, r *http.Request, v *view, id string, remember bool) {
	account := r.PostFormValue("account_id")
	res, err := s.deps.Approvals.Choose(r.Context(), v.Caller, id, account, remember)
	if err != nil {
		s.decideFailed(w, r, v, id, err)
		return
	}
	a := res.Approval
	if f, refused := res.Value.(fault.Failure); refused {
		t, err := s.answeredTurn(r.Context(), v, chosenWords(a, account, remember), res.Text, f)
		if err != nil {
			zerolog.Ctx(r.Context()).Error().Err(err).Str("approval", id).Msg("dashboard: chat: keep the refusal of the account chosen")
		}
		if !isHTMX(r) {
			http.Redirect(w, r, "/dashboard/chat#turn-"+t.ID, http.StatusSeeOther)
			return
		}
		turns, _, err := s.chatTurns(r.Context(), v, []agents.Task{t})
		if err != nil {
			s.decideFailed(w, r, v, id, err)
			return
		}
		s.renderFragment(w, r, "answered", chatFragment{CSRF: v.CSRF, Data: answeredView{
			Decided: decidedView{ID: id, Text: a.Preview, Status: string(a.Status)}, Turn: turns[0]}})
		return
	}
	if !isHTMX(r) {
		http.Redirect(w, r, "/dashboard/chat#approval-"+id, http.StatusSeeOther)
		return
	}
	if awaits(a) {
		s.renderFragment(w, r, "chosen", chatFragment{CSRF: v.CSRF, Data: chosenView{Text: res.Text, Approval: waiting(s.webEnv(r.Context(), v), a)}})
		return
	}
	s.renderFragment(w, r, "decided", chatFragment{Data: decidedView{ID: id, Text: res.Text, Status: string(a.Status), Failed: a.Status == agents.ApprovalFailed}})
}

// answeredView is a question settled by a refusal, and the turn that says
// so (added at the end of the conversation).
type answeredView struct {
	Decided decidedView
	Turn    chatTurn
}

// chosenView is a question answered, and the approval as it now stands.
type chosenView struct {
	Text     string
	Approval chatApproval
}

// chosenWords is what the person said by clicking an account's button:
// its label, or "Always <name>".
func chosenWords(a agents.Approval, account string, remember bool) string {
	if a.Checks.Choice != nil {
		for _, o := range a.Checks.Choice.Options {
			if o.AccountID != account {
				continue
			}
			if remember {
				return "Always " + o.Name
			}
			return o.Label()
		}
	}
	return "That account"
}

// answeredTurn keeps a question's answer and its refusal f as a finished
// turn of the session's conversation, so a reload shows them; the turn is
// returned even when it could not be kept.
func (s *Server) answeredTurn(ctx context.Context, v *view, said, answer string, f fault.Failure) (agents.Task, error) {
	env := s.webEnv(ctx, v)
	results, err := json.Marshal([]turnResult{{HTML: s.chat.present.Web(env, f), Actionable: true}})
	if err != nil {
		return agents.Task{}, fmt.Errorf("dashboard: chat: the refusal's card: %w", err)
	}
	now := s.deps.Now().UTC()
	t := agents.Task{ID: store.NewID(), WorkspaceID: v.Caller.WorkspaceID, Channel: chatChannel(v), Thread: v.session, UserID: v.Caller.UserID,
		Text: said, Status: agents.TaskDone, Answer: answer, Results: results, CreatedAt: now, UpdatedAt: now}
	return t, s.deps.Turns.CreateTask(ctx, t)
}
