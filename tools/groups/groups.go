// Package groups keeps named account groups (collection account_groups):
// "Acme Outdoor" = its LinkedIn page, X and Instagram accounts, so that a
// post "to Acme Outdoor" goes to each (tools/publish's resolver reads them).
// Every door calls the same functions with the caller.
package groups

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// ErrInvalid wraps a group that cannot be saved (no name, a platform's
// name, no account, an account of another workspace).
var ErrInvalid = errors.New("groups: invalid group")

// Refusal is a request refused for a reason people can act on: Words say
// it ("a group needs at least one account") and Field what to change
// ("name" or "accounts"); errors.Is matches its Kind (ErrInvalid,
// ErrNameInUse, ErrNotFound).
type Refusal struct {
	Kind  error
	Field string
	Words string
}

func (e *Refusal) Error() string { return e.Kind.Error() + ": " + e.Words }
func (e *Refusal) Unwrap() error { return e.Kind }

func refuse(kind error, field, format string, args ...any) error {
	return &Refusal{Kind: kind, Field: field, Words: fmt.Sprintf(format, args...)}
}

// MaxName is the longest group name, in characters.
const MaxName = 80

// Directory lists a workspace's accounts (*accounts.Service).
type Directory interface {
	List(ctx context.Context, c identity.Caller, p platform.Name) ([]accounts.Account, error)
}

// Service is the account groups capability.
type Service struct {
	store Store
	dir   Directory
	now   func() time.Time
}

// New returns the service; now nil is time.Now.
func New(st Store, dir Directory, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: st, dir: dir, now: now}
}

func keyOf(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// platformWords are names a group may not take: "post to X" names the
// platform, and a group called X would read the same.
var platformWords = []string{"x", "twitter", "facebook", "instagram", "linkedin", "zoho"}

// Save creates or replaces the group name with the accounts given (ids of
// the caller's workspace); editors may.
func (s *Service) Save(ctx context.Context, c identity.Caller, name string, accountIDs []string) (Group, error) {
	g, err := s.group(ctx, c, name, accountIDs)
	if err != nil {
		return Group{}, err
	}
	if err := s.store.Save(ctx, keyOf(g.Name), g); err != nil {
		return Group{}, err
	}
	return g, nil
}

// Create creates the group name with the accounts given; ErrNameInUse
// when the workspace has a group of that name (in any case) already.
func (s *Service) Create(ctx context.Context, c identity.Caller, name string, accountIDs []string) (Group, error) {
	g, err := s.group(ctx, c, name, accountIDs)
	if err != nil {
		return Group{}, err
	}
	if err := s.store.Insert(ctx, keyOf(g.Name), g); err != nil {
		if errors.Is(err, ErrNameInUse) {
			if old, gerr := s.store.Get(ctx, c.WorkspaceID, keyOf(g.Name)); gerr == nil {
				g.Name = old.Name
			}
			return Group{}, refuse(ErrNameInUse, "name", "there is a group called %q already", g.Name)
		}
		return Group{}, err
	}
	return g, nil
}

// group checks a group to save: an editor's, a name, accounts of the
// caller's workspace (each once, in the order given), named.
func (s *Service) group(ctx context.Context, c identity.Caller, name string, accountIDs []string) (Group, error) {
	if err := c.Require(identity.Editor); err != nil {
		return Group{}, err
	}
	name = strings.TrimSpace(name)
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		return Group{}, refuse(ErrInvalid, "name", "give the group a name")
	case n > MaxName:
		return Group{}, refuse(ErrInvalid, "name", "a group's name has at most %d characters", MaxName)
	case slices.Contains(platformWords, keyOf(name)):
		return Group{}, refuse(ErrInvalid, "name", "%q is a platform's name, and \"post to %s\" would mean the platform; call the group after its brand", name, name)
	}
	all, err := s.dir.List(ctx, c, "")
	if err != nil {
		return Group{}, fmt.Errorf("groups: save %q: %w", name, err)
	}
	var ids []string
	for _, id := range accountIDs {
		id = strings.TrimSpace(id)
		if !slices.ContainsFunc(all, func(a accounts.Account) bool { return a.ID == id }) {
			return Group{}, refuse(ErrInvalid, "accounts", "no account %q in this workspace", id)
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return Group{}, refuse(ErrInvalid, "accounts", "a group needs at least one account")
	}
	g := Group{WorkspaceID: c.WorkspaceID, Name: name, AccountIDs: ids, UpdatedBy: c.UserID, UpdatedAt: s.now().UTC().Truncate(time.Millisecond)}
	named(&g, all)
	return g, nil
}

// named fills g.Accounts from the workspace's accounts.
func named(g *Group, all []accounts.Account) {
	g.Accounts = make([]Member, 0, len(g.AccountIDs))
	for _, id := range g.AccountIDs {
		m := Member{AccountID: id}
		if i := slices.IndexFunc(all, func(a accounts.Account) bool { return a.ID == id }); i >= 0 {
			a := all[i]
			m = Member{AccountID: id, Platform: a.Platform, Name: a.AccountName, Handle: a.Handle, Kind: a.Kind, Status: a.Status}
		}
		g.Accounts = append(g.Accounts, m)
	}
}

// List returns the caller's workspace's groups by name, their accounts
// named; any role.
func (s *Service) List(ctx context.Context, c identity.Caller) ([]Group, error) {
	if err := c.Require(identity.Viewer); err != nil {
		return nil, err
	}
	out, err := s.store.List(ctx, c.WorkspaceID)
	if err != nil || len(out) == 0 {
		return out, err
	}
	all, err := s.dir.List(ctx, c, "")
	if err != nil {
		return nil, fmt.Errorf("groups: list: %w", err)
	}
	for i := range out {
		named(&out[i], all)
	}
	return out, nil
}

// Delete removes the group name (any case); editors may.
func (s *Service) Delete(ctx context.Context, c identity.Caller, name string) (Deleted, error) {
	if err := c.Require(identity.Editor); err != nil {
		return Deleted{}, err
	}
	g, err := s.store.Get(ctx, c.WorkspaceID, keyOf(name))
	if err == nil {
		var ok bool
		if ok, err = s.store.Delete(ctx, c.WorkspaceID, keyOf(name)); err == nil && !ok {
			err = ErrNotFound
		}
	}
	if errors.Is(err, ErrNotFound) {
		return Deleted{}, refuse(ErrNotFound, "name", "there is no group called %q in this workspace", strings.TrimSpace(name))
	}
	if err != nil {
		return Deleted{}, err
	}
	return Deleted{Name: g.Name}, nil
}

// Members returns the account ids of the group name (any case); found is
// false when there is none (tools/publish's Groups).
func (s *Service) Members(ctx context.Context, c identity.Caller, name string) ([]string, bool, error) {
	g, err := s.store.Get(ctx, c.WorkspaceID, keyOf(name))
	if errors.Is(err, ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return g.AccountIDs, true, nil
}
