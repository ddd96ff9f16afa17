package publish

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/marketingminds/marketingminds/tools/schedule"
)

// JobKind is the scheduler kind of one delivery (one post to one account).
const JobKind = "social.delivery"

// JobTimeout bounds one run of a delivery job (video processing included).
const JobTimeout = 10 * time.Minute

type jobArgs struct {
	DeliveryID string `json:"delivery_id"`
}

// Register registers the delivery job kind with the scheduler's registry.
// A run that follows a lost lease (job.Recovered) needs nothing special: the
// delivery itself says publishing, and Deliver reconciles it.
func (s *Service) Register(reg *schedule.Registry) error {
	return reg.Register(JobKind, s.handleJob, schedule.KindOptions{
		// Sends are bounded by Config.MaxAttempts on the delivery; the job
		// has room for the runs that only check or reconcile.
		MaxAttempts: s.cfg.MaxAttempts + 5,
		Timeout:     JobTimeout,
		Backoff:     s.cfg.Backoff,
		OnCancel:    s.jobCancelled,
		// Deliver prepares (reads, token, cap check) when handed the job
		// early and sends at its time: see step.
		Ahead: true,
	})
}

// jobCancelled records on the delivery that a person cancelled its job
// (DELETE /api/jobs/{id}), so the post no longer shows the target waiting.
func (s *Service) jobCancelled(ctx context.Context, job *schedule.Job) error {
	var a jobArgs
	if err := job.DecodeArgs(&a); err != nil || a.DeliveryID == "" {
		return nil
	}
	d, err := s.store.GetDelivery(ctx, job.WorkspaceID, a.DeliveryID)
	if err != nil {
		return fmt.Errorf("publish: cancel delivery of job %s: %w", job.ID, err)
	}
	if d.Status != StatusPending {
		return nil
	}
	d.Status, d.LastError, d.UpdatedAt = StatusCancelled, "its scheduled job was cancelled", s.now()
	if _, err := s.commit.Save(ctx, d); err != nil {
		return fmt.Errorf("publish: cancel delivery of job %s: %w", job.ID, err)
	}
	return nil
}

func (s *Service) handleJob(ctx context.Context, job *schedule.Job) error {
	var a jobArgs
	if err := job.DecodeArgs(&a); err != nil || a.DeliveryID == "" {
		return schedule.Permanent(fmt.Errorf("publish: delivery job %s without a delivery id: %v", job.ID, err))
	}
	err := s.Deliver(ctx, job.WorkspaceID, a.DeliveryID, job.Attempts >= job.MaxAttempts)
	var snooze *SnoozeError
	var perm *PermanentError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &snooze):
		return schedule.Snooze(snooze.Until, snooze.Reason)
	case errors.As(err, &perm):
		return schedule.Permanent(perm.Err)
	}
	return err
}

// SchedulerJobs adapts a *schedule.Scheduler to Jobs.
func SchedulerJobs(s *schedule.Scheduler) Jobs { return schedulerJobs{s} }

type schedulerJobs struct{ s *schedule.Scheduler }

func (j schedulerJobs) EnqueueDeliveries(ctx context.Context, specs []JobSpec) ([]string, error) {
	jobs := make([]schedule.NewJob, len(specs))
	for i, sp := range specs {
		jobs[i] = schedule.NewJob{WorkspaceID: sp.WorkspaceID, Kind: JobKind, Args: jobArgs{DeliveryID: sp.DeliveryID},
			RunAt: sp.RunAt, UniqueKey: sp.UniqueKey, CreatedBy: sp.CreatedBy}
	}
	return j.s.Enqueue(ctx, jobs...)
}

func (j schedulerJobs) CancelJob(ctx context.Context, workspaceID, jobID string) error {
	return j.s.Cancel(ctx, workspaceID, jobID)
}

func (j schedulerJobs) MoveJob(ctx context.Context, workspaceID, jobID string, runAt time.Time) error {
	return j.s.Reschedule(ctx, workspaceID, jobID, runAt, nil)
}
