package llmtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
)

// Request is one chat completion request as the server received it.
type Request struct {
	Model             string
	Messages          []Message
	Tools             []Tool
	Stream            bool
	IncludeUsage      bool
	ParallelToolCalls *bool
	// Header is the request's HTTP header (Authorization included).
	Header http.Header
	// Body is the raw JSON body.
	Body []byte
}

// Message is one message of a request. Content arrays (text parts) are
// joined into Content.
type Message struct {
	Role       string
	Content    string
	Name       string
	ToolCalls  []ToolCall
	ToolCallID string
}

// Tool is one function offered to the model.
type Tool struct {
	Name        string
	Description string
	Parameters  json.RawMessage
}

// ToolNames lists the offered tools' names in order.
func (r Request) ToolNames() []string {
	names := make([]string, len(r.Tools))
	for i, t := range r.Tools {
		names[i] = t.Name
	}
	return names
}

// apiError is OpenAI's error object.
type apiError struct {
	Message string  `json:"message"`
	Type    string  `json:"type"`
	Param   *string `json:"param"`
	Code    any     `json:"code"`
}

func invalid(param, code, format string, args ...any) *apiError {
	e := &apiError{Message: fmt.Sprintf(format, args...), Type: "invalid_request_error"}
	if param != "" {
		e.Param = &param
	}
	if code != "" {
		e.Code = code
	}
	return e
}

type wireRequest struct {
	Model         *string           `json:"model"`
	Messages      []json.RawMessage `json:"messages"`
	Tools         []wireTool        `json:"tools"`
	Stream        bool              `json:"stream"`
	StreamOptions *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
	ParallelToolCalls *bool `json:"parallel_tool_calls"`
}

type wireTool struct {
	Type     string `json:"type"`
	Function *struct {
		Name        string          `json:"name"`
		Description string          `json:"description"`
		Parameters  json.RawMessage `json:"parameters"`
	} `json:"function"`
}

type wireMessage struct {
	Role       string          `json:"role"`
	Content    json.RawMessage `json:"content"`
	Name       string          `json:"name"`
	ToolCallID string          `json:"tool_call_id"`
	ToolCalls  []struct {
		ID       string `json:"id"`
		Type     string `json:"type"`
		Function struct {
			Name      string `json:"name"`
			Arguments string `json:"arguments"`
		} `json:"function"`
	} `json:"tool_calls"`
}

var toolName = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)

var roles = map[string]bool{"system": true, "developer": true, "user": true, "assistant": true, "tool": true, "function": true}

// decodeRequest reads and checks a request the way OpenAI does.
func decodeRequest(r *http.Request) (Request, *apiError) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return Request{}, invalid("", "", "could not read the request body: %v", err)
	}
	var w wireRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&w); err != nil {
		return Request{}, invalid("", "",
			"We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)")
	}
	if w.Model == nil || *w.Model == "" {
		return Request{}, invalid("", "", "you must provide a model parameter")
	}
	if w.Messages == nil {
		return Request{}, invalid("messages", "missing_required_parameter", "Missing required parameter: 'messages'.")
	}
	if len(w.Messages) == 0 {
		return Request{}, invalid("messages", "empty_array",
			"Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.")
	}
	if w.StreamOptions != nil && !w.Stream {
		return Request{}, invalid("stream_options", "invalid_value",
			"The 'stream_options' parameter is only allowed when 'stream' is enabled.")
	}
	req := Request{
		Model:             *w.Model,
		Stream:            w.Stream,
		IncludeUsage:      w.StreamOptions != nil && w.StreamOptions.IncludeUsage,
		ParallelToolCalls: w.ParallelToolCalls,
		Header:            r.Header.Clone(),
		Body:              body,
	}
	for i, t := range w.Tools {
		tool, aerr := decodeTool(i, t)
		if aerr != nil {
			return Request{}, aerr
		}
		req.Tools = append(req.Tools, tool)
	}
	for i, raw := range w.Messages {
		m, aerr := decodeMessage(i, raw)
		if aerr != nil {
			return Request{}, aerr
		}
		req.Messages = append(req.Messages, m)
	}
	if aerr := checkToolReplies(req.Messages); aerr != nil {
		return Request{}, aerr
	}
	return req, nil
}

func decodeTool(i int, t wireTool) (Tool, *apiError) {
	param := fmt.Sprintf("tools[%d]", i)
	if t.Type != "function" {
		return Tool{}, invalid(param+".type", "invalid_value",
			"Invalid value: '%s'. Supported values are: 'function' and 'custom'.", t.Type)
	}
	if t.Function == nil {
		return Tool{}, invalid(param+".function", "missing_required_parameter",
			"Missing required parameter: '%s.function'.", param)
	}
	if !toolName.MatchString(t.Function.Name) {
		return Tool{}, invalid(param+".function.name", "invalid_value",
			"Invalid '%s.function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.", param)
	}
	if len(t.Function.Parameters) > 0 {
		var schema map[string]any
		if err := json.Unmarshal(t.Function.Parameters, &schema); err != nil || schema["type"] != "object" {
			return Tool{}, invalid(param+".function.parameters", "invalid_function_parameters",
				"Invalid schema for function '%s': schema must be a JSON Schema of 'type: \"object\"', got 'type: \"%v\"'.",
				t.Function.Name, schema["type"])
		}
	}
	return Tool{Name: t.Function.Name, Description: t.Function.Description, Parameters: t.Function.Parameters}, nil
}

func decodeMessage(i int, raw json.RawMessage) (Message, *apiError) {
	param := fmt.Sprintf("messages[%d]", i)
	var w wireMessage
	if err := json.Unmarshal(raw, &w); err != nil {
		return Message{}, invalid(param, "invalid_type", "Invalid type for '%s': expected an object.", param)
	}
	if !roles[w.Role] {
		return Message{}, invalid(param+".role", "invalid_value",
			"Invalid value: '%s'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.", w.Role)
	}
	content, aerr := decodeContent(param, w.Content)
	if aerr != nil {
		return Message{}, aerr
	}
	m := Message{Role: w.Role, Content: content, Name: w.Name, ToolCallID: w.ToolCallID}
	switch w.Role {
	case "assistant":
		if w.Content == nil && len(w.ToolCalls) == 0 {
			return Message{}, invalid(param+".content", "missing_required_parameter",
				"Missing required parameter: '%s.content'.", param)
		}
		for j, c := range w.ToolCalls {
			if c.ID == "" || c.Type != "function" || c.Function.Name == "" {
				return Message{}, invalid(fmt.Sprintf("%s.tool_calls[%d]", param, j), "invalid_value",
					"Invalid '%s.tool_calls[%d]': every tool call needs an id, type 'function' and a function name.", param, j)
			}
			m.ToolCalls = append(m.ToolCalls, ToolCall{ID: c.ID, Name: c.Function.Name, Arguments: c.Function.Arguments})
		}
	case "tool":
		if w.ToolCallID == "" {
			return Message{}, invalid(param+".tool_call_id", "missing_required_parameter",
				"Missing required parameter: '%s.tool_call_id'.", param)
		}
		if w.Content == nil {
			return Message{}, invalid(param+".content", "missing_required_parameter",
				"Missing required parameter: '%s.content'.", param)
		}
	default:
		if w.Content == nil {
			return Message{}, invalid(param+".content", "missing_required_parameter",
				"Missing required parameter: '%s.content'.", param)
		}
	}
	return m, nil
}

// decodeContent reads a string or an array of text parts.
func decodeContent(param string, raw json.RawMessage) (string, *apiError) {
	if raw == nil || string(raw) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if err := json.Unmarshal(raw, &parts); err != nil {
		return "", invalid(param+".content", "invalid_type",
			"Invalid type for '%s.content': expected one of a string or array of objects.", param)
	}
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(p.Text)
	}
	return b.String(), nil
}

// checkToolReplies enforces OpenAI's pairing: a tool message answers a call
// of the assistant message before it, and every call is answered before the
// next non-tool message.
func checkToolReplies(msgs []Message) *apiError {
	pending := map[string]bool{}
	for i, m := range msgs {
		if m.Role == "tool" {
			if !pending[m.ToolCallID] {
				return invalid(fmt.Sprintf("messages.[%d].role", i), "",
					"Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.")
			}
			delete(pending, m.ToolCallID)
			continue
		}
		if len(pending) > 0 {
			return unanswered(i, pending)
		}
		for _, c := range m.ToolCalls {
			pending[c.ID] = true
		}
	}
	if len(pending) > 0 {
		return unanswered(len(msgs), pending)
	}
	return nil
}

func unanswered(i int, pending map[string]bool) *apiError {
	ids := make([]string, 0, len(pending))
	for id := range pending {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return invalid(fmt.Sprintf("messages.[%d].role", i), "",
		"An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: %s",
		strings.Join(ids, ", "))
}
