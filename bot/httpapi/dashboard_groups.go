package httpapi

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/groups"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// The accounts page's account groups: each group with its accounts named,
// a delete button, and a form to save one (tools/groups, as REST).

// groupsData is the groups section of the accounts page.
type groupsData struct {
	Groups []groupRow
	// Choices are the accounts a group may hold: the connected social ones.
	Choices []accounts.Account
	Form    groupForm
}

type groupRow struct {
	Name     string
	Accounts []string
}

// groupForm is what the save form was sent with, to fill it again.
type groupForm struct {
	Name     string
	Accounts []string
	Replace  bool
	// Invalid marks the field the error is about: name or accounts.
	Invalid string
}

// Checked reports whether the form had account id ticked.
func (f groupForm) Checked(id string) bool { return slices.Contains(f.Accounts, id) }

// groupsSection reads the groups of the caller's workspace; nil when
// groups are not served.
func (s *Server) groupsSection(r *http.Request, v *view, all []accounts.Account, f groupForm) (*groupsData, error) {
	if s.deps.Groups == nil {
		return nil, nil
	}
	list, err := s.deps.Groups.List(r.Context(), v.Caller)
	if err != nil {
		return nil, err
	}
	d := &groupsData{Form: f}
	for _, g := range list {
		row := groupRow{Name: g.Name}
		for _, m := range g.Accounts {
			row.Accounts = append(row.Accounts, memberLabel(m))
		}
		d.Groups = append(d.Groups, row)
	}
	for _, a := range all {
		if slices.Contains(platform.Social, a.Platform) && a.Status != accounts.StatusDisconnected {
			d.Choices = append(d.Choices, a)
		}
	}
	return d, nil
}

// memberLabel is a group's account as the page names it.
func memberLabel(m groups.Member) string {
	if m.Status == "" {
		return "an account no longer in this workspace"
	}
	name := m.Name
	if name == "" {
		name = "@" + strings.TrimPrefix(m.Handle, "@")
	} else if m.Handle != "" {
		name += " (@" + strings.TrimPrefix(m.Handle, "@") + ")"
	}
	s := m.Platform.Label() + ": " + name
	if m.Status != accounts.StatusConnected {
		s += ", " + strings.ReplaceAll(string(m.Status), "_", " ")
	}
	return s
}

// dashGroupSave: POST /dashboard/groups (name, account ids, replace): a
// new group, or with replace a group's accounts replaced.
func (s *Server) dashGroupSave(w http.ResponseWriter, r *http.Request, v *view) {
	_ = r.ParseForm()
	f := groupForm{Name: r.PostFormValue("name"), Accounts: r.PostForm["account"], Replace: r.PostFormValue("replace") != ""}
	save := s.deps.Groups.Create
	if f.Replace {
		save = s.deps.Groups.Save
	}
	g, err := save(r.Context(), v.Caller, f.Name, f.Accounts)
	if err != nil {
		s.dashGroupFailure(w, r, v, f, err)
		return
	}
	http.Redirect(w, r, "/dashboard/accounts?group="+url.QueryEscape(g.Name)+"#groups-h", http.StatusSeeOther)
}

// dashGroupDelete: POST /dashboard/groups/delete (name)
func (s *Server) dashGroupDelete(w http.ResponseWriter, r *http.Request, v *view) {
	d, err := s.deps.Groups.Delete(r.Context(), v.Caller, r.PostFormValue("name"))
	if err != nil {
		s.dashGroupFailure(w, r, v, groupForm{}, err)
		return
	}
	http.Redirect(w, r, "/dashboard/accounts?ungrouped="+url.QueryEscape(d.Name)+"#groups-h", http.StatusSeeOther)
}

// dashGroupFailure shows the accounts page again with the form as sent
// and what to change, or the error page when the failure is ours.
func (s *Server) dashGroupFailure(w http.ResponseWriter, r *http.Request, v *view, f groupForm, err error) {
	var rf *groups.Refusal
	status := http.StatusBadRequest
	switch {
	case errors.Is(err, identity.ErrForbidden):
		s.accountPageError(w, r, v, err)
		return
	case !errors.As(err, &rf):
		zerolog.Ctx(r.Context()).Error().Err(err).Msg("dashboard: account groups")
		s.renderError(w, r, http.StatusInternalServerError, "That failed on our side; try again shortly.")
		return
	case errors.Is(err, groups.ErrNotFound):
		status = http.StatusNotFound
	case errors.Is(err, groups.ErrNameInUse):
		status = http.StatusConflict
	}
	msg := upperFirst(rf.Words) + "."
	if errors.Is(err, groups.ErrNameInUse) {
		msg += " Tick “Replace the accounts of the group of that name” to change its accounts, or choose another name."
	}
	if !errors.Is(err, groups.ErrNotFound) {
		f.Invalid = rf.Field
	}
	v.Error = msg
	s.accountsPageWith(w, r, v, status, f)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	return strings.ToUpper(string(r[:1])) + string(r[1:])
}
