package library

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseTemplate: any text parses without panicking; a text without
// mistakes renders back to itself when each variable is given its own
// {{name}}, and its variables are exactly those it renders.
func FuzzParseTemplate(f *testing.F) {
	for _, s := range []string{"Hi {{name}}", "{{ a }}{{b}}", "}}{{", "{{{{x}}}}", "é{{é}}", "{{", "a}}b", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		segs, errs := parseTemplate(s)
		if len(errs) > 0 {
			return
		}
		values := map[string]string{}
		var b strings.Builder
		for _, sg := range segs {
			if sg.name != "" {
				values[sg.name] = "{{" + sg.name + "}}"
				b.WriteString("{{" + sg.name + "}}")
			} else {
				b.WriteString(sg.text)
			}
		}
		missing := map[string]bool{}
		if got := fill(s, values, missing); got != b.String() || len(missing) != 0 {
			t.Fatalf("fill(%q) = %q, want %q (missing %v)", s, got, b.String(), missing)
		}
		if vars := variablesOf(s); len(vars) != len(values) {
			t.Fatalf("variablesOf(%q) = %v, values %v", s, vars, values)
		}
	})
}

// FuzzHashtagCandidates: any text and library tag give hashtags made of
// letters, digits and _ only, none repeated, none the text already has.
func FuzzHashtagCandidates(f *testing.F) {
	f.Add("Our summer sale starts Friday! Summer sale at Acme Cloud #SummerSale", "AcmeCloud")
	f.Add("'s ’s -- // && @x https://y #z", "é")
	f.Add("AI SaaS iPhone NYC ÉTÉ été", "Été")
	f.Fuzz(func(t *testing.T, text, tag string) {
		toks, existing := tokenize(text)
		lib := libraryTags([]Item{{Tags: []string{tag}, Body: text}})
		seen := map[string]bool{}
		for _, cd := range candidates(toks, lib, existing) {
			if cd.display == "" || !utf8.ValidString(cd.display) && utf8.ValidString(text+tag) {
				t.Fatalf("candidate %+v", cd)
			}
			if seen[cd.key] || existing[cd.key] {
				t.Fatalf("candidate %q repeated or already in the text", cd.key)
			}
			seen[cd.key] = true
			if cd.fromText && strings.ContainsFunc(cd.display, func(r rune) bool { return r == '#' || r == ' ' || r == '@' }) {
				t.Fatalf("hashtag %q holds a separator", cd.display)
			}
		}
	})
}
