package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/bot/present"
)

// chatTurn is one turn as the page shows it.
type chatTurn struct {
	ID, Text string
	Status   agents.TaskStatus
	// Running: the fragment asks for its news every second (Seen is the
	// version it shows).
	Running bool
	Seen    int64
	Failed  bool
	Answer  template.HTML
	// Results are the tools' results as cards: all of them when nobody
	// wrote about them, else those with something to act on.
	Results []template.HTML
	Steps   []chatStep
	// Approvals are the turn's actions: pending ones with their buttons.
	Approvals []chatApproval
}

type chatApproval struct {
	ID, Preview, Status, Text string
	Failed                    bool
	// Images are the thumbnails of a pending post's media.
	Images []present.Thumb
	// Options are the accounts an asking approval offers (which account?).
	Options []chatOption
	// Answered: a later turn (the answer in words) shows the approval.
	Answered bool
}

// chatOption is an account to choose, named, never by its id.
type chatOption struct{ AccountID, Label, Name string }

// waiting is a as it waits for a person: pending, with its thumbnails, or
// asking, with its accounts as buttons.
func waiting(env present.Env, a agents.Approval) chatApproval {
	ca := chatApproval{ID: a.ID, Preview: a.Preview, Status: string(a.Status), Images: present.PostThumbs(env, a.Args)}
	if a.Status == agents.ApprovalAsking && a.Checks.Choice != nil {
		for _, o := range a.Checks.Choice.Options {
			ca.Options = append(ca.Options, chatOption{AccountID: o.AccountID, Label: o.Label(), Name: o.Name})
		}
	}
	return ca
}

// awaits: a is for a person to decide (approve, reject, or answer).
func awaits(a agents.Approval) bool {
	return a.Status == agents.ApprovalPending || a.Status == agents.ApprovalAsking
}

// chatStep is a tool's progress line: "Publishing the post… 1.2 s".
type chatStep struct {
	Text, Status, Took string
}

// took is a step's duration; a quick step's is not worth reading.
func took(d time.Duration) string {
	if d < 100*time.Millisecond {
		return ""
	}
	if d < 10*time.Second {
		return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + " s"
	}
	return d.Round(time.Second).String()
}

// chatTurns turns tasks into what the page shows, and says which approvals
// they list.
func (s *Server) chatTurns(ctx context.Context, v *view, tasks []agents.Task) ([]chatTurn, map[string]bool, error) {
	var decided map[string]agents.Approval
	for _, t := range tasks {
		if len(t.Approvals) > 0 && s.deps.Approvals != nil {
			list, err := s.deps.Approvals.Approvals(ctx, v.Caller, "")
			if err != nil {
				return nil, nil, err
			}
			decided = make(map[string]agents.Approval, len(list))
			var deciders []string
			for _, a := range list {
				decided[a.ID] = a
				if a.DecidedBy != "" {
					deciders = append(deciders, a.DecidedBy)
				}
			}
			s.learnNames(ctx, v, deciders...)
			break
		}
	}
	shown := map[string]bool{}
	latest := map[string]int{} // the last turn listing each approval
	for i, t := range tasks {
		for _, a := range t.Approvals {
			latest[a.ID] = i
		}
	}
	env := s.webEnv(ctx, v)
	out := make([]chatTurn, 0, len(tasks))
	now := s.deps.Now()
	for i, t := range tasks {
		ct := chatTurn{ID: t.ID, Text: t.Text, Status: t.Status, Seen: t.UpdatedAt.UnixMilli(),
			Running: t.Status == agents.TaskRunning, Failed: t.Status == agents.TaskFailed}
		for _, st := range t.Steps {
			step := chatStep{Text: st.Text, Status: st.Status}
			switch st.Status {
			case agents.ProgressDone:
				step.Text, step.Took = strings.TrimSuffix(st.Text, "…"), took(st.Duration)
			case agents.ProgressFailed:
				step.Took = "failed"
			}
			ct.Steps = append(ct.Steps, step)
		}
		answer := t.Answer
		if ct.Running && now.Sub(t.UpdatedAt) > turnStale {
			ct.Running, ct.Failed, answer = false, true, turnInterrupted
		}
		if !ct.Running && repeatsApprovals(answer, t.Approvals) {
			answer = "" // the cards below say it, with their buttons
		}
		ct.Answer = markdown(answer, v.Loc, now)
		var results []turnResult
		if len(t.Results) > 0 {
			if err := json.Unmarshal(t.Results, &results); err != nil {
				return nil, nil, fmt.Errorf("dashboard: chat: turn %s: results: %w", t.ID, err)
			}
		}
		for _, res := range results {
			if answer == "" || res.Actionable { // rendered when it came: its relative times read as of now
				ct.Results = append(ct.Results, present.RefreshTimes(res.HTML, now))
			}
		}
		for _, a := range t.Approvals {
			shown[a.ID] = true
			ca := chatApproval{ID: a.ID, Preview: a.Preview, Status: string(agents.ApprovalPending)}
			d, ok := decided[a.ID]
			switch {
			case latest[a.ID] != i:
				ca.Answered = true
			case ok && awaits(d):
				ca = waiting(env, d)
			case ok: // as it read when it was decided: who decided, and what came of it
				ca.Status, ca.Text, ca.Failed = string(d.Status), present.Decided(d, v.People.Of(d.DecidedBy)), d.Status == agents.ApprovalFailed
			}
			ct.Approvals = append(ct.Approvals, ca)
		}
		out = append(out, ct)
	}
	return out, shown, nil
}

// repeatsApprovals: the answer only announces the turn's approvals (it
// names one by its id or its preview), which the page shows as cards.
func repeatsApprovals(answer string, approvals []agents.TaskApproval) bool {
	for _, a := range approvals {
		if strings.Contains(answer, a.ID) || (a.Preview != "" && strings.Contains(answer, a.Preview)) {
			return true
		}
	}
	return false
}

// renderTurn writes one turn's fragment.
func (s *Server) renderTurn(w http.ResponseWriter, r *http.Request, v *view, t agents.Task) {
	turns, _, err := s.chatTurns(r.Context(), v, []agents.Task{t})
	if err != nil {
		zerolog.Ctx(r.Context()).Error().Err(err).Msg("dashboard: chat: show a turn")
		s.renderFragment(w, r, "refused", chatFragment{Data: "The assistant's answer cannot be shown right now; reload the page shortly."})
		return
	}
	s.renderFragment(w, r, "turn", chatFragment{CSRF: v.CSRF, Data: turns[0]})
}

// sessionTurn finds the turn id of the session's conversation.
func (s *Server) sessionTurn(w http.ResponseWriter, r *http.Request, v *view) (agents.Task, bool) {
	t, err := s.deps.Turns.GetTask(r.Context(), v.Caller.WorkspaceID, r.PathValue("id"))
	if err == nil && (t.Channel != chatChannel(v) || t.Thread != v.session) {
		err = agents.ErrNotFound
	}
	switch {
	case errors.Is(err, agents.ErrNotFound):
		s.renderError(w, r, http.StatusNotFound, "No such turn in this conversation.")
		return agents.Task{}, false
	case err != nil:
		zerolog.Ctx(r.Context()).Error().Err(err).Msg("dashboard: chat: read a turn")
		s.renderError(w, r, http.StatusServiceUnavailable, "The assistant's answer cannot be shown right now; reload the page shortly.")
		return agents.Task{}, false
	}
	return t, true
}

// chatTurn: GET /dashboard/chat/turns/{id} is the turn's fragment, what a
// running turn's page asks for every second. Nothing new since the version
// the page shows (seen): 204, and htmx leaves the page as it is.
func (s *Server) chatTurn(w http.ResponseWriter, r *http.Request, v *view) {
	t, ok := s.sessionTurn(w, r, v)
	if !ok {
		return
	}
	if seen, err := strconv.ParseInt(r.URL.Query().Get("seen"), 10, 64); err == nil && seen == t.UpdatedAt.UnixMilli() &&
		t.Status == agents.TaskRunning && s.deps.Now().Sub(t.UpdatedAt) <= turnStale {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	s.renderTurn(w, r, v, t)
}

// chatStop: POST /dashboard/chat/turns/{id}/stop stops a running turn, on
// this replica at once, on another at its next save.
func (s *Server) chatStop(w http.ResponseWriter, r *http.Request, v *view) {
	t, ok := s.sessionTurn(w, r, v)
	if !ok {
		return
	}
	if _, err := s.deps.Turns.StopTask(r.Context(), t.WorkspaceID, t.ID); err != nil {
		zerolog.Ctx(r.Context()).Error().Err(err).Msg("dashboard: chat: stop a turn")
		s.renderError(w, r, http.StatusServiceUnavailable, "The turn could not be stopped; try again shortly.")
		return
	}
	s.chat.stop(t.ID)
	if !isHTMX(r) {
		http.Redirect(w, r, "/dashboard/chat#turn-"+t.ID, http.StatusSeeOther)
		return
	}
	s.renderTurn(w, r, v, t)
}
