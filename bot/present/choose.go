package present

import (
	"github.com/marketingminds/marketingminds/agents"
)

// The actions of a "which account?" question. Their value is "<approval
// id>|<account id>": the account chosen, or chosen and remembered as the
// platform's default.
const (
	ActChoose   = "mm_choose"
	ActRemember = "mm_choose_remember"
)

// questionCard is an approval that first asks which account (buttons
// naming each, never an id), or one whose post was found a duplicate
// before approval (post anyway / cancel); ok is false for a plain one.
func questionCard(env Env, a agents.Approval) (card, bool) {
	switch {
	case a.Status == agents.ApprovalAsking && a.Checks.Choice != nil:
		c := card{Title: a.Preview, Note: "Or choose and remember it for next time."}
		var keep []Choice
		for _, o := range a.Checks.Choice.Options {
			value := a.ID + "|" + o.AccountID
			c.Choices = append(c.Choices, Choice{Label: o.Label(), Action: ActChoose, Value: value})
			keep = append(keep, Choice{Label: "Always " + o.Name, Action: ActRemember, Value: value})
		}
		c.Choices = append(append(c.Choices, keep...), Choice{Label: "Cancel", Action: ActReject, Value: a.ID, Style: StyleDanger})
		return c, true
	case len(a.Checks.Duplicates) > 0:
		var lines []line
		for _, d := range a.Checks.Duplicates {
			lines = append(lines, line{Lead: d.Account + " (" + d.Platform.Label() + ")",
				Rest: "already has the same text, " + When(env, d.At) + ". Post anyway to send it again."})
		}
		return card{Title: "Already posted today", Sections: []section{{Lines: lines}, {Text: a.Preview}},
			Choices: []Choice{
				{Label: "Post anyway", Action: ActApprove, Value: a.ID, Style: StylePrimary},
				{Label: "Cancel", Action: ActReject, Value: a.ID, Style: StyleDanger},
			}}, true
	}
	return card{}, false
}
