package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/marketingminds/marketingminds/agents/intent"
)

// OfflineName is the offline planner's Name.
const OfflineName = "offline planner"

// Planner is the Model used when no language model is configured. It reads
// the last user message with the grammar of agents/intent, resolves what it
// refers to ("cancel it", "retry the failed ones") from the conversation's
// earlier tool calls and results, and answers with the tool calls of the
// shared tool contract. Given tool results, it takes the next step a
// request needs (retry what a list found) or asks what it needs to go on
// (which mailing list); otherwise it writes nothing: the door renders the
// typed results (bot/present). It is deterministic: the same conversation
// always gets the same answer.
type Planner struct{}

var _ Model = Planner{}

// Offline returns the offline planner.
func Offline() Planner { return Planner{} }

// Name is "offline planner".
func (Planner) Name() string { return OfflineName }

// Stream answers like Complete, handing the text to onDelta in one piece.
func (p Planner) Stream(ctx context.Context, req Request, onDelta func(Delta)) (Response, error) {
	resp, err := p.Complete(ctx, req)
	if err == nil && resp.Message.Content != "" && onDelta != nil {
		onDelta(Delta{Text: resp.Message.Content})
	}
	return resp, err
}

// Complete answers the request.
func (p Planner) Complete(ctx context.Context, req Request) (Response, error) {
	if err := ctx.Err(); err != nil {
		return Response{}, fmt.Errorf("llm: offline planner: %w", err)
	}
	if len(req.Messages) == 0 {
		return text(unknown(req, "")), nil
	}
	last := req.Messages[len(req.Messages)-1]
	switch last.Role {
	case RoleTool:
		if next, ok := followUp(req); ok {
			return next, nil
		}
		return text(question(req)), nil
	case RoleUser:
		return plan(req, last.Content), nil
	}
	return text(unknown(req, "")), nil
}

func text(s string) Response {
	return Response{Message: Message{Role: RoleAssistant, Content: s}, FinishReason: "stop"}
}

// calls answers with tool calls, each checked against what is offered.
func calls(req Request, cs ...call) Response {
	var tcs []ToolCall
	defs := req.Tools.Defs()
	for i, c := range cs {
		def, ok := offered(defs, c.name)
		if !ok {
			return text(fmt.Sprintf("I can't run %s here: this conversation does not offer that tool.", c.name))
		}
		b, _ := json.Marshal(fit(def, c.args))
		tcs = append(tcs, ToolCall{ID: fmt.Sprintf("offline_%d_%d", len(req.Messages), i), Name: c.name, Arguments: string(b)})
	}
	return Response{Message: Message{Role: RoleAssistant, ToolCalls: tcs}, FinishReason: "tool_calls"}
}

// call is one tool call to make.
type call struct {
	name string
	args map[string]any
}

func offered(tools []ToolDef, name string) (ToolDef, bool) {
	for _, t := range tools {
		if t.Name == name {
			return t, true
		}
	}
	return ToolDef{}, false
}

// fit drops the arguments a tool's schema does not declare (a filter the
// tool does not offer yet), so the call stays valid.
func fit(def ToolDef, args map[string]any) map[string]any {
	var schema struct {
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if json.Unmarshal(def.Parameters, &schema) != nil || schema.Properties == nil {
		return args
	}
	out := map[string]any{}
	for k, v := range args {
		if _, ok := schema.Properties[k]; ok {
			out[k] = v
		}
	}
	return out
}

// plan turns a user's words into tool calls, or a text when the words are
// not something the tools can do or something is missing.
func plan(req Request, words string) Response {
	h := readHistory(req.Messages[:len(req.Messages)-1])
	if c, ok := chooseList(h, words); ok {
		return calls(req, c)
	}
	cmd, err := intent.Read(words)
	var ue *intent.UsageError
	switch {
	case errors.As(err, &ue):
		return text(fmt.Sprintf("I couldn't read that: %s.\nFor example: `%s`", ue.Problem, intent.Usage(ue.Kind)))
	case err != nil && h.listAsked && h.draft != nil && len(h.lists) > 0:
		return text(fmt.Sprintf("I don't see a mailing list called %q. %s", words, listNames(h.lists)))
	case err != nil:
		return text(unknown(req, words))
	}
	switch cmd.Kind {
	case intent.KindConfirm, intent.KindDeny:
		return answered(req, h, cmd.Kind)
	}
	if len(cmd.Guesses) > 0 {
		g := cmd.Guesses[0]
		return text(fmt.Sprintf("Did you mean %s? (%q is not a platform I know.) Say yes and I'll go ahead.", intent.DisplayName(g.Meant), g.Wrote))
	}
	switch cmd.Kind {
	case intent.KindWhoAmI:
		return text(whoAmI(req.Role))
	case intent.KindAbout:
		return text(about + adminNote(req))
	}
	if h.media = req.Media; len(h.media) == 0 && pickable(cmd.Media, h.mediaListed) {
		h.media = h.mediaListed // "the second one" of the images just listed
	} else if len(h.media) == 0 && cmd.Media == intent.MediaLast && len(h.mediaListed) > 1 {
		return text(fmt.Sprintf("Which one? The list above shows %s. Say for example \"the second one\".", mediaNames(h.mediaListed)))
	}
	return run(req, h, cmd)
}

// run maps a command, its references resolved, to tool calls.
func run(req Request, h history, cmd intent.Command) Response {
	ids, problem := pickMedia(cmd, h.media)
	if problem != "" {
		return text(problem)
	}
	h.picked = ids
	if cmd.Ref != "" {
		resolved, cs, problem := h.resolve(cmd)
		if problem != "" {
			return text(problem)
		}
		if len(cs) > 0 {
			return calls(req, cs...)
		}
		cmd = resolved
	}
	cs, answer := toolCalls(cmd, h)
	cs = withMedia(cs, ids)
	if len(cs) == 0 {
		if answer == "" {
			answer = unknown(req, "")
		}
		if cmd.Kind == intent.KindHelp || cmd.Kind == intent.KindCampaignPlan || cmd.Kind == intent.KindWrite {
			answer += adminNote(req)
		}
		return text(answer)
	}
	return calls(req, cs...)
}

// answered reads a yes or a no to the question the planner asked last.
func answered(req Request, h history, k intent.Kind) Response {
	if h.asked == "" {
		if k == intent.KindDeny {
			return text("OK.")
		}
		return text("There is no question of mine waiting for a yes. Tell me what you'd like to do, for example: " +
			"`show my scheduled posts`.")
	}
	if k == intent.KindDeny {
		return text("OK, I won't. Tell me what you meant, for example: `post \"text\" to linkedin`.")
	}
	cmd, err := intent.Read(h.asked)
	if err != nil {
		return text(unknown(req, h.asked))
	}
	cmd.Guesses = nil
	return run(req, h, cmd)
}
