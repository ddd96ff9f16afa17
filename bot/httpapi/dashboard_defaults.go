package httpapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// DefaultAccounts are each platform's default account (*publish.Resolver):
// where a post to a platform with several accounts goes without asking.
type DefaultAccounts interface {
	Defaults(ctx context.Context, c identity.Caller) ([]publish.DefaultAccount, error)
	SetDefault(ctx context.Context, c identity.Caller, p platform.Name, account string) (publish.Target, error)
}

// defaultRow is one platform with several connected accounts on the
// settings page: its default (if any) and the accounts to choose from.
type defaultRow struct {
	Platform platform.Name
	Current  string // account id, "" when none
	Options  []publish.Target
}

// defaultRows lists the platforms that have more than one connected account.
func (s *Server) defaultRows(ctx context.Context, c identity.Caller) ([]defaultRow, error) {
	if s.deps.Defaults == nil || s.deps.Accounts == nil {
		return nil, nil
	}
	all, err := s.deps.Accounts.List(ctx, c, "")
	if err != nil {
		return nil, err
	}
	defs, err := s.deps.Defaults.Defaults(ctx, c)
	if err != nil {
		return nil, err
	}
	var rows []defaultRow
	for _, d := range defs {
		row := defaultRow{Platform: d.Platform}
		if d.Account != nil {
			row.Current = d.Account.AccountID
		}
		for _, a := range all {
			if a.Platform == d.Platform && a.Status == accounts.StatusConnected {
				row.Options = append(row.Options, publish.Target{AccountID: a.ID, Platform: a.Platform, Name: a.AccountName, Handle: a.Handle, Kind: a.Kind})
			}
		}
		if len(row.Options) > 1 {
			rows = append(rows, row)
		}
	}
	return rows, nil
}

// defaultSave: POST /dashboard/settings/defaults sets one platform's
// default account ("" for none: ask each time); editors may.
func (s *Server) defaultSave(w http.ResponseWriter, r *http.Request, v *view) {
	p, ok := publish.ParsePlatform(r.PostFormValue("platform"))
	if !ok {
		s.settingsFailure(w, r, v, errors.New("settings: default account: unknown platform"))
		return
	}
	if _, err := s.deps.Defaults.SetDefault(r.Context(), v.Caller, p, r.PostFormValue("account")); err != nil {
		var ve *publish.ValidationError
		if errors.As(err, &ve) {
			d, derr := s.settingsData(r, v)
			if derr != nil {
				s.settingsFailure(w, r, v, derr)
				return
			}
			d.Errors["default_"+string(p)] = []string{ve.Problems[0].Message}
			v.Title, v.Data, v.Error = "Settings", d, "The default account was not changed: see below."
			s.render(w, r, http.StatusUnprocessableEntity, "settings", v)
			return
		}
		s.settingsFailure(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/dashboard/settings?saved=1", http.StatusSeeOther)
}
