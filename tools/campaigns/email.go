package campaigns

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/zoho"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/when"
)

// Limits of an e-mail campaign.
const (
	maxSubject = 250
	maxContent = 512 << 10
	maxLists   = 50
	// maxAhead bounds how far ahead a send can be scheduled.
	maxAhead = 366 * 24 * time.Hour
)

// MailingList is a Zoho Campaigns mailing list.
type MailingList struct {
	Key          string `json:"list_key"`
	Name         string `json:"name"`
	Contacts     int64  `json:"contacts"`
	Unsubscribed int64  `json:"unsubscribed"`
	Bounced      int64  `json:"bounced"`
	CreatedDate  string `json:"created_date"`
}

// MailingLists lists the Zoho Campaigns mailing lists. Any role.
func (s *Service) MailingLists(ctx context.Context, c identity.Caller) ([]MailingList, error) {
	if err := c.Require(identity.Viewer); err != nil {
		return nil, err
	}
	tok, err := s.token(ctx, c)
	if err != nil {
		return nil, err
	}
	lists, err := s.cfg.Zoho.MailingLists(ctx, tok)
	if err != nil {
		return nil, zohoError("mailing lists", err)
	}
	out := make([]MailingList, len(lists))
	for i, l := range lists {
		out[i] = MailingList{Key: l.Key, Name: l.Name, Contacts: l.Contacts, Unsubscribed: l.Unsubscribed, Bounced: l.Bounced, CreatedDate: l.CreatedDate}
	}
	return out, nil
}

// NewEmail is what creating an e-mail campaign takes. FromEmail and
// FromName default to the configured sender; CampaignID attaches it to a
// marketing campaign of the workspace.
type NewEmail struct {
	Name       string   `json:"name"`
	Subject    string   `json:"subject"`
	HTML       string   `json:"html"`
	Text       string   `json:"text"`
	ListKeys   []string `json:"list_keys"`
	FromEmail  string   `json:"from_email"`
	FromName   string   `json:"from_name"`
	CampaignID string   `json:"campaign_id"`
}

func (s *Service) validEmail(in *NewEmail) error {
	in.Name, in.Subject = strings.TrimSpace(in.Name), strings.TrimSpace(in.Subject)
	if in.FromEmail == "" {
		in.FromEmail, in.FromName = s.cfg.FromEmail, s.cfg.FromName
	}
	var probs []string
	switch {
	case in.Name == "":
		probs = append(probs, "name is required")
	case utf8.RuneCountInString(in.Name) > maxName:
		probs = append(probs, fmt.Sprintf("name is longer than %d characters", maxName))
	}
	switch {
	case in.Subject == "":
		probs = append(probs, "subject is required")
	case utf8.RuneCountInString(in.Subject) > maxSubject:
		probs = append(probs, fmt.Sprintf("subject is longer than %d characters", maxSubject))
	}
	switch {
	case strings.TrimSpace(in.HTML) == "" && strings.TrimSpace(in.Text) == "":
		probs = append(probs, "html or text content is required")
	case len(in.HTML) > maxContent || len(in.Text) > maxContent:
		probs = append(probs, fmt.Sprintf("html and text must each be at most %d KB", maxContent>>10))
	}
	switch {
	case len(in.ListKeys) == 0:
		probs = append(probs, "list_keys needs at least one mailing list key (GET /api/email/lists)")
	case len(in.ListKeys) > maxLists:
		probs = append(probs, fmt.Sprintf("at most %d mailing lists", maxLists))
	case slices.Contains(in.ListKeys, ""):
		probs = append(probs, "list_keys holds an empty key")
	}
	if in.FromEmail == "" {
		probs = append(probs, "from_email is required: no default sender is configured")
	} else if a, err := mail.ParseAddress(in.FromEmail); err != nil || a.Address != in.FromEmail {
		probs = append(probs, fmt.Sprintf("from_email %q is not an e-mail address", in.FromEmail))
	}
	if len(probs) > 0 {
		return invalid("%s", strings.Join(probs, "; "))
	}
	return nil
}

// ContentURL is where Zoho reads e's HTML.
func (s *Service) ContentURL(e EmailCampaign) string {
	return s.cfg.PublicURL + "/email/content/" + e.ContentKey
}

// CreateEmail creates an e-mail campaign: stored here as a draft, then in
// Zoho Campaigns (which reads its HTML from ContentURL). A create Zoho
// refuses leaves nothing stored. Editors and admins.
func (s *Service) CreateEmail(ctx context.Context, c identity.Caller, in NewEmail) (EmailCampaign, error) {
	if err := c.Require(identity.Editor); err != nil {
		return EmailCampaign{}, err
	}
	if err := s.validEmail(&in); err != nil {
		return EmailCampaign{}, err
	}
	if in.CampaignID != "" {
		if err := s.Check(ctx, c, in.CampaignID); err != nil {
			return EmailCampaign{}, err
		}
	}
	tok, err := s.token(ctx, c)
	if err != nil {
		return EmailCampaign{}, err
	}
	now := s.now()
	e := EmailCampaign{ID: store.NewID(), WorkspaceID: c.WorkspaceID, CampaignID: in.CampaignID, Name: in.Name, Subject: in.Subject,
		FromEmail: in.FromEmail, FromName: in.FromName, HTML: in.HTML, Text: in.Text, ListKeys: in.ListKeys,
		ContentKey: store.NewID() + store.NewID(), Status: EmailDraft, CreatedBy: c.UserID, CreatedAt: now, UpdatedAt: now, Rev: 1}
	if err := s.st.CreateEmail(ctx, e); err != nil {
		return EmailCampaign{}, err
	}
	key, err := s.cfg.Zoho.CreateEmailCampaign(ctx, tok, zoho.EmailCampaign{Name: e.Name, FromEmail: e.FromEmail, FromName: e.FromName,
		Subject: e.Subject, ContentURL: s.ContentURL(e), ListKeys: e.ListKeys})
	if err != nil {
		if derr := s.st.DeleteEmail(context.WithoutCancel(ctx), e.WorkspaceID, e.ID); derr != nil {
			s.log.Error().Err(derr).Str("email_campaign", e.ID).Msg("campaigns: remove a campaign Zoho refused")
		}
		return EmailCampaign{}, zohoError("create email campaign", err)
	}
	e.CampaignKey, e.UpdatedAt = key, s.now()
	ok, err := s.st.SaveEmail(context.WithoutCancel(ctx), e)
	if err != nil {
		return EmailCampaign{}, err
	}
	if !ok {
		return EmailCampaign{}, fmt.Errorf("%w: e-mail campaign %s changed while being created", ErrConflict, e.ID)
	}
	e.Rev++
	return e, nil
}

// GetEmail returns one e-mail campaign; another workspace's id is
// ErrNotFound. Any role.
func (s *Service) GetEmail(ctx context.Context, c identity.Caller, id string) (EmailCampaign, error) {
	if err := c.Require(identity.Viewer); err != nil {
		return EmailCampaign{}, err
	}
	return s.st.GetEmail(ctx, c.WorkspaceID, id)
}

// ListEmails lists the workspace's e-mail campaigns, newest first (of one
// marketing campaign when campaignID is set). Any role.
func (s *Service) ListEmails(ctx context.Context, c identity.Caller, campaignID string) ([]EmailCampaign, error) {
	if err := c.Require(identity.Viewer); err != nil {
		return nil, err
	}
	return s.st.ListEmails(ctx, c.WorkspaceID, campaignID)
}

// EmailContent returns the HTML and text of the e-mail campaign whose
// content key is key (the public content URL Zoho reads); ErrNotFound
// otherwise.
func (s *Service) EmailContent(ctx context.Context, key string) (html, text string, err error) {
	e, err := s.st.EmailByContentKey(ctx, key)
	if err != nil {
		return "", "", err
	}
	return e.HTML, e.Text, nil
}

// ParseTime reads a send time in the caller's time zone: RFC 3339, a local
// date and time ("2026-12-01 09:00") or a person's words ("tomorrow 9am",
// "in 2 hours"; see tools/when).
func (s *Service) ParseTime(ctx context.Context, c identity.Caller, v string) (time.Time, error) {
	if strings.TrimSpace(v) == "" {
		return time.Time{}, invalid("scheduled_time is required")
	}
	loc := time.UTC
	if s.cfg.UserLocation != nil {
		l, err := s.cfg.UserLocation(ctx, c.WorkspaceID, c.UserID)
		if err != nil {
			return time.Time{}, fmt.Errorf("campaigns: time zone of %s: %w", c.UserID, err)
		}
		loc = l
	}
	t, err := when.Parse(v, s.now(), loc)
	if err != nil {
		return time.Time{}, invalid("scheduled_time: %w", err)
	}
	return t, nil
}

// ScheduleEmail sends the e-mail campaign at at through the scheduler (job
// kind email_campaign, cancellable with DELETE /api/jobs/{id}); a campaign
// already scheduled is moved. Editors and admins.
func (s *Service) ScheduleEmail(ctx context.Context, c identity.Caller, id string, at time.Time) (EmailCampaign, error) {
	if err := c.Require(identity.Editor); err != nil {
		return EmailCampaign{}, err
	}
	e, err := s.st.GetEmail(ctx, c.WorkspaceID, id)
	if err != nil {
		return EmailCampaign{}, err
	}
	now := s.now()
	switch {
	case !at.After(now):
		return EmailCampaign{}, invalid("scheduled_time %s is not in the future", at.UTC().Format(time.RFC3339))
	case at.Sub(now) > maxAhead:
		return EmailCampaign{}, invalid("scheduled_time is more than a year ahead")
	}
	if _, err := s.token(ctx, c); err != nil {
		return EmailCampaign{}, err
	}
	at = store.Trunc(at)
	switch e.Status {
	case EmailSending, EmailSent:
		return EmailCampaign{}, fmt.Errorf("%w: the e-mail campaign is %s", ErrConflict, e.Status)
	case EmailScheduled:
		if err := s.cfg.Jobs.MoveJob(ctx, e.WorkspaceID, e.JobID, at); err != nil {
			return EmailCampaign{}, jobError(err)
		}
		e.ScheduledAt, e.UpdatedAt = at, s.now()
		return s.saveEmail(ctx, e)
	}
	jobID, err := s.cfg.Jobs.EnqueueSend(ctx, e.WorkspaceID, e.ID, at, c.UserID)
	if err != nil {
		return EmailCampaign{}, fmt.Errorf("campaigns: schedule %s: %w", e.ID, err)
	}
	e.Status, e.ScheduledAt, e.JobID, e.LastError, e.UpdatedAt = EmailScheduled, at, jobID, "", s.now()
	saved, err := s.saveEmail(ctx, e)
	if err != nil {
		if cerr := s.cfg.Jobs.CancelJob(context.WithoutCancel(ctx), e.WorkspaceID, jobID); cerr != nil {
			s.log.Error().Err(cerr).Str("job", jobID).Msg("campaigns: cancel the job of a schedule that was not saved")
		}
		return EmailCampaign{}, err
	}
	return saved, nil
}

// saveEmail writes e over its revision; ErrConflict when it moved on.
func (s *Service) saveEmail(ctx context.Context, e EmailCampaign) (EmailCampaign, error) {
	ok, err := s.st.SaveEmail(ctx, e)
	if err != nil {
		return EmailCampaign{}, err
	}
	if !ok {
		return EmailCampaign{}, fmt.Errorf("%w: the e-mail campaign changed meanwhile; read it again", ErrConflict)
	}
	e.Rev++
	return e, nil
}

// SendEmail sends the e-mail campaign now (a scheduled one is taken off
// its schedule first). Editors and admins.
func (s *Service) SendEmail(ctx context.Context, c identity.Caller, id string) (EmailCampaign, error) {
	if err := c.Require(identity.Editor); err != nil {
		return EmailCampaign{}, err
	}
	e, err := s.st.GetEmail(ctx, c.WorkspaceID, id)
	if err != nil {
		return EmailCampaign{}, err
	}
	switch e.Status {
	case EmailSent:
		return EmailCampaign{}, fmt.Errorf("%w: the e-mail campaign was already sent", ErrConflict)
	case EmailSending:
		if s.now().Sub(e.UpdatedAt) < sendingGrace {
			return EmailCampaign{}, fmt.Errorf("%w: the e-mail campaign is being sent", ErrConflict)
		}
	case EmailScheduled:
		if err := s.cfg.Jobs.CancelJob(ctx, e.WorkspaceID, e.JobID); err != nil {
			return EmailCampaign{}, jobError(err)
		}
	}
	if _, err := s.token(ctx, c); err != nil {
		return EmailCampaign{}, err
	}
	sent, err := s.deliver(ctx, e.WorkspaceID, e.ID, "")
	var perm *permanentError
	if errors.As(err, &perm) {
		err = perm.Err
	}
	return sent, err
}

// SentEmail is a sent e-mail campaign as analytics reads it.
type SentEmail struct {
	ID                  string
	CampaignKey         string
	MarketingCampaignID string
	SentAt              time.Time
}

// SentEmailCampaigns lists the workspace's e-mail campaigns sent at or
// after since, oldest first (what the analytics sync reads reports of).
func (s *Service) SentEmailCampaigns(ctx context.Context, workspaceID string, since time.Time) ([]SentEmail, error) {
	es, err := s.st.SentEmails(ctx, workspaceID, since)
	if err != nil {
		return nil, err
	}
	out := make([]SentEmail, len(es))
	for i, e := range es {
		out[i] = SentEmail{ID: e.ID, CampaignKey: e.CampaignKey, MarketingCampaignID: e.CampaignID, SentAt: e.SentAt}
	}
	return out, nil
}

// EmailReport reads a sent campaign's report from Zoho, keeps it on the
// campaign and returns the campaign. Any role.
func (s *Service) EmailReport(ctx context.Context, c identity.Caller, id string) (EmailCampaign, error) {
	if err := c.Require(identity.Viewer); err != nil {
		return EmailCampaign{}, err
	}
	e, err := s.st.GetEmail(ctx, c.WorkspaceID, id)
	if err != nil {
		return EmailCampaign{}, err
	}
	if e.Status != EmailSent {
		return EmailCampaign{}, fmt.Errorf("%w: the e-mail campaign is %s; a report exists once it is sent", ErrConflict, e.Status)
	}
	tok, err := s.token(ctx, c)
	if err != nil {
		return EmailCampaign{}, err
	}
	r, err := s.cfg.Zoho.CampaignReport(ctx, tok, e.CampaignKey)
	if err != nil {
		return EmailCampaign{}, zohoError("campaign report", err)
	}
	e.Report = &Report{Sent: r.Sent, Delivered: r.Delivered, Opens: r.Opens, OpenRate: r.OpenRate, Clicks: r.Clicks,
		ClickRate: r.ClickRate, Bounces: r.Bounces, BounceRate: r.BounceRate, Unsubscribes: r.Unsubscribes, UnsubscribeRate: r.UnsubscribeRate}
	e.ReportAt, e.UpdatedAt = s.now(), s.now()
	if ok, err := s.st.SaveEmail(context.WithoutCancel(ctx), e); err != nil || !ok {
		// The report is still right; only keeping it failed.
		s.log.Warn().Err(err).Str("email_campaign", e.ID).Msg("campaigns: keep report")
		return e, nil
	}
	e.Rev++
	return e, nil
}
