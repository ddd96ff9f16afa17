package httpapi

import (
	"github.com/marketingminds/marketingminds/tools/analytics"
	"github.com/marketingminds/marketingminds/tools/campaigns"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// The OpenAPI entries of analytics and of campaigns, e-mail and CRM; see apiOp.

var dateQuery = map[string]string{"date_from": "YYYY-MM-DD, with date_to", "date_to": "YYYY-MM-DD, with date_from", "user_id": "if given, must be the token's user"}

var analyticsOps = []apiOp{
	{Method: "POST", Path: "/api/social/analytics/sync", Summary: "Sync the workspace's analytics now (one account with account_id)", Auth: "editor",
		Query: map[string]string{"account_id": "only this account"}, Response: object{"success": false, "report": analytics.Report{}}},
	{Method: "GET", Path: "/api/social/analytics/aggregate", Summary: "Figures per platform and in total, e-mail, leads and top posts over a date range", Auth: "viewer",
		Query: dateQuery, Response: object{"success": false, "date_from": "", "date_to": "", "platforms": analytics.Aggregate{}.Platforms,
			"total": analytics.Aggregate{}.Total, "email": analytics.Aggregate{}.Email, "leads": analytics.Aggregate{}.Leads, "top_posts": analytics.Aggregate{}.TopPosts}},
	{Method: "GET", Path: "/api/social/analytics/history", Summary: "Daily series per platform (30 days by default)", Auth: "viewer",
		Query:    map[string]string{"platform": "one platform, or all", "days": "1 to 366", "user_id": "if given, must be the token's user"},
		Response: object{"success": false, "date_from": "", "date_to": "", "platforms": analytics.History{}.Platforms, "total": analytics.History{}.Total, "email": analytics.History{}.Email}},
	{Method: "GET", Path: "/api/social/analytics/best-times", Summary: "Engagement by weekday and hour, in the user's time zone", Auth: "viewer",
		Query:    map[string]string{"platform": "one platform, or all", "user_id": "if given, must be the token's user"},
		Response: object{"success": false, "time_zone": "", "platforms": analytics.BestTimes{}.Platforms}},
	{Method: "GET", Path: "/api/social/analytics/review", Summary: "A range beside the period before it: totals, daily series, best posts and slot (/mm analytics)", Auth: "viewer",
		Query: map[string]string{"date_from": "YYYY-MM-DD, with date_to", "date_to": "YYYY-MM-DD, with date_from", "days": "1 to 366: the last days in the workspace's time zone",
			"user_id": "if given, must be the token's user"},
		Response: object{"success": false, "review": analytics.Review{}}},
	{Method: "GET", Path: "/api/social/analytics/{platform}/{account_id}", Summary: "One account's figures, daily series and top posts", Auth: "viewer",
		Query: dateQuery, Response: object{"success": false, "platform": analytics.AccountReport{}.Platform, "account_id": "", "account_name": "",
			"date_from": "", "date_to": "", "metrics": analytics.AccountReport{}.Total, "series": analytics.AccountReport{}.Series, "top_posts": analytics.AccountReport{}.TopPosts}},
	{Method: "GET", Path: "/api/dashboard/overview", Summary: "The dashboard summary: token health, accounts, pending jobs, analytics", Auth: "viewer",
		Query: map[string]string{"user_id": "if given, must be the token's user"},
		Response: object{"success": false, "token_status": analytics.Overview{}.TokenStatus, "connected_accounts": 0,
			"pending_jobs": analytics.Overview{}.PendingJobs, "analytics": analytics.Overview{}.Analytics}},
}

type campaignAnswer struct {
	Success  bool               `json:"success"`
	Campaign campaigns.Campaign `json:"campaign"`
}

type emailAnswer struct {
	Success  bool                    `json:"success"`
	Campaign campaigns.EmailCampaign `json:"campaign"`
}

var userQuery = map[string]string{"user_id": "if given, must be the token's user"}

var campaignOps = []apiOp{
	{Method: "GET", Path: "/api/campaigns", Summary: "The workspace's marketing campaigns", Auth: "viewer", Query: userQuery,
		Response: object{"success": false, "campaigns": []campaigns.Campaign{}}},
	{Method: "POST", Path: "/api/campaigns", Summary: "Create a marketing campaign", Auth: "editor", Request: campaignBody{}, Response: campaignAnswer{}, Status: 201},
	{Method: "GET", Path: "/api/campaigns/{id}", Summary: "A campaign with its e-mail campaigns and newest posts", Auth: "viewer", Query: userQuery,
		Response: struct {
			Success        bool                      `json:"success"`
			Campaign       campaigns.Campaign        `json:"campaign"`
			EmailCampaigns []campaigns.EmailCampaign `json:"email_campaigns"`
			Posts          []publish.PostView        `json:"posts,omitempty"`
			MorePosts      bool                      `json:"more_posts,omitempty"`
		}{}},
	{Method: "PATCH", Path: "/api/campaigns/{id}", Summary: "Change a campaign", Auth: "editor", Request: campaignPatchBody{}, Response: campaignAnswer{}},
	{Method: "GET", Path: "/api/campaigns/{id}/analytics", Summary: "A campaign's figures over its dates (or date_from/date_to)", Auth: "viewer", Query: dateQuery,
		Response: object{"success": false, "campaign": campaigns.Campaign{}, "date_from": "", "date_to": "", "analytics": nil}},
	{Method: "POST", Path: "/api/campaigns/{id}/crm", Summary: "Create the campaign's Zoho CRM record (once)", Auth: "editor", Response: campaignAnswer{}},
	{Method: "GET", Path: "/api/email/lists", Summary: "Zoho Campaigns mailing lists", Auth: "viewer", Query: userQuery,
		Response: object{"success": false, "lists": []campaigns.MailingList{}}},
	{Method: "POST", Path: "/api/email/campaigns", Summary: "Create an e-mail campaign in Zoho Campaigns", Auth: "editor", Request: emailBody{}, Response: emailAnswer{}, Status: 201},
	{Method: "GET", Path: "/api/email/campaigns", Summary: "E-mail campaigns with their status", Auth: "viewer",
		Query:    map[string]string{"campaign_id": "only this marketing campaign's", "user_id": "if given, must be the token's user"},
		Response: object{"success": false, "campaigns": []campaigns.EmailCampaign{}}},
	{Method: "GET", Path: "/api/email/campaigns/{id}", Summary: "One e-mail campaign", Auth: "viewer", Query: userQuery, Response: emailAnswer{}},
	{Method: "POST", Path: "/api/email/campaigns/{id}/send", Summary: "Send an e-mail campaign now (never twice)", Auth: "editor",
		Request: struct {
			UserID string `json:"user_id,omitempty"`
		}{}, Optional: true, Response: emailAnswer{}},
	{Method: "POST", Path: "/api/email/campaigns/{id}/schedule", Summary: "Send an e-mail campaign later, through the scheduler", Auth: "editor",
		Request: struct {
			ScheduledTime string `json:"scheduled_time"`
			UserID        string `json:"user_id,omitempty"`
		}{}, Response: object{"success": false, "campaign": campaigns.EmailCampaign{}, "job_id": ""}},
	{Method: "GET", Path: "/api/email/campaigns/{id}/report", Summary: "An e-mail campaign's report, read from Zoho", Auth: "viewer", Query: userQuery,
		Response: object{"success": false, "campaign": campaigns.EmailCampaign{}, "report": campaigns.EmailCampaign{}.Report}},
	{Method: "GET", Path: "/api/crm", Summary: "Record counts of Leads, Contacts and Deals", Auth: "viewer", Query: userQuery,
		Response: object{"success": false, "counts": map[string]int{}}},
	{Method: "GET", Path: "/api/crm/{module}", Summary: "The newest records of a CRM module (cached 5 minutes)", Auth: "viewer",
		Query:    map[string]string{"limit": "how many", "refresh": "true to read Zoho again", "user_id": "if given, must be the token's user"},
		Response: object{"success": false, "module": "", "count": 0, "records": campaigns.CRMList{}.Records, "fetched_at": campaigns.CRMList{}.FetchedAt}},
	{Method: "GET", Path: "/api/crm/leads/search", Summary: "Search leads by name, e-mail or company", Auth: "viewer",
		Query:    map[string]string{"q": "the words", "limit": "how many", "user_id": "if given, must be the token's user"},
		Response: object{"success": false, "query": "", "records": []campaigns.CRMRecord{}}},
}
