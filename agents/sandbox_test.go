package agents

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
)

const (
	xPosts  = "/api.x.com/2/tweets"
	liPosts = "/api.linkedin.com/rest/posts"
)

func asJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestPostToXAndLinkedIn is the first "must hold", with a member
// profile and two company pages connected on LinkedIn: the model calls
// publish_post to X and LinkedIn; the gate asks which LinkedIn account,
// naming them (never posting to all three); the answer continues the same
// action, whose approval names each account; approving publishes both
// posts on the sandbox, once.
func TestPostToXAndLinkedIn(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.connect(t, editor, platform.Twitter)
	if li := w.connect(t, editor, platform.LinkedIn); len(li) != 3 {
		t.Fatalf("the sandbox's LinkedIn grant shows %d accounts, want a profile and two pages", len(li))
	}
	model := &scripted{steps: []func(llm.Request) (llm.Response, error){
		call("publish_post", `{"text":"Our spring sale starts today!","platforms":["x","linkedin"]}`),
		say("Which LinkedIn account?"),
	}}
	o := w.orchestrator(t, model, nil)
	ctx := context.Background()
	reply, err := o.Run(ctx, turn("Post 'Our spring sale starts today!' to my X and LinkedIn accounts"), nil)
	if err != nil || len(reply.Approvals) != 1 || model.calls() != 2 {
		t.Fatalf("reply = %+v, %v after %d model calls", reply, err, model.calls())
	}
	q := reply.Approvals[0]
	if q.Status != ApprovalAsking || q.Checks.Choice == nil || len(q.Checks.Choice.Options) != 3 || q.Preview != "Which LinkedIn account should this go to?" {
		t.Fatalf("question = %+v", q)
	}
	var outdoor string
	for _, opt := range q.Checks.Choice.Options {
		if opt.Name == "Acme Outdoor" {
			outdoor = opt.AccountID
		}
	}
	if _, err := o.Approve(ctx, editor, q.ID); !errors.Is(err, ErrDecided) {
		t.Fatalf("a question was approved: %v", err)
	}
	if _, err := o.Choose(ctx, editor, q.ID, "acc-elsewhere", false); !errors.Is(err, ErrInvalid) {
		t.Fatalf("an account not offered: %v", err)
	}
	if _, err := o.Choose(ctx, viewer, q.ID, outdoor, false); err == nil {
		t.Fatal("a viewer chose")
	}
	ch, err := o.Choose(ctx, editor, q.ID, outdoor, false)
	if err != nil || ch.Approval.Status != ApprovalPending || !strings.Contains(ch.Text, "Acme Outdoor (LinkedIn page)") {
		t.Fatalf("choose = %+v, %v", ch, err)
	}
	a := ch.Approval
	if !strings.Contains(a.Preview, "Publish now to ") || !strings.Contains(a.Preview, "(X profile)") || !strings.Contains(a.Preview, "Acme Outdoor (LinkedIn page)") ||
		strings.Contains(a.Preview, "Acme Coffee Co.") || !strings.Contains(a.Preview, "“Our spring sale starts today!”") || len(a.Checks.Targets) != 2 {
		t.Fatalf("preview = %q, targets %+v", a.Preview, a.Checks.Targets)
	}
	if _, err := o.Choose(ctx, editor, q.ID, outdoor, false); !errors.Is(err, ErrDecided) {
		t.Fatalf("answered twice: %v", err)
	}
	if n := w.sb.Calls("POST", xPosts) + w.sb.Calls("POST", liPosts); n != 0 {
		t.Fatalf("%d posts before approval", n)
	}
	// The system prompt named the connected accounts.
	if sys := model.reqs[0].Messages[0].Content; !strings.Contains(sys, "twitter @") || !strings.Contains(sys, "SANDBOX MODE") {
		t.Fatalf("system prompt = %s", sys)
	}

	if _, err := o.Approve(ctx, viewer, a.ID); err == nil {
		t.Fatal("a viewer approved")
	}
	res, err := o.Approve(ctx, editor, a.ID)
	if err != nil || res.Approval.Status != ApprovalDone {
		t.Fatalf("approve = %+v, %v", res, err)
	}
	var out publish.Outcome
	if err := json.Unmarshal(res.Result, &out); err != nil {
		t.Fatal(err)
	}
	if !out.Success || len(out.Results) != 2 || w.sb.Calls("POST", xPosts) != 1 || w.sb.Calls("POST", liPosts) != 1 {
		t.Fatalf("outcome = %+v; sandbox got %d X and %d LinkedIn posts", out, w.sb.Calls("POST", xPosts), w.sb.Calls("POST", liPosts))
	}
	for _, r := range out.Results {
		if r.Status != publish.StatusPublished || r.PlatformPostID == "" {
			t.Fatalf("target = %+v", r)
		}
	}
	if _, err := o.Approve(ctx, editor, a.ID); !errors.Is(err, ErrDecided) {
		t.Fatalf("second approval: %v", err)
	}
	if x, l := w.sb.Calls("POST", xPosts), w.sb.Calls("POST", liPosts); x != 1 || l != 1 {
		t.Fatalf("sandbox got %d X posts and %d LinkedIn posts; want 1 and 1", x, l)
	}
	post, err := w.posts.Get(ctx, editor, out.PostID)
	if err != nil || post.Door != "agent" || post.CreatedBy != "U1" || post.Status != "published" {
		t.Fatalf("stored post = %+v, %v", post, err)
	}
}

// TestScheduleListCancel schedules through the agent, lists the jobs and
// cancels the post, with approval turned off.
func TestScheduleListCancel(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.connect(t, editor, platform.Twitter)
	o := w.orchestrator(t, &scripted{}, func(c *Config) {
		c.Policy = func(context.Context, string) (string, error) { return PolicyNever, nil }
	})
	ctx := context.Background()
	agent := editor
	agent.Door = "agent"
	run := func(name, args string) (any, error) {
		t.Helper()
		for _, tl := range o.Tools() {
			if tl.Name == name {
				return tl.Call(ctx, agent, json.RawMessage(args))
			}
		}
		t.Fatalf("no tool %s", name)
		return nil, nil
	}
	res, err := run("schedule_post", `{"text":"See you next year","platforms":["twitter"],"time":"2099-01-01 09:00"}`)
	if err != nil {
		t.Fatal(err)
	}
	sched := res.(publish.PostView) // schedule_post answers the scheduled post
	if sched.Status != "scheduled" || len(sched.Targets) != 1 || sched.Targets[0].JobID == "" {
		t.Fatalf("scheduled = %+v", sched)
	}
	jobs, err := run("list_jobs", `{"status":"pending"}`)
	if err != nil || !strings.Contains(asJSON(t, jobs), sched.Targets[0].JobID) {
		t.Fatalf("jobs = %s, %v", asJSON(t, jobs), err)
	}
	posts, err := run("list_posts", `{"status":"scheduled"}`)
	if err != nil || !strings.Contains(asJSON(t, posts), sched.ID) {
		t.Fatalf("posts = %s, %v", asJSON(t, posts), err)
	}
	cancelled, err := run("cancel_job", `{"id":"`+sched.ID+`"}`)
	if err != nil || !strings.Contains(asJSON(t, cancelled), `"status":"cancelled"`) {
		t.Fatalf("cancel = %s, %v", asJSON(t, cancelled), err)
	}
	for _, tc := range []struct{ tool, args, want string }{
		{"cancel_job", `{"id":"nope"}`, `no job or scheduled post "nope"`},
		{"schedule_post", `{"text":"x","platforms":["x"],"time":"2001-01-01 09:00"}`, "in the past"},
		{"schedule_post", `{"text":"x","platforms":["x"],"time":"someday"}`, "not a time"},
		{"publish_post", `{"text":"x","platforms":["linkedin"]}`, "no connected LinkedIn account"},
		{"publish_post", `{"text":"x","platforms":["myspace"]}`, `"myspace" is not a platform`},
		{"publish_post", `{"text":"x","account_ids":["acc-9"]}`, `no account "acc-9"`},
		{"publish_post", `{"text":"x"}`, "say where to post"},
		{"retry_post", `{"post_id":"nope"}`, "not found"},
	} {
		_, err := run(tc.tool, tc.args)
		var te *ToolError
		if !errors.As(err, &te) || !strings.Contains(te.Message, tc.want) {
			t.Errorf("%s %s: %v, want a message with %q", tc.tool, tc.args, err, tc.want)
		}
	}
	if n := w.sb.Calls("POST", xPosts); n != 0 {
		t.Fatalf("%d posts went out", n)
	}
}

func TestAccountMemoryAnalyticsTools(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	x := w.connect(t, editor, platform.Twitter)
	model := &scripted{}
	o := w.orchestrator(t, model, nil)
	ctx := context.Background()
	agent := editor
	agent.Door = "agent"
	tools := map[string]Tool{}
	for _, tl := range o.Tools() {
		tools[tl.Name] = tl
	}
	run := func(name, args string) string {
		t.Helper()
		out, err := tools[name].Call(ctx, agent, json.RawMessage(args))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return asJSON(t, out)
	}
	if got := run("connect_account", `{"platform":"linkedin"}`); !strings.Contains(got, `"auth_url":"http`) {
		t.Fatalf("connect = %s", got)
	}
	if got := run("list_accounts", `{"platform":"x"}`); !strings.Contains(got, x[0].ID) {
		t.Fatalf("list = %s", got)
	}
	if got := run("get_analytics", `{"days":7,"platform":"x"}`); !strings.Contains(got, `"range":{"date_from":"`) || !strings.Contains(got, `"total"`) {
		t.Fatalf("analytics = %s", got)
	}
	if got := run("get_analytics", `{"date_from":"2026-11-01","date_to":"2026-11-30"}`); !strings.Contains(got, `"date_from":"2026-11-01","date_to":"2026-11-30"`) {
		t.Fatalf("analytics for a range = %s", got)
	}
	for _, args := range []string{`{"date_from":"2026-12-09","date_to":"2026-12-01"}`, `{"date_from":"2025-01-01","date_to":"2026-12-01"}`} {
		_, err := tools["get_analytics"].Call(ctx, agent, json.RawMessage(args))
		var te *ToolError
		if !errors.As(err, &te) || !strings.Contains(te.Message, "analytics: invalid request") {
			t.Fatalf("range %s: %v", args, err)
		}
	}
	// The review the offline planner answers `analytics 7d` with: seven
	// days beside the seven before, the daily series to chart.
	if got := run("review_analytics", `{"days":7}`); !strings.Contains(got, `"previous_period"`) || !strings.Contains(got, `"history"`) {
		t.Fatalf("review = %s", got)
	}
	if got := run("review_analytics", `{"date_from":"2026-11-01","date_to":"2026-11-07"}`); !strings.Contains(got, `"date_from":"2026-11-01","date_to":"2026-11-07"`) {
		t.Fatalf("review of a range = %s", got)
	}
	if got := run("best_time_to_post", `{"platform":"x"}`); !strings.Contains(got, `"time_zone"`) || !strings.Contains(got, `"twitter"`) {
		t.Fatalf("best time = %s", got)
	}
	if got := run("get_dashboard", `{}`); !strings.Contains(got, `"connected_accounts":1`) {
		t.Fatalf("dashboard = %s", got)
	}
	run("remember", `{"scope":"workspace","key":"brand voice","value":"Warm, never pushy"}`)
	if got := run("recall", `{"query":"pushy"}`); !strings.Contains(got, `"key":"brand_voice"`) {
		t.Fatalf("recall = %s", got)
	}
	if _, err := tools["remember"].Call(ctx, viewer, json.RawMessage(`{"scope":"workspace","key":"k","value":"v"}`)); err == nil ||
		!strings.Contains(err.Error(), "editor") {
		t.Fatalf("viewer writes workspace memory: %v", err)
	}
	draft := run("draft_post", `{"text":"`+strings.Repeat("long ", 70)+`","platforms":["x"]}`)
	if !strings.Contains(draft, `"ok":false`) || !strings.Contains(draft, `"limit":280`) {
		t.Fatalf("draft = %s", draft)
	}
	if got := run("draft_post", `{"text":"Hello"}`); !strings.Contains(got, "Instagram") || !strings.Contains(got, `"ok":false`) {
		t.Fatalf("draft for every platform = %s", got)
	}
	// Memory reaches the next prompt.
	model.steps = append(model.steps, say("ok"))
	if _, err := o.Run(ctx, turn("hi"), nil); err != nil {
		t.Fatal(err)
	}
	if sys := model.reqs[0].Messages[0].Content; !strings.Contains(sys, "brand_voice: Warm, never pushy") {
		t.Fatalf("system prompt lacks memory:\n%s", sys)
	}
	// Memory beyond the prompt's budget is named, not sent. (Notes written
	// outside the orchestrator, as here, reach its prompt within PromptTTL.)
	for i := range 5 {
		run("remember", fmt.Sprintf(`{"scope":"user","key":"long_%d","value":"%s"}`, i, strings.Repeat("x", 1900)))
	}
	o.prompts.forget(editor.WorkspaceID) // as PromptTTL passing does
	model.steps = append(model.steps, say("ok"))
	if _, err := o.Run(ctx, turn("hi again"), nil); err != nil {
		t.Fatal(err)
	}
	if sys := model.reqs[1].Messages[0].Content; !strings.Contains(sys, "(2 more notes are kept: use recall to read them)") || len(sys) > 9000 {
		t.Fatalf("system prompt with too much memory (%d characters):\n%.600s", len(sys), sys)
	}

	// Disconnecting waits for approval, with a preview naming the account.
	model.steps = append(model.steps, call("disconnect_account", `{"account_id":"`+x[0].ID+`"}`), say("waiting"))
	reply, err := o.Run(ctx, turn("disconnect my X"), nil)
	if err != nil || len(reply.Approvals) != 1 || !strings.Contains(reply.Approvals[0].Preview, "Disconnect X @") {
		t.Fatalf("reply = %+v, %v", reply, err)
	}
	if _, err := o.Approve(ctx, editor, reply.Approvals[0].ID); err != nil {
		t.Fatal(err)
	}
	got, _ := w.accounts.Get(ctx, editor, x[0].ID)
	if got.Status != accounts.StatusDisconnected {
		t.Fatalf("account = %+v", got)
	}
}

// TestEmailAndCRMTools: the e-mail and CRM tools over Zoho on the sandbox;
// scheduling an e-mail waits for approval.
func TestEmailAndCRMTools(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	model := &scripted{}
	o := w.orchestrator(t, model, nil)
	ctx := context.Background()
	agent := editor
	agent.Door = "agent"
	tools := map[string]Tool{}
	for _, tl := range o.Tools() {
		tools[tl.Name] = tl
	}
	if _, err := tools["crm_summary"].Call(ctx, agent, json.RawMessage(`{}`)); err == nil || !strings.Contains(err.Error(), "connect Zoho first") {
		t.Fatalf("CRM before Zoho is connected: %v", err)
	}
	w.connect(t, editor, platform.Zoho)
	run := func(name, args string) string {
		t.Helper()
		out, err := tools[name].Call(ctx, agent, json.RawMessage(args))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return asJSON(t, out)
	}
	if got := run("crm_summary", `{}`); !strings.Contains(got, "Leads") && !strings.Contains(got, "leads") {
		t.Fatalf("crm summary = %s", got)
	}
	if got := run("search_leads", `{"query":"zzzz-nobody"}`); got != "[]" {
		t.Fatalf("search for nobody = %s", got)
	}
	var lists []struct {
		Key string `json:"list_key"`
	}
	if err := json.Unmarshal([]byte(run("list_mailing_lists", `{}`)), &lists); err != nil || len(lists) == 0 {
		t.Fatalf("lists = %+v, %v", lists, err)
	}
	var draft struct {
		ID string `json:"id"`
	}
	created := run("create_email_campaign", `{"name":"December news","subject":"Our December news","text":"Hello!","list_keys":["`+lists[0].Key+`"]}`)
	if err := json.Unmarshal([]byte(created), &draft); err != nil || draft.ID == "" {
		t.Fatalf("created = %s", created)
	}
	if _, err := tools["create_email_campaign"].Call(ctx, agent, json.RawMessage(`{"name":"x","subject":"y","list_keys":[]}`)); err == nil ||
		!strings.Contains(err.Error(), "list_keys") {
		t.Fatalf("no list: %v", err)
	}
	model.steps = append(model.steps, call("schedule_email_campaign", `{"id":"`+draft.ID+`","time":"2099-01-01 09:00"}`), say("waiting"))
	reply, err := o.Run(ctx, turn("send it on new year's day 2099 at 9"), nil)
	if err != nil || len(reply.Approvals) != 1 || !strings.Contains(reply.Approvals[0].Preview, "Send the e-mail “December news”") {
		t.Fatalf("reply = %+v, %v", reply, err)
	}
	// Approved, the action can still fail: the approval says why.
	res, err := o.Approve(ctx, editor, reply.Approvals[0].ID)
	if err != nil || res.Approval.Status != ApprovalFailed || !strings.Contains(res.Approval.Error, "more than a year ahead") {
		t.Fatalf("approve = %+v, %v", res.Approval, err)
	}
	model.steps = append(model.steps, call("schedule_email_campaign", `{"id":"`+draft.ID+`","time":"2027-01-15 09:00"}`), say("waiting"))
	reply, err = o.Run(ctx, turn("then on 15 January 2027 at 9"), nil)
	if err != nil || len(reply.Approvals) != 1 {
		t.Fatalf("reply = %+v, %v", reply, err)
	}
	res, err = o.Approve(ctx, editor, reply.Approvals[0].ID)
	if err != nil || res.Approval.Status != ApprovalDone || !strings.Contains(string(res.Result), `"status":"scheduled"`) {
		t.Fatalf("approve = %+v (%s), %v", res.Approval, res.Result, err)
	}
	_, err = tools["email_report"].Call(ctx, agent, json.RawMessage(`{"id":"`+draft.ID+`"}`))
	var te *ToolError
	if !errors.As(err, &te) || !strings.Contains(te.Message, "a report exists once it is sent") {
		t.Fatalf("report of a scheduled e-mail: %v", err)
	}
}

func TestLibraryTools(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	o := w.orchestrator(t, &scripted{}, nil)
	ctx := context.Background()
	agent := editor
	agent.Door = "agent"
	tools := map[string]Tool{}
	for _, tl := range o.Tools() {
		tools[tl.Name] = tl
	}
	run := func(name, args string) (string, error) {
		out, err := tools[name].Call(ctx, agent, json.RawMessage(args))
		return asJSON(t, out), err
	}
	saved, err := run("save_to_library", `{"title":"Spring sale","body":"Our spring sale starts today","variants":{"x":"Spring sale today!"},"tags":["sale"]}`)
	if err != nil || !strings.Contains(saved, `"twitter":"Spring sale today!"`) {
		t.Fatalf("saved = %s, %v", saved, err)
	}
	found, err := run("search_library", `{"query":"spring"}`)
	if err != nil || !strings.Contains(found, "Spring sale") {
		t.Fatalf("found = %s, %v", found, err)
	}
	if none, err := run("search_library", `{"tag":"nothing-here"}`); err != nil || none != `{"tag":"nothing-here","items":[]}` {
		t.Fatalf("search for nothing = %s, %v", none, err)
	}
	tags, err := run("suggest_hashtags", `{"text":"Our spring sale on coffee beans starts today","platform":"instagram","n":3}`)
	if err != nil || !strings.Contains(tags, `"hashtags"`) {
		t.Fatalf("hashtags = %s, %v", tags, err)
	}
	_, err = run("save_to_library", `{"title":"x","body":"y","variants":{"myspace":"z"}}`)
	var te *ToolError
	if !errors.As(err, &te) || !strings.Contains(te.Message, `unknown platform "myspace"`) {
		t.Fatalf("bad variant: %v", err)
	}
	if _, err := tools["save_to_library"].Call(ctx, viewer, json.RawMessage(`{"title":"x","body":"y"}`)); !errors.Is(err, identity.ErrForbidden) {
		t.Fatalf("viewer saves: %v", err)
	}
}
