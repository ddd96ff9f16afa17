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
	// Without a display name the model is not told the id: it would greet
	// the person by it.
	v := prompts.System{Workspace: c.WorkspaceID, UserName: "this person", TimeZone: "UTC", Sandbox: o.cfg.Sandbox, Approval: o.policy(ctx, c.WorkspaceID)}
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
// the data of one (workspace, user, role) and never serves another, and
// turns that need an entry being read wait for that read. The
// orchestrator's own calls of a tool that changes something drop their
// workspace's entries at once (a note remembered is in the next turn's
// prompt); a change made elsewhere (the dashboard, another replica) shows
// after at most ttl. The gate never uses it: it reads the policy when it
// holds a call.
type promptCache struct {
	ttl time.Duration
	now func() time.Time

	mu  sync.Mutex
	m   map[promptKey]*promptEntry
	gen map[string]uint64 // workspace → how many times its entries were dropped
}

type promptKey struct {
	workspace, user string
	role            identity.Role
}

// promptEntry is one person's data; the fields after ready are set
// before ready is closed.
type promptEntry struct {
	gen   uint64
	ready chan struct{}
	v     prompts.System // without Now
	loc   *time.Location
	err   error
	until time.Time
}

func newPromptCache(ttl time.Duration, now func() time.Time) *promptCache {
	return &promptCache{ttl: ttl, now: now, m: map[promptKey]*promptEntry{}, gen: map[string]uint64{}}
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
	gen := p.gen[k.workspace]
	if e := p.m[k]; e != nil && e.gen == gen {
		select {
		case <-e.ready:
			if e.err == nil && now.Before(e.until) {
				p.mu.Unlock()
				return e.v, e.loc, nil
			}
		default: // being read for another turn
			p.mu.Unlock()
			<-e.ready
			if e.err == nil {
				return e.v, e.loc, nil
			}
			return load() // that read failed (its turn may have ended): read for this one
		}
	}
	if len(p.m) >= 4096 {
		p.sweep(now)
	}
	e := &promptEntry{gen: gen, ready: make(chan struct{})}
	p.m[k] = e
	p.mu.Unlock()
	e.v, e.loc, e.err = load()
	e.until = now.Add(p.ttl) // from before the read: never kept longer than ttl
	close(e.ready)
	if e.err != nil {
		p.mu.Lock()
		if p.m[k] == e {
			delete(p.m, k)
		}
		p.mu.Unlock()
	}
	return e.v, e.loc, e.err
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

// sweep drops the entries read and past their time; p.mu is held.
func (p *promptCache) sweep(now time.Time) {
	for k, e := range p.m {
		select {
		case <-e.ready:
			if !now.Before(e.until) {
				delete(p.m, k)
			}
		default:
		}
	}
}
