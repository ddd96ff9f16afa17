package limit_test

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/marketingminds/marketingminds/tools/limit"
)

func TestClip(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"short", "short"},
		{strings.Repeat("a", limit.EchoChars), strings.Repeat("a", limit.EchoChars)},
		{strings.Repeat("a", limit.EchoChars+1), strings.Repeat("a", limit.EchoChars) + "…"},
		{strings.Repeat("é", 900_000), strings.Repeat("é", limit.EchoChars) + "…"},
	} {
		got := limit.Clip(tc.in)
		if got != tc.want || !utf8.ValidString(got) {
			t.Errorf("Clip(%d runes) = %q, want %q", utf8.RuneCountInString(tc.in), got, tc.want)
		}
	}
	if got := limit.Quote(strings.Repeat("x", 1000)); len(got) > limit.EchoChars+8 {
		t.Errorf("Quote of 1000 characters is %d bytes", len(got))
	}
}

func TestFirst(t *testing.T) {
	t.Parallel()
	kept, more := limit.First(make([]int, 100_000))
	if len(kept) != limit.Problems || more != 100_000-limit.Problems {
		t.Errorf("First(100000) = %d kept, %d more", len(kept), more)
	}
	kept, more = limit.First([]int{1, 2})
	if len(kept) != 2 || more != 0 {
		t.Errorf("First(2) = %d kept, %d more", len(kept), more)
	}
}

func ExampleQuote() {
	fmt.Println(limit.Quote(strings.Repeat("launch ", 10)))
	// Output: "launch launch launch launch launch launc…"
}
