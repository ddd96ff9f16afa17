package publish

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/marketingminds/marketingminds/integrations/platform"
	connected "github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/settings"
)

// directory is tools/accounts' listing: a LinkedIn member profile and two
// company pages (two brands), one X account, one disconnected X account.
type directory struct{ list []connected.Account }

func (d directory) List(_ context.Context, c identity.Caller, p platform.Name) ([]connected.Account, error) {
	var out []connected.Account
	for _, a := range d.list {
		if c.WorkspaceID == "W1" && (p == "" || a.Platform == p) {
			out = append(out, a)
		}
	}
	return out, nil
}

var brandAccounts = directory{list: []connected.Account{
	{ID: "li-me", Platform: platform.LinkedIn, AccountName: "Sam Sandbox", Kind: "member", Status: connected.StatusConnected},
	{ID: "li-coffee", Platform: platform.LinkedIn, AccountName: "Acme Coffee Co.", Kind: "organization", Status: connected.StatusConnected},
	{ID: "li-outdoor", Platform: platform.LinkedIn, AccountName: "Acme Outdoor", Kind: "organization", Status: connected.StatusConnected},
	{ID: "x1", Platform: platform.Twitter, AccountName: "Acme", Handle: "acme", Kind: "user", Status: connected.StatusConnected},
	{ID: "x-off", Platform: platform.Twitter, AccountName: "Old", Status: connected.StatusNeedsReauth},
}}

// defaults is tools/settings' default accounts, in memory.
type defaults struct{ m map[platform.Name]string }

func (d *defaults) DefaultAccount(_ context.Context, _ string, p platform.Name) (string, error) {
	return d.m[p], nil
}

func (d *defaults) SetDefaultAccount(_ context.Context, c identity.Caller, p platform.Name, id string) (settings.Settings, error) {
	if err := c.Require(identity.Editor); err != nil {
		return settings.Settings{}, err
	}
	d.m[p] = id
	return settings.Settings{}, nil
}

type groupsFake map[string][]string

func (g groupsFake) Members(_ context.Context, _ identity.Caller, name string) ([]string, bool, error) {
	for k, v := range g {
		if strings.EqualFold(k, name) {
			return v, true, nil
		}
	}
	return nil, false, nil
}

func ids(ts []Target) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.AccountID
	}
	return out
}

func TestResolveAsksWhenAPlatformMatchesSeveral(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	editor := identity.Caller{WorkspaceID: "W1", UserID: "U1", Role: identity.Editor}
	d := &defaults{m: map[platform.Name]string{}}
	r := NewResolver(brandAccounts, d, groupsFake{"Acme Outdoor": {"li-outdoor", "x1", "x-off"}})

	// One X account: that one. Three LinkedIn identities: a question, never all three.
	_, err := r.Resolve(ctx, editor, Where{Platforms: []string{"x", "LinkedIn"}})
	var ce *ChoiceError
	if !errors.Is(err, ErrChoose) || !errors.As(err, &ce) || len(ce.Choices) != 1 {
		t.Fatalf("resolve = %v, want one choice", err)
	}
	ch := ce.Choices[0]
	if ch.Platform != platform.LinkedIn || !reflect.DeepEqual(ids(ch.Options), []string{"li-me", "li-coffee", "li-outdoor"}) {
		t.Fatalf("choice = %+v", ch)
	}
	if got := ch.Options[2].Label(); got != "Acme Outdoor (LinkedIn page)" {
		t.Fatalf("label = %q", got)
	}
	if got := ch.Options[0].Label(); got != "Sam Sandbox (LinkedIn profile)" {
		t.Fatalf("label = %q", got)
	}

	// The answer named, or the workspace's default: that account only.
	got, err := r.Resolve(ctx, editor, Where{Platforms: []string{"x", "linkedin"}, AccountIDs: []string{"li-outdoor"}})
	if err != nil || !reflect.DeepEqual(ids(got), []string{"li-outdoor", "x1"}) {
		t.Fatalf("with the account named = %v, %v", ids(got), err)
	}
	if _, err := r.SetDefault(ctx, editor, platform.LinkedIn, "acme outdoor"); err != nil {
		t.Fatal(err)
	}
	got, err = r.Resolve(ctx, editor, Where{Platforms: []string{"linkedin"}})
	if err != nil || !reflect.DeepEqual(ids(got), []string{"li-outdoor"}) {
		t.Fatalf("with a default = %v, %v", ids(got), err)
	}
	if def, ok, err := r.Default(ctx, editor, platform.LinkedIn); err != nil || !ok || def.Name != "Acme Outdoor" {
		t.Fatalf("default = %+v %v %v", def, ok, err)
	}
	all, err := r.Defaults(ctx, editor)
	if err != nil || len(all) != len(platform.Social) {
		t.Fatalf("defaults = %+v, %v", all, err)
	}
	for _, d := range all {
		if (d.Platform == platform.LinkedIn) != (d.Account != nil) {
			t.Fatalf("defaults = %+v", all)
		}
	}

	// A group: its connected accounts.
	got, err = r.Resolve(ctx, editor, Where{Groups: []string{"acme outdoor"}})
	if err != nil || !reflect.DeepEqual(ids(got), []string{"li-outdoor", "x1"}) {
		t.Fatalf("group = %v, %v", ids(got), err)
	}
}

func TestResolveRefuses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	editor := identity.Caller{WorkspaceID: "W1", UserID: "U1", Role: identity.Editor}
	r := NewResolver(brandAccounts, &defaults{m: map[platform.Name]string{}}, nil)
	for _, tc := range []struct {
		name string
		w    Where
		want string
	}{
		{"nothing", Where{}, "say where to post"},
		{"unknown platform", Where{Platforms: []string{"myspace"}}, `"myspace" is not a platform`},
		{"no account", Where{Platforms: []string{"instagram"}}, "no connected Instagram account"},
		{"unknown id", Where{AccountIDs: []string{"nope"}}, `no account "nope"`},
		{"unknown group", Where{Groups: []string{"Brand Z"}}, `no account group "Brand Z"`},
	} {
		_, err := r.Resolve(ctx, editor, tc.w)
		var ve *ValidationError
		if !errors.As(err, &ve) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	// Another workspace's accounts are not there.
	if _, err := r.Resolve(ctx, identity.Caller{WorkspaceID: "W2", UserID: "U9", Role: identity.Editor}, Where{AccountIDs: []string{"x1"}}); err == nil {
		t.Fatal("W2 resolved W1's account")
	}
	// Setting a default: a name that matches none or several, a viewer.
	for _, words := range []string{"Acme Holdings", "acme"} {
		if _, err := r.SetDefault(ctx, editor, platform.LinkedIn, words); err == nil || !strings.Contains(err.Error(), "Acme Outdoor") {
			t.Errorf("default %q: %v", words, err)
		}
	}
	if _, err := r.SetDefault(ctx, identity.Caller{WorkspaceID: "W1", UserID: "U3", Role: identity.Viewer}, platform.LinkedIn, "li-me"); !errors.Is(err, identity.ErrForbidden) {
		t.Fatalf("viewer: %v", err)
	}
}
