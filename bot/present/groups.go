package present

import (
	"strings"

	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/groups"
)

// memberName is how an account of a group reads: its name and handle,
// what it is ("Acme Coffee, page") and whether it can be posted to.
func memberName(m groups.Member, kind bool) string {
	if m.Status == "" {
		return "an account no longer in this workspace"
	}
	s := accountName(accounts.Account{AccountName: m.Name, Handle: m.Handle})
	if k := accountKinds[m.Kind]; k != "" && kind {
		s += ", " + k
	}
	switch m.Status {
	case accounts.StatusNeedsReauth:
		s += ", needs reconnecting"
	case accounts.StatusDisconnected:
		s += ", disconnected"
	}
	return s
}

// memberLines are a group's accounts, one a line under its platform.
func memberLines(g groups.Group) []line {
	lines := make([]line, 0, len(g.Accounts))
	for _, m := range g.Accounts {
		l := line{Rest: memberName(m, true)}
		if m.Status != "" {
			l.Lead = Platform(m.Platform)
		}
		lines = append(lines, l)
	}
	return lines
}

// groupSummary is a group's accounts in one line: "Facebook Acme Coffee ·
// X @acme".
func groupSummary(g groups.Group) string {
	parts := make([]string, 0, len(g.Accounts))
	for _, m := range g.Accounts {
		if m.Status == "" {
			parts = append(parts, memberName(m, false))
			continue
		}
		parts = append(parts, Platform(m.Platform)+" "+memberName(m, false))
	}
	return strings.Join(parts, " · ")
}

func groupsCard(_ Env, list []groups.Group) card {
	if len(list) == 0 {
		return card{Title: "No account groups yet.", Sections: []section{{
			Text: "A group names a brand's accounts together (Acme = its Facebook page, Instagram and X); a post to the group goes to each."}},
			Note: `To make one, say: group save "Acme brand" facebook Acme Coffee, instagram, x`}
	}
	lines := make([]line, 0, len(list))
	for _, g := range list {
		lines = append(lines, line{Lead: g.Name, Rest: groupSummary(g)})
	}
	return card{Title: Count(len(list), "account group"), Sections: []section{{Lines: lines}},
		Note: "A post to a group goes to each of its accounts."}
}

func groupCard(_ Env, g groups.Group) card {
	return card{Title: "Saved the group " + g.Name + ".", Sections: []section{{Lines: memberLines(g)}}, Note: groupReach(g)}
}

// groupReach says which of a group's accounts its posts go to: the
// connected ones (tools/publish's resolver leaves the others out).
func groupReach(g groups.Group) string {
	n := 0
	for _, m := range g.Accounts {
		if m.Status == accounts.StatusConnected {
			n++
		}
	}
	switch {
	case n == 0:
		return "None of its accounts can be posted to now: connect them again."
	case n == 1 && len(g.Accounts) > 1:
		return "Posts to " + g.Name + " go only to its connected account; the others are left out until they are connected again."
	case n < len(g.Accounts):
		return "Posts to " + g.Name + " go only to its " + Count(n, "connected account") + "; the others are left out until they are connected again."
	case n == 1:
		return "Posts to " + g.Name + " go to this account."
	}
	return "Posts to " + g.Name + " go to these " + Count(n, "account") + "."
}

func groupDeletedCard(_ Env, d groups.Deleted) card {
	return card{Title: "Deleted the group " + d.Name + ".", Sections: []section{{Text: "Its accounts stay connected."}}}
}
