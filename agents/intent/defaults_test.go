package intent

import (
	"errors"
	"testing"
)

func TestParseDefault(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want Command
	}{
		{`default linkedin "Acme Outdoor"`, Command{Kind: KindDefault, Platform: "linkedin", Account: "Acme Outdoor"}},
		{`/mm default x @acme`, Command{Kind: KindDefault, Platform: "twitter", Account: "@acme"}},
		{`set default account for LinkedIn to Acme Outdoor`, Command{Kind: KindDefault, Platform: "linkedin", Account: "Acme Outdoor"}},
		{`default linkedin`, Command{Kind: KindDefault, Platform: "linkedin"}},
		{`default linkedin none`, Command{Kind: KindDefault, Platform: "linkedin", ClearDefault: true}},
		{`defaults`, Command{Kind: KindDefault}},
	} {
		got, err := Parse(tc.in)
		if err != nil || got.Kind != tc.want.Kind || got.Platform != tc.want.Platform || got.Account != tc.want.Account || got.ClearDefault != tc.want.ClearDefault {
			t.Errorf("%q = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
	var ue *UsageError
	if _, err := Parse(`default myspace "Acme"`); !errors.As(err, &ue) || ue.Kind != KindDefault {
		t.Fatalf("unknown platform: %v", err)
	}
	// Other commands are untouched.
	if c, err := Parse(`post "the default plan" to linkedin`); err != nil || c.Kind != KindPost {
		t.Fatalf("post = %+v, %v", c, err)
	}
}

func FuzzParseDefault(f *testing.F) {
	for _, s := range []string{`default linkedin "Acme Outdoor"`, `defaults`, `set default x none`, `default "`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, ok, err := parseDefault(s)
		if ok && err == nil && c.Kind != KindDefault {
			t.Fatalf("%q parsed as %q", s, c.Kind)
		}
	})
}
