package agents

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/marketingminds/marketingminds/prompts"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/memory"
)

// systemPrompt renders the prompt with the workspace's context.
func (o *Orchestrator) systemPrompt(ctx context.Context, c identity.Caller) (string, error) {
	v, err := o.promptData(ctx, c)
	if err != nil {
		return "", err
	}
	return o.cfg.Prompts.System(v)
}

// promptData is the workspace's context for a prompt, as of now: the
// person's name, time zone and local time, memory, accounts and the
// approval policy, kept for PromptTTL (see promptCache).
func (o *Orchestrator) promptData(ctx context.Context, c identity.Caller) (prompts.System, error) {
	v, loc, err := o.prompts.get(c, func() (prompts.System, *time.Location, error) { return o.readPromptData(ctx, c) })
	if err != nil {
		return prompts.System{}, err
	}
	v.Now = o.cfg.Now().In(loc)
	return v, nil
}

// readPromptData reads what promptData keeps, and the person's location.
func (o *Orchestrator) readPromptData(ctx context.Context, c identity.Caller) (prompts.System, *time.Location, error) {
	v := prompts.System{Workspace: c.WorkspaceID, UserName: c.UserID, TimeZone: "UTC", Sandbox: o.cfg.Sandbox, Approval: o.policy(ctx, c.WorkspaceID)}
	loc := time.UTC
	if o.cfg.Users != nil {
		if u, err := o.cfg.Users.User(ctx, c.WorkspaceID, c.UserID); err == nil {
			loc = u.Location()
			v.TimeZone = loc.String()
			if u.DisplayName != "" {
				v.UserName = u.DisplayName
			}
		} else if !errors.Is(err, identity.ErrNotFound) {
			return prompts.System{}, nil, fmt.Errorf("agents: prompt: %w", err)
		}
	}
	if o.cfg.Memory != nil {
		items, err := o.cfg.Memory.Recall(ctx, c, "", "")
		if err != nil {
			return prompts.System{}, nil, fmt.Errorf("agents: prompt: %w", err)
		}
		used, left := 0, 0
		for _, it := range items {
			line := it.Key + ": " + it.Value
			if used+len(line) > memoryBudget {
				left++
				continue
			}
			used += len(line)
			if it.Scope == memory.User {
				v.UserMemory = append(v.UserMemory, line)
			} else {
				v.Memory = append(v.Memory, line)
			}
		}
		if left > 0 {
			v.Memory = append(v.Memory, fmt.Sprintf("(%d more notes are kept: use recall to read them)", left))
		}
	}
	if o.cfg.Accounts != nil {
		accts, err := o.cfg.Accounts.List(ctx, c, "")
		if err != nil {
			return prompts.System{}, nil, fmt.Errorf("agents: prompt: %w", err)
		}
		for _, a := range accts {
			line := fmt.Sprintf("%s %s (account_id %s)", a.Platform, accountName(a), a.ID)
			if a.Status != accounts.StatusConnected {
				line += " — " + string(a.Status)
			}
			v.Accounts = append(v.Accounts, line)
		}
	}
	return v, loc, nil
}

func accountName(a accounts.Account) string {
	if a.Handle != "" {
		return "@" + strings.TrimPrefix(a.Handle, "@")
	}
	return a.AccountName
}

// DefaultPromptTTL is Config.PromptTTL's default.
const DefaultPromptTTL = 5 * time.Second

// promptCache keeps what a system prompt says of a person in a workspace
// (name, time zone, memory, accounts, the approval policy) for a short
// time, so a burst of turns reads it once, not once per turn: an entry is
// the data of one (workspace, user, role) and never serves another. The
// orchestrator's own calls of a tool that changes something drop their
// workspace's entries at once (a note remembered is in the next turn's
// prompt); a change made elsewhere (the dashboard, another replica) shows
// after at most ttl. The gate never uses it: it reads the policy when it
// holds a call.
type promptCache struct {
	ttl time.Duration
	now func() time.Time

	mu  sync.Mutex
	m   map[promptKey]promptEntry
	gen map[string]uint64 // workspace → how many times its entries were dropped
}

type promptKey struct {
	workspace, user string
	role            identity.Role
}

type promptEntry struct {
	v     prompts.System // without Now
	loc   *time.Location
	until time.Time
	gen   uint64
}

func newPromptCache(ttl time.Duration, now func() time.Time) *promptCache {
	return &promptCache{ttl: ttl, now: now, m: map[promptKey]promptEntry{}, gen: map[string]uint64{}}
}

// get returns c's prompt data, read with load when it is not kept (or
// older than ttl). What it returns is shared: read it, do not change it.
func (p *promptCache) get(c identity.Caller, load func() (prompts.System, *time.Location, error)) (prompts.System, *time.Location, error) {
	if p.ttl <= 0 {
		return load()
	}
	k := promptKey{workspace: c.WorkspaceID, user: c.UserID, role: c.Role}
	now := p.now()
	p.mu.Lock()
	e, ok := p.m[k]
	gen := p.gen[k.workspace]
	p.mu.Unlock()
	if ok && e.gen == gen && now.Before(e.until) {
		return e.v, e.loc, nil
	}
	v, loc, err := load()
	if err != nil {
		return v, loc, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.gen[k.workspace] == gen { // not dropped while it was read
		if len(p.m) >= 4096 {
			p.sweep(now)
		}
		p.m[k] = promptEntry{v: v, loc: loc, until: now.Add(p.ttl), gen: gen}
	}
	return v, loc, nil
}

// forget drops the entries of workspace.
func (p *promptCache) forget(workspace string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.gen[workspace]++
	for k := range p.m {
		if k.workspace == workspace {
			delete(p.m, k)
		}
	}
}

// sweep drops the entries past their time; p.mu is held.
func (p *promptCache) sweep(now time.Time) {
	for k, e := range p.m {
		if !now.Before(e.until) {
			delete(p.m, k)
		}
	}
}
