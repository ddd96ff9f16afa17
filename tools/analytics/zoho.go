package analytics

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"strings"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/zoho"
	"github.com/marketingminds/marketingminds/tools/accounts"
)

// Zoho is what the sync reads of Zoho Campaigns and CRM (*zoho.Client).
type Zoho interface {
	CampaignReport(ctx context.Context, tok zoho.Token, campaignKey string) (zoho.Report, error)
	RecentCampaigns(ctx context.Context, tok zoho.Token, status string) ([]zoho.CampaignSummary, error)
	AllRecords(ctx context.Context, tok zoho.Token, module string, opts zoho.ListOptions) iter.Seq2[zoho.Record, error]
}

// EmailCampaignRef is an e-mail campaign sent through us (tools/campaigns).
type EmailCampaignRef struct {
	// ID is our email campaign id, CampaignKey Zoho's.
	ID          string
	CampaignKey string
	// MarketingCampaignID is the marketing campaign it belongs to, or "".
	MarketingCampaignID string
	SentAt              time.Time
}

// EmailCampaigns lists a workspace's e-mail campaigns sent at or after since
// (tools/campaigns implements it).
type EmailCampaigns interface {
	SentEmailCampaigns(ctx context.Context, workspaceID string, since time.Time) ([]EmailCampaignRef, error)
}

// SkipZohoNeedsReauth: the workspace's Zoho grant must be connected again.
const SkipZohoNeedsReauth SkipReason = "zoho_needs_reauth"

// syncZoho writes the workspace's e-mail campaign reports (sent within the
// window) and its new leads per created day and source. A workspace without
// Zoho is not an error: there is nothing to read.
func (r *run) syncZoho(ctx context.Context, ws string) {
	s := r.s
	tok, err := s.cfg.Accounts.ZohoToken(ctx, system(ws))
	switch {
	case errors.Is(err, accounts.ErrNotFound) || errors.Is(err, accounts.ErrDisconnected):
		return
	case errors.Is(err, accounts.ErrNeedsReauth):
		r.mu.Lock()
		r.rep.Skipped = append(r.rep.Skipped, Skip{WorkspaceID: ws, Platform: platform.Zoho, Reason: SkipZohoNeedsReauth, Detail: err.Error()})
		r.mu.Unlock()
		return
	case err != nil:
		r.zohoFail(ws, "get Zoho token: "+err.Error())
		return
	}
	loc := r.locs[ws]
	day, hour := r.dayHour(ws)
	since := r.now.Add(-s.cfg.Window)
	base := Record{WorkspaceID: ws, Day: day, Hour: hour, Platform: platform.Zoho, FetchedAt: s.now().UTC()}

	refs, err := r.sentEmails(ctx, ws, tok, since)
	if err != nil {
		r.zohoFail(ws, "list sent e-mail campaigns: "+err.Error())
	}
	var recs []Record
	for _, ref := range refs {
		cctx, cancel := context.WithTimeout(ctx, s.cfg.CallTimeout)
		rep, err := s.cfg.Zoho.CampaignReport(cctx, tok, ref.CampaignKey)
		cancel()
		if err != nil {
			r.zohoFail(ws, fmt.Sprintf("e-mail campaign %s report: %s", ref.CampaignKey, platform.Message(err)))
			continue
		}
		rec := base
		rec.Kind, rec.SubjectID, rec.PostID, rec.CampaignID = KindEmail, ref.CampaignKey, ref.ID, ref.MarketingCampaignID
		rec.PublishedAt, rec.PublishedDay = ref.SentAt.UTC(), DayIn(ref.SentAt, loc)
		rec.Email = EmailFigures{Sent: platform.Count(rep.Sent), Delivered: platform.Count(rep.Delivered), Opens: platform.Count(rep.Opens),
			Bounces: platform.Count(rep.Bounces), Unsubscribes: platform.Count(rep.Unsubscribes)}
		rec.Metrics.Clicks = platform.Count(rep.Clicks)
		recs = append(recs, rec)
	}
	emails := len(recs)

	leads, err := r.leads(ctx, tok, since, loc)
	if err != nil {
		r.zohoFail(ws, "count new leads: "+platform.Message(err))
	}
	for k, n := range leads {
		rec := base
		rec.Kind, rec.SubjectID, rec.Source = KindLeads, k.day+"/"+k.source, k.source
		start, _ := time.ParseInLocation(DayFormat, k.day, loc)
		rec.PublishedAt, rec.PublishedDay, rec.Leads = start.UTC(), k.day, platform.Count(n)
		recs = append(recs, rec)
	}
	if len(recs) == 0 {
		return
	}
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.CallTimeout)
	defer cancel()
	if err := s.store.Upsert(wctx, recs); err != nil {
		r.zohoFail(ws, err.Error())
		return
	}
	for _, rec := range recs {
		r.touch(ws, rec.PublishedDay)
	}
	r.mu.Lock()
	r.rep.EmailsSynced += emails
	r.rep.LeadDays += len(recs) - emails
	r.mu.Unlock()
}

func (r *run) zohoFail(ws, msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rep.Errors = append(r.rep.Errors, Failure{WorkspaceID: ws, Platform: platform.Zoho, Error: msg})
}

// sentEmails lists the e-mail campaigns sent since: tools/campaigns' when
// wired, else Zoho's own list of sent campaigns.
func (r *run) sentEmails(ctx context.Context, ws string, tok zoho.Token, since time.Time) ([]EmailCampaignRef, error) {
	if r.s.cfg.EmailCampaigns != nil {
		return r.s.cfg.EmailCampaigns.SentEmailCampaigns(ctx, ws, since)
	}
	cctx, cancel := context.WithTimeout(ctx, r.s.cfg.CallTimeout)
	defer cancel()
	list, err := r.s.cfg.Zoho.RecentCampaigns(cctx, tok, "sent")
	if err != nil {
		return nil, errors.New(platform.Message(err))
	}
	var out []EmailCampaignRef
	for _, c := range list {
		ms, err := strconv.ParseInt(strings.TrimSpace(c.SentTimeGMT), 10, 64)
		if err != nil {
			continue // not sent yet: no time
		}
		if at := time.UnixMilli(ms).UTC(); !at.Before(since) {
			out = append(out, EmailCampaignRef{CampaignKey: c.Key, SentAt: at})
		}
	}
	return out, nil
}

type leadKey struct{ day, source string }

// leads counts the leads created since, per created day (in loc) and
// source, newest first so the listing stops at the first older one.
func (r *run) leads(ctx context.Context, tok zoho.Token, since time.Time, loc *time.Location) (map[leadKey]int64, error) {
	cctx, cancel := context.WithTimeout(ctx, 4*r.s.cfg.CallTimeout)
	defer cancel()
	// From the start of since's day: a day's count is always whole.
	y, m, d := since.In(loc).Date()
	since = time.Date(y, m, d, 0, 0, 0, 0, loc)
	out := map[leadKey]int64{}
	opts := zoho.ListOptions{Fields: []string{"Lead_Source", "Created_Time"}, SortBy: "Created_Time", SortOrder: "desc"}
	for rec, err := range r.s.cfg.Zoho.AllRecords(cctx, tok, zoho.ModuleLeads, opts) {
		if err != nil {
			return out, err
		}
		created, err := time.Parse(time.RFC3339, rec.String("Created_Time"))
		if err != nil {
			return out, fmt.Errorf("lead %s: Created_Time %q: %w", rec.ID(), rec.String("Created_Time"), err)
		}
		if created.Before(since) {
			break
		}
		out[leadKey{DayIn(created, loc), rec.String("Lead_Source")}]++
	}
	return out, nil
}
