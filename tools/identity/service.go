package identity

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"time"

	"github.com/marketingminds/marketingminds/integrations/store"
)

// TokenPrefix starts every API token, so a leaked one is recognisable.
const TokenPrefix = "mm_"

// tokenBody is the random part: 40 base62 characters (≈ 238 bits).
const tokenBody = 40

// wellFormed reports whether token looks like one of ours: mm_ and 40
// base62 characters (checked by hand: it runs on every request).
func wellFormed(token string) bool {
	body, ok := strings.CutPrefix(token, TokenPrefix)
	if !ok || len(body) != tokenBody {
		return false
	}
	for i := range len(body) {
		if c := body[i]; !('0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z') { // base62, on every request
			return false
		}
	}
	return true
}

// Errors of Authenticate.
var (
	ErrMalformedToken = errors.New("malformed API token")
	ErrInvalidToken   = errors.New("unknown or revoked API token")
)

// touchEvery bounds how often a token's last-used time is written: once a
// minute is precise enough and keeps authentication a read.
const touchEvery = time.Minute

// VerifiedTTL is how long a token found live is taken without asking the
// store again. It bounds how long a revocation takes to reach every
// replica (the replica that revokes forgets the token at once), and it
// keeps authentication off the database for a busy client.
const VerifiedTTL = 500 * time.Millisecond

// maxVerified bounds the verified-token cache; past it, expired entries go.
const maxVerified = 10_000

// Service manages workspaces, users and API tokens.
type Service struct {
	store Store
	now   func() time.Time

	mu      sync.Mutex
	touched map[string]time.Time // token id → last written last-used time

	vmu      sync.RWMutex
	verified map[string]verifiedToken // token hash → a live token, until
}

// verifiedToken is a token the store said is live, and until when that is believed.
type verifiedToken struct {
	token Token
	until time.Time
}

// NewService returns a Service on st; now is the clock.
func NewService(st Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: st, now: now, touched: map[string]time.Time{}, verified: map[string]verifiedToken{}}
}

// CreatedToken is a new token: the only time the secret is shown.
type CreatedToken struct {
	Token  string // the secret, shown once
	Record Token
}

// CreateToken issues an API token for user in workspace with role, creating
// the workspace and the user (with that role) when they do not exist yet.
func (s *Service) CreateToken(ctx context.Context, workspaceID, userID string, role Role, name string) (CreatedToken, error) {
	if workspaceID == "" || userID == "" {
		return CreatedToken{}, errors.New("identity: create token: workspace and user are required")
	}
	if _, err := ParseRole(string(role)); err != nil {
		return CreatedToken{}, fmt.Errorf("identity: create token: %w", err)
	}
	now := s.now().UTC()
	if _, err := s.store.EnsureWorkspace(ctx, Workspace{ID: workspaceID, CreatedAt: now}); err != nil {
		return CreatedToken{}, err
	}
	if _, err := s.store.EnsureUser(ctx, User{WorkspaceID: workspaceID, ID: userID, Role: role, CreatedAt: now}); err != nil {
		return CreatedToken{}, err
	}
	secret, err := newSecret()
	if err != nil {
		return CreatedToken{}, fmt.Errorf("identity: create token: %w", err)
	}
	t := Token{
		ID: store.NewID(), WorkspaceID: workspaceID, UserID: userID, Role: role, Name: name,
		Hash: hashToken(secret), Prefix: secret[:len(TokenPrefix)+4], CreatedAt: store.Trunc(now),
	}
	if err := s.store.CreateToken(ctx, t); err != nil {
		return CreatedToken{}, err
	}
	return CreatedToken{Token: secret, Record: t}, nil
}

// Authenticate resolves a bearer token to its caller: ErrMalformedToken for
// something that is not a token, ErrInvalidToken for an unknown or revoked one.
func (s *Service) Authenticate(ctx context.Context, token string) (Caller, error) {
	if !wellFormed(token) {
		return Caller{}, ErrMalformedToken
	}
	hash := hashToken(token)
	t, ok := s.cached(hash)
	if !ok {
		var err error
		t, err = s.store.TokenByHash(ctx, hash)
		if errors.Is(err, ErrNotFound) {
			return Caller{}, ErrInvalidToken
		}
		if err != nil {
			return Caller{}, err
		}
		if !t.RevokedAt.IsZero() {
			return Caller{}, ErrInvalidToken
		}
		s.remember(t)
	}
	s.touch(ctx, t)
	return Caller{WorkspaceID: t.WorkspaceID, UserID: t.UserID, Role: t.Role, TokenID: t.ID}, nil
}

// cached is the live token of hash verified less than VerifiedTTL ago.
func (s *Service) cached(hash string) (Token, bool) {
	s.vmu.RLock()
	v, ok := s.verified[hash]
	s.vmu.RUnlock()
	if !ok || !s.now().Before(v.until) {
		return Token{}, false
	}
	return v.token, true
}

// remember believes t live for VerifiedTTL.
func (s *Service) remember(t Token) {
	now := s.now()
	s.vmu.Lock()
	defer s.vmu.Unlock()
	if len(s.verified) >= maxVerified {
		for h, v := range s.verified {
			if !now.Before(v.until) {
				delete(s.verified, h)
			}
		}
	}
	if len(s.verified) < maxVerified {
		s.verified[t.Hash] = verifiedToken{token: t, until: now.Add(VerifiedTTL)}
	}
}

// forget drops a token from the cache: this replica refuses it at once.
func (s *Service) forget(hash string) {
	s.vmu.Lock()
	delete(s.verified, hash)
	s.vmu.Unlock()
}

// touch records use of t at most once per touchEvery per process. A failed
// write is not the caller's problem: the token did authenticate.
func (s *Service) touch(ctx context.Context, t Token) {
	now := s.now()
	s.mu.Lock()
	last := s.touched[t.ID]
	if last.IsZero() {
		last = t.LastUsedAt
	}
	due := now.Sub(last) >= touchEvery
	if due {
		s.touched[t.ID] = now
	}
	s.mu.Unlock()
	if due {
		_ = s.store.TouchToken(ctx, t.ID, now)
	}
}

// ListTokens lists a workspace's tokens (hashes and prefixes, never secrets).
func (s *Service) ListTokens(ctx context.Context, workspaceID string) ([]Token, error) {
	return s.store.ListTokens(ctx, workspaceID)
}

// RevokeToken revokes a token by id: every later request with it is
// refused at once by this replica and within VerifiedTTL by every other.
func (s *Service) RevokeToken(ctx context.Context, id string) (Token, error) {
	t, err := s.store.RevokeToken(ctx, id, s.now())
	if err == nil {
		s.forget(t.Hash)
	}
	return t, err
}

// EnsureUser creates u's workspace and u (with u's role and profile) unless
// they exist, and returns the stored user: a user already known keeps the
// role and profile stored for them. The Slack door calls it the first time
// it sees a user.
func (s *Service) EnsureUser(ctx context.Context, u User) (User, error) {
	if u.WorkspaceID == "" || u.ID == "" {
		return User{}, errors.New("identity: ensure user: workspace and user are required")
	}
	if _, err := ParseRole(string(u.Role)); err != nil {
		return User{}, fmt.Errorf("identity: ensure user: %w", err)
	}
	now := store.Trunc(s.now().UTC())
	if _, err := s.store.EnsureWorkspace(ctx, Workspace{ID: u.WorkspaceID, CreatedAt: now}); err != nil {
		return User{}, err
	}
	u.CreatedAt = now
	return s.store.EnsureUser(ctx, u)
}

// User returns a workspace's user.
func (s *Service) User(ctx context.Context, workspaceID, userID string) (User, error) {
	return s.store.GetUser(ctx, workspaceID, userID)
}

// NameWorkspace creates workspace id unless it exists and gives it name
// when it has none yet (a Slack install knows the team's name).
func (s *Service) NameWorkspace(ctx context.Context, id, name string) (Workspace, error) {
	if id == "" {
		return Workspace{}, errors.New("identity: name workspace: the workspace is required")
	}
	return s.store.EnsureWorkspace(ctx, Workspace{ID: id, Name: name, CreatedAt: store.Trunc(s.now().UTC())})
}

// Workspace returns a workspace (its name is "" until one is known).
func (s *Service) Workspace(ctx context.Context, id string) (Workspace, error) {
	return s.store.GetWorkspace(ctx, id)
}

// maxNames bounds one Names call: a page names at most this many people.
const maxNames = 500

// Names maps each of userIDs known in workspaceID with a display name to
// that name; the others are left out, for the door to word. At most
// maxNames distinct ids, else an error.
func (s *Service) Names(ctx context.Context, workspaceID string, userIDs []string) (map[string]string, error) {
	ids := make([]string, 0, len(userIDs))
	seen := make(map[string]bool, len(userIDs))
	for _, id := range userIDs {
		if id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if len(ids) > maxNames {
		return nil, fmt.Errorf("identity: names: %d people at once, at most %d", len(ids), maxNames)
	}
	users, err := s.store.Users(ctx, workspaceID, ids)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(users))
	for _, u := range users {
		if u.DisplayName != "" {
			names[u.ID] = u.DisplayName
		}
	}
	return names, nil
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

func newSecret() (string, error) {
	var b strings.Builder
	b.WriteString(TokenPrefix)
	max := big.NewInt(int64(len(base62)))
	for range tokenBody {
		n, err := rand.Int(rand.Reader, max)
		if err != nil {
			return "", err
		}
		b.WriteByte(base62[n.Int64()])
	}
	return b.String(), nil
}
