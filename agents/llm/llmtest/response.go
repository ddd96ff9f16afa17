package llmtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

type wireUsage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

type wireFunction struct {
	Name      string `json:"name,omitempty"`
	Arguments string `json:"arguments"`
}

type wireCall struct {
	Index    *int         `json:"index,omitempty"`
	ID       string       `json:"id,omitempty"`
	Type     string       `json:"type,omitempty"`
	Function wireFunction `json:"function"`
}

type wireOut struct {
	Role      string     `json:"role,omitempty"`
	Content   *string    `json:"content,omitempty"`
	ToolCalls []wireCall `json:"tool_calls,omitempty"`
}

type wireChoice struct {
	Index        int      `json:"index"`
	Message      *wireOut `json:"message,omitempty"`
	Delta        *wireOut `json:"delta,omitempty"`
	FinishReason *string  `json:"finish_reason"`
}

type wireCompletion struct {
	ID      string       `json:"id"`
	Object  string       `json:"object"`
	Created int64        `json:"created"`
	Model   string       `json:"model"`
	Choices []wireChoice `json:"choices"`
	Usage   *wireUsage   `json:"usage"`
}

func finishReason(turn Turn, calls []ToolCall) string {
	switch {
	case turn.FinishReason != "":
		return turn.FinishReason
	case len(calls) > 0:
		return "tool_calls"
	default:
		return "stop"
	}
}

// usage is the turn's token counts, or an estimate of four characters a
// token.
func usage(req Request, turn Turn, calls []ToolCall) *wireUsage {
	if turn.Usage != nil {
		u := turn.Usage
		return &wireUsage{u.PromptTokens, u.CompletionTokens, u.PromptTokens + u.CompletionTokens}
	}
	prompt := 0
	for _, m := range req.Messages {
		prompt += len(m.Content)
		for _, c := range m.ToolCalls {
			prompt += len(c.Name) + len(c.Arguments)
		}
	}
	completion := len(turn.Text)
	for _, c := range calls {
		completion += len(c.Name) + len(c.Arguments)
	}
	p, c := (prompt+3)/4, (completion+3)/4
	return &wireUsage{p, c, p + c}
}

func (s *Server) completion(req Request, turn Turn, calls []ToolCall) wireCompletion {
	out := &wireOut{Role: "assistant"}
	if turn.Text != "" || len(calls) == 0 {
		text := turn.Text
		out.Content = &text
	}
	for _, c := range calls {
		out.ToolCalls = append(out.ToolCalls, wireCall{ID: c.ID, Type: "function",
			Function: wireFunction{Name: c.Name, Arguments: c.Arguments}})
	}
	reason := finishReason(turn, calls)
	return wireCompletion{
		ID: s.nextID(), Object: "chat.completion", Created: time.Now().Unix(), Model: req.Model,
		Choices: []wireChoice{{Index: 0, Message: out, FinishReason: &reason}},
		Usage:   usage(req, turn, calls),
	}
}

// pieces splits s into chunks of at most n bytes (at least one piece).
func pieces(s string, n int) []string {
	if s == "" {
		return []string{""}
	}
	var out []string
	for len(s) > n {
		out = append(out, s[:n])
		s = s[n:]
	}
	return append(out, s)
}

// stream writes the turn as server-sent events the way OpenAI does: a role
// chunk, text pieces, each tool call opened with its id and name then its
// arguments in pieces (keyed by index), a finish chunk, a usage chunk when
// asked for, and [DONE].
func (s *Server) stream(w http.ResponseWriter, r *http.Request, req Request, turn Turn, calls []ToolCall) {
	flusher, _ := w.(http.Flusher)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	id, created := s.nextID(), time.Now().Unix()
	first := true
	send := func(delta *wireOut, finish *string, u *wireUsage) bool {
		if !first && !s.wait(r, turn.ChunkDelay) {
			return false
		}
		first = false
		c := wireCompletion{ID: id, Object: "chat.completion.chunk", Created: created, Model: req.Model}
		if delta != nil || finish != nil {
			c.Choices = []wireChoice{{Index: 0, Delta: delta, FinishReason: finish}}
		} else {
			c.Choices = []wireChoice{}
		}
		if req.IncludeUsage {
			c.Usage = u
		}
		b, _ := json.Marshal(c)
		if _, err := fmt.Fprintf(w, "data: %s\n\n", b); err != nil {
			return false
		}
		if flusher != nil {
			flusher.Flush()
		}
		return true
	}
	empty := ""
	if !send(&wireOut{Role: "assistant", Content: &empty}, nil, nil) {
		return
	}
	if turn.Text != "" {
		for _, p := range pieces(turn.Text, 5) {
			if !send(&wireOut{Content: &p}, nil, nil) {
				return
			}
		}
	}
	if turn.Stall {
		s.hang(r)
		return
	}
	for i, c := range calls {
		idx := i
		open := wireCall{Index: &idx, ID: c.ID, Type: "function", Function: wireFunction{Name: c.Name}}
		if !send(&wireOut{ToolCalls: []wireCall{open}}, nil, nil) {
			return
		}
		for _, p := range pieces(c.Arguments, 7) {
			if !send(&wireOut{ToolCalls: []wireCall{{Index: &idx, Function: wireFunction{Arguments: p}}}}, nil, nil) {
				return
			}
		}
	}
	if turn.Cut {
		return
	}
	reason := finishReason(turn, calls)
	if !send(&wireOut{}, &reason, nil) {
		return
	}
	if req.IncludeUsage && !send(nil, nil, usage(req, turn, calls)) {
		return
	}
	_, _ = fmt.Fprint(w, "data: [DONE]\n\n")
	if flusher != nil {
		flusher.Flush()
	}
}
