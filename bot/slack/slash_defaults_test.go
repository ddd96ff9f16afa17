package slack_test

import (
	"strings"
	"testing"

	"github.com/marketingminds/marketingminds/tools/accounts"
)

// TestSlashDefaultAccount: `/mm post … to linkedin` with two LinkedIn
// accounts posts nowhere and names them; `/mm default linkedin "Acme
// Outdoor"` sets where LinkedIn posts go; the same post then goes there
// only; `/mm default` lists the defaults; `none` clears one.
func TestSlashDefaultAccount(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.acc.more = []accounts.Account{{ID: "acc3", Platform: "linkedin", AccountName: "Acme Outdoor", Kind: "organization", Status: accounts.StatusConnected}}

	got := slashRun(t, b, "U1", `post "Hi" to linkedin`)
	for _, want := range []string{"LinkedIn has several accounts", "1. Acme (LinkedIn)", "2. Acme Outdoor (LinkedIn page)", `/mm default linkedin "Acme"`} {
		if !strings.Contains(got, want) {
			t.Fatalf("post told %q, lacks %q", got, want)
		}
	}
	if len(b.pub.now) != 0 {
		t.Fatalf("posted %+v without knowing which account", b.pub.now)
	}
	if got := slashRun(t, b, "U1", `default linkedin "acme outdoor"`); !strings.Contains(got, "Posts to LinkedIn now go to Acme Outdoor (LinkedIn page).") {
		t.Fatalf("default told %q", got)
	}
	if got := slashRun(t, b, "U1", `post "Hi" to linkedin`); !strings.Contains(got, "Published on LinkedIn") {
		t.Fatalf("post told %q", got)
	}
	if len(b.pub.now) != 1 || len(b.pub.now[0].AccountIDs) != 1 || b.pub.now[0].AccountIDs[0] != "acc3" {
		t.Fatalf("posted %+v, want acc3 only", b.pub.now)
	}
	if got := slashRun(t, b, "U1", `default`); !strings.Contains(got, "LinkedIn: Acme Outdoor (LinkedIn page)") || !strings.Contains(got, "X: no default") {
		t.Fatalf("defaults told %q", got)
	}
	if got := slashRun(t, b, "U1", `default linkedin "Acme Holdings"`); !strings.Contains(got, `No connected LinkedIn account is called "Acme Holdings"`) {
		t.Fatalf("unknown account told %q", got)
	}
	if got := slashRun(t, b, "U1", `default linkedin none`); !strings.Contains(got, "LinkedIn has no default account now") {
		t.Fatalf("clear told %q", got)
	}
}
