package agents

import (
	"context"
	"encoding/json"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/marketingminds/marketingminds/agents/llm"
)

// TestContentWriterRetries: the content writer's draft fails the X limit,
// is sent back with the problem, and its second draft is returned.
func TestContentWriterRetries(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("Big news! ", 30) // 300 characters
	bad, _ := json.Marshal(map[string]any{"variants": map[string]string{"x": long, "linkedin": long}})
	good := "```json\n" + `{"variants": {"x": "Big news: spring sale!", "linkedin": "` + long + `"}, "notes": "short for X"}` + "\n```"
	model := &scripted{steps: []func(llm.Request) (llm.Response, error){
		call("content_writer", `{"task":"Announce the spring sale on X and LinkedIn"}`),
		say(string(bad)),
		say(good),
		say("Here are the drafts."),
	}}
	sp := DefaultSpecialists()[0]
	sp.Tools = []string{"echo", "search_library"} // search_library is not registered here: left out
	o, _ := newOrchestrator(t, model, []Tool{echoTool()}, func(c *Config) { c.Specialists = []Specialist{sp} })
	sink := &recorder{}
	reply, err := o.Run(context.Background(), turn("write the spring sale posts"), sink)
	if err != nil || reply.Text != "Here are the drafts." || model.calls() != 4 {
		t.Fatalf("reply = %+v, %v after %d model calls", reply, err, model.calls())
	}
	if strings.Contains(sink.text, "Big news") {
		t.Fatalf("the specialist's words reached the person: %q", sink.text)
	}
	sub := model.reqs[1]
	if sub.Messages[0].Role != llm.RoleSystem || !strings.Contains(sub.Messages[0].Content, "content writer") ||
		sub.Messages[1].Content != "Announce the spring sale on X and LinkedIn" || sub.Tools.Len() != 1 || sub.Tools.Defs()[0].Name != "echo" {
		t.Fatalf("specialist request = %+v", sub)
	}
	retry := model.reqs[2].Messages
	if c := retry[len(retry)-1].Content; !strings.Contains(c, "does not pass the checks") || !strings.Contains(c, "X allows 280") {
		t.Fatalf("retry message = %q", c)
	}
	final := model.reqs[3].Messages
	var res SpecialistResult
	if err := json.Unmarshal([]byte(final[len(final)-1].Content), &res); err != nil || res.Answer != good || len(res.Problems) != 0 || res.Steps != 2 {
		t.Fatalf("specialist result = %s (%v)", final[len(final)-1].Content, err)
	}
}

func TestSpecialistRules(t *testing.T) {
	t.Parallel()
	var runs atomic.Int32
	o, _ := newOrchestrator(t, &scripted{}, nil, nil)
	_, err := New(Config{Model: &scripted{}, Store: o.cfg.Store, Prompts: o.cfg.Prompts, Tools: []Tool{actTool(&runs)},
		Specialists: []Specialist{{Name: "planner", Tools: []string{"act"}}}})
	if err == nil || !strings.Contains(err.Error(), "act has side effects") {
		t.Fatalf("a specialist with a side-effecting tool: %v", err)
	}
	_, err = New(Config{Model: &scripted{}, Store: o.cfg.Store, Prompts: o.cfg.Prompts, Specialists: []Specialist{{Name: "astrologer"}}})
	if err == nil || !strings.Contains(err.Error(), "astrologer") {
		t.Fatalf("a specialist without a prompt: %v", err)
	}
	all, err := New(Config{Model: &scripted{}, Store: o.cfg.Store, Prompts: o.cfg.Prompts, Tools: []Tool{echoTool()}, Specialists: DefaultSpecialists()})
	if err != nil || len(all.Tools()) != 6 {
		t.Fatalf("default specialists: %v, %d tools", err, len(all.Tools()))
	}
}

func TestCheckVariants(t *testing.T) {
	t.Parallel()
	cases := []struct {
		answer string
		want   string
	}{
		{`{"variants":{"x":"hello","linkedin":"hello"}}`, ""},
		{"not json", "answer with JSON only"},
		{`{"variants":{}}`, "answer with JSON only"},
		{`{"variants":{"myspace":"hi"}}`, `"myspace" is not a social platform`},
		{`{"variants":{"zoho":"hi"}}`, `"zoho" is not a social platform`},
		{`{"variants":{"instagram":"no image needed to pass the text check"}}`, ""},
		{`{"variants":{"x":"` + strings.Repeat("a", 281) + `"}}`, "X allows 280"},
	}
	for _, tc := range cases {
		got := strings.Join(checkVariants(tc.answer), "; ")
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("checkVariants(%.40q) = %q, want %q", tc.answer, got, tc.want)
		}
	}
}
