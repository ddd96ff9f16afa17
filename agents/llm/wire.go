package llm

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
)

// Tools are the tools offered to the model, fixed once built: an agent
// profile builds its Tools once and offers them in every request, and the
// OpenAI model encodes them once for all those requests (go-openai would
// rebuild and re-validate every schema's JSON on every call).
type Tools struct {
	defs []ToolDef

	once sync.Once
	wire []byte // the OpenAI "tools" array
	err  error
}

// NewTools fixes defs, in order.
func NewTools(defs []ToolDef) *Tools { return &Tools{defs: slices.Clone(defs)} }

// Defs returns the definitions (a copy); none for nil.
func (t *Tools) Defs() []ToolDef {
	if t == nil {
		return nil
	}
	return slices.Clone(t.defs)
}

// Len is how many tools there are.
func (t *Tools) Len() int {
	if t == nil {
		return 0
	}
	return len(t.defs)
}

// openAI is the tools as OpenAI's "tools" array, encoded on first use; nil
// when there are none.
func (t *Tools) openAI() ([]byte, error) {
	if t.Len() == 0 {
		return nil, nil
	}
	t.once.Do(func() {
		type function struct {
			Name        string          `json:"name"`
			Description string          `json:"description,omitempty"`
			Parameters  json.RawMessage `json:"parameters"`
		}
		type tool struct {
			Type     string   `json:"type"`
			Function function `json:"function"`
		}
		out := make([]tool, len(t.defs))
		for i, d := range t.defs {
			params := d.Parameters
			if len(params) == 0 {
				params = json.RawMessage(`{"type":"object","properties":{}}`)
			}
			out[i] = tool{Type: "function", Function: function{Name: d.Name, Description: d.Description, Parameters: params}}
		}
		t.wire, t.err = json.Marshal(out)
		if t.err != nil {
			t.err = fmt.Errorf("llm: encode the tools: %w", t.err)
		}
	})
	return t.wire, t.err
}

// The request body as sent: go-openai marshals a request anew on every
// call and re-validates the output of every nested json.Marshaler (each
// message, each tool's schema, the system prompt twice), which was a
// sixth of a Slack turn's CPU. So the model encodes the body itself (see
// body) and hands go-openai a stub for its plumbing; the transport sends
// the body carried in the request's context in place of the stub's.

type wireRequest struct {
	Model         string         `json:"model"`
	Messages      []wireMessage  `json:"messages"`
	Stream        bool           `json:"stream"`
	StreamOptions *wireStreamOpt `json:"stream_options,omitempty"`
}

type wireStreamOpt struct {
	IncludeUsage bool `json:"include_usage"`
}

type wireMessage struct {
	Role       string     `json:"role"`
	Content    string     `json:"content,omitempty"`
	ToolCalls  []wireCall `json:"tool_calls,omitempty"`
	ToolCallID string     `json:"tool_call_id,omitempty"`
}

type wireCall struct {
	ID       string       `json:"id,omitempty"`
	Type     string       `json:"type"`
	Function wireFunction `json:"function"`
}

type wireFunction struct {
	Name      string `json:"name,omitempty"`
	Arguments string `json:"arguments,omitempty"`
}

// body is req as a chat completions request body.
func (m *OpenAI) body(req Request, stream bool) ([]byte, error) {
	w := wireRequest{Model: m.cfg.Model, Messages: make([]wireMessage, len(req.Messages)), Stream: stream}
	if stream {
		w.StreamOptions = &wireStreamOpt{IncludeUsage: true}
	}
	for i, msg := range req.Messages {
		w.Messages[i] = toWire(msg)
	}
	b, err := json.Marshal(w)
	if err != nil {
		return nil, fmt.Errorf("llm: encode the request: %w", err)
	}
	tools, err := req.Tools.openAI()
	if err != nil || len(tools) == 0 {
		return b, err
	}
	out := make([]byte, 0, len(b)+len(tools)+10)
	out = append(out, b[:len(b)-1]...) // b ends with the object's }
	out = append(out, `,"tools":`...)
	out = append(out, tools...)
	return append(out, '}'), nil
}

// toWire converts a message. OpenAI refuses empty content on a tool
// message and on an assistant message without tool calls: those say that
// they are empty instead.
func toWire(msg Message) wireMessage {
	w := wireMessage{Role: string(msg.Role), Content: msg.Content, ToolCallID: msg.ToolCallID}
	if w.Content == "" && (msg.Role == RoleTool || msg.Role == RoleAssistant && len(msg.ToolCalls) == 0) {
		w.Content = "(empty)"
	}
	for _, c := range msg.ToolCalls {
		w.ToolCalls = append(w.ToolCalls, wireCall{ID: c.ID, Type: "function", Function: wireFunction{Name: c.Name, Arguments: c.Arguments}})
	}
	return w
}

type bodyKey struct{}

// withBody makes the transport send body with the request made under ctx.
func withBody(ctx context.Context, body []byte) context.Context {
	return context.WithValue(ctx, bodyKey{}, body)
}

// swapBody is r with the body its context carries, if any; r's own body
// (go-openai's encoding of the stub) is closed.
func swapBody(r *http.Request) *http.Request {
	body, ok := r.Context().Value(bodyKey{}).([]byte)
	if !ok {
		return r
	}
	if r.Body != nil {
		_ = r.Body.Close()
	}
	r = r.Clone(r.Context())
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	return r
}
