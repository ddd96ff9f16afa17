// Package console is the terminal door: a conversation with the orchestrator
// over a reader and a writer. It works the same whether stdin is a terminal
// or a pipe: a line in is a message, the answer streams out, tool progress is
// shown as it happens, and when an action waits for approval the next line
// answers it (y approves, anything else rejects; a "which account?" is a
// numbered choice), so a session can be scripted.
package console

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// Orchestrator is what the console needs of agents.Orchestrator.
type Orchestrator interface {
	Run(ctx context.Context, t agents.Turn, sink agents.Sink) (agents.Reply, error)
	Approve(ctx context.Context, c identity.Caller, approvalID string) (agents.ApprovalResult, error)
	Reject(ctx context.Context, c identity.Caller, approvalID, reason string) (agents.ApprovalResult, error)
	Choose(ctx context.Context, c identity.Caller, approvalID, accountID string, remember bool) (agents.ApprovalResult, error)
}

// Chat is one terminal conversation.
type Chat struct {
	Agent  Orchestrator
	Caller identity.Caller
	// Session names the conversation (its thread); the channel is "console".
	Session string
	In      io.Reader
	Out     io.Writer
	// Prompt, when set, is written before each line is read (a terminal).
	Prompt string
}

// Run talks until In ends or ctx is cancelled. A turn's failure is shown
// and the conversation goes on; only a broken reader or writer ends it.
func (c *Chat) Run(ctx context.Context) error {
	lines := bufio.NewScanner(c.In)
	lines.Buffer(make([]byte, 64<<10), 1<<20)
	var waiting []agents.Approval
	for {
		if len(waiting) > 0 {
			c.ask(waiting[0])
		} else if c.Prompt != "" {
			fmt.Fprint(c.Out, c.Prompt)
		}
		if !lines.Scan() {
			if len(waiting) > 0 || c.Prompt != "" {
				fmt.Fprintln(c.Out)
			}
			return lines.Err()
		}
		line := strings.TrimSpace(lines.Text())
		if len(waiting) > 0 {
			first := waiting[0]
			waiting = waiting[1:]
			if first.Status == agents.ApprovalAsking {
				if next := c.choose(ctx, first, line); next != nil {
					waiting = append([]agents.Approval{*next}, waiting...)
				}
				continue
			}
			c.decide(ctx, first, line)
			continue
		}
		if line == "" {
			continue
		}
		reply, err := c.Agent.Run(ctx, agents.Turn{Caller: c.Caller, Channel: "console", Thread: c.Session, Text: line}, &sink{out: c.Out})
		switch {
		case err != nil && reply.Text == "":
			fmt.Fprintf(c.Out, "! %v\n", err)
		case err != nil:
			fmt.Fprintf(c.Out, "\n%s\n", reply.Text)
		default:
			fmt.Fprintln(c.Out)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		waiting = reply.Approvals
	}
}

// decide answers one approval with the line typed.
func (c *Chat) decide(ctx context.Context, a agents.Approval, answer string) {
	var res agents.ApprovalResult
	var err error
	switch strings.ToLower(answer) {
	case "y", "yes":
		res, err = c.Agent.Approve(ctx, c.Caller, a.ID)
	default:
		res, err = c.Agent.Reject(ctx, c.Caller, a.ID, "declined in the terminal")
	}
	switch {
	case errors.Is(err, identity.ErrForbidden):
		fmt.Fprintf(c.Out, "! you may not decide this: %v\n", err)
	case err != nil:
		fmt.Fprintf(c.Out, "! %v\n", err)
	default:
		fmt.Fprintln(c.Out, res.Text)
		if len(res.Result) > 0 {
			fmt.Fprintf(c.Out, "  result: %s\n", res.Result)
		}
	}
}

func firstLine(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
}

// sink writes a turn to the terminal as it happens.
type sink struct {
	out io.Writer
}

func (s *sink) Delta(text string) { fmt.Fprint(s.out, text) }

func (s *sink) Progress(p agents.Progress) {
	switch p.Status {
	case agents.ProgressStarted:
		fmt.Fprintf(s.out, "  … %s\n", p.Text)
	case agents.ProgressDone:
		fmt.Fprintf(s.out, "  ✓ %s (%s)\n", p.Tool, p.Duration.Round(time.Millisecond))
	default:
		fmt.Fprintf(s.out, "  ✗ %s failed (%s)\n", p.Tool, p.Duration.Round(time.Millisecond))
	}
}

func (s *sink) Approval(a agents.Approval) {
	fmt.Fprintf(s.out, "  ⏸ waiting for approval (%s):\n", a.ID)
	for _, l := range strings.Split(a.Preview, "\n") {
		fmt.Fprintf(s.out, "    %s\n", l)
	}
}
