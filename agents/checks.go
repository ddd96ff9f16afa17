package agents

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// Checks is what the checks before approval found for a held call: the
// question to answer first (which account?), the duplicates a person must
// accept ("post anyway"), the accounts it will post to, and the accounts
// chosen so far (which "remember" makes the defaults).
type Checks struct {
	Choice     *publish.Choice     `json:"choice,omitempty"`
	Duplicates []publish.Duplicate `json:"duplicates,omitempty"`
	Targets    []publish.Target    `json:"targets,omitempty"`
	Chosen     []publish.Target    `json:"chosen,omitempty"`
}

func (c Checks) encode() (string, error) {
	if c.Choice == nil && len(c.Duplicates) == 0 && len(c.Targets) == 0 && len(c.Chosen) == 0 {
		return "", nil
	}
	b, err := json.Marshal(c)
	return string(b), err
}

func decodeChecks(s string) (Checks, error) {
	var c Checks
	if s == "" {
		return c, nil
	}
	if err := json.Unmarshal([]byte(s), &c); err != nil {
		return Checks{}, fmt.Errorf("agents: approval checks: %w", err)
	}
	return c, nil
}

// Check is a held call's preview with what its checks found.
type Check struct {
	Preview string
	Targets []publish.Target
}

// WithCheck runs the checks of a side-effecting call before a person is
// asked, and says what it will do (replacing WithPreview): its errors are
// the tool's refusals, except *publish.ChoiceError, which makes the gate
// ask which account first, and *publish.DuplicateError, which makes the
// approval a "post anyway". The arguments must have account_ids and
// allow_duplicate, which the answers set.
func WithCheck[Args any](fn func(ctx context.Context, c identity.Caller, a Args) (Check, error)) ToolOption {
	return func(t *Tool) {
		t.check = func(ctx context.Context, c identity.Caller, raw json.RawMessage) (Check, error) {
			a, err := decodeArgs[Args](t.Name, raw)
			if err != nil {
				return Check{}, err
			}
			return fn(ctx, c, a)
		}
		t.preview = func(ctx context.Context, c identity.Caller, raw json.RawMessage) (string, error) {
			ch, err := t.check(ctx, c, raw)
			return ch.Preview, err
		}
	}
}

// gateCheck runs t's checks on raw: the approval to hold (asking, or
// pending with what was found) or the refusal.
func (t Tool) gateCheck(ctx context.Context, c identity.Caller, raw json.RawMessage) (Approval, error) {
	if t.check == nil {
		preview, err := t.Preview(ctx, c, raw)
		return Approval{Preview: preview, Status: ApprovalPending}, err
	}
	ch, err := t.check(ctx, c, raw)
	var ce *publish.ChoiceError
	var de *publish.DuplicateError
	switch {
	case errors.As(err, &ce):
		q := ce.Choices[0]
		return Approval{Preview: q.Question(), Status: ApprovalAsking, Checks: Checks{Choice: &q}}, nil
	case errors.As(err, &de):
		// The same call allowing duplicates: what it will do, and the warning.
		anyway, aerr := setArg(raw, "allow_duplicate", true)
		if aerr != nil {
			return Approval{}, aerr
		}
		ch, err = t.check(ctx, c, anyway)
		if err != nil {
			return Approval{}, err
		}
		return Approval{Preview: ch.Preview, Status: ApprovalPending, Checks: Checks{Duplicates: de.Duplicates, Targets: ch.Targets}}, nil
	case err != nil:
		return Approval{}, err
	}
	return Approval{Preview: ch.Preview, Status: ApprovalPending, Checks: Checks{Targets: ch.Targets}}, nil
}

// setArg returns raw with key set to v.
func setArg(raw json.RawMessage, key string, v any) (json.RawMessage, error) {
	m := map[string]json.RawMessage{}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, fmt.Errorf("agents: arguments: %w", err)
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("agents: arguments: %w", err)
	}
	m[key] = b
	out, err := json.Marshal(m)
	return out, err
}

// addAccount returns raw with id added to its account_ids.
func addAccount(raw json.RawMessage, id string) (json.RawMessage, error) {
	var a struct {
		AccountIDs []string `json:"account_ids"`
	}
	if err := json.Unmarshal(raw, &a); err != nil {
		return nil, fmt.Errorf("agents: arguments: %w", err)
	}
	for _, x := range a.AccountIDs {
		if x == id {
			return raw, nil
		}
	}
	return setArg(raw, "account_ids", append(a.AccountIDs, id))
}
