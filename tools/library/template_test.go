package library

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/marketingminds/marketingminds/integrations/platform"
)

func TestParseTemplate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		vars string // variables in order, comma-separated
		errs string // the mistakes, "; "-separated
	}{
		{"plain text", "", ""},
		{"Hi {{name}}!", "name", ""},
		{"{{ first_name }} and {{name}} and {{first_name}}", "first_name,name", ""},
		{"Café {{x}} {{y}}", "x,y", ""},
		{"{{}}", "", `empty variable "{{}}" at character 1`},
		{"{{1st}}", "", `"{{1st}}" at character 1 is not a variable: names are letters, digits and _ (like {{first_name}}), up to 64`},
		{"é {{a {{b}}", "", `"{{a {{b}}" at character 3 is not a variable: names are letters, digits and _ (like {{first_name}}), up to 64`},
		{"a }} b {{c", "", `"}}" at character 3 closes no "{{"; "{{" at character 8 is never closed with "}}"`},
		{"{{" + strings.Repeat("v", 65) + "}}", "", "is not a variable"},
	} {
		segs, errs := parseTemplate(tc.in)
		if got := strings.Join(errs, "; "); !strings.Contains(got, tc.errs) || (tc.errs == "") != (got == "") {
			t.Errorf("%q: errors %q, want %q", tc.in, got, tc.errs)
		}
		if got := strings.Join(variablesOf(tc.in), ","); got != tc.vars {
			t.Errorf("%q: variables %q, want %q", tc.in, got, tc.vars)
		}
		if tc.errs == "" {
			// Rendering with each variable's own name gives the text back.
			values := map[string]string{}
			for _, sg := range segs {
				if sg.name != "" {
					values[sg.name] = "{{" + sg.name + "}}"
				}
			}
			if got := fill(tc.in, values, nil); strings.ReplaceAll(tc.in, " first_name ", "first_name") != got {
				t.Errorf("%q: round trip gave %q", tc.in, got)
			}
		}
	}
}

func TestRender(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	tpl := e.create(t, KindTemplate, Input{
		Title: "Launch of {{product}}",
		Body:  "Meet {{product}}, made for {{audience}}. {{cta}}",
		Variants: map[platform.Name]string{
			"twitter":  "{{product}} is here! {{cta}}",
			"linkedin": "Today we launch {{product}} for {{audience}}.",
		},
		Link: "https://acme.example/launch", Tags: []string{"Launch"},
	})
	if got := strings.Join(tpl.Variables, ","); got != "product,audience,cta" {
		t.Fatalf("variables = %q", got)
	}
	out, err := e.svc.Render(ctx, e.viewer, tpl.ID, map[string]string{"product": "Rocket", "audience": "teams", "cta": "", "prodcut": "typo"})
	if err != nil {
		t.Fatal(err)
	}
	if out.Title != "Launch of Rocket" || out.Body != "Meet Rocket, made for teams. " || out.Variants[platform.Twitter] != "Rocket is here! " ||
		out.Variants[platform.LinkedIn] != "Today we launch Rocket for teams." || out.Link != tpl.Link || out.Tags[0] != "Launch" {
		t.Fatalf("rendered = %+v", out)
	}
	if strings.Join(out.Unused, ",") != "prodcut" || len(out.Problems) != 0 {
		t.Fatalf("unused %v, problems %v", out.Unused, out.Problems)
	}
	// Missing variables are named, in the template's order.
	_, err = e.svc.Render(ctx, e.viewer, tpl.ID, map[string]string{"audience": "teams"})
	var me *MissingError
	if !errors.As(err, &me) || strings.Join(me.Names, ",") != "product,cta" || !strings.Contains(err.Error(), "no value for product, cta") {
		t.Fatalf("missing: %v", err)
	}
	// A rendering that breaks a platform's limit says so.
	out, err = e.svc.Render(ctx, e.viewer, tpl.ID, map[string]string{"product": strings.Repeat("Rocket ", 50), "audience": "x", "cta": "Go"})
	if err != nil || len(out.Problems) != 1 || out.Problems[0].Field != "variants.twitter" || !strings.Contains(out.Problems[0].Message, "X allows 280") {
		t.Fatalf("too long rendering: %+v, %v", out.Problems, err)
	}
	if _, err := e.svc.Render(ctx, e.stranger, tpl.ID, map[string]string{}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("render from another workspace: %v", err)
	}
}
