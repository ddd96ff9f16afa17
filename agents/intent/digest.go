package intent

import (
	"regexp"
	"strings"
)

// KindDigest reads or switches the weekly digest: `digest` (where does it
// go?), `digest on`, `digest off`, `digest C0123ABCD` (its channel).
const KindDigest Kind = "digest"

// DigestUsage is KindDigest's usage.
const DigestUsage = `digest on|off|CHANNEL_ID`

var digestCommand = regexp.MustCompile(`(?i)^(?:weekly\s+)?digest(?:\s+(\S+))?\s*$`)

// parseDigest reads `digest [on|off|CHANNEL_ID]`; ok is false when s is
// not that command. On and off are in Status, a channel id in ID.
func parseDigest(s string) (Command, bool, error) {
	m := digestCommand.FindStringSubmatch(s)
	if m == nil {
		return Command{}, false, nil
	}
	c := Command{Kind: KindDigest}
	switch arg := m[1]; {
	case arg == "":
	case onOff[strings.ToLower(arg)] != "":
		c.Status = onOff[strings.ToLower(arg)]
	case channelID.MatchString(arg):
		c.ID = arg
	default:
		return Command{}, true, &UsageError{Kind: KindDigest, Problem: "say on, off, or the channel's id (like C0123ABCD: the channel's details show it at the bottom)"}
	}
	return c, true, nil
}

var (
	onOff     = map[string]string{"on": "on", "off": "off", "yes": "on", "no": "off", "enable": "on", "disable": "off", "stop": "off", "start": "on"}
	channelID = regexp.MustCompile(`^[CG][A-Z0-9]{6,20}$`)
)
