package agents

import (
	"context"
	"fmt"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/analytics"
	"github.com/marketingminds/marketingminds/tools/campaigns"
	"github.com/marketingminds/marketingminds/tools/identity"
)

type analyticsArgs struct {
	Days     int    `json:"days,omitempty" jsonschema:"minimum=1,maximum=366,description=The last N days ending today (default 30)."`
	DateFrom string `json:"date_from,omitempty" jsonschema:"pattern=^[0-9]{4}-[0-9]{2}-[0-9]{2}$"`
	DateTo   string `json:"date_to,omitempty" jsonschema:"pattern=^[0-9]{4}-[0-9]{2}-[0-9]{2}$"`
	Platform string `json:"platform,omitempty" jsonschema:"enum=facebook,enum=instagram,enum=twitter,enum=x,enum=linkedin"`
}

type reviewArgs struct {
	Days     int    `json:"days,omitempty" jsonschema:"minimum=1,maximum=366,description=The last N days ending today in the workspace's time zone (default 30)."`
	DateFrom string `json:"date_from,omitempty" jsonschema:"pattern=^[0-9]{4}-[0-9]{2}-[0-9]{2}$,description=With date_to instead of days."`
	DateTo   string `json:"date_to,omitempty" jsonschema:"pattern=^[0-9]{4}-[0-9]{2}-[0-9]{2}$"`
}

type platformArgs struct {
	Platform string `json:"platform" jsonschema:"enum=facebook,enum=instagram,enum=twitter,enum=x,enum=linkedin"`
}

// rangeOf reads the analytics range the model asked for; the zero Range
// is the analytics default (the last 30 days).
func rangeOf(now time.Time, a analyticsArgs) (analytics.Range, error) {
	if a.Days == 0 && a.DateFrom == "" && a.DateTo == "" {
		return analytics.Range{}, nil
	}
	to := a.DateTo
	if to == "" {
		to = analytics.Day(now)
	}
	from := a.DateFrom
	if from == "" {
		t, err := time.Parse(analytics.DayFormat, to)
		if err != nil {
			return analytics.Range{}, Say(err, "date_to %q is not a date like 2026-12-01", to)
		}
		days := a.Days
		if days == 0 {
			days = 30
		}
		from = analytics.Day(t.AddDate(0, 0, -(days - 1)))
	}
	rg, err := analytics.NewRange(from, to)
	return rg, known(err)
}

func analyticsTools(cp Capabilities) []Tool {
	return []Tool{
		NewTool("get_analytics", "Figures for a range of days: per platform and in total (posts, impressions, reach, engagement, followers), e-mail, new leads, top posts.",
			func(ctx context.Context, c identity.Caller, a analyticsArgs) (analytics.Aggregate, error) {
				rg, err := rangeOf(cp.Now(), a)
				if err != nil {
					return analytics.Aggregate{}, err
				}
				agg, err := cp.Analytics.Aggregate(ctx, c, rg)
				if err != nil {
					return analytics.Aggregate{}, known(err)
				}
				if a.Platform != "" {
					p, err := platformOf(a.Platform)
					if err != nil {
						return analytics.Aggregate{}, err
					}
					only := map[platform.Name]analytics.Totals{}
					if t, ok := agg.Platforms[p]; ok {
						only[p] = t
					}
					agg.Platforms, agg.Total = only, only[p]
					var top []analytics.TopPost
					for _, tp := range agg.TopPosts {
						if tp.Platform == p {
							top = append(top, tp)
						}
					}
					agg.TopPosts = top
				}
				return agg, nil
			}, ReadOnly()),
		NewTool("review_analytics", "A review of a range of days beside the period before it, as a person would write it: the change in impressions and where it came from, the best posts, the best slot, with the daily chart.",
			func(ctx context.Context, c identity.Caller, a reviewArgs) (analytics.Review, error) {
				var rg analytics.Range
				var err error
				switch {
				case a.DateFrom != "" || a.DateTo != "":
					rg, err = analytics.NewRange(a.DateFrom, a.DateTo)
				case a.Days > 0:
					rg, err = cp.Analytics.LastDays(ctx, c, a.Days)
				}
				if err != nil {
					return analytics.Review{}, known(err)
				}
				r, err := cp.Analytics.Review(ctx, c, rg)
				return r, known(err)
			}, ReadOnly()),
		NewTool("best_time_to_post", "The best weekdays and hours to post on a platform, in the person's time zone (general defaults, said so, until there is enough data).",
			func(ctx context.Context, c identity.Caller, a platformArgs) (analytics.BestTimes, error) {
				p, err := platformOf(a.Platform)
				if err != nil {
					return analytics.BestTimes{}, err
				}
				bt, err := cp.Analytics.BestTimes(ctx, c, p)
				return bt, known(err)
			}, ReadOnly()),
		NewTool("get_dashboard", "The workspace at a glance: token health, connected accounts, pending jobs, the last 30 days' figures.",
			func(ctx context.Context, c identity.Caller, _ struct{}) (analytics.Overview, error) {
				ov, err := cp.Analytics.Overview(ctx, c)
				return ov, known(err)
			}, ReadOnly()),
	}
}

type emailArgs struct {
	Name       string   `json:"name" jsonschema:"minLength=1"`
	Subject    string   `json:"subject" jsonschema:"minLength=1,maxLength=200"`
	HTML       string   `json:"html,omitempty"`
	Text       string   `json:"text,omitempty"`
	ListKeys   []string `json:"list_keys" jsonschema:"minItems=1,description=Mailing list keys (list_mailing_lists)."`
	CampaignID string   `json:"campaign_id,omitempty"`
}

type emailTimeArgs struct {
	ID   string `json:"id" jsonschema:"minLength=1,description=The e-mail campaign id (create_email_campaign)."`
	Time string `json:"time" jsonschema:"minLength=1,description=When to send: RFC 3339 or the person's local time such as tomorrow 9am."`
}

type emailIDArgs struct {
	ID string `json:"id" jsonschema:"minLength=1"`
}

type leadsArgs struct {
	Query string `json:"query" jsonschema:"minLength=1"`
	Limit int    `json:"limit,omitempty" jsonschema:"minimum=1,maximum=50"`
}

// CRMCounts is crm_summary's answer: how many records each Zoho CRM module
// holds (Leads, Contacts, Deals, Campaigns).
type CRMCounts map[string]int

func campaignTools(cp Capabilities) []Tool {
	return []Tool{
		NewTool("list_mailing_lists", "Lists the Zoho Campaigns mailing lists, with the list_key an e-mail campaign is sent to.",
			func(ctx context.Context, c identity.Caller, _ struct{}) ([]campaigns.MailingList, error) {
				out, err := cp.Campaigns.MailingLists(ctx, c)
				return out, known(err)
			}, ReadOnly(), OpenWorld()),
		NewTool("create_email_campaign", "Creates an e-mail campaign draft in Zoho Campaigns (nothing is sent; schedule_email_campaign sends it).",
			func(ctx context.Context, c identity.Caller, a emailArgs) (campaigns.EmailCampaign, error) {
				e, err := cp.Campaigns.CreateEmail(ctx, c, campaigns.NewEmail{Name: a.Name, Subject: a.Subject, HTML: a.HTML, Text: a.Text,
					ListKeys: a.ListKeys, CampaignID: a.CampaignID})
				return e, known(err)
			}, Writes(), OpenWorld()),
		NewTool("schedule_email_campaign", "Schedules an e-mail campaign to be sent at a time. Needs approval.",
			func(ctx context.Context, c identity.Caller, a emailTimeArgs) (campaigns.EmailCampaign, error) {
				at, err := cp.Campaigns.ParseTime(ctx, c, a.Time)
				if err != nil {
					return campaigns.EmailCampaign{}, known(err)
				}
				e, err := cp.Campaigns.ScheduleEmail(ctx, c, a.ID, at)
				return e, known(err)
			}, Mutating(), OpenWorld(), WithPreview(func(ctx context.Context, c identity.Caller, a emailTimeArgs) (string, error) {
				at, err := cp.Campaigns.ParseTime(ctx, c, a.Time)
				if err != nil {
					return "", known(err)
				}
				e, err := cp.Campaigns.GetEmail(ctx, c, a.ID)
				if err != nil {
					return "", known(err)
				}
				lists := "1 list"
				if n := len(e.ListKeys); n != 1 {
					lists = fmt.Sprintf("%d lists", n)
				}
				return fmt.Sprintf("Send the e-mail “%s” (subject “%s”) to %s at %s", e.Name, e.Subject, lists, at.Format(previewTime)), nil
			})),
		NewTool("email_report", "An e-mail campaign's report: sent, opens, clicks, bounces.",
			func(ctx context.Context, c identity.Caller, a emailIDArgs) (campaigns.EmailCampaign, error) {
				e, err := cp.Campaigns.EmailReport(ctx, c, a.ID)
				return e, known(err)
			}, ReadOnly(), OpenWorld()),
		NewTool("crm_summary", "How many leads, contacts, deals and campaigns the workspace's Zoho CRM holds.",
			func(ctx context.Context, c identity.Caller, _ struct{}) (CRMCounts, error) {
				n, err := cp.Campaigns.CRMCounts(ctx, c)
				return CRMCounts(n), known(err)
			}, ReadOnly(), OpenWorld()),
		NewTool("search_leads", "Finds Zoho CRM leads by name, e-mail, company or source.",
			func(ctx context.Context, c identity.Caller, a leadsArgs) ([]campaigns.CRMRecord, error) {
				limit := a.Limit
				if limit == 0 {
					limit = 20
				}
				out, err := cp.Campaigns.SearchLeads(ctx, c, a.Query, limit)
				if out == nil && err == nil {
					out = []campaigns.CRMRecord{}
				}
				return out, known(err)
			}, ReadOnly(), OpenWorld()),
	}
}
