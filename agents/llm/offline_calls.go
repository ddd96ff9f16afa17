package llm

import (
	"fmt"
	"strings"

	"github.com/marketingminds/marketingminds/agents/intent"
)

// toolCalls maps a command to the tool contract; without calls, the text
// to answer instead.
func toolCalls(c intent.Command, h history) ([]call, string) {
	args := map[string]any{}
	set := func(k, v string) {
		if v != "" {
			args[k] = v
		}
	}
	one := func(name string) ([]call, string) { return []call{{name, args}}, "" }
	switch c.Kind {
	case intent.KindPost, intent.KindSchedule:
		args["text"] = c.Text
		args["platforms"] = c.Platforms
		set("link", c.Link)
		set("video_url", c.VideoURL)
		if len(c.ImageURLs) > 0 {
			args["image_urls"] = c.ImageURLs
		}
		if c.Kind == intent.KindPost {
			return one("publish_post")
		}
		args["time"] = c.When
		return one("schedule_post")
	case intent.KindAccounts:
		set("platform", c.Platform)
		return one("list_accounts")
	case intent.KindConnect:
		set("platform", c.Platform)
		return one("connect_account")
	case intent.KindDisconnect:
		set("account_id", c.ID)
		return one("disconnect_account")
	case intent.KindAnalytics:
		if c.Days > 0 {
			args["days"] = c.Days
		}
		set("date_from", c.DateFrom)
		set("date_to", c.DateTo)
		if c.Platform == "" { // the review `/mm analytics` gives, its chart with it
			return one("review_analytics")
		}
		set("platform", c.Platform) // one platform's figures
		return one("get_analytics")
	case intent.KindBestTime:
		if c.Platform == "" {
			return nil, "Which platform: Facebook, Instagram, X or LinkedIn? For example: `best time for instagram`."
		}
		set("platform", c.Platform)
		return one("best_time_to_post")
	case intent.KindJobs:
		set("status", c.Status)
		return one("list_jobs")
	case intent.KindCancel:
		set("id", c.ID)
		return one("cancel_job")
	case intent.KindRetry:
		set("post_id", c.ID)
		return one("retry_post")
	case intent.KindDashboard:
		return one("get_dashboard")
	case intent.KindDefault:
		set("platform", c.Platform)
		set("account", c.Account)
		if c.ClearDefault {
			args["clear"] = true
		}
		return one("default_account")
	case intent.KindGroup:
		switch c.Status {
		case "save":
			args["name"], args["accounts"] = c.Group, c.Accounts
			return one("save_account_group")
		case "delete":
			set("name", c.Group)
			return one("delete_account_group")
		}
		return one("list_account_groups")
	case intent.KindPosts:
		set("status", c.Status)
		set("platform", c.Platform)
		return one("list_posts")
	}
	return moreCalls(c, h, args)
}

// moreCalls maps the kinds read from sentences beyond posting.
func moreCalls(c intent.Command, h history, args map[string]any) ([]call, string) {
	set := func(k, v string) {
		if v != "" {
			args[k] = v
		}
	}
	one := func(name string) ([]call, string) { return []call{{name, args}}, "" }
	switch c.Kind {
	case intent.KindDraft:
		args["text"] = c.Text
		if len(c.Platforms) > 0 {
			args["platforms"] = c.Platforms
		}
		return one("draft_post")
	case intent.KindSave, intent.KindMediaAlt, intent.KindMediaDelete:
		if len(h.picked) > 0 || c.Kind != intent.KindSave {
			return mediaCalls(c, h)
		}
		args["title"] = title(c.Text)
		args["body"] = c.Text
		return one("save_to_library")
	case intent.KindLibrary:
		set("query", c.Query)
		return one("search_library")
	case intent.KindMedia:
		if c.Status == intent.StatusUnused {
			args["unused"] = true
		}
		set("kind", c.Only)
		return one("list_media")
	case intent.KindHashtags:
		args["text"] = c.Text
		set("platform", c.Platform)
		return one("suggest_hashtags")
	case intent.KindEmailDraft:
		if c.Text == "" {
			return nil, "What is the e-mail about? For example: `draft an email campaign about the spring sale`."
		}
		draft := map[string]any{"title": emailTitle(c.Text), "body": emailBody(c.Text), "tags": []string{emailTag}}
		return []call{{"save_to_library", draft}, {"list_mailing_lists", map[string]any{}}}, ""
	case intent.KindEmailLists:
		return one("list_mailing_lists")
	case intent.KindEmailSchedule:
		set("id", c.ID)
		set("time", c.When)
		return one("schedule_email_campaign")
	case intent.KindEmailReport:
		set("id", c.ID)
		return one("email_report")
	case intent.KindCRM:
		return one("crm_summary")
	case intent.KindLeads:
		if c.Query == "" {
			return nil, "Which leads should I look for? Give a name, company, e-mail or source, for example: `find leads from acme`."
		}
		set("query", c.Query)
		return one("search_leads")
	case intent.KindRemember:
		scope := "workspace"
		if low := strings.ToLower(c.Text); strings.HasPrefix(low, "i ") || strings.HasPrefix(low, "i'") || strings.HasPrefix(low, "my ") {
			scope = "user"
		}
		return []call{{"remember", map[string]any{"scope": scope, "key": noteKey(c.Text), "value": c.Text}}}, ""
	case intent.KindRecall:
		set("query", c.Query)
		return one("recall")
	case intent.KindCampaignPlan:
		return nil, "Planning a campaign's posts needs a language model, which this workspace has not configured. " +
			"Meanwhile I can keep drafts (`save \"text\" to the library`) and schedule posts " +
			"(`schedule \"text\" to linkedin next Monday 9am`)."
	case intent.KindWrite:
		return nil, "Writing copy needs a language model, which this workspace has not configured. Give me the text " +
			"in quotes and I'll check it (`check \"text\" for linkedin`), post it or schedule it."
	case intent.KindToken:
		return nil, "API tokens for the REST API are created with `/mm token` in Slack (shown once)."
	case intent.KindHelp:
		if c.Topic != "" {
			return nil, fmt.Sprintf("For example: `%s`", intent.Usage(c.Topic))
		}
		return nil, help()
	}
	return nil, ""
}

// emailTag marks a library draft as an e-mail's.
const emailTag = "email"

// title is a draft's title: its first words.
func title(s string) string {
	words := strings.Fields(s)
	if len(words) > 6 {
		return strings.Join(words[:6], " ") + "…"
	}
	return strings.Join(words, " ")
}

// emailTitle is the draft's title (and the campaign's subject) for topic.
func emailTitle(topic string) string {
	t := strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(topic), "the "), "our ")
	if t == "" {
		return "News"
	}
	return strings.ToUpper(t[:1]) + t[1:]
}

// emailBody is a draft to edit: the offline planner writes no copy, it
// lays out the parts an e-mail campaign needs.
func emailBody(topic string) string {
	return fmt.Sprintf("Hi there,\n\n%s: [the news in one or two sentences].\n\n[What it means for the reader.]\n\n"+
		"[Call to action: a button or link.]\n\nThanks,\nThe team", emailTitle(topic))
}

// noteKey is a memory note's topic, from its text.
func noteKey(text string) string {
	low := strings.ToLower(text)
	for _, k := range []string{"brand voice", "audience", "tone", "hashtags", "products", "competitors"} {
		if strings.Contains(low, k) {
			return strings.ReplaceAll(k, " ", "_")
		}
	}
	words := strings.FieldsFunc(low, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') })
	key := strings.Join(words[:min(4, len(words))], "_")
	if len(key) > 64 {
		key = key[:64]
	}
	if key == "" {
		key = "note"
	}
	return key
}

// help is what the planner does, in short.
func help() string {
	var b strings.Builder
	b.WriteString("Without a language model I understand plain requests like these:\n")
	for _, s := range intent.Closest("", 100) {
		fmt.Fprintf(&b, "• `%s`: %s\n", s.Example, s.About)
	}
	b.WriteString("I also follow up on what we just did: \"schedule that for tomorrow at 9am\", \"cancel it\", \"retry the failed ones\".")
	return b.String()
}

// unknown answers words that name nothing the planner can do: the three
// closest things it can, and for an admin (once) how to configure a model.
func unknown(req Request, words string) string {
	var b strings.Builder
	b.WriteString("I didn't catch that. The closest things I can do:\n")
	for _, s := range intent.Closest(words, 3) {
		fmt.Fprintf(&b, "• `%s`: %s\n", s.Example, s.About)
	}
	return strings.TrimSuffix(b.String(), "\n") + adminNote(req)
}

// modelVariable marks the admin note, so it is said once a conversation.
const modelVariable = "OPENAI_API_KEY"

// adminNote tells an admin, once per conversation, how to let the
// assistant understand anything.
func adminNote(req Request) string {
	if req.Role != "admin" {
		return ""
	}
	for _, m := range req.Messages {
		if m.Role == RoleAssistant && strings.Contains(m.Content, modelVariable) {
			return ""
		}
	}
	return "\n(For admins: no language model is configured, so I read requests with a fixed grammar. Set " + modelVariable +
		" (OPENAI_BASE_URL and OPENAI_MODEL for another endpoint, default " + DefaultModel + ") and restart to let me understand anything.)"
}
