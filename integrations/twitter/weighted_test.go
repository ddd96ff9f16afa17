package twitter

import (
	"strings"
	"testing"
)

func TestWeightedLength(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		text string
		want int
	}{
		{"empty", "", 0},
		{"ascii", "hello", 5},
		{"280 latin", strings.Repeat("a", 280), 280},
		{"cjk weighs 2", "日本語", 6},
		{"hangul weighs 2", "안녕", 4},
		{"accented latin weighs 1", "café", 4},
		{"decomposed text is normalised first", "cafe\u0301", 4},
		{"cyrillic weighs 1", "привет", 6},
		{"em dash in light range", "a—b", 3},
		{"curly quotes in light range", "“hi”", 4},
		{"ellipsis outside light ranges", "…", 2},
		{"url counts 23", "https://example.com/a/very/long/path/that/goes/on/and/on?with=query", 23},
		{"short url counts 23", "http://a.co", 23},
		{"url in sentence, trailing dot excluded", "see https://example.com.", 4 + 23 + 1},
		{"url without scheme, generic tld", "acme.com", 23},
		{"url without scheme, uppercase", "Visit ACME.COM today", 6 + 23 + 6},
		{"url without scheme with path", "ab.co/x", 23},
		{"short cctld domain without path is text", "ab.co", 5},
		{"t.co is a url", "t.co", 23},
		{"email is not a url", "foo@bar.com", 11},
		{"unknown tld is text", "node.js", 7},
		{"no tld is text", "http://localhost:8080", 21},
		{"two urls", "a.com b.org", 23 + 1 + 23},
		{"hashtag and mention", "Hello #world @user", 18},
		{"emoji", "😀", 2},
		{"emoji with skin tone", "👍🏽", 2},
		{"zwj family", "👨\u200d👩\u200d👧", 2},
		{"zwj with presentation selectors", "👁️\u200d🗨️", 2},
		{"flag", "🇫🇷", 2},
		{"two flags", "🇫🇷🇩🇪", 4},
		{"keycap", "1️⃣", 2},
		{"subdivision flag", "🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F", 2},
		{"bmp emoji with selector", "☕️", 2},
		{"text with emoji", "café ☕", 7},
		{"digit without keycap is text", "1", 1},
		{"lone zwj weighs 1", "a\u200db", 3},
		{"copyright counts as emoji", "©", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := WeightedLength(tt.text); got != tt.want {
				t.Errorf("WeightedLength(%q) = %d, want %d", tt.text, got, tt.want)
			}
		})
	}
}

func TestWeightedLengthLimit(t *testing.T) {
	t.Parallel()
	cjk := strings.Repeat("語", 140)
	if got := WeightedLength(cjk); got != MaxWeightedLength {
		t.Fatalf("140 CJK characters = %d, want %d", got, MaxWeightedLength)
	}
	if got := WeightedLength(cjk + "a"); got <= MaxWeightedLength {
		t.Fatalf("141 characters' worth = %d, want over the limit", got)
	}
	withURL := strings.Repeat("a", 256) + " https://example.com/" + strings.Repeat("x", 200)
	if got := WeightedLength(withURL); got != 280 {
		t.Fatalf("256 + space + url = %d, want 280", got)
	}
}

func FuzzWeightedLength(f *testing.F) {
	for _, s := range []string{"", "hello https://example.com", "👨\u200d👩\u200d👧", "🇫🇷1️⃣", "ab.co/x", "日本語"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := WeightedLength(s)
		if n < 0 {
			t.Fatalf("negative length %d", n)
		}
	})
}
