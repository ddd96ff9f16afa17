// Package memory is what the assistant remembers between conversations:
// workspace memory (global_memory: brand voice, audience, products, dos and
// don'ts), shared by the whole team, and user memory (user_memory: one
// person's preferences). The agent's remember and recall tools call it, and
// the orchestrator puts both into every system prompt.
package memory

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/marketingminds/marketingminds/tools/identity"
)

// Scope is whose memory a note is in.
type Scope string

// The scopes.
const (
	// Workspace memory is the team's: editors and admins write it.
	Workspace Scope = "workspace"
	// User memory is one person's: anyone writes their own.
	User Scope = "user"
)

// Limits on what is kept: memory goes into every prompt, so it stays small.
const (
	MaxKeyLen   = 64
	MaxValueLen = 2000
	MaxItems    = 100 // per workspace, and per user
)

// Errors callers switch on.
var (
	// ErrInvalid wraps a note that cannot be kept (empty, too long, bad key).
	ErrInvalid = errors.New("memory: invalid note")
	// ErrFull is returned when a scope already holds MaxItems notes.
	ErrFull = errors.New("memory: full")
)

// Item is one remembered note.
type Item struct {
	Scope       Scope     `json:"scope"`
	WorkspaceID string    `json:"-"`
	UserID      string    `json:"-"` // set for user memory
	Key         string    `json:"key"`
	Value       string    `json:"value"`
	UpdatedBy   string    `json:"updated_by"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Note is what to remember.
type Note struct {
	Scope Scope
	Key   string // a topic: "brand_voice", "audience", "tone"
	Value string
}

// Service reads and writes memory.
type Service struct {
	store Store
	now   func() time.Time
}

// New returns a Service on st; now is the clock (nil: time.Now).
func New(st Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: st, now: now}
}

var keyPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]*$`)

// normKey lowercases a topic and joins its words with underscores.
func normKey(k string) string {
	return strings.Join(strings.Fields(strings.ToLower(strings.TrimSpace(k))), "_")
}

// Remember keeps n, replacing the note with the same key in its scope.
// Workspace memory needs the editor role; anyone may keep their own notes.
func (s *Service) Remember(ctx context.Context, c identity.Caller, n Note) (Item, error) {
	need := identity.Viewer
	switch n.Scope {
	case Workspace:
		need = identity.Editor
	case User:
	default:
		return Item{}, fmt.Errorf("%w: scope must be %q or %q, not %q", ErrInvalid, Workspace, User, n.Scope)
	}
	if err := c.Require(need); err != nil {
		return Item{}, fmt.Errorf("memory: remember: %w", err)
	}
	key := normKey(n.Key)
	switch {
	case key == "":
		return Item{}, fmt.Errorf("%w: give a topic (key) such as brand_voice or audience", ErrInvalid)
	case utf8.RuneCountInString(key) > MaxKeyLen:
		return Item{}, fmt.Errorf("%w: the topic is %d characters; at most %d", ErrInvalid, utf8.RuneCountInString(key), MaxKeyLen)
	case !keyPattern.MatchString(key):
		return Item{}, fmt.Errorf("%w: topic %q may hold only letters, digits, '_', '.' and '-'", ErrInvalid, key)
	}
	value := strings.TrimSpace(n.Value)
	if value == "" {
		return Item{}, fmt.Errorf("%w: nothing to remember for %q", ErrInvalid, key)
	}
	if l := utf8.RuneCountInString(value); l > MaxValueLen {
		return Item{}, fmt.Errorf("%w: the note is %d characters; at most %d", ErrInvalid, l, MaxValueLen)
	}
	it := Item{Scope: n.Scope, WorkspaceID: c.WorkspaceID, Key: key, Value: value, UpdatedBy: c.UserID, UpdatedAt: s.now().UTC()}
	if n.Scope == User {
		it.UserID = c.UserID
	}
	items, err := s.store.List(ctx, c.WorkspaceID, it.UserID)
	if err != nil {
		return Item{}, err
	}
	if len(items) >= MaxItems && !hasKey(items, key) {
		return Item{}, fmt.Errorf("%w: %s memory holds %d notes already; replace one by reusing its topic", ErrFull, n.Scope, MaxItems)
	}
	if err := s.store.Put(ctx, it); err != nil {
		return Item{}, err
	}
	return it, nil
}

func hasKey(items []Item, key string) bool {
	for _, it := range items {
		if it.Key == key {
			return true
		}
	}
	return false
}

// Recall returns the caller's workspace notes and their own notes (only
// one scope when scope is set) whose topic or text contains query (every
// note when query is empty), workspace notes first, each by topic. Any role.
func (s *Service) Recall(ctx context.Context, c identity.Caller, scope Scope, query string) ([]Item, error) {
	if err := c.Require(identity.Viewer); err != nil {
		return nil, fmt.Errorf("memory: recall: %w", err)
	}
	if scope != "" && scope != Workspace && scope != User {
		return nil, fmt.Errorf("%w: scope must be %q, %q or empty, not %q", ErrInvalid, Workspace, User, scope)
	}
	var out []Item
	for _, sc := range []Scope{Workspace, User} {
		if scope != "" && scope != sc {
			continue
		}
		userID := ""
		if sc == User {
			userID = c.UserID
		}
		items, err := s.store.List(ctx, c.WorkspaceID, userID)
		if err != nil {
			return nil, err
		}
		sort.Slice(items, func(i, j int) bool { return items[i].Key < items[j].Key })
		out = append(out, filter(items, query)...)
	}
	return out, nil
}

func filter(items []Item, query string) []Item {
	q := strings.ToLower(strings.TrimSpace(query))
	if q == "" {
		return items
	}
	var out []Item
	for _, it := range items {
		if strings.Contains(it.Key, normKey(q)) || strings.Contains(strings.ToLower(it.Value), q) {
			out = append(out, it)
		}
	}
	return out
}
