package httpapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/bot/present"
	"github.com/marketingminds/marketingminds/tools/fault"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/media/check"
)

// Resubmitter proposes a conversation's refused post again with converted
// media in place of the original (*agents.Orchestrator).
type Resubmitter interface {
	Resubmit(ctx context.Context, c identity.Caller, key agents.ConversationKey, swap agents.MediaSwap, sink agents.Sink) (agents.Reply, error)
}

// dashConvert: POST /dashboard/media/convert (value: a Convert button's)
// converts the media of a problem as the signed-in editor. When the web
// chat's conversation refused a post for that media, the post is proposed
// again with the converted media: the chat shows its approval (or the
// page, the new refusal). Otherwise the page shows the result in the web
// renderer, with the link to look at it.
func (s *Server) dashConvert(w http.ResponseWriter, r *http.Request, v *view) {
	req, ok := present.ParseConvertValue(r.PostFormValue("value"))
	if !ok {
		s.renderError(w, r, http.StatusBadRequest, "This Convert button is out of date; send the post again to get a new one.")
		return
	}
	out, err := s.deps.Converter.ConvertMedia(r.Context(), v.Caller, req)
	if err != nil {
		f := fault.Of(err, s.deps.Now())
		status := http.StatusUnprocessableEntity
		switch {
		case errors.Is(err, identity.ErrForbidden):
			status = http.StatusForbidden
		case f.Kind == fault.Internal:
			status = http.StatusInternalServerError
			zerolog.Ctx(r.Context()).Error().Err(err).Msg("dashboard: convert media")
		}
		v.Title, v.Data = "Not converted", s.chat.present.Web(present.Env{Loc: v.Loc, Now: s.deps.Now()}, f)
		s.render(w, r, status, "converted", v)
		return
	}
	env := present.Env{Loc: v.Loc, Now: s.deps.Now()}
	page := s.chat.present.Web(env, out)
	if s.deps.Resubmitter != nil {
		reply, ok := s.resubmit(r, v, req, out)
		if ok && len(reply.Approvals) > 0 {
			http.Redirect(w, r, "/dashboard/chat?converted=1", http.StatusSeeOther)
			return
		}
		for _, res := range reply.Results { // the post refused again, or sent
			page += s.chat.present.Web(env, res.Value)
		}
	}
	v.Title, v.Data = "Converted", page
	s.render(w, r, http.StatusOK, "converted", v)
}

// resubmit proposes the chat's refused post again with the converted
// media; false when the chat refused nothing with it (or that failed: the
// conversion alone is shown then).
func (s *Server) resubmit(r *http.Request, v *view, req check.ConvertRequest, out check.Converted) (agents.Reply, bool) {
	key := agents.ConversationKey{WorkspaceID: v.Caller.WorkspaceID, Channel: chatChannel(v), Thread: v.session}
	reply, err := s.deps.Resubmitter.Resubmit(r.Context(), v.Caller, key, agents.MediaSwap{OldID: req.MediaID, OldURL: req.MediaURL, NewID: out.Media.ID}, nil)
	if err != nil {
		if !errors.Is(err, agents.ErrNoRefusal) {
			zerolog.Ctx(r.Context()).Error().Err(err).Msg("dashboard: propose the converted post again")
		}
		return agents.Reply{}, false
	}
	return reply, true
}
