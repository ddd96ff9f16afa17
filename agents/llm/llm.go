// Package llm is the language model as the orchestrator sees it: one small
// interface with a context on every call, a chat completion with tools and a
// streaming variant. Implementations: any OpenAI-compatible endpoint through
// go-openai, and the offline planner used when no key is set.
package llm

import (
	"context"
	"encoding/json"
)

// Role is who said a message.
type Role string

// The roles of a conversation.
const (
	RoleSystem    Role = "system"
	RoleUser      Role = "user"
	RoleAssistant Role = "assistant"
	RoleTool      Role = "tool"
)

// Message is one turn of a conversation.
type Message struct {
	Role    Role   `json:"role"`
	Content string `json:"content,omitempty"`
	// ToolCalls are what an assistant message asks to run.
	ToolCalls []ToolCall `json:"tool_calls,omitempty"`
	// ToolCallID names the call a tool message answers.
	ToolCallID string `json:"tool_call_id,omitempty"`
	// Name is the tool's name on a tool message.
	Name string `json:"name,omitempty"`
}

// ToolCall is one call the model asks for; Arguments is its JSON text as
// the model wrote it (it may be malformed).
type ToolCall struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Arguments string `json:"arguments"`
}

// ToolDef is a tool offered to the model: Parameters is a JSON schema.
type ToolDef struct {
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Parameters  json.RawMessage `json:"parameters"`
}

// Request is one completion.
type Request struct {
	// WorkspaceID is whose usage this is.
	WorkspaceID string
	// Role is the caller's role in the workspace ("admin", "editor",
	// "viewer"): the offline planner tells admins how to configure a model.
	Role     string
	Messages []Message
	Tools    *Tools
}

// Usage is what a completion cost in tokens.
type Usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
}

// Response is a finished completion: the assistant's message (text, tool
// calls or both).
type Response struct {
	Message      Message
	Usage        Usage
	FinishReason string
}

// Delta is a piece of a streamed answer: text as it is written. Tool calls
// arrive merged in the final Response.
type Delta struct {
	Text string
}

// Model is a chat model with tools.
type Model interface {
	// Complete answers in one piece.
	Complete(ctx context.Context, req Request) (Response, error)
	// Stream calls onDelta with text as it arrives and returns the whole
	// answer, tool calls merged, when the model ends.
	Stream(ctx context.Context, req Request, onDelta func(Delta)) (Response, error)
	// Name says which model this is ("gpt-4o-mini", "offline planner").
	Name() string
}
