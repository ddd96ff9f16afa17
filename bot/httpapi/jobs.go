package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/schedule"
)

// Jobs is the scheduler capability the REST API calls (*schedule.Scheduler).
type Jobs interface {
	Get(ctx context.Context, workspaceID, id string) (*schedule.Job, error)
	List(ctx context.Context, workspaceID string, f schedule.Filter) ([]schedule.Job, string, error)
	Cancel(ctx context.Context, workspaceID, id string) error
	Overview(ctx context.Context, workspaceID string) (schedule.Overview, error)
	Pause(ctx context.Context, by string) error
	Resume(ctx context.Context, by string) error
}

// jobView is a job as the API shows it.
type jobView struct {
	ID          string             `json:"id"`
	Type        string             `json:"type"`
	Status      schedule.Status    `json:"status"`
	RunAt       time.Time          `json:"run_at"`
	Attempts    int                `json:"attempts"`
	MaxAttempts int                `json:"max_attempts"`
	LastError   string             `json:"last_error"`
	Args        any                `json:"args"`
	CreatedBy   string             `json:"created_by"`
	CreatedAt   time.Time          `json:"created_at"`
	UpdatedAt   time.Time          `json:"updated_at"`
	History     []schedule.Attempt `json:"history"`
}

func viewJob(j *schedule.Job) jobView {
	return jobView{ID: j.ID, Type: j.Kind, Status: j.Status, RunAt: j.RunAt, Attempts: j.Attempts, MaxAttempts: j.MaxAttempts,
		LastError: j.LastError, Args: j.Args, CreatedBy: j.CreatedBy, CreatedAt: j.CreatedAt, UpdatedAt: j.UpdatedAt, History: j.History}
}

// jobError answers the scheduler's errors with the right status.
func (s *Server) jobError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, schedule.ErrNotFound):
		writeError(w, http.StatusNotFound, "not_found", "no such job in your workspace")
	case errors.Is(err, schedule.ErrNotPending):
		writeError(w, http.StatusConflict, "not_pending", "only a pending job can be cancelled; this one already started or finished")
	case errors.Is(err, schedule.ErrInvalidCursor):
		writeError(w, http.StatusBadRequest, "invalid_cursor", "cursor must be the next_cursor of a previous page")
	default:
		zerolog.Ctx(r.Context()).Error().Err(err).Msg("http: jobs")
		writeError(w, http.StatusInternalServerError, "internal", "the scheduler could not answer; try again shortly")
	}
}

func (s *Server) jobStatus(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	j, err := s.deps.Jobs.Get(r.Context(), c.WorkspaceID, r.PathValue("job_id"))
	if err != nil {
		s.jobError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "job": viewJob(j)})
}

// jobsOfUser lists the jobs the caller created: ?status=&job_type=&limit=&cursor=.
func (s *Server) jobsOfUser(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	q := r.URL.Query()
	f := schedule.Filter{CreatedBy: c.UserID, Kind: q.Get("job_type"), Cursor: q.Get("cursor")}
	if st := q.Get("status"); st != "" {
		f.Status = schedule.Status(st)
		valid := false
		for _, known := range schedule.Statuses {
			valid = valid || known == f.Status
		}
		if !valid {
			writeError(w, http.StatusBadRequest, "invalid_status", "status must be one of pending, processing, completed, failed, cancelled")
			return
		}
	}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 500 {
			writeError(w, http.StatusBadRequest, "invalid_limit", "limit must be a number from 1 to 500")
			return
		}
		f.Limit = n
	}
	jobs, next, err := s.deps.Jobs.List(r.Context(), c.WorkspaceID, f)
	if err != nil {
		s.jobError(w, r, err)
		return
	}
	views := make([]jobView, len(jobs))
	for i := range jobs {
		views[i] = viewJob(&jobs[i])
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "jobs": views, "next_cursor": next})
}

func (s *Server) jobCancel(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	id := r.PathValue("job_id")
	if err := s.deps.Jobs.Cancel(r.Context(), c.WorkspaceID, id); err != nil {
		s.jobError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "job_id": id, "status": schedule.StatusCancelled})
}

type recurringView struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	NextRunTime time.Time `json:"next_run_time"`
}

func (s *Server) schedulerStatus(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	ov, err := s.deps.Jobs.Overview(r.Context(), c.WorkspaceID)
	if err != nil {
		s.jobError(w, r, err)
		return
	}
	jobs := make([]recurringView, len(ov.Recurring))
	for i, rj := range ov.Recurring {
		jobs[i] = recurringView{ID: rj.ID, Name: rj.Name, NextRunTime: rj.NextRunTime}
	}
	stats := map[string]int{}
	for _, st := range schedule.Statuses {
		stats[string(st)] = ov.Statistics[st]
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "is_running": ov.IsRunning, "paused": ov.Paused,
		"jobs": jobs, "statistics": stats})
}

func (s *Server) schedulerStart(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	if err := s.deps.Jobs.Resume(r.Context(), c.UserID); err != nil {
		s.jobError(w, r, err)
		return
	}
	zerolog.Ctx(r.Context()).Info().Msg("http: scheduler resumed")
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "is_running": true,
		"message": "the scheduler is running on every replica"})
}

func (s *Server) schedulerStop(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	if err := s.deps.Jobs.Pause(r.Context(), c.UserID); err != nil {
		s.jobError(w, r, err)
		return
	}
	zerolog.Ctx(r.Context()).Info().Msg("http: scheduler paused")
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "is_running": false,
		"message": "the scheduler is paused on every replica; pending jobs wait until it is started again"})
}
