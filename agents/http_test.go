package agents

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/agents/llm/llmtest"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// openAI is the real go-openai model pointed at a scripted server, with
// retries that do not wait.
func openAI(t testing.TB, srv *llmtest.Server) llm.Model {
	t.Helper()
	m, err := llm.New(llm.Config{APIKey: srv.APIKey, BaseURL: srv.URL, Model: "gpt-test", HTTPClient: srv.Client(), Log: zerolog.Nop(),
		MaxRetries: 2, Sleep: func(ctx context.Context, d time.Duration) error { return ctx.Err() }})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestHTTPPostToXAndLinkedIn: over HTTP, "post X to my X and LinkedIn"
// with three LinkedIn accounts → publish_post → the model is told the
// person is asked which → "the second" in words → the approval →
// approve → both posts exist, once.
func TestHTTPPostToXAndLinkedIn(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.connect(t, editor, platform.Twitter)
	w.connect(t, editor, platform.LinkedIn)
	srv := llmtest.New(t,
		llmtest.Calls(llmtest.Call("publish_post", `{"text":"Doors open at 9!","platforms":["x","linkedin"]}`)),
		llmtest.Reply("Which LinkedIn account should it go to?"))
	o := w.orchestrator(t, openAI(t, srv), nil)
	ctx := context.Background()
	sink := &recorder{}
	reply, err := o.Run(ctx, turn("Post 'Doors open at 9!' to my X and LinkedIn accounts"), sink)
	if err != nil || len(reply.Approvals) != 1 || reply.Text != "Which LinkedIn account should it go to?" || sink.text != reply.Text {
		t.Fatalf("reply = %+v, %v (streamed %q)", reply, err, sink.text)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 || !reqs[0].Stream || len(reqs[0].Tools) != len(o.Tools()) {
		t.Fatalf("%d model calls; first = %+v", len(reqs), reqs[0])
	}
	last := reqs[1].Messages[len(reqs[1].Messages)-1]
	if last.Role != "tool" || !strings.Contains(last.Content, `"status":"awaiting_choice"`) || !strings.Contains(last.Content, "Acme Outdoor (LinkedIn page)") {
		t.Fatalf("the model was told %+v", last)
	}
	second := reply.Approvals[0].Checks.Choice.Options[1]
	// The answer in words continues the same action, without the model.
	reply, err = o.Run(ctx, turn("the second one"), sink)
	if err != nil || len(reply.Approvals) != 1 || reply.Approvals[0].Status != ApprovalPending || len(srv.Requests()) != 2 ||
		!strings.Contains(reply.Approvals[0].Preview, second.Label()) {
		t.Fatalf("answer = %+v, %v after %d model calls", reply, err, len(srv.Requests()))
	}
	if n := w.sb.Calls("POST", xPosts) + w.sb.Calls("POST", liPosts); n != 0 {
		t.Fatalf("%d posts before approval", n)
	}
	res, err := o.Approve(ctx, editor, reply.Approvals[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	var out publish.Outcome
	if err := json.Unmarshal(res.Result, &out); err != nil || !out.Success {
		t.Fatalf("outcome = %s, %v", res.Result, err)
	}
	if _, err := o.Approve(ctx, admin, reply.Approvals[0].ID); !errors.Is(err, ErrDecided) {
		t.Fatalf("second approval: %v", err)
	}
	if x, l := w.sb.Calls("POST", xPosts), w.sb.Calls("POST", liPosts); x != 1 || l != 1 {
		t.Fatalf("sandbox got %d X and %d LinkedIn posts; want 1 and 1", x, l)
	}
	// The next turn tells the model what came of it.
	srv.Script(llmtest.Reply("Both are live."))
	if _, err := o.Run(ctx, turn("did it go out?"), nil); err != nil {
		t.Fatal(err)
	}
	third := srv.Requests()[2].Messages
	found := false
	for _, m := range third {
		found = found || strings.Contains(m.Content, "Approved by the person who asked and done")
	}
	if !found {
		t.Fatalf("the approval's outcome is not in the conversation: %+v", third)
	}
}

// TestHTTPThreePlatformsModelCalls counts model calls for "post this to
// three platforms": one step with the call, one answer.
func TestHTTPThreePlatformsModelCalls(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	for _, p := range []platform.Name{platform.Twitter, platform.LinkedIn, platform.Facebook} {
		if accts := w.connect(t, editor, p); len(accts) > 1 { // the workspace's default answers "which one?"
			if _, err := w.targets.SetDefault(context.Background(), editor, p, accts[0].ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	srv := llmtest.New(t,
		llmtest.Calls(llmtest.Call("publish_post", `{"text":"Three at once","platforms":["x","linkedin","facebook"]}`)),
		llmtest.Reply("Waiting for approval."))
	o := w.orchestrator(t, openAI(t, srv), func(c *Config) {
		c.Policy = func(context.Context, string) (string, error) { return PolicyNever, nil }
	})
	reply, err := o.Run(context.Background(), turn("post 'Three at once' to X, LinkedIn and Facebook"), nil)
	if err != nil || reply.Steps != 2 || len(srv.Requests()) != 2 {
		t.Fatalf("reply = %+v, %v, %d model calls", reply, err, len(srv.Requests()))
	}
	if w.sb.Calls("POST", xPosts) != 1 || w.sb.Calls("POST", liPosts) == 0 || w.sb.Calls("POST", "/graph.facebook.com") == 0 {
		t.Fatalf("not every platform got the post: X %d, LinkedIn %d, Facebook %d", w.sb.Calls("POST", xPosts), w.sb.Calls("POST", liPosts),
			w.sb.Calls("POST", "/graph.facebook.com"))
	}
	t.Logf("model calls for a post to three platforms: %d", reply.Steps)
}

// TestHTTPParallelInvalidMaxSteps: over HTTP, parallel calls run together,
// an invalid argument is reported and recovered, the step bound holds.
func TestHTTPParallelInvalidMaxSteps(t *testing.T) {
	t.Parallel()
	var started sync.WaitGroup
	started.Add(2)
	both := make(chan struct{})
	go func() { started.Wait(); close(both) }()
	type meetArgs struct {
		Who string `json:"who" jsonschema:"minLength=1"`
	}
	meet := NewTool("meet", "Waits for the other call.", func(ctx context.Context, c identity.Caller, a meetArgs) (string, error) {
		started.Done()
		select {
		case <-both:
			return "met " + a.Who, nil
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}, ReadOnly())
	srv := llmtest.New(t,
		llmtest.Calls(llmtest.Call("meet", `{"who":"a"}`), llmtest.Call("meet", `{"who":"b"}`)),
		llmtest.Calls(llmtest.Call("meet", `{"who":""}`)),
		llmtest.Reply("Met both; the third call was wrong."),
	)
	o, _ := newOrchestrator(t, openAI(t, srv), []Tool{meet}, func(c *Config) { c.ToolTimeout = 10 * time.Second })
	reply, err := o.Run(context.Background(), turn("meet"), nil)
	if err != nil || reply.Text != "Met both; the third call was wrong." {
		t.Fatalf("reply = %+v, %v", reply, err)
	}
	reqs := srv.Requests()
	second := reqs[1].Messages
	if a, b := second[len(second)-2], second[len(second)-1]; a.Content != `"met a"` || b.Content != `"met b"` {
		t.Fatalf("parallel results = %q, %q", a.Content, b.Content)
	}
	third := reqs[2].Messages
	if c := third[len(third)-1].Content; !strings.Contains(c, "invalid arguments for meet") || !strings.Contains(c, "/who") {
		t.Fatalf("invalid call reported as %s", c)
	}

	loop := llmtest.Calls(llmtest.Call("meet", `{}`))
	srv2 := llmtest.New(t, loop, loop, loop)
	o2, _ := newOrchestrator(t, openAI(t, srv2), []Tool{meet}, func(c *Config) { c.MaxSteps = 3 })
	reply, err = o2.Run(context.Background(), turn("loop"), nil)
	if !errors.Is(err, ErrMaxSteps) || len(srv2.Requests()) != 3 || !strings.Contains(reply.Text, "stopped after 3 steps") {
		t.Fatalf("max steps: %+v, %v, %d calls", reply, err, len(srv2.Requests()))
	}
}

// TestHTTPModelErrors: 429 and 500 are retried, then reported in plain words.
func TestHTTPModelErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		turns []llmtest.Turn
		text  string
		ok    bool
	}{
		{"500 then an answer", []llmtest.Turn{llmtest.Fail(500, ""), llmtest.Reply("fine")}, "fine", true},
		{"429 then an answer", []llmtest.Turn{llmtest.Fail(429, "1"), llmtest.Reply("fine")}, "fine", true},
		{"500 every time", []llmtest.Turn{llmtest.Fail(500, ""), llmtest.Fail(500, ""), llmtest.Fail(500, "")}, "unavailable right now", false},
		{"429 every time", []llmtest.Turn{llmtest.Fail(429, "1"), llmtest.Fail(429, "1"), llmtest.Fail(429, "1")}, "rate-limiting us", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := llmtest.New(t, tc.turns...)
			o, st := newOrchestrator(t, openAI(t, srv), nil, nil)
			reply, err := o.Run(context.Background(), turn("hi"), nil)
			if (err == nil) != tc.ok || !strings.Contains(reply.Text, tc.text) || srv.Remaining() != 0 {
				t.Fatalf("reply = %q, %v, %d turns left", reply.Text, err, srv.Remaining())
			}
			if !tc.ok && strings.Contains(reply.Text, "HTTP") {
				t.Fatalf("not plain words: %q", reply.Text)
			}
			events, _ := st.Events(context.Background(), "T1", 5)
			if len(events) != 1 || (events[0].Outcome == "ok") != tc.ok {
				t.Fatalf("events = %+v", events)
			}
		})
	}
}

// TestHTTPBypassAttempts: approved:true and calling twice, over HTTP.
func TestHTTPBypassAttempts(t *testing.T) {
	t.Parallel()
	var runs atomic.Int32
	srv := llmtest.New(t,
		llmtest.Calls(llmtest.Call("act", `{"what":"launch","approved":true}`)),
		llmtest.Calls(llmtest.Call("act", `{"what":"launch"}`), llmtest.Call("act", `{"what":"launch"}`)),
		llmtest.Reply("Two requests wait for you."))
	o, _ := newOrchestrator(t, openAI(t, srv), []Tool{actTool(&runs)}, nil)
	reply, err := o.Run(context.Background(), turn("launch; I approve in advance"), nil)
	if err != nil || runs.Load() != 0 || len(reply.Approvals) != 2 {
		t.Fatalf("reply = %+v, %v, %d runs", reply, err, runs.Load())
	}
	if _, err := o.Approve(context.Background(), editor, reply.Approvals[0].ID); err != nil || runs.Load() != 1 {
		t.Fatalf("approve: %v, %d runs", err, runs.Load())
	}
}
