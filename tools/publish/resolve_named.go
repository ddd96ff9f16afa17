package publish

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/marketingminds/marketingminds/integrations/platform"
	connected "github.com/marketingminds/marketingminds/tools/accounts"
)

// matches are the connected accounts of list that words name, on p (any
// platform when p is ""): exact names it by id, name or handle (any case);
// part, where a part of the name matches.
func matches(list []connected.Account, p platform.Name, words string) (exact, part []connected.Account) {
	w := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(words), "@"))
	for _, a := range list {
		if p != "" && a.Platform != p || a.Status != connected.StatusConnected || !slices.Contains(platform.Social, a.Platform) {
			continue
		}
		switch {
		case a.ID == words || strings.EqualFold(a.AccountName, w) || strings.EqualFold(strings.TrimPrefix(a.Handle, "@"), w):
			exact = append(exact, a)
		case w != "" && strings.Contains(strings.ToLower(a.AccountName), w):
			part = append(part, a)
		}
	}
	return exact, part
}

// named reads one account as people name it (Where.Accounts): a platform
// alone ("x") is returned as p, for Resolve to read after the accounts
// named, as posting to it does (its one account, else its default, else a
// question); a platform and a
// name ("facebook Acme Coffee", "x @acme") is that platform's account so
// called; a name alone is the one account of any platform so called.
func named(all []connected.Account, words string) (connected.Account, platform.Name, *Problem) {
	words = strings.TrimSpace(words)
	first, rest, _ := strings.Cut(words, " ")
	if p, ok := ParsePlatform(first); ok {
		rest = strings.TrimSpace(rest)
		if rest == "" {
			return connected.Account{}, p, nil
		}
		a, err := pick(all, p, rest)
		var ve *ValidationError
		if errors.As(err, &ve) && len(ve.Problems) > 0 {
			return connected.Account{}, "", &ve.Problems[0]
		}
		return a, "", nil
	}
	exact, part := matches(all, "", words)
	if len(exact) == 0 && len(part) == 1 {
		exact = part
	}
	if len(exact) == 1 {
		return exact[0], "", nil
	}
	if len(exact) == 0 && len(part) == 0 {
		return connected.Account{}, "", &Problem{Field: "accounts", Message: fmt.Sprintf("no connected account is called %q; name a platform first, like \"facebook %s\"", words, words)}
	}
	if len(exact) == 0 {
		exact = part
	}
	options := make([]string, len(exact))
	for i, a := range exact {
		options[i] = fmt.Sprintf("%q", strings.ToLower(a.Platform.Label())+" "+a.AccountName)
	}
	return connected.Account{}, "", &Problem{Field: "accounts", Message: fmt.Sprintf("%q names several accounts; say which: %s", words, strings.Join(options, " or "))}
}
