package present_test

import (
	"testing"

	"github.com/marketingminds/marketingminds/bot/present"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/groups"
)

// acmeBrand is a group of three accounts, one of them gone since.
func acmeBrand() groups.Group {
	return groups.Group{Name: "Acme brand", AccountIDs: []string{"acc_fb_3c", "acc_x_7f3a9", "acc_li_org_9c"}, Accounts: []groups.Member{
		{AccountID: "acc_fb_3c", Platform: platform.Facebook, Name: "Acme Coffee", Kind: "page", Status: accounts.StatusConnected},
		{AccountID: "acc_x_7f3a9", Platform: platform.Twitter, Name: "Acme", Handle: "acme_outdoor", Status: accounts.StatusNeedsReauth},
		{AccountID: "acc_li_org_9c"},
	}}
}

// Account groups read by name in every door, never by id: the list, a
// saved group and a deleted one (golden files, reviewed by eye).
func TestGroupsGolden(t *testing.T) {
	t.Parallel()
	r := present.New()
	e := env(t)
	beans := groups.Group{Name: "Beans", Accounts: []groups.Member{{AccountID: "acc_x_7f3a9", Platform: platform.Twitter, Handle: "beans", Status: accounts.StatusConnected}}}
	for _, s := range []struct {
		name  string
		value any
	}{
		{"groups_list", []groups.Group{acmeBrand(), beans}},
		{"groups_none", []groups.Group{}},
		{"group_saved", acmeBrand()},
		{"group_deleted", groups.Deleted{Name: "Acme brand"}},
	} {
		golden(t, r, e, s.name, s.value)
	}
}
