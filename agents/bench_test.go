package agents

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/agents/llm/llmtest"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/audit"
	"github.com/marketingminds/marketingminds/tools/memory"
	"github.com/marketingminds/marketingminds/tools/settings"
)

// BenchmarkTurn measures the orchestrator's own cost per turn, on the
// SQLite store; each turn is a new thread, so history stays empty.
//
//   - answer, tool: a zero-latency in-process model and no prompt data:
//     load the thread, render the prompt, the model calls, one tool call
//     (for "tool"), the events and the save;
//   - served: the core tools and the prompt's data as serve wires them (the
//     approval policy from the settings, memory notes, a connected account);
//   - openai: served, on the OpenAI-compatible client against a local
//     scripted endpoint (llmtest; its own decoding of each request counts).
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
			benchTurns(b, o, nil)
		})
	}
	b.Run("served", func(b *testing.B) {
		o := servedOrchestrator(b, &loopModel{steps: []func(llm.Request) (llm.Response, error){say("hello")}})
		benchTurns(b, o, nil)
	})
	b.Run("openai", func(b *testing.B) {
		srv := llmtest.New(b)
		model, err := llm.New(llm.Config{APIKey: "k", BaseURL: srv.URL, HTTPClient: srv.Client(), Log: zerolog.Nop()})
		if err != nil {
			b.Fatal(err)
		}
		o := servedOrchestrator(b, model)
		benchTurns(b, o, func() { srv.Script(llmtest.Reply("hello")) })
	})
}

// benchTurns runs turns and reports, besides the wall time, the process's
// CPU time per turn (less noisy on a shared machine).
func benchTurns(b *testing.B, o *Orchestrator, before func()) {
	ctx := context.Background()
	i := 0
	cpu0 := cpuTime()
	defer func() { b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op") }()
	for b.Loop() {
		i++
		if before != nil {
			before()
		}
		if _, err := o.Run(ctx, Turn{Caller: editor, Channel: "C1", Thread: fmt.Sprint(i), Text: "hi"}, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// servedOrchestrator is the world's orchestrator with the prompt's data
// wired as serve wires it: a connected account, two notes, the policy.
func servedOrchestrator(b *testing.B, model llm.Model) *Orchestrator {
	w := newWorld(b)
	ctx := context.Background()
	w.connect(b, editor, platform.LinkedIn)
	for k, v := range map[string]string{"tone": "friendly, no jargon", "audience": "outdoor enthusiasts"} {
		if _, err := w.memory.Remember(ctx, editor, memory.Note{Scope: memory.Workspace, Key: k, Value: v}); err != nil {
			b.Fatal(err)
		}
	}
	st, err := settings.New(settings.Config{Store: settings.NewStore(w.db), Audit: audit.New(w.db, nil), Log: zerolog.Nop()})
	if err != nil {
		b.Fatal(err)
	}
	return w.orchestrator(b, model, func(c *Config) {
		c.Specialists = DefaultSpecialists()
		c.Policy = func(ctx context.Context, workspaceID string) (string, error) {
			p, err := st.ApprovalPolicy(ctx, workspaceID)
			return string(p), err
		}
	})
}

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
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
