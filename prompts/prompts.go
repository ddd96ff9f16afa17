// Package prompts holds the system prompts as *.tmpl files, embedded and
// parsed once.
package prompts

import (
	"embed"
	"fmt"
	"strings"
	"text/template"
	"time"
)

//go:embed *.tmpl
var files embed.FS

// Set is the parsed templates.
type Set struct{ t *template.Template }

// Load parses every embedded template; a broken one fails at start-up.
func Load() (*Set, error) {
	t, err := template.New("").Option("missingkey=error").ParseFS(files, "*.tmpl")
	if err != nil {
		return nil, fmt.Errorf("prompts: %w", err)
	}
	return &Set{t: t}, nil
}

// System is what the system prompt is rendered from.
type System struct {
	Workspace string
	UserName  string
	Now       time.Time
	TimeZone  string
	Sandbox   bool
	Accounts  []string // "X @acme_sandbox", ...
	// Memory is what the team asked to remember (brand voice, audience,
	// products, dos and don'ts); UserMemory is this person's preferences.
	// Each line "topic: note".
	Memory     []string
	UserMemory []string
	// Approval is the workspace's approval policy: "agent" or "always"
	// (actions wait for a person) or "never".
	Approval string
}

// Specialists are the specialist agents' templates ("content_writer" is
// content_writer.tmpl); each renders a System.
var Specialists = []string{"content_writer", "analyst", "email_marketer", "market_researcher", "planner"}

// Specialist renders the system prompt of the specialist name.
func (s *Set) Specialist(name string, v System) (string, error) {
	if s.t.Lookup(name+".tmpl") == nil {
		return "", fmt.Errorf("prompts: no specialist %q", name)
	}
	var b strings.Builder
	if err := s.t.ExecuteTemplate(&b, name+".tmpl", v); err != nil {
		return "", fmt.Errorf("prompts: %s: %w", name, err)
	}
	return b.String(), nil
}

// System renders the system prompt.
func (s *Set) System(v System) (string, error) {
	var b strings.Builder
	if err := s.t.ExecuteTemplate(&b, "system.tmpl", v); err != nil {
		return "", fmt.Errorf("prompts: system: %w", err)
	}
	return b.String(), nil
}
