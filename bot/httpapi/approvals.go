package httpapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/bot/present"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// Approvals is the approval gate of the orchestrator (*agents.Orchestrator).
type Approvals interface {
	Approvals(ctx context.Context, c identity.Caller, status string) ([]agents.Approval, error)
	Approve(ctx context.Context, c identity.Caller, approvalID string) (agents.ApprovalResult, error)
	Reject(ctx context.Context, c identity.Caller, approvalID, reason string) (agents.ApprovalResult, error)
	// Choose answers a question ("which account?") with one of its
	// accounts, and remembers it as the platform's default when asked.
	Choose(ctx context.Context, c identity.Caller, approvalID, accountID string, remember bool) (agents.ApprovalResult, error)
}

func approvalError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, identity.ErrForbidden):
		writeError(w, http.StatusForbidden, "forbidden", err.Error())
	case errors.Is(err, agents.ErrNotFound):
		writeError(w, http.StatusNotFound, "not_found", "no such approval in your workspace")
	case errors.Is(err, agents.ErrInvalid):
		writeError(w, http.StatusBadRequest, "invalid_request", err.Error())
	case errors.Is(err, agents.ErrDecided):
		writeError(w, http.StatusConflict, "already_decided", err.Error())
	default:
		zerolog.Ctx(r.Context()).Error().Err(err).Msg("http: approvals")
		writeError(w, http.StatusInternalServerError, "internal", "the approval could not be read or decided; try again")
	}
}

// approvalList: GET /api/approvals?status=pending
func (s *Server) approvalList(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	list, err := s.deps.Approvals.Approvals(r.Context(), c, r.URL.Query().Get("status"))
	if errors.Is(err, agents.ErrInvalid) {
		writeError(w, http.StatusBadRequest, "invalid_status", "status must be one of pending, running, done, failed, rejected")
		return
	}
	if err != nil {
		approvalError(w, r, err)
		return
	}
	if list == nil {
		list = []agents.Approval{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "approvals": list})
}

// approvalApprove: POST /api/approvals/{id}/approve runs the action once.
func (s *Server) approvalApprove(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	res, err := s.deps.Approvals.Approve(r.Context(), c, r.PathValue("id"))
	if err != nil {
		approvalError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": res.Approval.Status == agents.ApprovalDone, "approval": res.Approval, "message": present.Decided(res.Approval, "you")})
}

// rejectBody is what POST /api/approvals/{id}/reject takes, if anything.
type rejectBody struct {
	Reason string `json:"reason,omitempty" maxLength:"1000"` // agents.MaxReasonChars
}

// approvalReject: POST /api/approvals/{id}/reject {"reason": "..."}
func (s *Server) approvalReject(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	var body rejectBody
	if r.ContentLength != 0 && !decodeJSON(w, r, &body) {
		return
	}
	res, err := s.deps.Approvals.Reject(r.Context(), c, r.PathValue("id"), body.Reason)
	if err != nil {
		approvalError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "approval": res.Approval, "message": present.Decided(res.Approval, "you")})
}
