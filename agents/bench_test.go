package agents

import (
	"context"
	"fmt"
	"testing"

	"github.com/marketingminds/marketingminds/agents/llm"
)

// BenchmarkTurn measures the orchestrator's own cost per turn with a
// zero-latency in-process model, on the SQLite store: load the thread,
// render the prompt, the model calls, one tool call (for "tool"), the
// events and the save. Each turn is a new thread, so history stays empty.
func BenchmarkTurn(b *testing.B) {
	for _, bc := range []struct {
		name  string
		steps []func(llm.Request) (llm.Response, error)
	}{
		{"answer", []func(llm.Request) (llm.Response, error){say("hello")}},
		{"tool", []func(llm.Request) (llm.Response, error){call("echo", `{"text":"hi"}`), say("done")}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			model := &loopModel{steps: bc.steps}
			o, _ := newOrchestrator(b, model, []Tool{echoTool()}, nil)
			ctx := context.Background()
			i := 0
			for b.Loop() {
				i++
				if _, err := o.Run(ctx, Turn{Caller: editor, Channel: "C1", Thread: fmt.Sprint(i), Text: "hi"}, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// loopModel replays its steps turn after turn.
type loopModel struct {
	steps []func(llm.Request) (llm.Response, error)
	n     int
}

func (m *loopModel) Complete(ctx context.Context, req llm.Request) (llm.Response, error) {
	return m.Stream(ctx, req, nil)
}

func (m *loopModel) Stream(ctx context.Context, req llm.Request, onDelta func(llm.Delta)) (llm.Response, error) {
	s := m.steps[m.n%len(m.steps)]
	m.n++
	return s(req)
}

func (m *loopModel) Name() string { return "loop" }
