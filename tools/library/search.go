package library

import (
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// maxKeyRunes bounds a search key: a query word longer than this matches
// on its first maxKeyRunes letters.
const maxKeyRunes = 20

// fold lowercases s and strips its accents ("Café" → "cafe"), so searches
// and tags match the way people expect.
func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return norm.NFC.String(b.String())
}

// words splits s into its folded words: runs of letters and digits.
func words(s string) []string {
	return strings.FieldsFunc(fold(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// searchKeys are what an item is found by: every prefix (2 to maxKeyRunes
// letters) of every word of its title, body and tags. Equality on them is a
// prefix search both backends run without regular expressions or $text.
func searchKeys(it Item) []string {
	seen := map[string]bool{}
	add := func(text string) {
		for _, w := range words(text) {
			r := []rune(w)
			for n := 2; n <= min(len(r), maxKeyRunes); n++ {
				seen[string(r[:n])] = true
			}
		}
	}
	add(it.Title)
	add(it.Body)
	for _, t := range it.Tags {
		add(t)
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// queryKeys turns search text into the keys an item must all hold; words
// of one letter are ignored.
func queryKeys(text string) []string {
	var keys []string
	for _, w := range words(text) {
		r := []rune(w)
		if len(r) < 2 {
			continue
		}
		k := string(r[:min(len(r), maxKeyRunes)])
		if !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	return keys
}

// tagKey is how tags compare: folded, without a leading '#'.
func tagKey(tag string) string { return fold(strings.TrimPrefix(strings.TrimSpace(tag), "#")) }

// tagKeysOf are an item's tags as the tag filter matches them.
func tagKeysOf(tags []string) []string {
	keys := make([]string, 0, len(tags))
	for _, t := range tags {
		keys = append(keys, tagKey(t))
	}
	return keys
}
