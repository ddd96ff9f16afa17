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
// JSON schema of its arguments (generated from a typed Go struct), what it
// changes (its Effects, declared when it is built; a Mutating one is held
// by the approval gate), and the function that runs it. Build one with
// NewTool.
type Tool struct {
	Name        string
	Description string
	Schema      json.RawMessage
	// SideEffect: the model's calls wait for a person's approval (Mutating).
	SideEffect bool
	// Result is the Go type of what the tool returns: every door has a
	// renderer for it (bot/present).
	Result reflect.Type

	effects  Effects
	declared int // how many of ReadOnly, Writes and Mutating were given
	validate *validator.Schema
	run      func(ctx context.Context, c identity.Caller, args json.RawMessage) (any, error)
	preview  func(ctx context.Context, c identity.Caller, args json.RawMessage) (string, error)
	check    func(ctx context.Context, c identity.Caller, args json.RawMessage) (Check, error)
}

// ToolOption changes a tool built by NewTool.
type ToolOption func(*Tool)

// Effects is what a call does to the world, as its tool declared it: the
// MCP door annotates each tool from it, viewers are offered only the
// ReadOnly ones, and specialists may use only those.
type Effects struct {
	// ReadOnly: the call changes nothing.
	ReadOnly bool
	// Destructive: the call may remove, cancel or revoke something
	// (meaningful only when it is not ReadOnly).
	Destructive bool
	// Idempotent: calling again with the same arguments changes nothing
	// more (a ReadOnly tool always is).
	Idempotent bool
	// OpenWorld: the call reaches outside the workspace's own data: a
	// platform's API or Zoho.
	OpenWorld bool
}

// Every tool declares exactly one of ReadOnly, Writes and Mutating, and
// may add Destructive, Idempotent and OpenWorld: NewTool panics otherwise,
// so a new tool cannot be offered with the wrong effects by omission.

// ReadOnly declares that the tool changes nothing.
func ReadOnly() ToolOption {
	return func(t *Tool) { t.declared++; t.effects.ReadOnly, t.effects.Idempotent = true, true }
}

// Writes declares that the tool changes the workspace's data (a draft, a
// note, a link to connect) without acting in anyone's name: it runs at once.
func Writes() ToolOption { return func(t *Tool) { t.declared++ } }

// Mutating declares a side-effecting tool: the model's calls wait for a
// person's approval (unless the workspace turned approval off).
func Mutating() ToolOption { return func(t *Tool) { t.declared++; t.SideEffect = true } }

// Destructive adds to Writes or Mutating that a call may remove, cancel or
// revoke something.
func Destructive() ToolOption { return func(t *Tool) { t.effects.Destructive = true } }

// Idempotent adds to Writes or Mutating that a repeated call changes
// nothing more.
func Idempotent() ToolOption { return func(t *Tool) { t.effects.Idempotent = true } }

// OpenWorld declares that a call reaches a platform's API or Zoho.
func OpenWorld() ToolOption { return func(t *Tool) { t.effects.OpenWorld = true } }

// Effects is what a call does, as the tool declared it.
func (t Tool) Effects() Effects { return t.effects }

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
// before fn runs. opts must declare the tool's effects (ReadOnly, Writes or
// Mutating). A schema that does not compile or effects not declared are
// programming errors: NewTool panics, at start-up.
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
	switch {
	case t.declared != 1:
		panic(fmt.Sprintf("agents: tool %s: declare exactly one of ReadOnly(), Writes() or Mutating()", name))
	case t.effects.ReadOnly && t.effects.Destructive:
		panic(fmt.Sprintf("agents: tool %s: a read-only tool cannot be destructive", name))
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
