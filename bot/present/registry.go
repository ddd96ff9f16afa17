package present

import (
	"fmt"
	"html/template"
	"reflect"

	"github.com/marketingminds/marketingminds/agents"
)

// Renderer is one result type's renderers, one per door.
type Renderer[T any] struct {
	Slack    func(Env, T) Slack
	Web      func(Env, T) template.HTML
	Terminal func(Env, T) Terminal
	// Actionable, when set, says a value carries something to act on (a
	// choice, a failure to fix): it is shown even when the model wrote
	// about it. Without it, a value is shown only when nobody wrote about
	// the turn's results (the offline planner).
	Actionable func(T) bool
}

type entry struct {
	slack      func(Env, any) Slack
	web        func(Env, any) template.HTML
	terminal   func(Env, any) Terminal
	actionable func(any) bool
}

// Registry holds a renderer per result type and door. Build it with New.
type Registry struct {
	byType map[reflect.Type]entry
}

// Register adds T's renderers to r. A type registered twice, or without a
// renderer for every door, is a programming error: Register panics, at
// start-up.
func Register[T any](r *Registry, rr Renderer[T]) {
	t := reflect.TypeFor[T]()
	if _, dup := r.byType[t]; dup {
		panic(fmt.Sprintf("present: %s registered twice", t))
	}
	if rr.Slack == nil || rr.Web == nil || rr.Terminal == nil {
		panic(fmt.Sprintf("present: %s lacks a renderer for a door", t))
	}
	e := entry{
		slack:    func(env Env, v any) Slack { return rr.Slack(env, v.(T)) },
		web:      func(env Env, v any) template.HTML { return rr.Web(env, v.(T)) },
		terminal: func(env Env, v any) Terminal { return rr.Terminal(env, v.(T)) },
	}
	if rr.Actionable != nil {
		e.actionable = func(v any) bool { return rr.Actionable(v.(T)) }
	}
	r.byType[t] = e
}

// lookup finds v's renderers, reading through a pointer.
func (r *Registry) lookup(v any) (entry, any, bool) {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer && !rv.IsNil() {
		v = rv.Elem().Interface()
	}
	if v == nil {
		return entry{}, nil, false
	}
	e, ok := r.byType[reflect.TypeOf(v)]
	return e, v, ok
}

// Covers reports whether every door has a renderer for values of type t.
func (r *Registry) Covers(t reflect.Type) bool {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	_, ok := r.byType[t]
	return ok
}

// done is what a value without a renderer reads as: never a dump of it.
const done = "Done."

// Slack renders v for Slack.
func (r *Registry) Slack(env Env, v any) Slack {
	e, v, ok := r.lookup(v)
	if !ok {
		return Slack{Text: done}
	}
	return e.slack(env, v)
}

// Web renders v as an HTML partial.
func (r *Registry) Web(env Env, v any) template.HTML {
	e, v, ok := r.lookup(v)
	if !ok {
		return template.HTML("<p>" + done + "</p>")
	}
	env.markTimes = true
	return timeMarkup(e.web(env, v))
}

// Terminal renders v for the terminal.
func (r *Registry) Terminal(env Env, v any) Terminal {
	e, v, ok := r.lookup(v)
	if !ok {
		return Terminal{Text: done}
	}
	return e.terminal(env, v)
}

// Shown picks the results of a reply a door renders as cards, in order:
// all of them when nobody wrote about them (reply.Text is empty, the
// offline planner), else only those carrying something to act on, so that
// each answer reads once. Approvals are shown apart (reply.Approvals).
func (r *Registry) Shown(reply agents.Reply) []any {
	var out []any
	for _, res := range reply.Results {
		if reply.Text == "" || r.Actionable(res.Value) {
			out = append(out, res.Value)
		}
	}
	return out
}

// Actionable reports whether v carries something to act on (see
// Renderer.Actionable).
func (r *Registry) Actionable(v any) bool {
	e, v, ok := r.lookup(v)
	return ok && e.actionable != nil && e.actionable(v)
}
