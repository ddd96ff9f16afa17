package intent

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestParseGroup(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in       string
		status   string
		group    string
		accounts []string
	}{
		{`group`, "", "", nil},
		{`/mm groups`, "", "", nil},
		{`groups list`, "", "", nil},
		{`group save "Acme brand" facebook Acme Coffee, instagram, x`, "save", "Acme brand", []string{"facebook Acme Coffee", "instagram", "twitter"}},
		{`group save Acme brand x fb Acme Coffee ig`, "save", "Acme brand", []string{"twitter", "facebook Acme Coffee", "instagram"}},
		{`group save Acme brand: linkedin "Acme X Team" and x @acme`, "save", "Acme brand", []string{"linkedin Acme X Team", "twitter @acme"}},
		{`group create Beans = "Beans Roastery", x`, "save", "Beans", []string{"Beans Roastery", "twitter"}},
		{`group save Beans Roastery`, "save", "Beans", []string{"Roastery"}},
		{`group delete Acme brand`, "delete", "Acme brand", nil},
		{`group remove "Acme brand"`, "delete", "Acme brand", nil},
	} {
		got, err := Parse(tc.in)
		if err != nil || got.Kind != KindGroup || got.Status != tc.status || got.Group != tc.group || !slices.Equal(got.Accounts, tc.accounts) {
			t.Errorf("%q = %+v, %v; want %s %q %q", tc.in, got, err, tc.status, tc.group, tc.accounts)
		}
	}
	for in, says := range map[string]string{
		`group save`:              "give the group a name",
		`group save "Acme"`:       "name the accounts of Acme",
		`group delete`:            "say which group to delete",
		`group rename Acme Beans`: "say `group` to list the groups",
	} {
		var ue *UsageError
		if _, err := Parse(in); !errors.As(err, &ue) || ue.Kind != KindGroup || !strings.Contains(ue.Problem, says) {
			t.Errorf("%q: %v; want a usage error saying %q", in, err, says)
		}
	}
	if !strings.Contains(Help(), "• `"+GroupSaveUsage+"`") || !strings.Contains(Help(), "• `group`: list the account groups") {
		t.Errorf("help does not list the group commands:\n%s", Help())
	}
	if s := ClosestCommands("brands", 3); len(s) == 0 || s[0].Kind != KindGroup {
		t.Errorf("closest to brands = %+v", s)
	}
	// Other commands are untouched.
	if c, err := Parse(`post "our group discount" to linkedin`); err != nil || c.Kind != KindPost {
		t.Fatalf("post = %+v, %v", c, err)
	}
}

func FuzzParseGroup(f *testing.F) {
	for _, s := range []string{`group save "Acme brand" facebook Acme Coffee, instagram, x`, `groups`, `group delete Acme`, `group save "`, `group save a: `} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, ok, err := parseGroup(s)
		if ok && err == nil && (c.Kind != KindGroup || c.Status == "save" && (c.Group == "" || len(c.Accounts) == 0)) {
			t.Fatalf("%q parsed as %+v", s, c)
		}
	})
}
