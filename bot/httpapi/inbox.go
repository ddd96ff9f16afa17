package httpapi

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/fault"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/inbox"
)

// Inbox is the engagement inbox (*inbox.Service).
type Inbox interface {
	List(ctx context.Context, c identity.Caller, f inbox.Filter) (inbox.Page, error)
	Get(ctx context.Context, c identity.Caller, id string) (inbox.Item, error)
	Reply(ctx context.Context, c identity.Caller, id, text string) (inbox.Item, error)
	Like(ctx context.Context, c identity.Caller, id string) (inbox.Item, error)
	Hide(ctx context.Context, c identity.Caller, id string) (inbox.Item, error)
	Done(ctx context.Context, c identity.Caller, id string) (inbox.Item, error)
	MetaHandshake(mode, token, challenge string) (string, bool)
	MetaWebhook(ctx context.Context, body []byte, signature string) (int, error)
	// Offers, Unanswered and ResponseTimes serve the dashboard's inbox
	// page, its overview and its analytics page.
	Offers(it inbox.Item) inbox.Offer
	Unanswered(ctx context.Context, c identity.Caller) (int, error)
	ResponseTimes(ctx context.Context, c identity.Caller, since, until time.Time) ([]inbox.ResponseTime, error)
}

func (s *Server) inboxRoutes(mux *routeMux) {
	mux.Handle("GET /api/inbox", s.auth(identity.Viewer, s.inboxList))
	mux.Handle("GET /api/inbox/{id}", s.auth(identity.Viewer, s.inboxGet))
	mux.Handle("POST /api/inbox/{id}/reply", s.auth(identity.Editor, s.inboxReply))
	for action, do := range map[string]func(context.Context, identity.Caller, string) (inbox.Item, error){
		"like": s.deps.Inbox.Like, "hide": s.deps.Inbox.Hide, "done": s.deps.Inbox.Done,
	} {
		mux.Handle("POST /api/inbox/{id}/"+action, s.auth(identity.Editor, s.inboxAction(do)))
	}
	// Meta calls these itself: the handshake's verify token and the
	// body's signature are the credentials.
	mux.HandleFunc("GET /api/webhooks/meta", s.metaHandshake)
	mux.HandleFunc("POST /api/webhooks/meta", s.metaWebhook)
}

var inboxItem = object{"success": false, "item": inbox.Item{}}

var inboxOps = []apiOp{
	{Method: "GET", Path: "/api/inbox", Summary: "Comments and mentions, newest first", Auth: "viewer", Query: map[string]string{
		"state": "new, answered, hidden or done", "platform": "facebook, instagram, twitter or linkedin", "account_id": "one account's",
		"since": "received at or after (RFC 3339)", "until": "received before (RFC 3339)", "limit": "how many (default 50, at most 200)",
		"cursor": "next_cursor of the previous page"},
		Response: object{"success": false, "items": []inbox.Item{}, "next_cursor": ""}},
	{Method: "GET", Path: "/api/inbox/{id}", Summary: "One comment or mention with its replies", Auth: "viewer", Response: inboxItem},
	{Method: "POST", Path: "/api/inbox/{id}/reply", Summary: "Answer it on the platform (sent once however often retried)", Auth: "editor",
		Request: inboxReplyBody{}, Response: inboxItem},
	{Method: "POST", Path: "/api/inbox/{id}/like", Summary: "Like it on the platform, where allowed", Auth: "editor", Response: inboxItem},
	{Method: "POST", Path: "/api/inbox/{id}/hide", Summary: "Hide it on the platform, where allowed", Auth: "editor", Response: inboxItem},
	{Method: "POST", Path: "/api/inbox/{id}/done", Summary: "Close it without an answer", Auth: "editor", Response: inboxItem},
	{Method: "GET", Path: "/api/webhooks/meta", Summary: "Meta's subscription handshake (hub.mode, hub.verify_token, hub.challenge)",
		Query:  map[string]string{"hub.mode": "subscribe", "hub.verify_token": "the configured verify token", "hub.challenge": "echoed back"},
		Status: 200, Content: "text/plain"},
	{Method: "POST", Path: "/api/webhooks/meta", Summary: "Meta's Page feed and Instagram comments webhooks, signed (X-Hub-Signature-256)",
		Request: map[string]any{}, Response: object{"success": false, "new": 0}},
}

// inboxReplyBody is what POST /api/inbox/{id}/reply takes.
type inboxReplyBody struct {
	Text string `json:"text" maxLength:"8000"`
}

func inboxError(w http.ResponseWriter, r *http.Request, err error) {
	var pe *platform.Error
	switch {
	case errors.Is(err, identity.ErrForbidden):
		writeError(w, http.StatusForbidden, "forbidden", err.Error())
	case errors.Is(err, inbox.ErrNotFound):
		writeError(w, http.StatusNotFound, "not_found", "no such inbox item in your workspace")
	case errors.Is(err, inbox.ErrInvalid):
		writeError(w, http.StatusBadRequest, "invalid_request", errorWords(err, inbox.ErrInvalid))
	case errors.Is(err, inbox.ErrBusy):
		writeError(w, http.StatusConflict, "in_progress", "this reply is being sent; look again in a moment")
	case errors.As(err, &pe):
		f := fault.Of(err, time.Now())
		status := http.StatusBadGateway
		if f.Kind == fault.RateLimit {
			status = http.StatusTooManyRequests
		}
		zerolog.Ctx(r.Context()).Warn().Err(err).Msg("http: inbox")
		writeError(w, status, string(f.Kind), pe.Platform.Label()+" said: "+platform.Message(err))
	default:
		zerolog.Ctx(r.Context()).Error().Err(err).Msg("http: inbox")
		writeError(w, http.StatusInternalServerError, "internal", "the inbox could not be read or changed; try again")
	}
}

// errorWords is err's text after the sentinel's.
func errorWords(err, sentinel error) string {
	msg, head := err.Error(), sentinel.Error()+": "
	if i := strings.LastIndex(msg, head); i >= 0 {
		return msg[i+len(head):]
	}
	return msg
}

// inboxList: GET /api/inbox?state=&platform=&account_id=&since=&until=&limit=&cursor=
func (s *Server) inboxList(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	q := r.URL.Query()
	f := inbox.Filter{State: q.Get("state"), Platform: platform.Name(q.Get("platform")), AccountID: q.Get("account_id"), Cursor: q.Get("cursor")}
	for name, dst := range map[string]*time.Time{"since": &f.Since, "until": &f.Until} {
		if v := q.Get(name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				writeError(w, http.StatusBadRequest, "invalid_request", name+" must be an RFC 3339 time such as 2026-12-01T00:00:00Z")
				return
			}
			*dst = t
		}
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeError(w, http.StatusBadRequest, "invalid_request", "limit must be a positive number")
			return
		}
		f.Limit = n
	}
	page, err := s.deps.Inbox.List(r.Context(), c, f)
	if err != nil {
		inboxError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "items": page.Items, "next_cursor": page.NextCursor})
}

// inboxGet: GET /api/inbox/{id}
func (s *Server) inboxGet(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	it, err := s.deps.Inbox.Get(r.Context(), c, r.PathValue("id"))
	if err != nil {
		inboxError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "item": it})
}

// inboxReply: POST /api/inbox/{id}/reply {"text": "..."}
func (s *Server) inboxReply(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	var body inboxReplyBody
	if !decodeJSON(w, r, &body) {
		return
	}
	it, err := s.deps.Inbox.Reply(r.Context(), c, r.PathValue("id"), body.Text)
	if err != nil {
		inboxError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "item": it})
}

// inboxAction: POST /api/inbox/{id}/like|hide|done
func (s *Server) inboxAction(do func(context.Context, identity.Caller, string) (inbox.Item, error)) authedHandler {
	return func(w http.ResponseWriter, r *http.Request, c identity.Caller) {
		it, err := do(r.Context(), c, r.PathValue("id"))
		if err != nil {
			inboxError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"success": true, "item": it})
	}
}

// metaHandshake: GET /api/webhooks/meta?hub.mode=subscribe&hub.verify_token=&hub.challenge=
func (s *Server) metaHandshake(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	challenge, ok := s.deps.Inbox.MetaHandshake(q.Get("hub.mode"), q.Get("hub.verify_token"), q.Get("hub.challenge"))
	if !ok {
		writeError(w, http.StatusForbidden, "forbidden", "the verify token does not match")
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, challenge)
}

// maxWebhookBody bounds a Meta delivery (up to 1,000 changes).
const maxWebhookBody = 8 << 20

// metaWebhook: POST /api/webhooks/meta. The signature over the raw bytes
// is checked before anything is parsed; a forged body is refused.
func (s *Server) metaWebhook(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxWebhookBody+1))
	if err != nil || len(body) > maxWebhookBody {
		writeError(w, http.StatusRequestEntityTooLarge, "too_large", "the webhook body is too large or unreadable")
		return
	}
	n, err := s.deps.Inbox.MetaWebhook(r.Context(), body, r.Header.Get("X-Hub-Signature-256"))
	switch {
	case errors.Is(err, inbox.ErrBadSignature):
		writeError(w, http.StatusUnauthorized, "bad_signature", "the X-Hub-Signature-256 does not match the body")
	case errors.Is(err, inbox.ErrInvalid):
		writeError(w, http.StatusBadRequest, "invalid_request", errorWords(err, inbox.ErrInvalid))
	case err != nil:
		zerolog.Ctx(r.Context()).Error().Err(err).Msg("http: meta webhook")
		writeError(w, http.StatusInternalServerError, "internal", "the webhook could not be stored; Meta will retry")
	default:
		writeJSON(w, http.StatusOK, map[string]any{"success": true, "new": n})
	}
}
