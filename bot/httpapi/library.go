package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/library"
	"github.com/marketingminds/marketingminds/tools/limit"
)

// Library is what the library and template routes need of tools/library
// (*library.Service).
type Library interface {
	Create(ctx context.Context, c identity.Caller, kind library.Kind, in library.Input) (library.Item, error)
	Get(ctx context.Context, c identity.Caller, kind library.Kind, id string) (library.Item, error)
	Update(ctx context.Context, c identity.Caller, kind library.Kind, id string, p library.Patch) (library.Item, error)
	Delete(ctx context.Context, c identity.Caller, kind library.Kind, id string) error
	List(ctx context.Context, c identity.Caller, f library.Filter) (library.Page, error)
	Render(ctx context.Context, c identity.Caller, id string, values map[string]string) (library.Rendered, error)
	SuggestHashtags(ctx context.Context, c identity.Caller, text, platform string, n int) (library.Suggestions, error)
}

// names are the JSON keys and words an item of a kind answers with.
type names struct{ one, many, noun string }

func namesOf(kind library.Kind) names {
	if kind == library.KindTemplate {
		return names{"template", "templates", "template"}
	}
	return names{"item", "items", "library item"}
}

// libraryList: GET /api/library and /api/templates [?q=&tag=&campaign_id=&limit=&cursor=]
func (s *Server) libraryList(kind library.Kind) authedHandler {
	return func(w http.ResponseWriter, r *http.Request, c identity.Caller) {
		q := r.URL.Query()
		f := library.Filter{Kind: kind, Text: q.Get("q"), Tag: q.Get("tag"), CampaignID: q.Get("campaign_id"), Cursor: q.Get("cursor")}
		if v := q.Get("limit"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 100 {
				writeError(w, http.StatusBadRequest, "invalid_request", "limit must be a number from 1 to 100")
				return
			}
			f.Limit = n
		}
		page, err := s.deps.Library.List(r.Context(), c, f)
		if err != nil {
			libraryError(w, r, kind, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"success": true, namesOf(kind).many: page.Items, "next_cursor": page.NextCursor})
	}
}

// createBody is a new item; user_id, if sent, must be the caller's.
type createBody struct {
	library.Input
	UserID string `json:"user_id"`
}

// patchItemBody changes an item; user_id, if sent, must be the caller's.
type patchItemBody struct {
	library.Patch
	UserID string `json:"user_id"`
}

// libraryCreate: POST /api/library and /api/templates
func (s *Server) libraryCreate(kind library.Kind) authedHandler {
	return func(w http.ResponseWriter, r *http.Request, c identity.Caller) {
		var b createBody
		if !decodeJSON(w, r, &b) || rejectOtherUser(w, c, b.UserID) {
			return
		}
		it, err := s.deps.Library.Create(r.Context(), c, kind, b.Input)
		if err != nil {
			libraryError(w, r, kind, err)
			return
		}
		writeJSON(w, http.StatusCreated, map[string]any{"success": true, namesOf(kind).one: it})
	}
}

// libraryGet: GET /api/library/{id} and /api/templates/{id}
func (s *Server) libraryGet(kind library.Kind) authedHandler {
	return func(w http.ResponseWriter, r *http.Request, c identity.Caller) {
		it, err := s.deps.Library.Get(r.Context(), c, kind, r.PathValue("id"))
		if err != nil {
			libraryError(w, r, kind, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"success": true, namesOf(kind).one: it})
	}
}

// libraryUpdate: PATCH /api/library/{id} and /api/templates/{id}
func (s *Server) libraryUpdate(kind library.Kind) authedHandler {
	return func(w http.ResponseWriter, r *http.Request, c identity.Caller) {
		var b patchItemBody
		if !decodeJSON(w, r, &b) || rejectOtherUser(w, c, b.UserID) {
			return
		}
		it, err := s.deps.Library.Update(r.Context(), c, kind, r.PathValue("id"), b.Patch)
		if err != nil {
			libraryError(w, r, kind, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"success": true, namesOf(kind).one: it})
	}
}

// libraryDelete: DELETE /api/library/{id} and /api/templates/{id}
func (s *Server) libraryDelete(kind library.Kind) authedHandler {
	return func(w http.ResponseWriter, r *http.Request, c identity.Caller) {
		id := r.PathValue("id")
		if err := s.deps.Library.Delete(r.Context(), c, kind, id); err != nil {
			libraryError(w, r, kind, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"success": true, "deleted": id})
	}
}

// hashtagBody is what POST /api/hashtags/suggest takes.
type hashtagBody struct {
	Text     string `json:"text"`
	Platform string `json:"platform"`
	N        int    `json:"n"`
	UserID   string `json:"user_id"`
}

// suggestHashtags: POST /api/hashtags/suggest {"text", "platform", "n"}
func (s *Server) suggestHashtags(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	var b hashtagBody
	if !decodeJSON(w, r, &b) || rejectOtherUser(w, c, b.UserID) {
		return
	}
	out, err := s.deps.Library.SuggestHashtags(r.Context(), c, b.Text, b.Platform, b.N)
	if err != nil {
		libraryError(w, r, library.KindContent, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "platform": out.Platform, "hashtags": out.Hashtags, "max": out.Max, "note": out.Note})
}

// libraryProblems is the error shape with the list of problems.
type libraryProblems struct {
	Success      bool              `json:"success"`
	Error        errorInfo         `json:"error"`
	Problems     []library.Problem `json:"problems"`
	MoreProblems int               `json:"more_problems,omitempty"`
}

// libraryError maps the library's errors to statuses.
func libraryError(w http.ResponseWriter, r *http.Request, kind library.Kind, err error) {
	var ve *library.ValidationError
	var me *library.MissingError
	switch {
	case errors.As(err, &ve):
		kept, more := limit.First(ve.Problems)
		writeJSON(w, http.StatusBadRequest, libraryProblems{Error: errorInfo{Code: "invalid_" + namesOf(kind).one, Message: ve.Error()}, Problems: kept, MoreProblems: more})
	case errors.As(err, &me):
		writeJSON(w, http.StatusBadRequest, map[string]any{"success": false,
			"error": errorInfo{Code: "missing_variables", Message: me.Error()}, "missing": me.Names})
	case errors.Is(err, identity.ErrForbidden):
		writeError(w, http.StatusForbidden, "forbidden", err.Error())
	case errors.Is(err, library.ErrNotFound):
		writeError(w, http.StatusNotFound, "not_found", "no such "+namesOf(kind).noun+" in this workspace")
	case errors.Is(err, library.ErrInvalid):
		writeError(w, http.StatusBadRequest, "invalid_request", err.Error())
	case errors.Is(err, library.ErrConflict):
		writeError(w, http.StatusConflict, "conflict", err.Error())
	default:
		zerolog.Ctx(r.Context()).Error().Err(err).Msg("http: library")
		writeError(w, http.StatusInternalServerError, "internal", "the library request failed; try again")
	}
}
