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

// ErrInvalid wraps a group that cannot be saved (no name, no account, an
// account of another workspace).
var ErrInvalid = errors.New("groups: invalid group")

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

// Save creates or replaces the group name with the accounts given (ids of
// the caller's workspace); editors may.
func (s *Service) Save(ctx context.Context, c identity.Caller, name string, accountIDs []string) (Group, error) {
	if err := c.Require(identity.Editor); err != nil {
		return Group{}, err
	}
	name = strings.TrimSpace(name)
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		return Group{}, fmt.Errorf("%w: give the group a name", ErrInvalid)
	case n > MaxName:
		return Group{}, fmt.Errorf("%w: a group's name has at most %d characters", ErrInvalid, MaxName)
	}
	all, err := s.dir.List(ctx, c, "")
	if err != nil {
		return Group{}, fmt.Errorf("groups: save %q: %w", name, err)
	}
	var ids []string
	for _, id := range accountIDs {
		id = strings.TrimSpace(id)
		if !slices.ContainsFunc(all, func(a accounts.Account) bool { return a.ID == id }) {
			return Group{}, fmt.Errorf("%w: no account %q in this workspace", ErrInvalid, id)
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return Group{}, fmt.Errorf("%w: a group needs at least one account", ErrInvalid)
	}
	g := Group{WorkspaceID: c.WorkspaceID, Name: name, AccountIDs: ids, UpdatedBy: c.UserID, UpdatedAt: s.now().UTC().Truncate(time.Millisecond)}
	if err := s.store.Save(ctx, keyOf(name), g); err != nil {
		return Group{}, err
	}
	return g, nil
}

// List returns the caller's workspace's groups by name; any role.
func (s *Service) List(ctx context.Context, c identity.Caller) ([]Group, error) {
	if err := c.Require(identity.Viewer); err != nil {
		return nil, err
	}
	return s.store.List(ctx, c.WorkspaceID)
}

// Delete removes the group name; editors may.
func (s *Service) Delete(ctx context.Context, c identity.Caller, name string) error {
	if err := c.Require(identity.Editor); err != nil {
		return err
	}
	ok, err := s.store.Delete(ctx, c.WorkspaceID, keyOf(name))
	if err == nil && !ok {
		err = fmt.Errorf("%w: %q", ErrNotFound, name)
	}
	return err
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
