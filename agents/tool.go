package agents

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/invopop/jsonschema"
	validator "github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// Tool is one capability the model may call: its name, what it does, the
// JSON schema of its arguments (generated from a typed Go struct), whether
// it changes anything outside the conversation (then the approval gate holds
// it), and the function that runs it. Build one with NewTool.
type Tool struct {
	Name        string
	Description string
	Schema      json.RawMessage
	SideEffect  bool
	// Result is the Go type of what the tool returns: every door has a
	// renderer for it (bot/present).
	Result reflect.Type

	validate *validator.Schema
	run      func(ctx context.Context, c identity.Caller, args json.RawMessage) (any, error)
	preview  func(ctx context.Context, c identity.Caller, args json.RawMessage) (string, error)
	check    func(ctx context.Context, c identity.Caller, args json.RawMessage) (Check, error)
}

// ToolOption changes a tool built by NewTool.
type ToolOption func(*Tool)

// Mutating marks a tool as side-effecting: the model's calls wait for a
// person's approval (unless the workspace turned approval off).
func Mutating() ToolOption { return func(t *Tool) { t.SideEffect = true } }

// WithPreview says, in words, what a call will do: the approval shows it.
// Without one, the preview is the tool's name and its arguments.
func WithPreview[Args any](fn func(ctx context.Context, c identity.Caller, a Args) (string, error)) ToolOption {
	return func(t *Tool) {
		t.preview = func(ctx context.Context, c identity.Caller, raw json.RawMessage) (string, error) {
			a, err := decodeArgs[Args](t.Name, raw)
			if err != nil {
				return "", err
			}
			return fn(ctx, c, a)
		}
	}
}

// ErrUnknownTool is returned for a tool name the registry does not hold.
var ErrUnknownTool = errors.New("agents: unknown tool")

// ArgsError is arguments the tool cannot take: malformed JSON or a schema
// violation. Its message is written for the model to correct itself.
type ArgsError struct {
	Tool    string
	Problem string
}

func (e *ArgsError) Error() string {
	return fmt.Sprintf("invalid arguments for %s: %s", e.Tool, e.Problem)
}

// NewTool builds a tool from a typed function: the schema is generated from
// Args (json and jsonschema tags; a field without omitempty is required; no
// field beyond Args' is accepted), and every call is validated against it
// before fn runs. A schema that does not compile is a programming error:
// NewTool panics, at start-up.
func NewTool[Args, Result any](name, description string, fn func(ctx context.Context, c identity.Caller, a Args) (Result, error), opts ...ToolOption) Tool {
	r := jsonschema.Reflector{DoNotReference: true, ExpandedStruct: true}
	s := r.Reflect(new(Args))
	s.Version = ""
	schema, err := json.Marshal(s)
	if err != nil {
		panic(fmt.Sprintf("agents: tool %s: schema: %v", name, err))
	}
	doc, err := validator.UnmarshalJSON(bytes.NewReader(schema))
	if err != nil {
		panic(fmt.Sprintf("agents: tool %s: schema: %v", name, err))
	}
	comp := validator.NewCompiler()
	if err := comp.AddResource(name+".json", doc); err != nil {
		panic(fmt.Sprintf("agents: tool %s: schema: %v", name, err))
	}
	compiled, err := comp.Compile(name + ".json")
	if err != nil {
		panic(fmt.Sprintf("agents: tool %s: schema: %v", name, err))
	}
	t := Tool{Name: name, Description: description, Schema: schema, Result: reflect.TypeFor[Result](), validate: compiled}
	t.run = func(ctx context.Context, c identity.Caller, raw json.RawMessage) (any, error) {
		a, err := decodeArgs[Args](name, raw)
		if err != nil {
			return nil, err
		}
		return fn(ctx, c, a)
	}
	for _, o := range opts {
		o(&t)
	}
	return t
}

// Validate checks raw against the tool's schema.
func (t Tool) Validate(raw json.RawMessage) error {
	raw = orEmpty(raw)
	inst, err := validator.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return &ArgsError{Tool: t.Name, Problem: "the arguments are not valid JSON: " + err.Error()}
	}
	if err := t.validate.Validate(inst); err != nil {
		var ve *validator.ValidationError
		if errors.As(err, &ve) {
			return &ArgsError{Tool: t.Name, Problem: describe(ve)}
		}
		return &ArgsError{Tool: t.Name, Problem: err.Error()}
	}
	return nil
}

// Call validates raw and runs the tool as c.
func (t Tool) Call(ctx context.Context, c identity.Caller, raw json.RawMessage) (any, error) {
	if err := t.Validate(raw); err != nil {
		return nil, err
	}
	return t.run(ctx, c, orEmpty(raw))
}

// Preview says what a call with raw would do.
func (t Tool) Preview(ctx context.Context, c identity.Caller, raw json.RawMessage) (string, error) {
	if t.preview != nil {
		return t.preview(ctx, c, orEmpty(raw))
	}
	var v any
	if err := json.Unmarshal(orEmpty(raw), &v); err != nil {
		return "", &ArgsError{Tool: t.Name, Problem: err.Error()}
	}
	pretty, _ := json.MarshalIndent(v, "", "  ")
	return t.Name + " " + string(pretty), nil
}

// Def is the tool as offered to the model.
func (t Tool) Def() llm.ToolDef {
	return llm.ToolDef{Name: t.Name, Description: t.Description, Parameters: t.Schema}
}

func orEmpty(raw json.RawMessage) json.RawMessage {
	if len(bytes.TrimSpace(raw)) == 0 {
		return json.RawMessage("{}")
	}
	return raw
}

func decodeArgs[Args any](tool string, raw json.RawMessage) (Args, error) {
	var a Args
	dec := json.NewDecoder(bytes.NewReader(orEmpty(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a); err != nil {
		return a, &ArgsError{Tool: tool, Problem: err.Error()}
	}
	return a, nil
}

// describe lists a validation's leaf errors: "/text: minLength: got 0, want 1".
func describe(ve *validator.ValidationError) string {
	out := ve.BasicOutput()
	var parts []string
	for _, u := range out.Errors {
		if u.Error == nil {
			continue
		}
		loc := u.InstanceLocation
		if loc == "" {
			loc = "arguments"
		}
		parts = append(parts, loc+": "+u.Error.String())
	}
	if len(parts) == 0 {
		return ve.Error()
	}
	return strings.Join(parts, "; ")
}
