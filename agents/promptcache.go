package agents

import (
	"sync"
	"time"

	"github.com/marketingminds/marketingminds/prompts"
	"github.com/marketingminds/marketingminds/tools/identity"
)

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
