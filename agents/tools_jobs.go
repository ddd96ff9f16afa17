package agents

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/analytics"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
	"github.com/marketingminds/marketingminds/tools/schedule"
)

// errNoSuchJob is behind cancel_job's answer for an unknown id.
var errNoSuchJob = errors.New("no such job or scheduled post")

type listJobsArgs struct {
	Status string `json:"status,omitempty" jsonschema:"enum=pending,enum=processing,enum=completed,enum=failed,enum=cancelled"`
	Limit  int    `json:"limit,omitempty" jsonschema:"minimum=1,maximum=50"`
}

type jobView struct {
	ID        string          `json:"id"`
	Type      string          `json:"type"`
	Status    schedule.Status `json:"status"`
	RunAt     time.Time       `json:"run_at"`
	Attempts  int             `json:"attempts"`
	LastError string          `json:"last_error,omitempty"`
}

type cancelArgs struct {
	ID string `json:"id" jsonschema:"minLength=1,description=A job id (list_jobs) or a scheduled post id (list_posts)."`
}

type cancelResult struct {
	Cancelled string            `json:"cancelled"` // "post" or "job"
	ID        string            `json:"id"`
	Post      *publish.PostView `json:"post,omitempty"`
	Status    schedule.Status   `json:"status,omitempty"`
}

func jobTools(cp Capabilities) []Tool {
	return []Tool{
		NewTool("list_jobs", "Lists the workspace's scheduled jobs (deliveries of scheduled posts and others), soonest first.",
			func(ctx context.Context, c identity.Caller, a listJobsArgs) ([]jobView, error) {
				if err := c.Require(identity.Viewer); err != nil {
					return nil, known(err)
				}
				limit := a.Limit
				if limit == 0 {
					limit = 20
				}
				jobs, _, err := cp.Jobs.List(ctx, c.WorkspaceID, schedule.Filter{Status: schedule.Status(a.Status), Limit: limit})
				if err != nil {
					return nil, known(err)
				}
				out := make([]jobView, 0, len(jobs))
				for _, j := range jobs {
					out = append(out, jobView{ID: j.ID, Type: j.Kind, Status: j.Status, RunAt: j.RunAt, Attempts: j.Attempts, LastError: j.LastError})
				}
				return out, nil
			}),
		NewTool("cancel_job", "Cancels a scheduled post (its waiting targets) or a pending job. Needs approval.",
			func(ctx context.Context, c identity.Caller, a cancelArgs) (cancelResult, error) {
				if err := c.Require(identity.Editor); err != nil {
					return cancelResult{}, known(err)
				}
				if _, err := cp.Posts.Get(ctx, c, a.ID); err == nil {
					p, err := cp.Posts.Cancel(ctx, c, a.ID)
					if err != nil {
						return cancelResult{}, known(err)
					}
					return cancelResult{Cancelled: "post", ID: a.ID, Post: &p}, nil
				} else if !errors.Is(err, publish.ErrNotFound) {
					return cancelResult{}, known(err)
				}
				if err := cp.Jobs.Cancel(ctx, c.WorkspaceID, a.ID); err != nil {
					if errors.Is(err, schedule.ErrNotFound) {
						return cancelResult{}, Say(errNoSuchJob, "no job or scheduled post %q in this workspace; list_jobs and list_posts give the ids", a.ID)
					}
					return cancelResult{}, known(err)
				}
				return cancelResult{Cancelled: "job", ID: a.ID, Status: schedule.StatusCancelled}, nil
			}, Mutating(), WithPreview(func(ctx context.Context, c identity.Caller, a cancelArgs) (string, error) {
				if p, err := cp.Posts.Get(ctx, c, a.ID); err == nil {
					return fmt.Sprintf("Cancel the scheduled post %s:\n“%s”", p.ID, p.Content.Text), nil
				}
				j, err := cp.Jobs.Get(ctx, c.WorkspaceID, a.ID)
				if errors.Is(err, schedule.ErrNotFound) {
					return "", Say(errNoSuchJob, "no job or scheduled post %q in this workspace; list_jobs and list_posts give the ids", a.ID)
				}
				if err != nil {
					return "", known(err)
				}
				return fmt.Sprintf("Cancel the %s job %s due %s", j.Kind, j.ID, j.RunAt.Format(time.RFC3339)), nil
			})),
	}
}

type analyticsArgs struct {
	Days     int    `json:"days,omitempty" jsonschema:"minimum=1,maximum=90,description=The last N days (default 7)."`
	DateFrom string `json:"date_from,omitempty" jsonschema:"pattern=^[0-9]{4}-[0-9]{2}-[0-9]{2}$"`
	DateTo   string `json:"date_to,omitempty" jsonschema:"pattern=^[0-9]{4}-[0-9]{2}-[0-9]{2}$"`
	Platform string `json:"platform,omitempty" jsonschema:"enum=facebook,enum=instagram,enum=twitter,enum=x,enum=linkedin"`
}

// accountFigures sums an account's figures over a range: followers as last
// seen, and each post's latest figures (a post's records are running totals).
type accountFigures struct {
	AccountID   string        `json:"account_id"`
	Platform    platform.Name `json:"platform"`
	Name        string        `json:"name"`
	Followers   *int64        `json:"followers"`
	Posts       int           `json:"posts"`
	Impressions int64         `json:"impressions"`
	Likes       int64         `json:"likes"`
	Comments    int64         `json:"comments"`
	Shares      int64         `json:"shares"`
	Clicks      int64         `json:"clicks"`
}

type analyticsResult struct {
	From     string           `json:"from"`
	To       string           `json:"to"`
	Accounts []accountFigures `json:"accounts"`
}

func analyticsTools(cp Capabilities) []Tool {
	return []Tool{
		NewTool("get_analytics", "Figures per connected account for a range of days: followers, posts, impressions, likes, comments, shares, clicks.",
			func(ctx context.Context, c identity.Caller, a analyticsArgs) (analyticsResult, error) {
				to := cp.Now().UTC()
				days := a.Days
				if days == 0 {
					days = 7
				}
				from := to.AddDate(0, 0, -(days - 1))
				var err error
				if a.DateTo != "" {
					if to, err = time.Parse(analytics.DayFormat, a.DateTo); err != nil {
						return analyticsResult{}, Say(err, "date_to %q is not a date like 2026-12-01", a.DateTo)
					}
					if a.DateFrom == "" {
						from = to.AddDate(0, 0, -(days - 1))
					}
				}
				if a.DateFrom != "" {
					if from, err = time.Parse(analytics.DayFormat, a.DateFrom); err != nil {
						return analyticsResult{}, Say(err, "date_from %q is not a date like 2026-12-01", a.DateFrom)
					}
				}
				var p platform.Name
				if a.Platform != "" {
					if p, err = platformOf(a.Platform); err != nil {
						return analyticsResult{}, err
					}
				}
				accts, err := cp.Accounts.List(ctx, c, p)
				if err != nil {
					return analyticsResult{}, known(err)
				}
				res := analyticsResult{From: analytics.Day(from), To: analytics.Day(to), Accounts: []accountFigures{}}
				for _, acc := range accts {
					recs, err := cp.Analytics.AccountHistory(ctx, c, acc.ID, from, to)
					if err != nil {
						return analyticsResult{}, known(err)
					}
					res.Accounts = append(res.Accounts, figures(acc.ID, acc.Platform, accountName(acc), recs))
				}
				return res, nil
			}),
	}
}

func figures(id string, p platform.Name, name string, recs []analytics.Record) accountFigures {
	f := accountFigures{AccountID: id, Platform: p, Name: name}
	latest := map[string]analytics.Record{}
	for _, r := range recs { // oldest first
		switch r.Kind {
		case analytics.KindAccount:
			if r.Metrics.Followers != nil {
				f.Followers = r.Metrics.Followers
			}
		case analytics.KindPost:
			latest[r.SubjectID] = r
		}
	}
	val := func(v *int64) int64 {
		if v == nil {
			return 0
		}
		return *v
	}
	for _, r := range latest {
		f.Posts++
		f.Impressions += val(r.Metrics.Impressions)
		f.Likes += val(r.Metrics.Likes)
		f.Comments += val(r.Metrics.Comments)
		f.Shares += val(r.Metrics.Shares)
		f.Clicks += val(r.Metrics.Clicks)
	}
	return f
}
