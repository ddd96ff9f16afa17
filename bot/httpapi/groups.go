package httpapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/tools/groups"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// Groups is what the account group routes and the accounts page need of
// tools/groups (*groups.Service).
type Groups interface {
	List(ctx context.Context, c identity.Caller) ([]groups.Group, error)
	Create(ctx context.Context, c identity.Caller, name string, accountIDs []string) (groups.Group, error)
	Save(ctx context.Context, c identity.Caller, name string, accountIDs []string) (groups.Group, error)
	Delete(ctx context.Context, c identity.Caller, name string) (groups.Deleted, error)
}

func (s *Server) groupRoutes(mux *routeMux) {
	mux.Handle("GET /api/groups", s.auth(identity.Viewer, ownUser(s.groupList)))
	mux.Handle("POST /api/groups", s.auth(identity.Editor, ownUser(s.groupCreate)))
	mux.Handle("PUT /api/groups/{name}", s.auth(identity.Editor, ownUser(s.groupPut)))
	mux.Handle("DELETE /api/groups/{name}", s.auth(identity.Editor, ownUser(s.groupDelete)))
	if s.deps.Sessions != nil { // the accounts page's groups (dashboard_groups.go)
		mux.Handle("POST /dashboard/groups", s.page(identity.Editor, "accounts", s.dashGroupSave))
		mux.Handle("POST /dashboard/groups/delete", s.page(identity.Editor, "accounts", s.dashGroupDelete))
	}
}

// groupBody is a new group: its name and accounts.
type groupBody struct {
	Name       string   `json:"name" maxLength:"80"`
	AccountIDs []string `json:"account_ids"`
}

// groupAccountsBody is a group's accounts (PUT /api/groups/{name}).
type groupAccountsBody struct {
	AccountIDs []string `json:"account_ids"`
}

// groupList: GET /api/groups
func (s *Server) groupList(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	list, err := s.deps.Groups.List(r.Context(), c)
	if err != nil {
		groupError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "groups": list})
}

// groupCreate: POST /api/groups {"name", "account_ids"}; a name in use
// (in any case) is a 409.
func (s *Server) groupCreate(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	var b groupBody
	if !decodeJSON(w, r, &b) {
		return
	}
	g, err := s.deps.Groups.Create(r.Context(), c, b.Name, b.AccountIDs)
	if err != nil {
		groupError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"success": true, "group": g})
}

// groupPut: PUT /api/groups/{name} {"account_ids"} creates the group or
// replaces its accounts (the agent's save_account_group).
func (s *Server) groupPut(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	var b groupAccountsBody
	if !decodeJSON(w, r, &b) {
		return
	}
	g, err := s.deps.Groups.Save(r.Context(), c, r.PathValue("name"), b.AccountIDs)
	if err != nil {
		groupError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "group": g})
}

// groupDelete: DELETE /api/groups/{name} (the accounts stay connected).
func (s *Server) groupDelete(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	d, err := s.deps.Groups.Delete(r.Context(), c, r.PathValue("name"))
	if err != nil {
		groupError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "deleted": d.Name})
}

// groupError maps the groups' errors to statuses, in the refusal's words.
func groupError(w http.ResponseWriter, r *http.Request, err error) {
	rf := &groups.Refusal{Words: err.Error()}
	errors.As(err, &rf)
	switch {
	case errors.Is(err, identity.ErrForbidden):
		writeError(w, http.StatusForbidden, "forbidden", err.Error())
	case errors.Is(err, groups.ErrNotFound):
		writeError(w, http.StatusNotFound, "not_found", rf.Words)
	case errors.Is(err, groups.ErrNameInUse):
		writeError(w, http.StatusConflict, "name_in_use", rf.Words+"; change its accounts with PUT /api/groups/{name}, or choose another name")
	case errors.Is(err, groups.ErrInvalid):
		writeError(w, http.StatusBadRequest, "invalid_request", rf.Words)
	default:
		zerolog.Ctx(r.Context()).Error().Err(err).Msg("http: account groups")
		writeError(w, http.StatusInternalServerError, "internal", "the account group request failed; try again")
	}
}
