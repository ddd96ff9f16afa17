package agents

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/prompts"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// Specialist is an agent with its own prompt (prompts/<Name>.tmpl) and a
// restricted set of tools, offered to the main agent as the tool Name. It
// only prepares: a tool with side effects cannot be in its set.
type Specialist struct {
	Name        string
	Description string
	// Tools names the registry tools it may call; one that is not
	// registered is left out, so a specialist gains tools as they land.
	Tools []string
	// Check reviews an answer; the problems it finds are sent back for
	// another try, at most Retries more times.
	Check   func(answer string) []string
	Retries int
}

// DefaultSpecialists are the content writer, the analyst, the email
// marketer, the market researcher and the planner.
func DefaultSpecialists() []Specialist {
	return []Specialist{
		{Name: "content_writer", Description: "Writes per-platform post variants in the team's voice that pass each platform's rules; returns JSON variants.",
			Tools: []string{"draft_post", "recall", "search_library"}, Check: checkVariants, Retries: 2},
		{Name: "analyst", Description: "Explains the team's figures in plain words and compares periods.",
			Tools: []string{"get_analytics", "list_posts", "recall", "get_dashboard"}},
		{Name: "email_marketer", Description: "Writes subject lines and HTML and text bodies of marketing emails; returns JSON.",
			Tools: []string{"recall", "search_library", "email_report"}},
		{Name: "market_researcher", Description: "Turns CRM leads, deals and sources into audience insights.",
			Tools: []string{"recall", "crm_summary", "search_leads"}},
		{Name: "planner", Description: "Plans a multi-week content campaign with drafts per platform; returns JSON.",
			Tools: []string{"get_analytics", "list_posts", "draft_post", "recall", "best_time_to_post", "search_library"}},
	}
}

type specialistArgs struct {
	Task    string `json:"task" jsonschema:"minLength=1,description=What to do, with everything the specialist needs to know."`
	Context string `json:"context,omitempty" jsonschema:"description=Facts from the conversation that help (figures, earlier drafts)."`
}

type SpecialistResult struct {
	Answer string `json:"answer"`
	// Problems are what the checks still found after the retries.
	Problems []string `json:"problems,omitempty"`
	Steps    int      `json:"steps"`
}

// specialist builds sp's tool: a loop of its own on the same model with
// its prompt and its tools, checked and retried.
func (o *Orchestrator) specialist(sp Specialist) (Tool, error) {
	var tools []Tool
	opts := []ToolOption{ReadOnly()}
	for _, n := range sp.Tools {
		t, ok := o.tools[n]
		if !ok {
			continue
		}
		if !t.effects.ReadOnly {
			return Tool{}, fmt.Errorf("agents: specialist %s: %s has side effects (it is not read-only); specialists only prepare", sp.Name, n)
		}
		if t.effects.OpenWorld {
			opts = append(opts, OpenWorld())
		}
		tools = append(tools, t)
	}
	ts := newToolset(tools)
	if _, err := o.cfg.Prompts.Specialist(sp.Name, prompts.System{Now: time.Unix(0, 0).UTC(), TimeZone: "UTC"}); err != nil {
		return Tool{}, fmt.Errorf("agents: specialist %s: %w", sp.Name, err)
	}
	return NewTool(sp.Name, sp.Description, func(ctx context.Context, c identity.Caller, a specialistArgs) (SpecialistResult, error) {
		key, sink := conversationFrom(ctx, c)
		v, err := o.promptData(ctx, c)
		if err != nil {
			return SpecialistResult{}, err
		}
		system, err := o.cfg.Prompts.Specialist(sp.Name, v)
		if err != nil {
			return SpecialistResult{}, err
		}
		task := a.Task
		if a.Context != "" {
			task += "\n\nContext:\n" + a.Context
		}
		msgs := []llm.Message{{Role: llm.RoleSystem, Content: system}, {Role: llm.RoleUser, Content: task}}
		var res SpecialistResult
		for try := 0; ; try++ {
			said, reply, err := o.loop(ctx, key, c, msgs, ts, progressOnly{sink})
			res.Steps += reply.Steps
			if err != nil {
				return SpecialistResult{}, Say(err, "the %s could not finish: %s", strings.ReplaceAll(sp.Name, "_", " "), reply.Text)
			}
			msgs = append(msgs, said...)
			res.Answer, res.Problems = reply.Text, nil
			if sp.Check != nil {
				res.Problems = sp.Check(reply.Text)
			}
			if len(res.Problems) == 0 || try >= sp.Retries {
				return res, nil
			}
			msgs = append(msgs, llm.Message{Role: llm.RoleUser, Content: "Your answer does not pass the checks: " +
				strings.Join(res.Problems, "; ") + ". Fix it and answer again in the same format."})
		}
	}, opts...), nil
}

// checkVariants is the content writer's check: the answer is the JSON the
// prompt asks for and each variant's text passes publish.Validate for its
// platform (text rules only: media are attached when the post is made).
func checkVariants(answer string) []string {
	var out struct {
		Variants map[string]string `json:"variants"`
	}
	if err := json.Unmarshal([]byte(stripFence(answer)), &out); err != nil || len(out.Variants) == 0 {
		return []string{`answer with JSON only: {"variants": {"x": "...", "linkedin": "..."}, "notes": "..."}`}
	}
	var problems []string
	for name, text := range out.Variants {
		p, err := platformOf(name)
		if err != nil || p == platform.Zoho {
			problems = append(problems, fmt.Sprintf("%q is not a social platform (use facebook, instagram, x, linkedin)", name))
			continue
		}
		for _, pr := range publish.Validate(p, platform.Post{Text: text}, publish.DefaultLimits) {
			if pr.Field == "text" {
				problems = append(problems, pr.Message)
			}
		}
	}
	return problems
}

// stripFence removes a Markdown code fence around JSON.
func stripFence(s string) string {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "```") {
		return s
	}
	s = strings.TrimPrefix(strings.TrimPrefix(s, "```json"), "```")
	return strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "```"))
}

// progressOnly passes a specialist's tool progress and approvals on, not
// its words: its answer goes back to the main agent, not to the person.
type progressOnly struct{ s Sink }

func (p progressOnly) Delta(string)         {}
func (p progressOnly) Progress(pr Progress) { p.s.Progress(pr) }
func (p progressOnly) Approval(a Approval)  { p.s.Approval(a) }

// Result keeps a specialist's tool results to itself: its answer speaks
// for them.
func (p progressOnly) Result(Result) {}

type conversationKey struct{}

type conversationValue struct {
	key  ConversationKey
	sink Sink
}

// withConversation lets a tool that runs a loop of its own (a specialist)
// record its calls in the conversation and report progress to the door.
func withConversation(ctx context.Context, key ConversationKey, sink Sink) context.Context {
	return context.WithValue(ctx, conversationKey{}, conversationValue{key: key, sink: sink})
}

func conversationFrom(ctx context.Context, c identity.Caller) (ConversationKey, Sink) {
	v, ok := ctx.Value(conversationKey{}).(conversationValue)
	if !ok {
		return ConversationKey{WorkspaceID: c.WorkspaceID, Channel: "specialist"}, &lockedSink{}
	}
	return v.key, v.sink
}
