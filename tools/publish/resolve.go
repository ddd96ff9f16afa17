package publish

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/marketingminds/marketingminds/integrations/platform"
	connected "github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/settings"
)

// Where is where a person said a post goes: platforms by name ("linkedin",
// "x"), exact accounts, account groups by name ("Acme Outdoor"), accounts
// as people name them ("facebook Acme Coffee", "x": see Named).
type Where struct {
	Platforms  []string `json:"platforms,omitempty"`
	AccountIDs []string `json:"account_ids,omitempty"`
	Groups     []string `json:"groups,omitempty"`
	Accounts   []string `json:"accounts,omitempty"`
}

// Target is one account a post goes to, as a person knows it.
type Target struct {
	AccountID string        `json:"account_id"`
	Platform  platform.Name `json:"platform"`
	Name      string        `json:"name"`
	Handle    string        `json:"handle,omitempty"`
	// Kind is what the account is: member (a LinkedIn profile),
	// organization (a LinkedIn company page), page, user, ...
	Kind string `json:"kind,omitempty"`
}

// Label is how a person reads the target: "Acme Outdoor (LinkedIn page)".
func (t Target) Label() string {
	name := t.Name
	if name == "" && t.Handle != "" {
		name = "@" + strings.TrimPrefix(t.Handle, "@")
	}
	if name == "" {
		name = "an unnamed account"
	}
	if k := kindWord(t.Kind); k != "" {
		return fmt.Sprintf("%s (%s %s)", name, t.Platform.Label(), k)
	}
	return fmt.Sprintf("%s (%s)", name, t.Platform.Label())
}

// kindWord is an account kind in a marketer's words.
func kindWord(kind string) string {
	switch kind {
	case "member", "user":
		return "profile"
	case "organization", "page":
		return "page"
	case "instagram_business":
		return "business account"
	}
	return ""
}

// Choice is the question "which account?" for a platform that matches
// several accounts of the workspace and has no default: the options, named.
type Choice struct {
	Platform platform.Name `json:"platform"`
	Options  []Target      `json:"options"`
}

// Question is the choice in words.
func (c Choice) Question() string {
	return fmt.Sprintf("Which %s account should this go to?", c.Platform.Label())
}

// ErrChoose: a platform named matches several accounts; someone must say which.
var ErrChoose = errors.New("publish: which account?")

// ChoiceError is Resolve's answer when a platform matches several accounts
// and the workspace has no default for it: one choice per such platform.
type ChoiceError struct{ Choices []Choice }

func (e *ChoiceError) Error() string {
	qs := make([]string, len(e.Choices))
	for i, c := range e.Choices {
		qs[i] = c.Question()
	}
	return "publish: " + strings.Join(qs, " ")
}

// Is makes errors.Is(err, ErrChoose) true.
func (e *ChoiceError) Is(target error) bool { return target == ErrChoose }

// Directory lists a workspace's accounts (*accounts.Service).
type Directory interface {
	List(ctx context.Context, c identity.Caller, p platform.Name) ([]connected.Account, error)
}

// Defaults keeps each workspace's default account per platform (*settings.Service).
type Defaults interface {
	DefaultAccount(ctx context.Context, workspaceID string, p platform.Name) (string, error)
	SetDefaultAccount(ctx context.Context, c identity.Caller, p platform.Name, accountID string) (settings.Settings, error)
}

// Groups reads named account groups (tools/groups); nil when there are none.
type Groups interface {
	// Members returns the account ids of the caller's workspace's group
	// named name (any case); found is false when there is none.
	Members(ctx context.Context, c identity.Caller, name string) (ids []string, found bool, err error)
}

// Resolver turns where a person said a post goes into accounts: a platform
// with one connected account is that account; with several, the
// workspace's default for it, else a question (ChoiceError), never all of
// them.
type Resolver struct {
	dir      Directory
	defaults Defaults
	groups   Groups
}

// NewResolver returns a Resolver; groups may be nil.
func NewResolver(dir Directory, defaults Defaults, groups Groups) *Resolver {
	return &Resolver{dir: dir, defaults: defaults, groups: groups}
}

// ParsePlatform reads a platform as people write it ("X", "twitter",
// "LinkedIn").
func ParsePlatform(s string) (platform.Name, bool) {
	switch p := strings.ToLower(strings.TrimSpace(s)); p {
	case "x", "twitter":
		return platform.Twitter, true
	case "facebook", "instagram", "linkedin":
		return platform.Name(p), true
	}
	return "", false
}

func targetOf(a connected.Account) Target {
	return Target{AccountID: a.ID, Platform: a.Platform, Name: a.AccountName, Handle: a.Handle, Kind: a.Kind}
}

// Resolve returns the accounts w names, in the order named, each once.
// Errors: *ValidationError (an unknown platform, account or group, a
// platform with no connected account), *ChoiceError (which account?).
func (r *Resolver) Resolve(ctx context.Context, c identity.Caller, w Where) ([]Target, error) {
	if len(w.Platforms) == 0 && len(w.AccountIDs) == 0 && len(w.Groups) == 0 && len(w.Accounts) == 0 {
		return nil, &ValidationError{Problems: []Problem{{Field: "account_ids", Message: "say where to post: a platform (facebook, instagram, x, linkedin), an account or an account group"}}}
	}
	all, err := r.dir.List(ctx, c, "")
	if err != nil {
		return nil, fmt.Errorf("publish: resolve accounts: %w", err)
	}
	var out []Target
	var problems []Problem
	var choices []Choice
	add := func(a connected.Account) {
		if !slices.ContainsFunc(out, func(t Target) bool { return t.AccountID == a.ID }) {
			out = append(out, targetOf(a))
		}
	}
	byID := func(id string) (connected.Account, bool) {
		i := slices.IndexFunc(all, func(a connected.Account) bool { return a.ID == id })
		if i < 0 {
			return connected.Account{}, false
		}
		return all[i], true
	}
	for _, id := range w.AccountIDs {
		a, ok := byID(strings.TrimSpace(id))
		if !ok {
			problems = append(problems, Problem{Field: "account_ids", Message: fmt.Sprintf("no account %q in this workspace", id)})
			continue
		}
		add(a)
	}
	for _, name := range w.Groups {
		ids, found, err := r.members(ctx, c, name)
		if err != nil {
			return nil, err
		}
		if !found {
			problems = append(problems, Problem{Field: "groups", Message: fmt.Sprintf("no account group %q in this workspace", name)})
			continue
		}
		for _, id := range ids {
			if a, ok := byID(id); ok && a.Status == connected.StatusConnected {
				add(a)
			}
		}
	}
	platforms := w.Platforms
	for _, words := range w.Accounts {
		a, p, problem := named(all, words)
		switch {
		case problem != nil:
			problems = append(problems, *problem)
		case p != "":
			platforms = append(platforms, string(p))
		default:
			add(a)
		}
	}
	for _, name := range platforms {
		p, ok := ParsePlatform(name)
		if !ok {
			problems = append(problems, Problem{Field: "platforms", Message: fmt.Sprintf("%q is not a platform: use facebook, instagram, x or linkedin", name)})
			continue
		}
		if slices.ContainsFunc(out, func(t Target) bool { return t.Platform == p }) {
			continue // an account or group named already covers it
		}
		var cands []connected.Account
		for _, a := range all {
			if a.Platform == p && a.Status == connected.StatusConnected {
				cands = append(cands, a)
			}
		}
		switch len(cands) {
		case 0:
			problems = append(problems, Problem{Platform: p, Field: "platforms", Message: fmt.Sprintf("no connected %s account in this workspace; connect one first", p.Label())})
			continue
		case 1:
			add(cands[0])
			continue
		}
		def, err := r.defaults.DefaultAccount(ctx, c.WorkspaceID, p)
		if err != nil {
			return nil, fmt.Errorf("publish: default %s account: %w", p, err)
		}
		if i := slices.IndexFunc(cands, func(a connected.Account) bool { return a.ID == def }); i >= 0 {
			add(cands[i])
			continue
		}
		ch := Choice{Platform: p}
		for _, a := range cands {
			ch.Options = append(ch.Options, targetOf(a))
		}
		choices = append(choices, ch)
	}
	if len(problems) > 0 {
		return nil, &ValidationError{Problems: problems}
	}
	if len(choices) > 0 {
		return nil, &ChoiceError{Choices: choices}
	}
	return out, nil
}

func (r *Resolver) members(ctx context.Context, c identity.Caller, name string) ([]string, bool, error) {
	if r.groups == nil {
		return nil, false, nil
	}
	ids, found, err := r.groups.Members(ctx, c, strings.TrimSpace(name))
	if err != nil {
		return nil, false, fmt.Errorf("publish: account group %q: %w", name, err)
	}
	return ids, found, nil
}

// SetDefault makes account (an id, or a name as people write it: "Acme
// Outdoor") the workspace's default for platform p; "" removes the
// default. It returns the account chosen (zero when removed).
func (r *Resolver) SetDefault(ctx context.Context, c identity.Caller, p platform.Name, account string) (Target, error) {
	if err := c.Require(identity.Editor); err != nil {
		return Target{}, err
	}
	account = strings.TrimSpace(account)
	if account == "" {
		_, err := r.defaults.SetDefaultAccount(ctx, c, p, "")
		return Target{}, err
	}
	list, err := r.dir.List(ctx, c, p)
	if err != nil {
		return Target{}, fmt.Errorf("publish: default %s account: %w", p, err)
	}
	a, err := pick(list, p, account)
	if err != nil {
		return Target{}, err
	}
	if _, err := r.defaults.SetDefaultAccount(ctx, c, p, a.ID); err != nil {
		return Target{}, err
	}
	return targetOf(a), nil
}

// Default is the workspace's default account for p, if one is set and
// still connected.
func (r *Resolver) Default(ctx context.Context, c identity.Caller, p platform.Name) (Target, bool, error) {
	id, err := r.defaults.DefaultAccount(ctx, c.WorkspaceID, p)
	if err != nil || id == "" {
		return Target{}, false, err
	}
	list, err := r.dir.List(ctx, c, p)
	if err != nil {
		return Target{}, false, fmt.Errorf("publish: default %s account: %w", p, err)
	}
	for _, a := range list {
		if a.ID == id && a.Status == connected.StatusConnected {
			return targetOf(a), true, nil
		}
	}
	return Target{}, false, nil
}

// pick finds the account of p a person means by words: its id, its name or
// handle (any case), or a unique part of its name.
func pick(list []connected.Account, p platform.Name, words string) (connected.Account, error) {
	exact, part := matches(list, p, words)
	switch {
	case len(exact) > 0:
		return exact[0], nil
	case len(part) == 1:
		return part[0], nil
	}
	names := make([]string, 0, len(list))
	for _, a := range list {
		if a.Platform == p && a.Status == connected.StatusConnected {
			names = append(names, fmt.Sprintf("%q", a.AccountName))
		}
	}
	msg := fmt.Sprintf("no connected %s account is called %q", p.Label(), words)
	if len(part) > 1 {
		msg = fmt.Sprintf("%q matches several %s accounts", words, p.Label())
	}
	if len(names) > 0 {
		msg += "; the " + p.Label() + " accounts are " + strings.Join(names, ", ")
	}
	return connected.Account{}, &ValidationError{Problems: []Problem{{Platform: p, Field: "account", Message: msg}}}
}

// DefaultAccount is a platform's default account; Account is nil when the
// workspace has none (posts to the platform ask which, when it has several).
type DefaultAccount struct {
	Platform platform.Name `json:"platform"`
	Account  *Target       `json:"account,omitempty"`
}

// Defaults lists the default account of every social platform, in the
// platforms' order.
func (r *Resolver) Defaults(ctx context.Context, c identity.Caller) ([]DefaultAccount, error) {
	if err := c.Require(identity.Viewer); err != nil {
		return nil, err
	}
	out := make([]DefaultAccount, 0, len(platform.Social))
	for _, p := range platform.Social {
		d := DefaultAccount{Platform: p}
		t, ok, err := r.Default(ctx, c, p)
		if err != nil {
			return nil, err
		}
		if ok {
			d.Account = &t
		}
		out = append(out, d)
	}
	return out, nil
}
