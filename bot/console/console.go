// Package console is the terminal door: a conversation with the orchestrator
// over a reader and a writer. It works the same whether stdin is a terminal
// or a pipe: a line in is a message, the answer streams out, tool progress is
// shown as it happens, and results are rendered as aligned text
// (bot/present). When an action waits for approval, "y" approves it and "n"
// rejects it; any other line is answered as a new request and the approval
// stays pending, with a reminder. Choices offered with a result are numbered:
// typing the number does it. A session can be scripted.
package console

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/bot/present"
	"github.com/marketingminds/marketingminds/tools/fault"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/media"
)

// Orchestrator is what the console needs of agents.Orchestrator.
type Orchestrator interface {
	Run(ctx context.Context, t agents.Turn, sink agents.Sink) (agents.Reply, error)
	Approve(ctx context.Context, c identity.Caller, approvalID string) (agents.ApprovalResult, error)
	Reject(ctx context.Context, c identity.Caller, approvalID, reason string) (agents.ApprovalResult, error)
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
	// Loc is the person's time zone (nil: UTC); Now the clock (nil: time.Now).
	Loc *time.Location
	Now func() time.Time
	// PublicURL is where the dashboard is served, for links ("" none).
	PublicURL string
	// Media, when set, reads the stored media a result names, for their
	// alt text and names (*media.Service).
	Media interface {
		Get(ctx context.Context, c identity.Caller, id string) (media.Media, error)
	}
	// Present renders results; nil: present.New().
	Present *present.Registry
	Log     zerolog.Logger
}

// session is a conversation's state between lines: the approvals waiting
// and the numbered choices last offered.
type session struct {
	waiting []agents.Approval
	choices []present.Choice
}

// Run talks until In ends or ctx is cancelled. A turn's failure is shown
// and the conversation goes on; only a broken reader or writer ends it.
func (c *Chat) Run(ctx context.Context) error {
	if c.Present == nil {
		c.Present = present.New()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	lines := bufio.NewScanner(c.In)
	lines.Buffer(make([]byte, 64<<10), 1<<20)
	var s session
	for {
		if len(s.waiting) > 0 {
			c.ask(s.waiting[0])
		} else if c.Prompt != "" {
			fmt.Fprint(c.Out, c.Prompt)
		}
		if !lines.Scan() {
			if len(s.waiting) > 0 || c.Prompt != "" {
				fmt.Fprintln(c.Out)
			}
			return lines.Err()
		}
		line := strings.TrimSpace(lines.Text())
		switch answer := strings.ToLower(line); {
		case line == "":
			continue
		case len(s.waiting) > 0 && s.waiting[0].Status == agents.ApprovalAsking && (answer == "y" || answer == "yes"):
			fmt.Fprintln(c.Out, "Type the number of the account first.")
			continue
		case len(s.waiting) > 0 && (answer == "y" || answer == "yes"):
			c.decide(ctx, s.waiting[0], true)
			s.waiting = s.waiting[1:]
			continue
		case len(s.waiting) > 0 && (answer == "n" || answer == "no"):
			c.decide(ctx, s.waiting[0], false)
			s.waiting = s.waiting[1:]
			continue
		}
		asking := len(s.waiting) > 0 && s.waiting[0].Status == agents.ApprovalAsking
		if n, err := strconv.Atoi(line); err == nil && n >= 1 && n <= len(s.choices) && !asking {
			line = s.choices[n-1].Words()
		}
		s.choices = nil
		reply, err := c.Agent.Run(ctx, agents.Turn{Caller: c.Caller, Channel: "console", Thread: c.Session, Text: line}, &sink{out: c.Out})
		if ctx.Err() != nil {
			return ctx.Err()
		}
		c.show(ctx, reply, err, &s)
	}
}

// show writes a turn's end: its failure, the results nobody wrote about,
// the numbered choices, the new approvals and a reminder of older ones.
func (c *Chat) show(ctx context.Context, reply agents.Reply, err error, s *session) {
	env := c.env(ctx)
	switch {
	case err != nil && reply.Text == "":
		f := fault.Failure{Kind: fault.Internal, Ref: fault.NewRef()}
		c.Log.Error().Err(err).Str("ref", f.Ref).Msg("console: turn")
		fmt.Fprintln(c.Out, c.Present.Terminal(env, f).Text)
	case err != nil:
		fmt.Fprintf(c.Out, "\n%s\n", reply.Text)
	case reply.Text != "":
		fmt.Fprintln(c.Out)
	}
	for _, v := range c.Present.Shown(reply) {
		t := c.Present.Terminal(env, v)
		fmt.Fprintln(c.Out, t.Text)
		c.offer(t.Choices, s)
	}
	older := len(s.waiting)
	for _, a := range reply.Approvals {
		if i := slices.IndexFunc(s.waiting, func(w agents.Approval) bool { return w.ID == a.ID }); i >= 0 {
			s.waiting[i], older = a, older-1 // an answer moved it on (asked which account, now to approve)
			continue
		}
		s.waiting = append(s.waiting, a)
	}
	if older > 0 {
		fmt.Fprintf(c.Out, "Still waiting for your answer: %s\n", firstLine(s.waiting[0].Preview))
	}
}

// offer numbers the choices a person can make by typing a number; the
// approve and reject choices are answered with y and n instead.
func (c *Chat) offer(cs []present.Choice, s *session) {
	var usable []present.Choice
	for _, ch := range cs {
		if ch.Words() != "" {
			usable = append(usable, ch)
		}
	}
	if len(usable) == 0 {
		return
	}
	fmt.Fprintln(c.Out, present.ChoiceLines(len(s.choices)+1, usable))
	s.choices = append(s.choices, usable...)
}

func (c *Chat) env(ctx context.Context) present.Env {
	env := present.Env{Loc: c.Loc, Now: c.Now(), PublicURL: c.PublicURL}
	if c.Media != nil {
		env.Media = func(id string) (media.Media, bool) {
			m, err := c.Media.Get(ctx, c.Caller, id)
			return m, err == nil
		}
	}
	return env
}

// decide approves or rejects one approval and shows what came of it.
func (c *Chat) decide(ctx context.Context, a agents.Approval, approve bool) {
	var res agents.ApprovalResult
	var err error
	verb := "Approved"
	if approve {
		res, err = c.Agent.Approve(ctx, c.Caller, a.ID)
	} else {
		verb = "Rejected"
		res, err = c.Agent.Reject(ctx, c.Caller, a.ID, "declined in the terminal")
	}
	var f fault.Failure
	switch {
	case errors.Is(err, identity.ErrForbidden):
		f = fault.Failure{Kind: fault.Forbidden}
	case errors.Is(err, agents.ErrDecided):
		fmt.Fprintf(c.Out, "This was already decided: it is %s.\n", res.Approval.Status)
		return
	case err != nil:
		f = fault.Failure{Kind: fault.Internal, Ref: fault.NewRef()}
		c.Log.Error().Err(err).Str("ref", f.Ref).Str("approval", a.ID).Msg("console: decide")
	}
	if f.Kind != "" {
		fmt.Fprintln(c.Out, c.Present.Terminal(c.env(ctx), f).Text)
		return
	}
	fmt.Fprintf(c.Out, "%s: %s\n", verb, strings.TrimSuffix(firstLine(a.Preview), ":"))
	if res.Value != nil {
		fmt.Fprintln(c.Out, c.Present.Terminal(c.env(ctx), res.Value).Text)
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
	case agents.ProgressFailed:
		fmt.Fprintf(s.out, "  ✗ %s\n", strings.TrimSuffix(p.Text, "…"))
	}
}

// Result is shown at the turn's end, once it is known whether the model
// wrote about it.
func (s *sink) Result(agents.Result) {}

func (s *sink) Approval(a agents.Approval) {
	if a.Status == agents.ApprovalAsking {
		return // the question is asked as a numbered choice below
	}
	fmt.Fprintln(s.out, "  ⏸ this needs your approval:")
	for _, l := range strings.Split(a.Preview, "\n") {
		fmt.Fprintf(s.out, "    %s\n", l)
	}
}
