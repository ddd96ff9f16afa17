package llm

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// manyTools are n tools with schemas of a realistic size.
func manyTools(n int) *Tools {
	defs := make([]ToolDef, n)
	for i := range defs {
		defs[i] = ToolDef{Name: fmt.Sprintf("tool_%d", i), Description: strings.Repeat("Does a thing with care. ", 8),
			Parameters: json.RawMessage(`{"type":"object","properties":{"text":{"type":"string","description":"what to say"},"platforms":{"type":"array","items":{"type":"string","enum":["facebook","instagram","twitter","linkedin"]}}},"required":["text"],"additionalProperties":false}`)}
	}
	return NewTools(defs)
}

// TestToolsEncodedOnce: a request's body costs the same whether it offers
// one tool or forty: the tools' JSON is encoded once per Tools, not per
// call, and the body carries it intact.
func TestToolsEncodedOnce(t *testing.T) {
	m, err := New(Config{APIKey: "k", BaseURL: "http://127.0.0.1:1/v1"})
	if err != nil {
		t.Fatal(err)
	}
	msgs := []Message{{Role: RoleSystem, Content: strings.Repeat("You help a marketing team. ", 40)}, {Role: RoleUser, Content: "hi"}}
	allocs := func(tools *Tools) (float64, int) {
		req := Request{Messages: msgs, Tools: tools}
		b, err := m.body(req, true) // the first call encodes the tools
		if err != nil {
			t.Fatal(err)
		}
		var v struct {
			Tools []json.RawMessage `json:"tools"`
		}
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("body is not JSON: %v\n%s", err, b)
		}
		return testing.AllocsPerRun(20, func() { _, _ = m.body(req, true) }), len(v.Tools)
	}
	one, n1 := allocs(manyTools(1))
	forty, n40 := allocs(manyTools(40))
	if n1 != 1 || n40 != 40 {
		t.Fatalf("bodies carry %d and %d tools, want 1 and 40", n1, n40)
	}
	// Encoding tools per call costs about ten allocations each (go-openai's
	// took 345 for 30); a bigger body may take a couple more for its size
	// (the race detector's accounting adds some).
	if forty > one+5 {
		t.Fatalf("a body with 40 tools makes %.0f allocations, with 1 tool %.0f: the tools are encoded per call", forty, one)
	}
}

// BenchmarkBody is a model call's encoding: a system prompt, a short
// history and 30 tools.
func BenchmarkBody(b *testing.B) {
	m, err := New(Config{APIKey: "k", BaseURL: "http://127.0.0.1:1/v1"})
	if err != nil {
		b.Fatal(err)
	}
	req := Request{Tools: manyTools(30), Messages: []Message{{Role: RoleSystem, Content: strings.Repeat("You help a marketing team. ", 200)},
		{Role: RoleUser, Content: "how did last week go?"}}}
	for b.Loop() {
		if _, err := m.body(req, true); err != nil {
			b.Fatal(err)
		}
	}
}
