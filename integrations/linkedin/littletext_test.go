package linkedin

import (
	"testing"
	"unicode/utf8"
)

func TestEscapeLittleText(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"plain text, nothing to do.", "plain text, nothing to do."},
		{"Launch (today) [beta] {v2} <new>", `Launch \(today\) \[beta\] \{v2\} \<new\>`},
		{`a\b|c`, `a\\b\|c`},
		{"mail me@acme.com *now* _or_ ~never~", `mail me\@acme.com \*now\* \_or\_ \~never\~`},
		{"#coffee and #2026 stay hashtags", "#coffee and #2026 stay hashtags"},
		{"#my_tag", `#my\_tag`},
		{"issue #, C# and a##b", `issue \#, C\# and a\#\#b`},
		{"https://acme.com/a_b#top", `https://acme.com/a\_b\#top`},
		{"(#tag)", `\(#tag\)`},
		{"café ☕ (ok)", `café ☕ \(ok\)`},
		{"", ""},
	}
	for _, tt := range tests {
		if got := EscapeLittleText(tt.in); got != tt.want {
			t.Errorf("EscapeLittleText(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if back := UnescapeLittleText(EscapeLittleText(tt.in)); back != tt.in {
			t.Errorf("round trip of %q gave %q", tt.in, back)
		}
	}
}

func TestUnescapeLittleText(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{`Hi @[Acme Coffee Co.](urn:li:organization:90210001) \(new\)`, "Hi Acme Coffee Co. (new)"},
		{`{hashtag|\#|coffee} time`, "#coffee time"},
		{`@[broken`, "@[broken"},
		{`@[x](notaurn)`, "@[x](notaurn)"},
		{`{hashtag|\#|open`, `{hashtag|#|open`},
		{`trailing \`, `trailing \`},
	}
	for _, tt := range tests {
		if got := UnescapeLittleText(tt.in); got != tt.want {
			t.Errorf("UnescapeLittleText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzLittleTextRoundTrip(f *testing.F) {
	for _, s := range []string{"Hello (world) #tag @me [x] {y} <z> *a* _b_ ~c~ |d| \\e", "#", "a#b", "C#", "(#x)", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		esc := EscapeLittleText(s)
		_ = UnescapeLittleText(s) // must not panic on any input
		if !utf8.ValidString(s) {
			return
		}
		if back := UnescapeLittleText(esc); back != s {
			t.Fatalf("round trip of %q: escaped %q, back %q", s, esc, back)
		}
	})
}
