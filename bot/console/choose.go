package console

import (
	"fmt"

	"github.com/marketingminds/marketingminds/agents"
)

// ask shows what waits: a numbered choice of accounts (the number, in
// words, is answered by the orchestrator), a warned post ("post anyway?")
// or an approval.
func (c *Chat) ask(a agents.Approval) {
	switch {
	case a.Status == agents.ApprovalAsking && a.Checks.Choice != nil:
		fmt.Fprintln(c.Out, a.Preview)
		for i, o := range a.Checks.Choice.Options {
			fmt.Fprintf(c.Out, "  %d) %s\n", i+1, o.Label())
		}
		fmt.Fprintf(c.Out, "Type 1-%d (\"2 remember\" keeps it for next time), n to cancel: ", len(a.Checks.Choice.Options))
	case len(a.Checks.Duplicates) > 0:
		for _, d := range a.Checks.Duplicates {
			fmt.Fprintf(c.Out, "! %s\n", d.Message())
		}
		fmt.Fprintf(c.Out, "Post anyway %q? [y/n] ", firstLine(a.Preview))
	default:
		fmt.Fprintf(c.Out, "Approve %q? [y/n] ", firstLine(a.Preview))
	}
}
