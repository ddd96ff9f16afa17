package agents

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

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

type JobView struct {
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

type CancelResult struct {
	Cancelled string            `json:"cancelled"` // "post" or "job"
	ID        string            `json:"id"`
	Post      *publish.PostView `json:"post,omitempty"`
	Status    schedule.Status   `json:"status,omitempty"`
}

func jobTools(cp Capabilities) []Tool {
	return []Tool{
		NewTool("list_jobs", "Lists the workspace's scheduled jobs (deliveries of scheduled posts and others), soonest first.",
			func(ctx context.Context, c identity.Caller, a listJobsArgs) ([]JobView, error) {
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
				out := make([]JobView, 0, len(jobs))
				for _, j := range jobs {
					out = append(out, JobView{ID: j.ID, Type: j.Kind, Status: j.Status, RunAt: j.RunAt, Attempts: j.Attempts, LastError: j.LastError})
				}
				return out, nil
			}, ReadOnly()),
		NewTool("cancel_job", "Cancels a scheduled post (its waiting targets) or a pending job. Needs approval.",
			func(ctx context.Context, c identity.Caller, a cancelArgs) (CancelResult, error) {
				if err := c.Require(identity.Editor); err != nil {
					return CancelResult{}, known(err)
				}
				if _, err := cp.Posts.Get(ctx, c, a.ID); err == nil {
					p, err := cp.Posts.Cancel(ctx, c, a.ID)
					if err != nil {
						return CancelResult{}, known(err)
					}
					return CancelResult{Cancelled: "post", ID: a.ID, Post: &p}, nil
				} else if !errors.Is(err, publish.ErrNotFound) {
					return CancelResult{}, known(err)
				}
				if err := cp.Jobs.Cancel(ctx, c.WorkspaceID, a.ID); err != nil {
					if errors.Is(err, schedule.ErrNotFound) {
						return CancelResult{}, Say(errNoSuchJob, "no job or scheduled post %q in this workspace; list_jobs and list_posts give the ids", a.ID)
					}
					return CancelResult{}, known(err)
				}
				return CancelResult{Cancelled: "job", ID: a.ID, Status: schedule.StatusCancelled}, nil
			}, Mutating(), Destructive(), Idempotent(), WithPreview(func(ctx context.Context, c identity.Caller, a cancelArgs) (string, error) {
				if p, err := cp.Posts.Get(ctx, c, a.ID); err == nil {
					return fmt.Sprintf("Cancel the scheduled post:\n“%s”", p.Content.Text), nil
				}
				j, err := cp.Jobs.Get(ctx, c.WorkspaceID, a.ID)
				if errors.Is(err, schedule.ErrNotFound) {
					return "", Say(errNoSuchJob, "no job or scheduled post %q in this workspace; list_jobs and list_posts give the ids", a.ID)
				}
				if err != nil {
					return "", known(err)
				}
				return fmt.Sprintf("Cancel the %s job due %s", strings.NewReplacer("_", " ", ".", " ").Replace(j.Kind), j.RunAt.Format(previewTime)), nil
			})),
	}
}
