package linkedin

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// LinkedIn's Posts API reads commentary in the "little" text format, where
// these characters are markup (mentions @[Name](urn), templates {hashtag|\#|x},
// emphasis). An unescaped one is not rejected: LinkedIn silently cuts the
// commentary at it, so a post "succeeds" with half its text. Each must be
// preceded by a backslash to stand for itself.
// https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/little-text-format
const littleReserved = `\|{}@[]()<>#*_~`

// EscapeLittleText escapes s for the commentary field. A '#' that starts a
// hashtag ('#' followed by a letter or digit, not inside a word) is left as
// is: little's HashtagElement, so hashtags stay clickable. Every other
// reserved character, including '_' and '#' inside URLs, is escaped: a
// link's text is then kept whole, which matters more than auto-linking.
// Comments (socialActions/{urn}/comments) are plain text and must not be
// escaped with this.
func EscapeLittleText(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	prev := rune(-1)
	for i, r := range s {
		if r == '#' && isHashtagStart(prev, s[i+1:]) {
			b.WriteRune(r)
			prev = r
			continue
		}
		if r < utf8.RuneSelf && strings.ContainsRune(littleReserved, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

// isHashtagStart reports whether a '#' preceded by prev and followed by rest
// begins a hashtag.
func isHashtagStart(prev rune, rest string) bool {
	if prev != -1 && (unicode.IsLetter(prev) || unicode.IsDigit(prev) || prev == '#' || prev == '/' || prev == '&' || prev == '\\') {
		return false
	}
	next, _ := utf8.DecodeRuneInString(rest)
	return next != utf8.RuneError && (unicode.IsLetter(next) || unicode.IsDigit(next))
}

// UnescapeLittleText turns commentary read back from LinkedIn into plain
// text: escaped characters stand for themselves; mentions @[Name](urn) become
// "Name"; hashtag templates {hashtag|\#|tag} become "#tag". Anything it does
// not recognise is kept as it is.
func UnescapeLittleText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			r, n := utf8.DecodeRuneInString(s[i+1:])
			b.WriteRune(r)
			i += 1 + n
		case c == '@' && strings.HasPrefix(s[i:], "@["):
			name, end, ok := mention(s[i:])
			if !ok {
				b.WriteByte(c)
				i++
				continue
			}
			b.WriteString(name)
			i += end
		case c == '{' && strings.HasPrefix(s[i:], `{hashtag|\#|`):
			rest := s[i+len(`{hashtag|\#|`):]
			j := strings.IndexByte(rest, '}')
			if j < 0 {
				b.WriteByte(c)
				i++
				continue
			}
			b.WriteString("#" + UnescapeLittleText(rest[:j]))
			i += len(`{hashtag|\#|`) + j + 1
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}

// mention parses "@[Name](urn:...)" at the start of s, returning the
// unescaped name and the length consumed.
func mention(s string) (name string, end int, ok bool) {
	j := closing(s, 2, ']')
	if j < 0 || j+1 >= len(s) || s[j+1] != '(' {
		return "", 0, false
	}
	k := closing(s, j+2, ')')
	if k < 0 || !strings.HasPrefix(s[j+2:k], "urn:li:") {
		return "", 0, false
	}
	return UnescapeLittleText(s[2:j]), k + 1, true
}

// closing finds the first unescaped c in s from i.
func closing(s string, i int, c byte) int {
	for ; i < len(s); i++ {
		if s[i] == '\\' {
			i++
			continue
		}
		if s[i] == c {
			return i
		}
	}
	return -1
}
