package present

import (
	"strings"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/tools/accounts"
)

// accountName is how an account reads: its name and handle.
func accountName(a accounts.Account) string {
	name, handle := strings.TrimSpace(a.AccountName), strings.TrimPrefix(strings.TrimSpace(a.Handle), "@")
	switch {
	case name != "" && handle != "" && !strings.EqualFold(name, handle):
		return name + " (@" + handle + ")"
	case name != "":
		return name
	case handle != "":
		return "@" + handle
	}
	return "an unnamed account"
}

var accountKinds = map[string]string{"member": "personal profile", "organization": "company page", "page": "page"}

func accountsCard(_ Env, list []accounts.Account) card {
	if len(list) == 0 {
		return card{Title: "No accounts are connected yet.", Sections: []section{{Text: "Say “connect LinkedIn” (or Facebook, Instagram, X) to add one."}}}
	}
	var lines []line
	var choices []Choice
	reconnect := map[string]bool{}
	for _, a := range list {
		rest := accountName(a)
		if k := accountKinds[a.Kind]; k != "" {
			rest += ", " + k
		}
		switch a.Status {
		case accounts.StatusNeedsReauth:
			rest += " — needs reconnecting"
			if !reconnect[string(a.Platform)] {
				reconnect[string(a.Platform)] = true
				choices = append(choices, Choice{Label: "Reconnect " + Platform(a.Platform), Action: ActReconnect, Value: string(a.Platform), Style: StylePrimary})
			}
		case accounts.StatusDisconnected:
			rest += " — disconnected"
		}
		lines = append(lines, line{Lead: Platform(a.Platform), Rest: rest})
	}
	return card{Title: Count(len(list), "connected account"), Sections: []section{{Lines: lines}}, Choices: choices}
}

func disconnectedCard(_ Env, a accounts.Account) card {
	return card{Title: "Disconnected " + Platform(a.Platform) + " " + accountName(a) + ".",
		Sections: []section{{Text: "Scheduled posts to it will not go out; connect it again to post there."}}}
}

func connectCard(_ Env, r agents.ConnectResult) card {
	label := "Connect " + Platform(r.Platform)
	return card{Title: label, Sections: []section{{
		Text:  "Open the link and grant access; the account appears here once it is done.",
		Lines: []line{{Link: link{Text: label, URL: r.AuthURL}}},
	}}, Note: "The link works once, for 10 minutes."}
}
