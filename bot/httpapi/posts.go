package httpapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/limit"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// Posts is the publishing capability the REST API calls (*publish.Service).
type Posts interface {
	PublishNow(ctx context.Context, c identity.Caller, req publish.Request) (publish.Outcome, error)
	Schedule(ctx context.Context, c identity.Caller, req publish.Request, at time.Time) (publish.Scheduled, error)
	ParseTime(ctx context.Context, c identity.Caller, v string) (time.Time, error)
	Get(ctx context.Context, c identity.Caller, id string) (publish.PostView, error)
	List(ctx context.Context, c identity.Caller, limit int, cursor string, opts ...publish.ListOption) ([]publish.PostView, string, error)
	Update(ctx context.Context, c identity.Caller, id string, p publish.Patch) (publish.PostView, error)
	Retry(ctx context.Context, c identity.Caller, id string) (publish.Outcome, error)
	PublishAnyway(ctx context.Context, c identity.Caller, id, accountID string) (publish.Outcome, error)
	Cancel(ctx context.Context, c identity.Caller, id string) (publish.PostView, error)
	Idempotent(ctx context.Context, c identity.Caller, key, fingerprint string, fn func() (int, []byte)) (int, []byte, bool, error)
}

func (s *Server) postNow(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	var b postBody
	if !decodeJSON(w, r, &b) {
		return
	}
	if b.ScheduledTime != "" || b.RunAt != "" {
		writeError(w, http.StatusBadRequest, "invalid_request", "this publishes now; to publish later use POST /api/social/post/schedule")
		return
	}
	req, bad := b.request(c)
	if bad != nil {
		bad.write(w)
		return
	}
	out, err := s.deps.Posts.PublishNow(r.Context(), c, req)
	if err != nil {
		s.postError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) postSchedule(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	var b postBody
	if !decodeJSON(w, r, &b) {
		return
	}
	req, bad := b.request(c)
	if bad != nil {
		bad.write(w)
		return
	}
	when := b.ScheduledTime
	if when == "" {
		when = b.RunAt
	}
	at, err := s.deps.Posts.ParseTime(r.Context(), c, when)
	if err != nil {
		s.postError(w, r, err)
		return
	}
	out, err := s.deps.Posts.Schedule(r.Context(), c, req, at)
	if err != nil {
		s.postError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, out)
}

func (s *Server) postList(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	q := r.URL.Query()
	limit := 0
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			writeError(w, http.StatusBadRequest, "invalid_request", "limit must be a number from 1 to 100")
			return
		}
		limit = n
	}
	opts := []publish.ListOption{publish.InCampaign(q.Get("campaign_id")), publish.WithStatus(publish.Status(q.Get("status"))),
		publish.OnPlatform(platform.Name(q.Get("platform")))}
	loc := s.location(r.Context(), c)
	from, err := parseBound(q.Get("from"), loc, false)
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request", "from: "+err.Error())
		return
	}
	to, err := parseBound(q.Get("to"), loc, true)
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request", "to: "+err.Error())
		return
	}
	opts = append(opts, publish.Between(from, to))
	posts, next, err := s.deps.Posts.List(r.Context(), c, limit, q.Get("cursor"), opts...)
	if err != nil {
		s.postError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "posts": posts, "next_cursor": next})
}

// parseBound reads a list window's bound: a date (2026-12-01, in loc; as
// the end, the whole day is in) or an RFC 3339 time; "" is no bound.
func parseBound(v string, loc *time.Location, end bool) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if d, err := time.ParseInLocation("2006-01-02", v, loc); err == nil {
		if end {
			return d.AddDate(0, 0, 1), nil
		}
		return d, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither a date (2026-12-01) nor an RFC 3339 time (2026-12-01T09:00:00Z)", v)
	}
	return t, nil
}

func (s *Server) postGet(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	p, err := s.deps.Posts.Get(r.Context(), c, r.PathValue("id"))
	if err != nil {
		s.postError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "post": p})
}

func (s *Server) postUpdate(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	var b patchBody
	if !decodeJSON(w, r, &b) {
		return
	}
	patch, bad := b.patch(c)
	if bad != nil {
		bad.write(w)
		return
	}
	if when := b.ScheduledTime + b.RunAt; when != "" {
		at, err := s.deps.Posts.ParseTime(r.Context(), c, when)
		if err != nil {
			s.postError(w, r, err)
			return
		}
		patch.RunAt = &at
	}
	p, err := s.deps.Posts.Update(r.Context(), c, r.PathValue("id"), patch)
	if err != nil {
		s.postError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "post": p})
}

func (s *Server) postRetry(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	out, err := s.deps.Posts.Retry(r.Context(), c, r.PathValue("id"))
	if err != nil {
		s.postError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) postPublishAnyway(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	var b struct {
		AccountID string `json:"account_id"`
	}
	if r.ContentLength != 0 && !decodeJSON(w, r, &b) {
		return
	}
	out, err := s.deps.Posts.PublishAnyway(r.Context(), c, r.PathValue("id"), b.AccountID)
	if err != nil {
		s.postError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) postCancel(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	p, err := s.deps.Posts.Cancel(r.Context(), c, r.PathValue("id"))
	if err != nil {
		s.postError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "post": p})
}

// problemBody is the error shape with the list of problems.
type problemBody struct {
	Success  bool              `json:"success"`
	Error    errorInfo         `json:"error"`
	Problems []publish.Problem `json:"problems"`
	// MoreProblems counts the problems past the first limit.Problems.
	MoreProblems int `json:"more_problems,omitempty"`
}

// problems is the error shape of a list of problems: the first
// limit.Problems and a count of the rest.
func problems(code, message string, list []publish.Problem) problemBody {
	kept, more := limit.First(list)
	return problemBody{Error: errorInfo{Code: code, Message: message}, Problems: kept, MoreProblems: more}
}

// postError maps the publishing errors to statuses.
func (s *Server) postError(w http.ResponseWriter, r *http.Request, err error) {
	var ve *publish.ValidationError
	var de *publish.DuplicateError
	switch {
	case errors.As(err, &ve):
		writeJSON(w, http.StatusBadRequest, problems("invalid_post", ve.Error(), ve.Problems))
	case errors.As(err, &de):
		writeJSON(w, http.StatusConflict, problems("duplicate_post", de.Error(), de.Problems))
	case errors.Is(err, identity.ErrForbidden):
		writeError(w, http.StatusForbidden, "forbidden", err.Error())
	case errors.Is(err, publish.ErrNotFound):
		writeError(w, http.StatusNotFound, "not_found", "no such post in this workspace")
	case errors.Is(err, publish.ErrConflict):
		writeError(w, http.StatusConflict, "conflict", err.Error())
	case errors.Is(err, publish.ErrInvalid):
		writeError(w, http.StatusBadRequest, "invalid_request", err.Error())
	case errors.Is(err, publish.ErrKeyInProgress):
		writeError(w, http.StatusConflict, "idempotency_key_in_use", err.Error()+"; retry once it has finished")
	case errors.Is(err, publish.ErrKeyReused):
		writeError(w, http.StatusUnprocessableEntity, "idempotency_key_reused", err.Error())
	case errors.Is(err, publish.ErrBadKey):
		writeError(w, http.StatusBadRequest, "invalid_idempotency_key", err.Error())
	case errors.Is(err, context.Canceled):
		writeError(w, http.StatusServiceUnavailable, "cancelled", "the request was cancelled")
	default:
		zerolog.Ctx(r.Context()).Error().Err(err).Msg("http: posts")
		writeError(w, http.StatusInternalServerError, "internal", "publishing failed unexpectedly; try again shortly")
	}
}

// idempotent makes a POST honour an Idempotency-Key header: the first
// request with a key runs and its answer is kept (per workspace and user,
// 24 h); a repeat gets that answer with Idempotent-Replayed: true and
// publishes nothing; a repeat while the first still runs gets 409; the same
// key with another body gets 422.
func (s *Server) idempotent(h authedHandler) authedHandler {
	return func(w http.ResponseWriter, r *http.Request, c identity.Caller) {
		key := r.Header.Get("Idempotency-Key")
		if key == "" {
			h(w, r, c)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
		if err != nil {
			writeError(w, http.StatusRequestEntityTooLarge, "invalid_json", fmt.Sprintf("the body is larger than %d bytes", maxBodyBytes))
			return
		}
		sum := sha256.Sum256([]byte(r.Method + " " + r.URL.Path + "\n" + string(body)))
		status, out, replayed, err := s.deps.Posts.Idempotent(r.Context(), c, key, hex.EncodeToString(sum[:]), func() (int, []byte) {
			rec := &recorder{header: http.Header{}, status: http.StatusOK}
			r2 := r.Clone(r.Context())
			r2.Body = io.NopCloser(bytes.NewReader(body))
			r2.ContentLength = int64(len(body))
			h(rec, r2, c)
			return rec.status, rec.body.Bytes()
		})
		if err != nil {
			s.postError(w, r, err)
			return
		}
		if replayed {
			w.Header().Set("Idempotent-Replayed", "true")
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		_, _ = w.Write(out)
	}
}

// recorder captures a handler's answer to store it with its key.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
	wrote  bool
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.body.Write(b)
}
func (r *recorder) WriteHeader(status int) {
	if !r.wrote {
		r.status, r.wrote = status, true
	}
}
