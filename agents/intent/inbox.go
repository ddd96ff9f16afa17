package intent

import (
	"regexp"
	"strings"
)

// KindInbox reads or sets the Slack channel new inbox items (comments,
// mentions) are posted to: `inbox` (where do they go?), `inbox here` (the
// channel the command is typed in: Status "here"), `inbox off`, `inbox
// C0123ABCD` or a channel link `<#C0123ABCD|social>` (ID).
const KindInbox Kind = "inbox"

// InboxUsage is KindInbox's usage.
const InboxUsage = `inbox here|off|CHANNEL_ID`

var (
	inboxCommand = regexp.MustCompile(`(?i)^inbox(?:\s+(\S+))?\s*$`)
	channelLink  = regexp.MustCompile(`^<#([CG][A-Z0-9]{6,20})(?:\|[^>]*)?>$`)
)

// parseInbox reads `inbox [here|off|CHANNEL_ID]`; ok is false when s is not
// that command.
func parseInbox(s string) (Command, bool, error) {
	m := inboxCommand.FindStringSubmatch(s)
	if m == nil {
		return Command{}, false, nil
	}
	c := Command{Kind: KindInbox}
	arg := m[1]
	switch low := strings.ToLower(arg); {
	case arg == "":
	case low == "here" || low == "this":
		c.Status = "here"
	case onOff[low] == "off":
		c.Status = "off"
	case channelID.MatchString(arg):
		c.ID = arg
	case channelLink.MatchString(arg):
		c.ID = channelLink.FindStringSubmatch(arg)[1]
	default:
		return Command{}, true, &UsageError{Kind: KindInbox, Problem: "type `inbox here` in the channel the comments should go to, say off, or give the channel's id (like C0123ABCD: the channel's details show it at the bottom)"}
	}
	return c, true, nil
}
