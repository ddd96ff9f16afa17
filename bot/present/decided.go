package present

import (
	"github.com/marketingminds/marketingminds/agents"
)

// Decided says what came of a decided approval and who decided it, who
// written as the door writes a person: a mention in Slack (<@U1>), a
// display name or "you" on the web and in the terminal. An approval not
// decided yet reads as its preview.
func Decided(a agents.Approval, who string) string {
	by := " by " + who
	if who == "" { // decided by no one: a cut-off run's sweep, an expiry
		by = ""
	}
	switch a.Status {
	case agents.ApprovalDone:
		return "Approved" + by + " and done: " + a.Preview
	case agents.ApprovalRunning:
		return "Approved" + by + "; it is running: " + a.Preview
	case agents.ApprovalFailed:
		return "Approved" + by + ", but it failed: " + a.Error
	case agents.ApprovalRejected:
		if a.Checks.Choice != nil && a.Reason != "" { // the account chosen refused it
			return "Not posted: " + a.Reason
		}
		s := "Rejected" + by + ": " + a.Preview
		if a.Reason != "" {
			s += " (reason: " + a.Reason + ")"
		}
		return s
	}
	return a.Preview
}
