package publish

import (
	"context"
	"fmt"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// Duplicate is a target whose text already went (or goes) to the same
// account within DuplicateWindow: the post that carries it and when.
type Duplicate struct {
	AccountID string        `json:"account_id"`
	Account   string        `json:"account"` // the account's name
	Platform  platform.Name `json:"platform"`
	PostID    string        `json:"post_id"`
	At        time.Time     `json:"at"`
}

// Message is the duplicate in words, naming the account, not its id.
func (d Duplicate) Message() string {
	name := d.Account
	if name == "" {
		name = "this account"
	}
	return fmt.Sprintf("%s: the same text already goes to %s (%s UTC); post anyway to send it again",
		d.Platform.Label(), name, d.At.UTC().Format("Mon 2 Jan 15:04"))
}

// duplicate describes delivery d's duplicate same, with the account's name.
func (s *Service) duplicate(ctx context.Context, d, same Delivery) Duplicate {
	dup := Duplicate{AccountID: d.AccountID, Platform: d.Platform, PostID: same.PostID, At: same.RunAt}
	if a, err := s.cfg.Accounts.Account(ctx, d.WorkspaceID, d.AccountID); err == nil {
		dup.Account = a.Name
	}
	return dup
}

// Checked is what Preflight found: the accounts the post goes to (named,
// for the approval) and the targets skipped as invalid (skip_invalid).
type Checked struct {
	Targets []Target `json:"targets"`
	Invalid []Result `json:"invalid,omitempty"`
}

// Preflight runs every check PublishNow (at zero) or Schedule (at set)
// runs before anything is stored or sent: the caller's role, the time,
// validation per platform, the campaign, and (unless req.AllowDuplicate)
// the duplicate guard. The approval gate calls it before a person is asked,
// so approving means publishing. Errors: *ValidationError, *DuplicateError,
// ErrInvalid, identity.ErrForbidden.
func (s *Service) Preflight(ctx context.Context, c identity.Caller, req Request, at time.Time) (Checked, error) {
	if err := c.Require(identity.Editor); err != nil {
		return Checked{}, err
	}
	runAt, scheduled := s.now(), !at.IsZero()
	if scheduled {
		runAt = at.UTC()
		if !runAt.After(s.now()) {
			return Checked{}, fmt.Errorf("%w: %s is in the past; pick a time from now on", ErrInvalid, runAt.Format(time.RFC3339))
		}
	}
	pr, err := s.prepare(ctx, c, req, runAt, scheduled)
	if err != nil {
		return Checked{}, err
	}
	out := Checked{Targets: []Target{}, Invalid: pr.invalid}
	for _, d := range pr.post.Targets {
		t := Target{AccountID: d.AccountID, Platform: d.Platform}
		if a, err := s.cfg.Accounts.Account(ctx, c.WorkspaceID, d.AccountID); err == nil {
			t.Name = a.Name
		}
		out.Targets = append(out.Targets, t)
	}
	return out, nil
}
