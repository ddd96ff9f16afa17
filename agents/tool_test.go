package agents

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/marketingminds/marketingminds/tools/identity"
)

// A tool must say what it changes: none, two, or a read-only destructive
// declaration is refused when the tool is built.
func TestNewToolNeedsItsEffects(t *testing.T) {
	t.Parallel()
	fn := func(context.Context, identity.Caller, struct{}) (string, error) { return "", nil }
	cases := []struct {
		name string
		opts []ToolOption
		want string // the panic, or "" for none
	}{
		{"none", nil, "declare exactly one"},
		{"only a modifier", []ToolOption{Idempotent()}, "declare exactly one"},
		{"two", []ToolOption{ReadOnly(), Mutating()}, "declare exactly one"},
		{"read-only destructive", []ToolOption{ReadOnly(), Destructive()}, "cannot be destructive"},
		{"read-only", []ToolOption{ReadOnly(), OpenWorld()}, ""},
		{"writes", []ToolOption{Writes(), Idempotent()}, ""},
		{"mutating", []ToolOption{Mutating(), Destructive()}, ""},
	}
	for _, tc := range cases {
		got := func() (msg string) {
			defer func() {
				if r := recover(); r != nil {
					msg = fmt.Sprint(r)
				}
			}()
			NewTool("t", "T.", fn, tc.opts...)
			return ""
		}()
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s: panic %q, want %q", tc.name, got, tc.want)
		}
	}
	ro := NewTool("t", "T.", fn, ReadOnly())
	if e := ro.Effects(); !e.ReadOnly || !e.Idempotent || e.Destructive || e.OpenWorld || ro.SideEffect {
		t.Fatalf("read-only effects = %+v", e)
	}
	m := NewTool("t", "T.", fn, Mutating(), Destructive(), OpenWorld())
	if e := m.Effects(); e.ReadOnly || !e.Destructive || !e.OpenWorld || !m.SideEffect {
		t.Fatalf("mutating effects = %+v", e)
	}
}
