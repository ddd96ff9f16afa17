package intent

import (
	"slices"
	"strings"
)

// KindGroup lists, saves or deletes account groups (a brand's accounts
// under one name): `group` lists them; `group save "Acme brand" facebook
// Acme Coffee, instagram, x` saves one (Status "save", Group the name,
// Accounts each account as people name it: a platform, then its account's
// name when the platform has several); `group delete "Acme brand"` (Status
// "delete").
const KindGroup Kind = "group"

// GroupSaveUsage and GroupDeleteUsage are KindGroup's usages.
const (
	GroupSaveUsage   = `group save "Acme brand" facebook Acme Coffee, instagram, x`
	GroupDeleteUsage = `group delete "Acme brand"`
)

var (
	groupSaveWords   = map[string]bool{"save": true, "set": true, "make": true, "create": true, "add": true, "new": true, "update": true}
	groupDeleteWords = map[string]bool{"delete": true, "remove": true, "rm": true, "del": true, "drop": true}
	// groupJoiners separate the accounts of a group.
	groupJoiners = map[string]bool{",": true, "and": true, "&": true, "+": true}
)

// parseGroup reads `group|groups [list | save NAME ACCOUNTS… | delete
// NAME]`; ok is false when s is not that command. NAME is quoted, or the
// words before the first platform (or before a colon); each account starts
// at a platform word or after a comma or "and".
func parseGroup(s string) (Command, bool, error) {
	toks, err := lex(s)
	if err == nil && askingForGroups(toks) {
		return Command{Kind: KindGroup}, true, nil
	}
	if err != nil || len(toks) == 0 || toks[0].quoted || (toks[0].low != "group" && toks[0].low != "groups") {
		return Command{}, false, nil
	}
	c := Command{Kind: KindGroup}
	rest := toks[1:]
	if len(rest) == 0 || len(rest) == 1 && !rest[0].quoted && (rest[0].low == "list" || rest[0].low == "ls") {
		return c, true, nil
	}
	verb := rest[0].low
	switch {
	case rest[0].quoted:
	case groupSaveWords[verb]:
		c.Status = "save"
	case groupDeleteWords[verb]:
		c.Status = "delete"
	}
	if c.Status == "" {
		return Command{}, true, &UsageError{Kind: KindGroup, Problem: "say `group` to list the groups, `" + GroupSaveUsage + "` or `" + GroupDeleteUsage + "`"}
	}
	rest = rest[1:]
	if c.Status == "delete" {
		c.Group = strings.TrimSpace(joinRaw(rest))
		if c.Group == "" {
			return Command{}, true, &UsageError{Kind: KindGroup, Problem: "say which group to delete: `" + GroupDeleteUsage + "`"}
		}
		return c, true, nil
	}
	c.Group, rest = groupName(rest)
	if c.Group == "" {
		return Command{}, true, &UsageError{Kind: KindGroup, Problem: "give the group a name, then its accounts"}
	}
	c.Accounts = groupAccounts(rest)
	if len(c.Accounts) == 0 {
		return Command{}, true, &UsageError{Kind: KindGroup, Problem: "name the accounts of " + c.Group + ": a platform each, and its account's name when the platform has several"}
	}
	return c, true, nil
}

// groupListWords are the words of a question for the groups ("list
// groups", "what account groups do we have?", "show me our groups").
var groupListWords = map[string]bool{"list": true, "show": true, "me": true, "what": true, "which": true, "are": true, "do": true,
	"we": true, "i": true, "have": true, "my": true, "our": true, "the": true, "all": true, "account": true, "there": true, "?": true}

// askingForGroups says whether toks only ask to see the groups: "groups"
// and question words, nothing else.
func askingForGroups(toks []token) bool {
	named := false
	for _, t := range toks {
		w := strings.TrimRight(t.low, "?!.")
		switch {
		case t.quoted:
			return false
		case w == "groups":
			named = true
		case w != "" && !groupListWords[w]:
			return false
		}
	}
	return named && len(toks) > 1
}

// groupName cuts a group's name off the front of toks: a quoted text, the
// words before a colon (or "="), else the words before the first platform.
func groupName(toks []token) (string, []token) {
	if len(toks) == 0 {
		return "", nil
	}
	if toks[0].quoted {
		return strings.TrimSpace(toks[0].raw), skipWords(toks[1:], ":", "=", "with", "is")
	}
	for i, t := range toks {
		if t.raw == "=" || strings.HasSuffix(t.raw, ":") {
			name := joinRaw(toks[:i]) + " " + strings.TrimSuffix(t.raw, ":")
			if t.raw == "=" {
				name = joinRaw(toks[:i])
			}
			return strings.TrimSpace(name), toks[i+1:]
		}
	}
	for i, t := range toks {
		if _, ok := platform(t.low); ok && !t.quoted && i > 0 {
			return joinRaw(toks[:i]), skipWords(toks[i:], "with")
		}
	}
	return joinRaw(toks[:1]), toks[1:]
}

// groupAccounts splits toks into accounts as people name them: each starts
// at a platform word (written canonically: "fb" is "facebook") or after a
// joiner, and goes on with the account's name.
func groupAccounts(toks []token) []string {
	var out []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.Join(cur, " "))
			cur = nil
		}
	}
	for _, t := range toks {
		if !t.quoted && groupJoiners[t.low] {
			flush()
			continue
		}
		if p, ok := platform(t.low); ok && !t.quoted {
			flush()
			cur = append(cur, p)
			continue
		}
		cur = append(cur, t.raw)
	}
	flush()
	return out
}

// skipWords drops the leading tokens that are one of words.
func skipWords(toks []token, words ...string) []token {
	for len(toks) > 0 && !toks[0].quoted && (slices.Contains(words, toks[0].low) || slices.Contains(words, toks[0].raw)) {
		toks = toks[1:]
	}
	return toks
}

// joinRaw is toks as written, spaced.
func joinRaw(toks []token) string {
	words := make([]string, 0, len(toks))
	for _, t := range toks {
		words = append(words, t.raw)
	}
	return strings.Join(words, " ")
}
