package agents

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/integrations/platform"
)

// evalCase is a realistic request and the rubric its turn is graded by:
// each check is worth a point.
type evalCase struct {
	name   string
	say    string
	checks []evalCheck
}

type evalCheck struct {
	what string
	ok   func(r evalRun) bool
}

// evalRun is what a turn did.
type evalRun struct {
	reply Reply
	calls []string          // tool names, in order
	args  map[string]string // last arguments per tool
	posts int               // posts that reached the sandbox
}

func called(name string) evalCheck {
	return evalCheck{"calls " + name, func(r evalRun) bool { return slices.Contains(r.calls, name) }}
}

func argHas(tool, field, want string) evalCheck {
	return evalCheck{tool + "." + field + " has " + want, func(r evalRun) bool {
		var m map[string]any
		if json.Unmarshal([]byte(r.args[tool]), &m) != nil {
			return false
		}
		b, _ := json.Marshal(m[field])
		return strings.Contains(strings.ToLower(string(b)), want)
	}}
}

var (
	nothingPosted = evalCheck{"posts nothing before approval", func(r evalRun) bool { return r.posts == 0 }}
	waits         = evalCheck{"leaves an approval pending", func(r evalRun) bool { return len(r.reply.Approvals) > 0 }}
	saysApproval  = evalCheck{"tells the person it waits for approval", func(r evalRun) bool {
		return strings.Contains(strings.ToLower(r.reply.Text), "approv")
	}}
	fewSteps = evalCheck{"takes at most 3 model calls", func(r evalRun) bool { return r.reply.Steps <= 3 }}
)

// TestEvals grades a real model on realistic requests; it runs only with
// MM_EVALS=1 and OPENAI_API_KEY (OPENAI_BASE_URL, OPENAI_MODEL) set, and
// fails below 80% of the rubric's points.
func TestEvals(t *testing.T) {
	if os.Getenv("MM_EVALS") != "1" || os.Getenv("OPENAI_API_KEY") == "" {
		t.Skip("evals need a real model: set MM_EVALS=1 and OPENAI_API_KEY")
	}
	model, err := llm.New(llm.Config{APIKey: os.Getenv("OPENAI_API_KEY"), BaseURL: os.Getenv("OPENAI_BASE_URL"), Model: os.Getenv("OPENAI_MODEL"), Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	cases := []evalCase{
		{"post to two platforms", "Post 'Our spring sale starts today: 20% off everything!' to my X and LinkedIn accounts",
			[]evalCheck{called("publish_post"), argHas("publish_post", "platforms", "linkedin"), argHas("publish_post", "text", "spring sale"), waits, nothingPosted, saysApproval, fewSteps}},
		{"schedule in words", "Schedule 'Doors open at 9' on X for tomorrow at 9am",
			[]evalCheck{called("schedule_post"), argHas("schedule_post", "time", "9"), waits, nothingPosted, saysApproval}},
		{"too long for X", "Write and post this to X: " + strings.Repeat("We are thrilled to share our biggest news of the year with all of you. ", 5),
			[]evalCheck{{"does not publish an invalid post", func(r evalRun) bool { return r.posts == 0 }},
				{"explains the limit or shortens", func(r evalRun) bool {
					return strings.Contains(r.reply.Text, "280") || len(r.reply.Approvals) > 0
				}}}},
		{"remember the voice", "Remember that our brand voice is warm, plain and never pushy",
			[]evalCheck{called("remember"), argHas("remember", "scope", "workspace"), nothingPosted}},
		{"figures", "How did our accounts do in the last 7 days?", []evalCheck{called("get_analytics"), nothingPosted, fewSteps}},
	}
	total, got := 0, 0
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			w.connect(t, editor, platform.Twitter)
			w.connect(t, editor, platform.LinkedIn)
			var run evalRun
			run.args = map[string]string{}
			o := w.orchestrator(t, model, func(c *Config) { c.Specialists = DefaultSpecialists() })
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			reply, err := o.Run(ctx, Turn{Caller: editor, Channel: "eval", Thread: tc.name, Text: tc.say}, nil)
			run.reply = reply
			if err != nil {
				t.Logf("turn error: %v", err)
			}
			msgs, _ := w.store.Messages(ctx, ConversationKey{WorkspaceID: "T1", Channel: "eval", Thread: tc.name}, 0)
			for _, m := range msgs {
				for _, call := range m.ToolCalls {
					run.calls = append(run.calls, call.Name)
					run.args[call.Name] = call.Arguments
				}
			}
			run.posts = w.sb.Calls("POST", xPosts) + w.sb.Calls("POST", liPosts)
			for _, c := range tc.checks {
				total++
				if c.ok(run) {
					got++
				} else {
					t.Logf("missed: %s (calls %v, reply %q)", c.what, run.calls, run.reply.Text)
				}
			}
		})
	}
	score := float64(got) / float64(total)
	t.Logf("eval score: %d/%d (%.0f%%) with %s", got, total, 100*score, model.Name())
	if score < 0.8 {
		t.Fatalf("eval score %.0f%% is below 80%%", 100*score)
	}
}
