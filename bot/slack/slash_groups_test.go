package slack_test

import (
	"strings"
	"testing"

	"github.com/marketingminds/marketingminds/bot/slack"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/groups"
)

// withGroups serves /mm group with the real groups service, on a store of
// its own, over the bundle's accounts (acc1 on LinkedIn "Acme", acc2 on X
// "Acme X").
func withGroups(t *testing.T) option {
	db := storetest.Open(t, store.SQLite, groups.Schema)
	return func(_ *slack.Config, d *slack.Deps) {
		d.Groups = groups.New(groups.NewStore(db), d.Accounts, nil)
	}
}

// /mm group lists, saves (accounts named as people name them) and deletes
// account groups over signed requests; each refusal says what to write.
func TestSlashGroup(t *testing.T) {
	t.Parallel()
	b := setup(t, withGroups(t))
	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		{"none yet", `group`, []string{"No account groups yet."}},
		{"save", `group save "Acme brand" linkedin, x`, []string{"Saved the group Acme brand.", "*LinkedIn* Acme", "*X* Acme X", "Posts to Acme brand go to these 2 accounts."}},
		{"save by name", `group save Beans: x Acme X`, []string{"Saved the group Beans.", "*X* Acme X", "Posts to Beans go to this account."}},
		{"list", `groups`, []string{"2 account groups", "*Acme brand* LinkedIn Acme · X Acme X", "*Beans* X Acme X"}},
		{"replace", `group save acme BRAND x`, []string{"Saved the group acme BRAND.", "*X* Acme X"}},
		{"unknown account", `group save Beans x Nope`, []string{`No connected X account is called "Nope"; the X accounts are "Acme X".`}},
		{"unknown name", `group save Beans "Acme Coffee"`, []string{`No connected account is called "Acme Coffee"; name a platform first, like "facebook Acme Coffee".`}},
		{"no platform account", `group save Beans instagram`, []string{"No connected Instagram account in this workspace; connect one first."}},
		{"empty group", `group save Beans`, []string{"name the accounts of Beans: a platform each, and its account's name when the platform has several\nUsage: `/mm group save \"Acme brand\" facebook Acme Coffee, instagram, x`"}},
		{"a platform's name", `group save x linkedin`, []string{`"x" is a platform's name, and "post to x" would mean the platform; call the group after its brand. For example: ` + "`/mm group save"}},
		{"delete", `group delete ACME brand`, []string{"Deleted the group acme BRAND.", "Its accounts stay connected."}},
		{"delete unknown", `group delete Acme brand`, []string{`There is no group called "Acme brand" in this workspace. ` + "`/mm group` lists them."}},
		{"help", `help`, []string{"• `/mm group save \"Acme brand\" facebook Acme Coffee, instagram, x`", "• `/mm group`: list the account groups", "• `/mm group delete \"Acme brand\"`"}},
	} {
		got := slashRun(t, b, "U1", tc.text)
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: %q lacks %q", tc.name, got, w)
			}
		}
		for _, bad := range []string{"acc1", "acc2", "groups:", "publish:", "{"} {
			if strings.Contains(got, bad) {
				t.Errorf("%s: %q shows %q", tc.name, got, bad)
			}
		}
	}
	// A platform with several accounts and no default: which one.
	b.acc.mu.Lock()
	b.acc.more = []accounts.Account{{ID: "acc3", Platform: "linkedin", AccountName: "Acme Jobs", Status: accounts.StatusConnected}}
	b.acc.mu.Unlock()
	got := slashRun(t, b, "U1", `group save Acme x, li`)
	for _, w := range []string{"LinkedIn has several accounts here:\n1. Acme (LinkedIn)\n2. Acme Jobs (LinkedIn)", "`/mm group save \"Acme\" x, linkedin Acme`"} {
		if !strings.Contains(got, w) {
			t.Errorf("several: %q lacks %q", got, w)
		}
	}
	if got := slashRun(t, b, "U1", `group`); !strings.Contains(got, "*Beans* X Acme X") || strings.Contains(got, "*Acme*") {
		t.Errorf("the question saved a group: %q", got)
	}
}

// A viewer lists the groups and is told, in words, that changing them
// needs the editor role.
func TestSlashGroupViewer(t *testing.T) {
	t.Parallel()
	b := setup(t, withGroups(t), func(c *slack.Config, _ *slack.Deps) { c.DefaultRole = "viewer" })
	for text, want := range map[string]string{
		`group save Beans x`: "You are a viewer in this workspace, and `/mm group` needs more: ask a workspace admin, or for the editor role.",
		`group delete Beans`: "You are a viewer in this workspace, and `/mm group` needs more",
		`group`:              "No account groups yet.",
	} {
		if got := slashRun(t, b, "U1", text); !strings.Contains(got, want) {
			t.Errorf("%q = %q; want %q", text, got, want)
		}
	}
}
