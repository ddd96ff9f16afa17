package library

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/marketingminds/marketingminds/tools/limit"
)

// segment is a piece of a template text: literal text, or a variable.
type segment struct {
	text string
	name string // set for a variable
}

var varName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

// parseTemplate splits s into literal text and {{variables}} ("{{ name }}"
// may have spaces inside the braces). Every mistake is reported, with its
// position (in characters, from 1).
func parseTemplate(s string) ([]segment, []string) {
	var segs []segment
	var errs []string
	pos := func(byteOffset int) int { return utf8.RuneCountInString(s[:byteOffset]) + 1 }
	literal := func(text string, at int) {
		if i := strings.Index(text, "}}"); i >= 0 {
			errs = append(errs, fmt.Sprintf(`"}}" at character %d closes no "{{"`, pos(at+i)))
		}
		if text != "" {
			segs = append(segs, segment{text: text})
		}
	}
	i := 0
	for {
		open := strings.Index(s[i:], "{{")
		if open < 0 {
			literal(s[i:], i)
			return segs, errs
		}
		open += i
		literal(s[i:open], i)
		end := strings.Index(s[open+2:], "}}")
		if end < 0 {
			errs = append(errs, fmt.Sprintf(`"{{" at character %d is never closed with "}}"`, pos(open)))
			return segs, errs
		}
		end += open + 2
		name := strings.TrimSpace(s[open+2 : end])
		switch {
		case name == "":
			errs = append(errs, fmt.Sprintf(`empty variable "{{}}" at character %d`, pos(open)))
		case !varName.MatchString(name):
			errs = append(errs, fmt.Sprintf(`%s at character %d is not a variable: names are letters, digits and _ (like {{first_name}}), up to 64`,
				limit.Quote(s[open:end+2]), pos(open)))
		default:
			segs = append(segs, segment{name: name})
		}
		i = end + 2
	}
}

// variablesOf lists the variables of texts in order of first use.
func variablesOf(texts ...string) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range texts {
		segs, _ := parseTemplate(t)
		for _, sg := range segs {
			if sg.name != "" && !seen[sg.name] {
				seen[sg.name] = true
				out = append(out, sg.name)
			}
		}
	}
	return out
}

// fill renders a template text with values; a variable without a value is
// added to missing and rendered as nothing.
func fill(s string, values map[string]string, missing map[string]bool) string {
	segs, _ := parseTemplate(s)
	var b strings.Builder
	for _, sg := range segs {
		if sg.name == "" {
			b.WriteString(sg.text)
			continue
		}
		v, ok := values[sg.name]
		if !ok && missing != nil {
			missing[sg.name] = true
		}
		b.WriteString(v)
	}
	return b.String()
}
