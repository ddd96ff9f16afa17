// Package limit holds the documented caps on what comes into and goes out
// of the capabilities, the same for every door: how long a list or a text
// may be, how many problems an error lists, and how much of a caller's
// value an error message may repeat.
package limit

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

const (
	// ListItems is the most items any list in a request may hold.
	ListItems = 100
	// TextChars is the most characters any text in a request may hold
	// (Facebook's 63,206 fits; an e-mail's HTML is bounded by the body size).
	TextChars = 65_536
	// Problems is how many problems an error lists; the rest are counted.
	Problems = 20
	// EchoChars is the most of a caller's value an error message repeats.
	EchoChars = 40
)

// Clip shortens s to EchoChars characters, marking a cut with an ellipsis.
func Clip(s string) string {
	if utf8.RuneCountInString(s) <= EchoChars {
		return s
	}
	n := 0
	for i := range s {
		if n == EchoChars {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// Quote is %q of Clip(s): a caller's value as an error message repeats it.
func Quote(s string) string { return fmt.Sprintf("%q", Clip(s)) }

// First keeps the first Problems items of list and says how many were left
// out.
func First[T any](list []T) (kept []T, more int) {
	if len(list) <= Problems {
		return list, 0
	}
	return list[:Problems], len(list) - Problems
}

// Join joins the messages of the problems kept by First, saying how many
// more there are.
func Join(msgs []string, more int) string {
	s := strings.Join(msgs, "; ")
	if more > 0 {
		s += fmt.Sprintf("; and %d more", more)
	}
	return s
}
