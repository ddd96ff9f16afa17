package intent

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// token is one word of the input, or one quoted text, or a comma.
type token struct {
	raw    string // as written (a quoted text without its quotes)
	low    string // lowercased, trailing punctuation trimmed
	quoted bool
	start  int // byte offsets in the input
	end    int
}

// closers maps an opening quote to the quotes that close it.
var closers = map[rune]string{
	'"': `"”“`, '\'': `'’`, '“': `”"`, '‘': `’'`, '«': `»`, '”': `”"`, '’': `’'`,
}

// lex splits s into words, quoted texts and commas. A quote opens only at
// the start of a word, and a single quote closes only before a space,
// punctuation or the end, so "don't" stays inside 'Don't miss it'.
func lex(s string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case unicode.IsSpace(r):
			i += size
		case r == ',' || r == ';':
			toks = append(toks, token{raw: ",", low: ",", start: i, end: i + size})
			i += size
		case closers[r] != "":
			end, next, ok := closeQuote(s, i+size, closers[r])
			if !ok {
				return nil, fmt.Errorf("the text starting at %q has no closing quote", clip(s[i:]))
			}
			toks = append(toks, token{raw: s[i+size : end], quoted: true, start: i, end: next})
			i = next
		default:
			j := i
			for j < len(s) {
				r, size := utf8.DecodeRuneInString(s[j:])
				if unicode.IsSpace(r) || r == ',' || r == ';' {
					break
				}
				j += size
			}
			raw := s[i:j]
			low := strings.ToLower(strings.TrimRight(raw, ".!?:"))
			if low == "" {
				low = raw
			}
			toks = append(toks, token{raw: raw, low: low, start: i, end: j})
			i = j
		}
	}
	return toks, nil
}

// closeQuote finds the quote closing a text that starts at from: it
// returns where the text ends and where lexing resumes.
func closeQuote(s string, from int, closing string) (end, next int, ok bool) {
	for j := from; j < len(s); {
		r, size := utf8.DecodeRuneInString(s[j:])
		if strings.ContainsRune(closing, r) {
			after, _ := utf8.DecodeRuneInString(s[j+size:])
			single := r == '\'' || r == '’'
			if !single || j+size == len(s) || unicode.IsSpace(after) || unicode.IsPunct(after) {
				return j, j + size, true
			}
		}
		j += size
	}
	return 0, 0, false
}

// clip shortens s to 20 runes for an error message.
func clip(s string) string {
	n := 0
	for i := range s {
		if n == 20 {
			return s[:i] + "…"
		}
		n++
	}
	return s
}
