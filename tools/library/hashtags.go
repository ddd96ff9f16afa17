package library

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/limit"
)

// Hashtag is one suggestion.
type Hashtag struct {
	Tag string `json:"tag"` // "#SummerSale"
	// Source says where it comes from: "text", "library" (the workspace's
	// tags and the hashtags of its recent items) or "text+library".
	Source string `json:"source"`
}

// Suggestions are SuggestHashtags' answer.
type Suggestions struct {
	Platform platform.Name `json:"platform,omitempty"`
	Hashtags []Hashtag     `json:"hashtags"`
	// Max is how many hashtags the platform's norm leaves room for, after
	// those the text already has.
	Max int `json:"max"`
	// Note explains a count lower than asked for.
	Note string `json:"note,omitempty"`
}

// habit is a platform's habit: how many hashtags by default and at most,
// and how long a tag reads well.
type habit struct {
	label          string
	deflt, max     int
	longTag        int // runes; longer tags score lower (0: no preference)
	longTagPenalty float64
}

var habits = map[platform.Name]habit{
	platform.Twitter:   {label: "X posts", deflt: 2, max: 3, longTag: 16, longTagPenalty: 1.5},
	platform.Instagram: {label: "Instagram posts", deflt: 5, max: 30},
	platform.LinkedIn:  {label: "LinkedIn posts", deflt: 3, max: 5, longTag: 24, longTagPenalty: 0.5},
	platform.Facebook:  {label: "Facebook posts", deflt: 2, max: 3, longTag: 20, longTagPenalty: 0.5},
	"":                 {label: "posts", deflt: 5, max: 10},
}

// recentItems is how much of the library informs suggestions.
const recentItems = 200

// MaxHashtagChars is the longest hashtag suggested (without the '#'): a
// longer word or phrase is no tag anyone reads, and no answer grows with
// the text.
const MaxHashtagChars = 40

var hashtagRe = regexp.MustCompile(`#([\p{L}\p{N}_]+)`)

// SuggestHashtags suggests up to n hashtags (0: the platform's usual count)
// for text on platformName (facebook, instagram, twitter or x, linkedin; ""
// for any), best first, without an LLM: the text's salient words and
// phrases (stop words removed, camel-cased), preferring the workspace's own
// tags and the hashtags of its recent library items, within the platform's
// norm (X at most 3, Facebook 3, LinkedIn 3 to 5, Instagram up to 30),
// counting the hashtags the text already has. The same input gives the
// same answer. Any role.
func (s *Service) SuggestHashtags(ctx context.Context, c identity.Caller, text, platformName string, n int) (Suggestions, error) {
	if err := c.Require(identity.Viewer); err != nil {
		return Suggestions{}, err
	}
	var p platform.Name
	if strings.TrimSpace(platformName) != "" {
		var ok bool
		if p, ok = parsePlatform(platformName); !ok {
			return Suggestions{}, fmt.Errorf("%w: %s is not a platform: use facebook, instagram, twitter (or x) or linkedin", ErrInvalid, limit.Quote(platformName))
		}
	}
	if strings.TrimSpace(text) == "" {
		return Suggestions{}, fmt.Errorf("%w: give the text to suggest hashtags for", ErrInvalid)
	}
	if n := utf8.RuneCountInString(text); n > limit.TextChars {
		return Suggestions{}, fmt.Errorf("%w: the text is %d characters long; at most %d are taken", ErrInvalid, n, limit.TextChars)
	}
	if n < 0 {
		return Suggestions{}, fmt.Errorf("%w: n is how many hashtags to suggest: 0 for the platform's usual count, or more", ErrInvalid)
	}
	items, err := s.store.List(ctx, c.WorkspaceID, Query{Limit: recentItems})
	if err != nil {
		return Suggestions{}, fmt.Errorf("library: suggest hashtags: %w", err)
	}
	nm := habits[p]
	toks, existing := tokenize(text)
	out := Suggestions{Platform: p, Hashtags: []Hashtag{}, Max: max(0, nm.max-len(existing))}
	want := n
	if want == 0 {
		want = nm.deflt
	}
	switch {
	case out.Max == 0:
		out.Note = fmt.Sprintf("the text already has %d hashtags, as many as %s should carry (%d)", len(existing), nm.label, nm.max)
		return out, nil
	case want > out.Max:
		out.Note = fmt.Sprintf("%s carry at most %d hashtags", nm.label, nm.max)
		if len(existing) > 0 {
			out.Note += fmt.Sprintf(" and the text has %d", len(existing))
		}
		out.Note += fmt.Sprintf(": suggesting up to %d", out.Max)
		want = out.Max
	}
	cands := slices.DeleteFunc(candidates(toks, libraryTags(items), existing), func(cd *candidate) bool {
		return utf8.RuneCountInString(cd.display) > MaxHashtagChars
	})
	for _, cd := range cands {
		if nm.longTag > 0 && utf8.RuneCountInString(cd.display) > nm.longTag {
			cd.score -= nm.longTagPenalty
		}
	}
	slices.SortStableFunc(cands, func(a, b *candidate) int {
		switch {
		case a.score != b.score:
			if a.score > b.score {
				return -1
			}
			return 1
		case a.first != b.first:
			return a.first - b.first
		}
		return strings.Compare(a.key, b.key)
	})
	// A word of a phrase already picked comes only after everything else.
	var picked, later []*candidate
	for _, cd := range cands {
		if covered(cd, picked) {
			later = append(later, cd)
		} else {
			picked = append(picked, cd)
		}
	}
	for _, cd := range append(picked, later...)[:min(want, len(cands))] {
		out.Hashtags = append(out.Hashtags, Hashtag{Tag: "#" + cd.display, Source: cd.source()})
	}
	return out, nil
}

// token is a word of the text.
type token struct {
	orig string
	key  string // folded
	// phraseStart: a stop word, punctuation or a skipped token comes
	// before it, so it does not continue a phrase.
	phraseStart bool
	// sentenceStart: it opens a sentence (a capital there says nothing).
	sentenceStart bool
}

// tokenize splits text into words, skipping links, @mentions and hashtags
// (whose folded names it returns).
func tokenize(text string) ([]token, map[string]bool) {
	var toks []token
	existing := map[string]bool{}
	brk, sentence := true, true
	for _, field := range strings.Fields(text) {
		lower := strings.ToLower(field)
		switch {
		case strings.HasPrefix(lower, "http://"), strings.HasPrefix(lower, "https://"), strings.HasPrefix(lower, "www."), strings.HasPrefix(field, "@"):
			brk = true
			continue
		case strings.HasPrefix(field, "#"):
			for _, m := range hashtagRe.FindAllStringSubmatch(field, -1) {
				existing[fold(m[1])] = true
			}
			brk = true
			continue
		}
		var word []rune
		flush := func() {
			w := strings.TrimSuffix(strings.TrimSuffix(string(word), "'s"), "’s")
			w = strings.Trim(w, "'’")
			word = word[:0]
			if w == "" {
				return
			}
			toks = append(toks, token{orig: w, key: fold(w), phraseStart: brk, sentenceStart: sentence})
			brk, sentence = false, false
		}
		for _, r := range field {
			switch {
			case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' || r == '’':
				word = append(word, r)
			case r == '-' || r == '/' || r == '&':
				flush()
			default:
				flush()
				brk = true
				if r == '.' || r == '!' || r == '?' {
					sentence = true
				}
			}
		}
		flush()
	}
	return toks, existing
}

// libTag is a tag the workspace uses: as written, and how often.
type libTag struct {
	display string
	count   int
}

// libraryTags gathers the tags and hashtags of items, by folded name.
func libraryTags(items []Item) map[string]*libTag {
	out := map[string]*libTag{}
	add := func(tag string) {
		k := fold(tag)
		if t, ok := out[k]; ok {
			t.count++
			return
		}
		out[k] = &libTag{display: tag, count: 1}
	}
	for _, it := range items {
		for _, t := range it.Tags {
			add(t)
		}
		texts := []string{it.Body}
		for _, p := range platform.Social {
			texts = append(texts, it.Variants[p])
		}
		for _, text := range texts {
			for _, m := range hashtagRe.FindAllStringSubmatch(text, -1) {
				add(m[1])
			}
		}
	}
	return out
}

// candidate is a possible hashtag.
type candidate struct {
	key      string   // folded, no '#'
	display  string   // as suggested, no '#'
	parts    []string // the text words it is made of
	score    float64
	first    int // position of its first use in the text (library-only: after the text)
	fromText bool
	fromLib  bool
}

func (c *candidate) source() string {
	switch {
	case c.fromText && c.fromLib:
		return "text+library"
	case c.fromLib:
		return "library"
	}
	return "text"
}

// covered reports whether cd is a word of a phrase already picked.
func covered(cd *candidate, picked []*candidate) bool {
	for _, p := range picked {
		if len(cd.parts) == 1 && len(p.parts) > 1 && slices.Contains(p.parts, cd.key) {
			return true
		}
	}
	return false
}

// salient reports whether a word can make a hashtag.
func salient(t token) bool {
	if stopWords[t.key] {
		return false
	}
	if strings.IndexFunc(t.key, func(r rune) bool { return !unicode.IsDigit(r) }) < 0 {
		return false // a number alone
	}
	n := utf8.RuneCountInString(t.key)
	return n >= 3 || (n == 2 && isUpper(t.orig)) // "AI", "UX"
}

func isUpper(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return !unicode.IsUpper(r) && !unicode.IsDigit(r) }) < 0
}

// camel is a word as a hashtag part: "summer" → "Summer"; a word written
// with capitals inside ("SaaS", "iPhone") or a short acronym ("NYC") stays.
func camel(w string) string {
	r := []rune(w)
	if (innerUpper(w) && !isUpper(w)) || (isUpper(w) && len(r) <= 5) {
		return w
	}
	return string(unicode.ToUpper(r[0])) + strings.ToLower(string(r[1:]))
}

// continues reports whether b continues a capitalized name a starts.
func continues(a, b token) bool {
	return !b.phraseStart && !a.sentenceStart && salient(a) && salient(b) && startsUpper(a.orig) && startsUpper(b.orig)
}

// innerUpper reports whether s has a capital after its first letter.
func innerUpper(s string) bool {
	_, size := utf8.DecodeRuneInString(s)
	return strings.IndexFunc(s[size:], unicode.IsUpper) >= 0
}

func startsUpper(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r)
}

// candidates scores the text's words and phrases and the workspace's
// related tags. A word scores its uses, plus a half for a proper noun
// (capitalized inside a sentence) and a quarter for a long word. A
// two-word phrase is a candidate when it repeats, names something (both
// words capitalized) or is a workspace tag. A workspace tag the text uses
// earns 2 more (and a little for each use in the library, up to 5); one
// that starts with a word of the text is offered too.
func candidates(toks []token, lib map[string]*libTag, existing map[string]bool) []*candidate {
	byKey := map[string]*candidate{}
	var order []*candidate
	add := func(cd *candidate) *candidate {
		if old, ok := byKey[cd.key]; ok {
			return old
		}
		byKey[cd.key] = cd
		order = append(order, cd)
		return cd
	}
	proper := func(t token) bool { return !t.sentenceStart && startsUpper(t.orig) }
	properSeen, acronyms := map[string]bool{}, map[string]bool{}
	phrases := map[string]int{}
	for i, t := range toks {
		if !salient(t) {
			continue
		}
		cd := add(&candidate{key: t.key, display: camel(t.orig), parts: []string{t.key}, first: i, fromText: true})
		cd.score++
		properSeen[t.key] = properSeen[t.key] || proper(t)
		acronyms[t.key] = acronyms[t.key] || (isUpper(t.orig) && utf8.RuneCountInString(t.orig) <= 5) // AI, NYC: topics
		if innerUpper(t.orig) {
			cd.display = camel(t.orig) // the most specific spelling seen
		}
		if i > 0 && !t.phraseStart && salient(toks[i-1]) {
			phrases[toks[i-1].key+t.key]++
		}
	}
	for _, cd := range order {
		if properSeen[cd.key] {
			cd.score += 0.5
		}
		if acronyms[cd.key] {
			cd.score += 0.5
		}
		if utf8.RuneCountInString(cd.key) >= 7 {
			cd.score += 0.25
		}
	}
	for i := 1; i < len(toks); i++ {
		a, b := toks[i-1], toks[i]
		if b.phraseStart || !salient(a) || !salient(b) {
			continue
		}
		key := a.key + b.key
		n := phrases[key]
		// Two capitals in a row name something ("Acme Cloud"), unless they
		// are part of a longer name ("Senior Data Engineer").
		named := proper(a) && startsUpper(b.orig) && (i < 2 || !continues(toks[i-2], a)) && (i+1 >= len(toks) || !continues(b, toks[i+1]))
		if byKey[key] != nil || (n < 2 && !named && lib[key] == nil) {
			continue
		}
		score := 1.5*float64(n) + 0.25
		if named {
			score += 0.5
		}
		add(&candidate{key: key, display: camel(a.orig) + camel(b.orig), parts: []string{a.key, b.key}, first: i - 1, score: score, fromText: true})
	}
	for key, t := range lib {
		weight := 0.2 * float64(min(t.count, 5))
		if cd, ok := byKey[key]; ok {
			cd.fromLib = true
			cd.score += 2 + weight
			if strings.ToLower(t.display) != t.display {
				cd.display = t.display // the workspace's own spelling
			}
			continue
		}
		for _, tk := range toks {
			if salient(tk) && utf8.RuneCountInString(tk.key) >= 4 && strings.HasPrefix(key, tk.key) {
				display := t.display
				if strings.ToLower(display) == display {
					display = camel(display)
				}
				add(&candidate{key: key, display: display, parts: []string{key}, score: 1 + weight, first: len(toks), fromLib: true})
				break
			}
		}
	}
	out := make([]*candidate, 0, len(order))
	for _, cd := range order {
		if !existing[cd.key] {
			out = append(out, cd)
		}
	}
	return out
}
