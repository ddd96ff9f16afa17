package console

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/marketingminds/marketingminds/agents"
)

// ask shows what waits: a numbered choice of accounts, a warned post
// ("post anyway?") or an approval.
func (c *Chat) ask(a agents.Approval) {
	switch {
	case a.Status == agents.ApprovalAsking && a.Checks.Choice != nil:
		fmt.Fprintln(c.Out, a.Preview)
		for i, o := range a.Checks.Choice.Options {
			fmt.Fprintf(c.Out, "  %d) %s\n", i+1, o.Label())
		}
		fmt.Fprintf(c.Out, "Choose 1-%d (add r to remember it, like 2r), anything else cancels: ", len(a.Checks.Choice.Options))
	case len(a.Checks.Duplicates) > 0:
		for _, d := range a.Checks.Duplicates {
			fmt.Fprintf(c.Out, "! %s\n", d.Message())
		}
		fmt.Fprintf(c.Out, "Post anyway %q? [y/N] ", firstLine(a.Preview))
	default:
		fmt.Fprintf(c.Out, "Approve %q? [y/N] ", firstLine(a.Preview))
	}
}

// choose answers a question with the line typed ("2", "2r", "2 remember");
// it returns what waits next, or nil (cancelled, failed or done).
func (c *Chat) choose(ctx context.Context, a agents.Approval, line string) *agents.Approval {
	word := strings.ToLower(strings.TrimSpace(line))
	remember := strings.HasSuffix(word, "r") || strings.Contains(word, "remember")
	digits := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(strings.ReplaceAll(word, "remember", "")), "r"))
	n, err := strconv.Atoi(digits)
	opts := a.Checks.Choice.Options
	if err != nil || n < 1 || n > len(opts) {
		if _, err := c.Agent.Reject(ctx, c.Caller, a.ID, "cancelled in the terminal"); err != nil {
			fmt.Fprintf(c.Out, "! %v\n", err)
			return nil
		}
		fmt.Fprintln(c.Out, "Cancelled: nothing was posted.")
		return nil
	}
	res, err := c.Agent.Choose(ctx, c.Caller, a.ID, opts[n-1].AccountID, remember)
	if err != nil {
		fmt.Fprintf(c.Out, "! %v\n", err)
		return nil
	}
	fmt.Fprintln(c.Out, res.Text)
	if st := res.Approval.Status; st == agents.ApprovalAsking || st == agents.ApprovalPending {
		next := res.Approval
		return &next
	}
	return nil
}
