package twitter

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxWeightedLength is the longest post X accepts from a standard account,
// in weighted characters (twitter-text config v3 maxWeightedTweetLength).
const MaxWeightedLength = 280

// twitter-text config v3: weights are in hundredths of a character.
const (
	weightScale         = 100
	weightDefault       = 200
	weightLight         = 100
	transformedURLChars = 23
)

// lightRanges are the code point ranges that weigh 100 (one character); every
// other code point weighs 200 (config v3 "ranges").
var lightRanges = [...][2]rune{
	{0x0000, 0x10FF},
	{0x2000, 0x200D},
	{0x2010, 0x201F},
	{0x2032, 0x2037},
}

// WeightedLength counts text the way X does before accepting a post
// (twitter-text v3, https://docs.x.com/fundamentals/counting-characters):
// the text is NFC-normalised; every URL counts 23 whatever its length; every
// emoji, including modifier, flag, keycap, tag and ZWJ sequences, counts 2;
// code points in the light ranges (Latin, Greek, Cyrillic, Hebrew, Arabic,
// general punctuation, ...) count 1 and every other code point (CJK, ...) 2.
// A post is accepted when WeightedLength(text) <= MaxWeightedLength.
//
// Where this differs from twitter-text it errs on the long side, so a post it
// accepts X accepts too: URLs without a scheme are recognised for the generic
// and country TLDs in tlds.go only (twitter-text knows every TLD), and © and ®
// count as emoji (2) even without a variation selector.
func WeightedLength(text string) int {
	s := norm.NFC.String(text)
	weight := 0
	for i := 0; i < len(s); {
		if n := urlAt(s, i); n > 0 {
			weight += transformedURLChars * weightScale
			i += n
			continue
		}
		if n := emojiAt(s, i); n > 0 {
			weight += weightDefault
			i += n
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		weight += runeWeight(r)
		i += size
	}
	return weight / weightScale
}

func runeWeight(r rune) int {
	for _, rg := range lightRanges {
		if r >= rg[0] && r <= rg[1] {
			return weightLight
		}
	}
	return weightDefault
}

// ---- emoji ----

const (
	zwj  = 0x200D
	vs16 = 0xFE0F
	vs15 = 0xFE0E
)

func isRegionalIndicator(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }
func isSkinTone(r rune) bool          { return r >= 0x1F3FB && r <= 0x1F3FF }
func isKeycapBase(r rune) bool        { return r == '#' || r == '*' || (r >= '0' && r <= '9') }

// pictographic approximates Unicode's Extended_Pictographic property with the
// blocks emoji live in.
func pictographic(r rune) bool {
	switch {
	case r == 0x00A9, r == 0x00AE, r == 0x203C, r == 0x2049, r == 0x2122, r == 0x2139,
		r >= 0x2194 && r <= 0x21AA, r >= 0x231A && r <= 0x23FF, r == 0x24C2,
		r >= 0x25AA && r <= 0x25FE, r >= 0x2600 && r <= 0x27BF, r == 0x2934, r == 0x2935,
		r >= 0x2B05 && r <= 0x2B55, r == 0x3030, r == 0x303D, r == 0x3297, r == 0x3299,
		r >= 0x1F000 && r <= 0x1FAFF:
		return true
	}
	return false
}

// emojiAt returns the byte length of the emoji sequence starting at s[i:], or 0.
func emojiAt(s string, i int) int {
	r, n := utf8.DecodeRuneInString(s[i:])
	switch {
	case isRegionalIndicator(r):
		if r2, n2 := utf8.DecodeRuneInString(s[i+n:]); isRegionalIndicator(r2) {
			return n + n2
		}
		return n
	case isKeycapBase(r):
		j := i + n
		if r2, n2 := utf8.DecodeRuneInString(s[j:]); r2 == vs16 {
			j += n2
		}
		if r3, n3 := utf8.DecodeRuneInString(s[j:]); r3 == 0x20E3 {
			return j + n3 - i
		}
		return 0
	case !pictographic(r):
		return 0
	}
	j := i + emojiElement(s, i)
	for {
		r2, n2 := utf8.DecodeRuneInString(s[j:])
		if r2 != zwj {
			break
		}
		r3, _ := utf8.DecodeRuneInString(s[j+n2:])
		if !pictographic(r3) {
			break
		}
		j += n2 + emojiElement(s, j+n2)
	}
	return j - i
}

// emojiElement consumes one pictographic code point with its presentation
// selector, skin tone and tag sequence (subdivision flags).
func emojiElement(s string, i int) int {
	r, n := utf8.DecodeRuneInString(s[i:])
	j := i + n
	if r2, n2 := utf8.DecodeRuneInString(s[j:]); r2 == vs16 || r2 == vs15 {
		j += n2
	}
	if r2, n2 := utf8.DecodeRuneInString(s[j:]); isSkinTone(r2) && !isSkinTone(r) {
		j += n2
	}
	if r == 0x1F3F4 { // black flag + tags + cancel tag
		k := j
		for {
			r2, n2 := utf8.DecodeRuneInString(s[k:])
			if r2 >= 0xE0020 && r2 <= 0xE007E {
				k += n2
				continue
			}
			if r2 == 0xE007F && k > j {
				j = k + n2
			}
			break
		}
	}
	return j - i
}

// ---- URLs ----

// urlAt returns the byte length of a URL starting at s[i:], or 0. It follows
// twitter-text's extractor in outline: a URL is an optional http(s):// scheme,
// a domain ending in a known TLD, an optional port, path and query; it may not
// follow a letter, digit, @, $ or #; without a scheme it may not follow - _ . /
// and a short domain on a country TLD (ab.co) needs a path.
func urlAt(s string, i int) int {
	if i > 0 {
		prev, _ := utf8.DecodeLastRuneInString(s[:i])
		if unicode.IsLetter(prev) || unicode.IsDigit(prev) || strings.ContainsRune("@＠$#＃_", prev) ||
			(prev >= 0x202A && prev <= 0x202E) {
			return 0
		}
	}
	j := i
	scheme := false
	for _, p := range [...]string{"https://", "http://"} {
		if len(s)-i >= len(p) && strings.EqualFold(s[i:i+len(p)], p) {
			j += len(p)
			scheme = true
			break
		}
	}
	if !scheme && i > 0 && strings.ContainsRune("-_./", rune(s[i-1])) {
		return 0
	}
	end, firstLabel, tld, ok := scanDomain(s, j, scheme)
	if !ok {
		return 0
	}
	j = end
	if j < len(s) && s[j] == ':' {
		k := j + 1
		for k < len(s) && s[k] >= '0' && s[k] <= '9' {
			k++
		}
		if k > j+1 {
			j = k
		}
	}
	hasPath := false
	if j < len(s) && (s[j] == '/' || s[j] == '?') {
		k := j
		for k < len(s) {
			r, n := utf8.DecodeRuneInString(s[k:])
			if unicode.IsSpace(r) || r == '<' || r == '>' || r == '"' || r == '`' || r == '「' || r == '」' {
				break
			}
			k += n
		}
		// Trailing punctuation ends a sentence, not the URL.
		for k > j+1 && strings.ContainsRune(".,:;!?'\")]}", rune(s[k-1])) {
			k--
		}
		hasPath = k > j+1 || s[j] == '/'
		j = k
	}
	if !scheme && !hasPath && len(tld) == 2 && len(firstLabel) <= 2 && !strings.EqualFold(firstLabel+"."+tld, "t.co") {
		return 0
	}
	return j - i
}

// scanDomain reads dot-separated labels from s[j:] and reports where the
// domain ends, its first label and its TLD. The TLD must be a known one and
// may not be followed by a letter, digit, @, + or -.
func scanDomain(s string, j int, unicodeLabels bool) (end int, first, tld string, ok bool) {
	type label struct{ start, end int }
	var labels []label
	k := j
	for {
		start := k
		for k < len(s) {
			r, n := utf8.DecodeRuneInString(s[k:])
			asciiOK := (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') || r == '-' || r == '_'
			if !asciiOK && !(unicodeLabels && r > 0x7F && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r))) {
				break
			}
			k += n
		}
		if k == start {
			break
		}
		labels = append(labels, label{start, k})
		if k < len(s) && s[k] == '.' && k+1 < len(s) {
			k++
			continue
		}
		break
	}
	// Back off to the longest prefix of labels ending in a known TLD.
	for n := len(labels); n >= 2; n-- {
		last := labels[n-1]
		if !knownTLD(s[last.start:last.end]) || followedByDomainChar(s, last.end) {
			continue
		}
		for _, l := range labels[:n-1] {
			if s[l.start] == '-' || s[l.end-1] == '-' {
				return 0, "", "", false
			}
		}
		return last.end, s[labels[0].start:labels[0].end], strings.ToLower(s[last.start:last.end]), true
	}
	return 0, "", "", false
}

func followedByDomainChar(s string, end int) bool {
	if end >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[end:])
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '@' || r == '+' || r == '-' || r == '_'
}

func knownTLD(l string) bool {
	l = strings.ToLower(l)
	if len(l) == 2 {
		return ccTLDs[l]
	}
	return gTLDs[l]
}
