package httpapi

import (
	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/publish"
	"github.com/marketingminds/marketingminds/tools/schedule"
)

// The OpenAPI entries of each area, next to each other; see apiOp.

var accountOps = []apiOp{
	{Method: "GET", Path: "/api/social/connect/{platform}", Summary: "Start connecting a platform: the URL of its consent page", Auth: "editor",
		Query: map[string]string{"return_to": "a dashboard path to come back to"},
		Response: struct {
			Success  bool          `json:"success"`
			Platform platform.Name `json:"platform"`
			AuthURL  string        `json:"auth_url"`
		}{}},
	{Method: "GET", Path: "/api/social/callback/{platform}", Summary: "OAuth callback (the single-use state is the credential); an HTML page",
		Query: map[string]string{"state": "", "code": "", "error": "", "error_description": ""}, Content: "text/html"},
	{Method: "GET", Path: "/api/social/accounts", Summary: "The workspace's connected accounts", Auth: "viewer",
		Query: map[string]string{"platform": "only this platform"},
		Response: struct {
			Success  bool               `json:"success"`
			Accounts []accounts.Account `json:"accounts"`
		}{}},
	{Method: "DELETE", Path: "/api/social/accounts/{id}", Summary: "Disconnect an account (its tokens are revoked and deleted)", Auth: "editor",
		Response: struct {
			Success bool             `json:"success"`
			Account accounts.Account `json:"account"`
		}{}},
	{Method: "POST", Path: "/api/tokens/refresh", Summary: "Refresh the tokens expiring within a window (default 6h)", Auth: "editor",
		Request: struct {
			Within string `json:"within,omitempty"`
		}{}, Optional: true,
		Response: struct {
			Success bool                   `json:"success"`
			Within  string                 `json:"within"`
			Report  accounts.RefreshReport `json:"report"`
		}{}},
	{Method: "GET", Path: "/api/tokens/status", Summary: "Token health of every connected account", Auth: "viewer",
		Response: struct {
			Success bool                  `json:"success"`
			Tokens  []accounts.TokenState `json:"tokens"`
		}{}},
	{Method: "GET", Path: "/api/zoho/connect", Summary: "Start connecting Zoho", Auth: "editor",
		Response: struct {
			Success  bool          `json:"success"`
			Platform platform.Name `json:"platform"`
			AuthURL  string        `json:"auth_url"`
		}{}},
	{Method: "GET", Path: "/api/zoho/callback", Summary: "Zoho OAuth callback; an HTML page",
		Query: map[string]string{"state": "", "code": "", "accounts-server": ""}, Content: "text/html"},
}

type postResponse struct {
	Success bool             `json:"success"`
	Post    publish.PostView `json:"post"`
}

var postOps = []apiOp{
	{Method: "POST", Path: "/api/social/post", Summary: "Publish now to one or more accounts (Idempotency-Key honoured)", Auth: "editor",
		Request: postBody{}, Response: publish.Outcome{}},
	{Method: "POST", Path: "/api/social/post/multiple", Summary: "Publish now to several accounts (same as /api/social/post)", Auth: "editor",
		Request: postBody{}, Response: publish.Outcome{}},
	{Method: "POST", Path: "/api/social/post/schedule", Summary: "Schedule a post (scheduled_time: RFC 3339, or local time in the user's zone)", Auth: "editor",
		Request: postBody{}, Response: publish.Scheduled{}, Status: 201},
	{Method: "GET", Path: "/api/social/posts", Summary: "The workspace's posts, newest first", Auth: "viewer",
		Query: map[string]string{"limit": "1 to 100", "cursor": "next_cursor of the previous page", "campaign_id": "only the posts of this campaign",
			"status":   "only the posts with a target in this status: pending, publishing, published, failed, unconfirmed or cancelled",
			"platform": "only the posts with a target on facebook, instagram, twitter or linkedin",
			"from":     "only the posts whose time (scheduled, else created) is at or after this date (2026-12-01, in the user's zone) or RFC 3339 time",
			"to":       "only the posts whose time is before this RFC 3339 time, or on or before this date"},
		Response: struct {
			Success    bool               `json:"success"`
			Posts      []publish.PostView `json:"posts"`
			NextCursor string             `json:"next_cursor"`
		}{}},
	{Method: "GET", Path: "/api/social/posts/{id}", Summary: "One post with its targets", Auth: "viewer", Response: postResponse{}},
	{Method: "PATCH", Path: "/api/social/posts/{id}", Summary: "Edit or reschedule a scheduled post", Auth: "editor", Request: patchBody{}, Response: postResponse{}},
	{Method: "POST", Path: "/api/social/posts/{id}/retry", Summary: "Send the failed targets again", Auth: "editor", Response: publish.Outcome{}},
	{Method: "POST", Path: "/api/social/posts/{id}/publish-anyway", Summary: "Publish an unconfirmed target after checking it did not go out", Auth: "editor",
		Request: struct {
			AccountID string `json:"account_id,omitempty"`
		}{}, Optional: true, Response: publish.Outcome{}},
	{Method: "POST", Path: "/api/social/posts/{id}/cancel", Summary: "Cancel the targets still waiting", Auth: "editor", Response: postResponse{}},
}

var approvalOps = []apiOp{
	{Method: "GET", Path: "/api/approvals", Summary: "The workspace's approvals, newest first", Auth: "viewer",
		Query:    map[string]string{"status": "only those pending, running, done, failed or rejected"},
		Response: object{"success": false, "approvals": []agents.Approval{}}},
	{Method: "POST", Path: "/api/approvals/{id}/approve", Summary: "Approve a pending action: it runs once", Auth: "editor",
		Response: approvalAnswer{}},
	{Method: "POST", Path: "/api/approvals/{id}/reject", Summary: "Reject a pending action, optionally saying why", Auth: "editor",
		Request: rejectBody{}, Optional: true, Response: approvalAnswer{}},
}

// approvalAnswer is what deciding an approval answers.
type approvalAnswer struct {
	Success  bool            `json:"success"`
	Approval agents.Approval `json:"approval"`
	Message  string          `json:"message"`
}

var jobOps = []apiOp{
	{Method: "GET", Path: "/api/jobs/status/{job_id}", Summary: "One job", Auth: "viewer", Response: struct {
		Success bool    `json:"success"`
		Job     jobView `json:"job"`
	}{}},
	{Method: "GET", Path: "/api/jobs/user", Summary: "The jobs the caller created", Auth: "viewer",
		Query: map[string]string{"status": "pending, processing, completed, failed or cancelled", "job_type": "", "limit": "1 to 500", "cursor": ""},
		Response: struct {
			Success    bool      `json:"success"`
			Jobs       []jobView `json:"jobs"`
			NextCursor string    `json:"next_cursor"`
		}{}},
	{Method: "DELETE", Path: "/api/jobs/{job_id}", Summary: "Cancel a pending job", Auth: "editor", Response: struct {
		Success bool            `json:"success"`
		JobID   string          `json:"job_id"`
		Status  schedule.Status `json:"status"`
	}{}},
	{Method: "GET", Path: "/api/jobs/scheduler/status", Summary: "The scheduler: running, recurring jobs, statistics", Auth: "viewer", Response: struct {
		Success    bool            `json:"success"`
		IsRunning  bool            `json:"is_running"`
		Paused     bool            `json:"paused"`
		Jobs       []recurringView `json:"jobs"`
		Statistics map[string]int  `json:"statistics"`
	}{}},
	{Method: "POST", Path: "/api/jobs/scheduler/start", Summary: "Resume the scheduler on every replica", Auth: "admin", Response: schedulerToggle{}},
	{Method: "POST", Path: "/api/jobs/scheduler/stop", Summary: "Pause the scheduler on every replica", Auth: "admin", Response: schedulerToggle{}},
}

type schedulerToggle struct {
	Success   bool   `json:"success"`
	IsRunning bool   `json:"is_running"`
	Message   string `json:"message"`
}
