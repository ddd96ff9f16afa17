package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/marketingminds/marketingminds/agents/intent"
)

// OfflineName is the offline planner's Name.
const OfflineName = "offline planner"

// Planner is the Model used when no language model is configured. It reads
// the last user message with the command grammar (agents/intent) and answers
// with one tool call of the shared tool contract; given tool results, it
// writes nothing: the door renders the typed results (bot/present). It is deterministic: the same
// request always gets the same answer.
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
		return text(offlineHelp("")), nil
	}
	last := req.Messages[len(req.Messages)-1]
	switch last.Role {
	case RoleTool:
		return text(""), nil
	case RoleUser:
		return plan(req, last.Content), nil
	}
	return text(offlineHelp("")), nil
}

func text(s string) Response {
	return Response{Message: Message{Role: RoleAssistant, Content: s}, FinishReason: "stop"}
}

// plan turns a user's words into one tool call, or a text when the words
// are not a command the tools can run.
func plan(req Request, words string) Response {
	cmd, err := intent.Parse(words)
	var ue *intent.UsageError
	switch {
	case errors.As(err, &ue):
		return text(fmt.Sprintf("I couldn't read that: %s.\nUsage: `%s`", ue.Problem, intent.Usage(ue.Kind)))
	case err != nil:
		return text(offlineHelp(words))
	}
	name, args := toolCall(cmd)
	if name == "" {
		return text(commandText(cmd))
	}
	if !offered(req.Tools, name) {
		return text(fmt.Sprintf("I can't run %s here: this conversation does not offer that tool.", name))
	}
	b, _ := json.Marshal(args)
	call := ToolCall{ID: fmt.Sprintf("offline_%d", len(req.Messages)), Name: name, Arguments: string(b)}
	return Response{Message: Message{Role: RoleAssistant, ToolCalls: []ToolCall{call}}, FinishReason: "tool_calls"}
}

func offered(tools []ToolDef, name string) bool {
	for _, t := range tools {
		if t.Name == name {
			return true
		}
	}
	return false
}

// toolCall maps a command to the tool contract; "" for commands answered
// in text (help, token).
func toolCall(c intent.Command) (string, map[string]any) {
	args := map[string]any{}
	set := func(k, v string) {
		if v != "" {
			args[k] = v
		}
	}
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
			return "publish_post", args
		}
		args["time"] = c.When
		return "schedule_post", args
	case intent.KindAccounts:
		set("platform", c.Platform)
		return "list_accounts", args
	case intent.KindConnect:
		set("platform", c.Platform)
		return "connect_account", args
	case intent.KindDisconnect:
		set("account_id", c.ID)
		return "disconnect_account", args
	case intent.KindAnalytics:
		if c.Days > 0 {
			args["days"] = c.Days
		}
		set("date_from", c.DateFrom)
		set("date_to", c.DateTo)
		set("platform", c.Platform)
		return "get_analytics", args
	case intent.KindBestTime:
		set("platform", c.Platform)
		return "best_time_to_post", args
	case intent.KindJobs:
		set("status", c.Status)
		return "list_jobs", args
	case intent.KindCancel:
		set("id", c.ID)
		return "cancel_job", args
	case intent.KindRetry:
		set("post_id", c.ID)
		return "retry_post", args
	case intent.KindDashboard:
		return "get_dashboard", args
	case intent.KindDefault:
		set("platform", c.Platform)
		set("account", c.Account)
		if c.ClearDefault {
			args["clear"] = true
		}
		return "default_account", args
	}
	return "", nil
}

// commandText answers the commands that need no tool.
func commandText(c intent.Command) string {
	switch {
	case c.Kind == intent.KindToken:
		return "API tokens for the REST API are created with `/mm token` in Slack (shown once), or on the server with " +
			"`marketingminds token create --workspace T --user U --role editor`."
	case c.Kind == intent.KindHelp && c.Topic != "":
		return fmt.Sprintf("Usage: `%s`", intent.Usage(c.Topic))
	}
	return offlineHelp("")
}

// offlineHelp lists what works without a model and how to configure one;
// words, when given, are what could not be understood.
func offlineHelp(words string) string {
	var b strings.Builder
	if w := strings.TrimSpace(words); w != "" {
		fmt.Fprintf(&b, "I couldn't match %q to a command. ", clip(w, 80))
	}
	b.WriteString("No language model is configured, so I understand these commands:\n")
	b.WriteString(intent.Help())
	b.WriteString("Times read in your time zone: \"tomorrow 9am\", \"in 2 hours\", \"next Monday 14:30\", \"2026-12-01 09:00\".\n")
	b.WriteString("To talk freely, set OPENAI_API_KEY (OPENAI_BASE_URL for another OpenAI-compatible endpoint such as " +
		"Azure, Ollama, vLLM or OpenRouter; OPENAI_MODEL to choose the model, default " + DefaultModel + ") and restart.")
	return b.String()
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
