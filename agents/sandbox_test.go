package agents

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/accounts"
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

// TestPostToXAndLinkedIn is the first "must hold": the model calls
// publish_post, the action waits, a person approves, both posts exist on
// the sandbox, once.
func TestPostToXAndLinkedIn(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.connect(t, editor, platform.Twitter)
	li := w.connect(t, editor, platform.LinkedIn)
	model := &scripted{steps: []func(llm.Request) (llm.Response, error){
		call("publish_post", `{"text":"Our spring sale starts today!","platforms":["x","linkedin"]}`),
		say("It is waiting for your approval."),
	}}
	o := w.orchestrator(t, model, nil)
	ctx := context.Background()
	reply, err := o.Run(ctx, turn("Post 'Our spring sale starts today!' to my X and LinkedIn accounts"), nil)
	if err != nil || len(reply.Approvals) != 1 || model.calls() != 2 {
		t.Fatalf("reply = %+v, %v after %d model calls", reply, err, model.calls())
	}
	a := reply.Approvals[0]
	if !strings.Contains(a.Preview, "Publish now to X @") || !strings.Contains(a.Preview, "LinkedIn") || !strings.Contains(a.Preview, "“Our spring sale starts today!”") {
		t.Fatalf("preview = %q", a.Preview)
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
	if !out.Success || len(out.Results) != 1+len(li) {
		t.Fatalf("outcome = %+v", out)
	}
	for _, r := range out.Results {
		if r.Status != publish.StatusPublished || r.PlatformPostID == "" {
			t.Fatalf("target = %+v", r)
		}
	}
	if _, err := o.Approve(ctx, editor, a.ID); !errors.Is(err, ErrDecided) {
		t.Fatalf("second approval: %v", err)
	}
	if x, l := w.sb.Calls("POST", xPosts), w.sb.Calls("POST", liPosts); x != 1 || l != len(li) {
		t.Fatalf("sandbox got %d X posts and %d LinkedIn posts; want 1 and %d", x, l, len(li))
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
	sched := res.(publish.Scheduled)
	if !sched.Success || len(sched.JobIDs) != 1 {
		t.Fatalf("scheduled = %+v", sched)
	}
	jobs, err := run("list_jobs", `{"status":"pending"}`)
	if err != nil || !strings.Contains(asJSON(t, jobs), sched.JobIDs[0]) {
		t.Fatalf("jobs = %s, %v", asJSON(t, jobs), err)
	}
	posts, err := run("list_posts", `{"status":"scheduled"}`)
	if err != nil || !strings.Contains(asJSON(t, posts), sched.PostID) {
		t.Fatalf("posts = %s, %v", asJSON(t, posts), err)
	}
	cancelled, err := run("cancel_job", `{"id":"`+sched.PostID+`"}`)
	if err != nil || !strings.Contains(asJSON(t, cancelled), `"status":"cancelled"`) {
		t.Fatalf("cancel = %s, %v", asJSON(t, cancelled), err)
	}
	for _, tc := range []struct{ tool, args, want string }{
		{"cancel_job", `{"id":"nope"}`, `no job or scheduled post "nope"`},
		{"schedule_post", `{"text":"x","platforms":["x"],"time":"2001-01-01 09:00"}`, "in the past"},
		{"schedule_post", `{"text":"x","platforms":["x"],"time":"someday"}`, "not a time"},
		{"publish_post", `{"text":"x","platforms":["linkedin"]}`, "no connected LinkedIn account"},
		{"publish_post", `{"text":"x","platforms":["myspace"]}`, `unknown platform "myspace"`},
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
	if got := run("get_analytics", `{"days":7,"platform":"x"}`); !strings.Contains(got, `"account_id":"`+x[0].ID) || !strings.Contains(got, `"from":`) {
		t.Fatalf("analytics = %s", got)
	}
	if _, err := tools["get_analytics"].Call(ctx, agent, json.RawMessage(`{"date_from":"2026-12-09","date_to":"2026-12-01"}`)); err == nil ||
		!strings.Contains(err.Error(), "ends") {
		t.Fatalf("backwards range: %v", err)
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
