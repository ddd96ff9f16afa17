package campaigns

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/zoho"
	"github.com/marketingminds/marketingminds/tools/schedule"
)

// JobKind is the scheduler kind of a scheduled e-mail campaign send.
const JobKind = "email_campaign"

// sendingGrace is how long a campaign marked sending is left to the send
// in flight; after it a send asks Zoho what became of it first.
const sendingGrace = 2 * time.Minute

type jobArgs struct {
	EmailID string `json:"email_campaign_id"`
}

// permanentError says the send is settled as failed: do not retry.
type permanentError struct{ Err error }

func (e *permanentError) Error() string { return e.Err.Error() }
func (e *permanentError) Unwrap() error { return e.Err }

// Register registers the email_campaign job kind with the scheduler's
// registry. A run after a lost lease needs nothing special: the campaign
// says sending, and the send reconciles it with Zoho.
func (s *Service) Register(reg *schedule.Registry) error {
	return reg.Register(JobKind, s.handleJob, schedule.KindOptions{MaxAttempts: 8, Timeout: 2 * time.Minute, OnCancel: s.jobCancelled})
}

func (s *Service) handleJob(ctx context.Context, job *schedule.Job) error {
	var a jobArgs
	if err := job.DecodeArgs(&a); err != nil || a.EmailID == "" {
		return schedule.Permanent(fmt.Errorf("campaigns: email job %s without an e-mail campaign id: %v", job.ID, err))
	}
	_, err := s.deliver(ctx, job.WorkspaceID, a.EmailID, job.ID)
	var perm *permanentError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &perm), errors.Is(err, ErrNotFound):
		return schedule.Permanent(err)
	}
	return err
}

// jobCancelled marks the campaign cancelled when a person cancelled its
// pending job (DELETE /api/jobs/{id}).
func (s *Service) jobCancelled(ctx context.Context, job *schedule.Job) error {
	var a jobArgs
	if err := job.DecodeArgs(&a); err != nil || a.EmailID == "" {
		return nil
	}
	for range 3 {
		e, err := s.st.GetEmail(ctx, job.WorkspaceID, a.EmailID)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("campaigns: cancel e-mail of job %s: %w", job.ID, err)
		}
		if e.Status != EmailScheduled || e.JobID != job.ID {
			return nil
		}
		e.Status, e.LastError, e.UpdatedAt = EmailCancelled, "its scheduled job was cancelled", s.now()
		if ok, err := s.st.SaveEmail(ctx, e); err != nil || ok {
			return err
		}
	}
	return fmt.Errorf("campaigns: cancel e-mail of job %s: it kept changing", job.ID)
}

// deliver sends the campaign once, crash-safe: it is marked sending before
// Zoho is asked, and a campaign found sending is first looked up in Zoho
// (sent: recorded as sent; still a draft: sent). jobID is the job running
// it ("" for a send now): a job that is no longer the campaign's does
// nothing.
func (s *Service) deliver(ctx context.Context, workspaceID, id, jobID string) (EmailCampaign, error) {
	for range 3 {
		e, err := s.st.GetEmail(ctx, workspaceID, id)
		if err != nil {
			return EmailCampaign{}, err
		}
		switch e.Status {
		case EmailSent:
			return e, nil
		case EmailDraft, EmailFailed, EmailCancelled:
			if jobID != "" { // no longer scheduled: the job has nothing to do
				return e, nil
			}
		case EmailScheduled:
			if jobID == "" {
				return e, fmt.Errorf("%w: the e-mail campaign is scheduled; take it off its schedule first", ErrConflict)
			}
			if e.JobID != jobID { // rescheduled: another job sends it
				return e, nil
			}
		}
		tok, err := s.token(ctx, system(workspaceID))
		if err != nil {
			if errors.Is(err, ErrZohoNotConnected) || errors.Is(err, ErrZohoUnavailable) {
				return s.fail(ctx, e, err)
			}
			return e, err
		}
		if e.Status == EmailSending {
			sentAt, sent, err := s.reconcile(ctx, tok, e)
			if err != nil {
				return e, err
			}
			if sent {
				return s.settle(ctx, e, sentAt, nil)
			}
		}
		m := e
		m.Status, m.LastError, m.UpdatedAt = EmailSending, "", s.now()
		ok, err := s.st.SaveEmail(ctx, m)
		if err != nil {
			return e, err
		}
		if !ok {
			continue
		}
		m.Rev++
		serr := s.cfg.Zoho.SendCampaign(ctx, tok, m.CampaignKey)
		return s.settle(context.WithoutCancel(ctx), m, s.now(), serr)
	}
	return EmailCampaign{}, fmt.Errorf("%w: e-mail campaign %s kept changing while being sent", ErrConflict, id)
}

// settle records what the send's answer says: sent, failed (Zoho refused;
// nothing went out), or still sending (no answer: the next run asks Zoho).
func (s *Service) settle(ctx context.Context, e EmailCampaign, at time.Time, err error) (EmailCampaign, error) {
	switch {
	case err == nil, zohoCode(err) == "6600": // 6600: Zoho says it is sent already
		e.Status, e.SentAt, e.LastError, e.UpdatedAt = EmailSent, at, "", s.now()
		return s.saveSettled(ctx, e, nil)
	case platform.KindOf(err) == platform.KindPermanent || platform.KindOf(err) == platform.KindAuth:
		return s.fail(ctx, e, zohoError("send email campaign", err))
	}
	e.LastError, e.UpdatedAt = "zoho did not confirm the send ("+platform.Message(err)+"); it is checked with Zoho before any retry", s.now()
	saved, serr := s.saveSettled(ctx, e, nil)
	if serr != nil {
		return saved, serr
	}
	return saved, zohoError("send email campaign", err)
}

// fail settles e as failed because of err and returns it as permanent.
func (s *Service) fail(ctx context.Context, e EmailCampaign, err error) (EmailCampaign, error) {
	e.Status, e.LastError, e.UpdatedAt = EmailFailed, err.Error(), s.now()
	return s.saveSettled(ctx, e, &permanentError{Err: err})
}

func (s *Service) saveSettled(ctx context.Context, e EmailCampaign, result error) (EmailCampaign, error) {
	ok, err := s.st.SaveEmail(ctx, e)
	if err != nil {
		return e, err
	}
	if !ok {
		return e, fmt.Errorf("%w: e-mail campaign %s changed while being sent", ErrConflict, e.ID)
	}
	e.Rev++
	return e, result
}

// reconcile asks Zoho whether the campaign went out: its status among the
// recent campaigns, or else whether it has a report.
func (s *Service) reconcile(ctx context.Context, tok zoho.Token, e EmailCampaign) (time.Time, bool, error) {
	recent, err := s.cfg.Zoho.RecentCampaigns(ctx, tok, "all")
	if err != nil {
		return time.Time{}, false, zohoError("reconcile send", err)
	}
	for _, r := range recent {
		if r.Key != e.CampaignKey {
			continue
		}
		if strings.EqualFold(r.Status, "Draft") {
			return time.Time{}, false, nil
		}
		at := s.now()
		if ms, err := strconv.ParseInt(r.SentTimeGMT, 10, 64); err == nil && ms > 0 {
			at = time.UnixMilli(ms).UTC()
		}
		return at, true, nil
	}
	_, err = s.cfg.Zoho.CampaignReport(ctx, tok, e.CampaignKey)
	switch {
	case err == nil:
		return s.now(), true, nil
	case zohoCode(err) == "6002": // no sent campaign with that key
		return time.Time{}, false, nil
	}
	return time.Time{}, false, zohoError("reconcile send", err)
}

// jobError maps the scheduler's errors.
func jobError(err error) error {
	switch {
	case errors.Is(err, schedule.ErrNotPending):
		return fmt.Errorf("%w: its scheduled send already started", ErrConflict)
	case errors.Is(err, schedule.ErrNotFound):
		return fmt.Errorf("%w: its scheduled job is gone", ErrConflict)
	}
	return fmt.Errorf("campaigns: scheduler: %w", err)
}

// SchedulerJobs adapts a *schedule.Scheduler to Jobs.
func SchedulerJobs(s *schedule.Scheduler) Jobs { return schedulerJobs{s} }

type schedulerJobs struct{ s *schedule.Scheduler }

func (j schedulerJobs) EnqueueSend(ctx context.Context, workspaceID, emailID string, runAt time.Time, createdBy string) (string, error) {
	ids, err := j.s.Enqueue(ctx, schedule.NewJob{WorkspaceID: workspaceID, Kind: JobKind, Args: jobArgs{EmailID: emailID},
		RunAt: runAt, CreatedBy: createdBy})
	if err != nil {
		return "", err
	}
	return ids[0], nil
}

func (j schedulerJobs) CancelJob(ctx context.Context, workspaceID, jobID string) error {
	return j.s.Cancel(ctx, workspaceID, jobID)
}

func (j schedulerJobs) MoveJob(ctx context.Context, workspaceID, jobID string, runAt time.Time) error {
	return j.s.Reschedule(ctx, workspaceID, jobID, runAt, nil)
}
