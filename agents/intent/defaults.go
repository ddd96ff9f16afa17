package intent

import "strings"

// KindDefault reads or sets the workspace's default account for a
// platform: `default linkedin "Acme Outdoor"`, `default linkedin` (which
// one is it?), `default linkedin none` (ask again each time).
const KindDefault Kind = "default"

// DefaultUsage is KindDefault's usage.
const DefaultUsage = `default linkedin "Acme Outdoor"`

// noDefault are the words that remove a default.
var noDefault = map[string]bool{"none": true, "off": true, "clear": true, "ask": true, "nobody": true, "no": true, "-": true}

// parseDefault reads `default PLATFORM [ACCOUNT]` (also "defaults", "set
// default …"); ok is false when s is not that command.
func parseDefault(s string) (Command, bool, error) {
	toks, err := lex(s)
	if err != nil || len(toks) == 0 {
		return Command{}, false, nil
	}
	i := 0
	if toks[0].low == "set" || toks[0].low == "change" {
		i++
	}
	if i >= len(toks) || (toks[i].low != "default" && toks[i].low != "defaults") {
		return Command{}, false, nil
	}
	rest := toks[i+1:]
	for len(rest) > 0 && (rest[0].low == "account" || rest[0].low == "for") {
		rest = rest[1:]
	}
	if len(rest) == 0 {
		return Command{Kind: KindDefault}, true, nil // list them
	}
	plat, ok := platform(rest[0].low)
	if !ok || plat == "zoho" {
		return Command{}, true, &UsageError{Kind: KindDefault, Problem: "say which platform: " + platformList}
	}
	c := Command{Kind: KindDefault, Platform: plat}
	rest = rest[1:]
	for len(rest) > 0 && !rest[0].quoted && (rest[0].low == "is" || rest[0].low == "to" || rest[0].low == "=" || rest[0].low == ":") {
		rest = rest[1:]
	}
	words := make([]string, 0, len(rest))
	for _, t := range rest {
		words = append(words, t.raw)
	}
	c.Account = strings.TrimSpace(strings.Join(words, " "))
	if len(rest) == 1 && !rest[0].quoted && noDefault[rest[0].low] {
		c.Account, c.ClearDefault = "", true
	}
	return c, true, nil
}
