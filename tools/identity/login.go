package identity

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/marketingminds/marketingminds/integrations/store"
)

// Dashboard sign-in: a one-time link (from `marketingminds dashboard-link`
// or `/mm dashboard`) or an API token pasted once is exchanged for a browser
// session. Links and sessions are stored as SHA-256 hashes only.

//go:embed sessionmigrations/*.sql
var sessionMigrations embed.FS

// SessionSchema is the sign-in part of the database: login_links, sessions.
var SessionSchema = store.Schema{
	Name:       "identity_sessions",
	Migrations: store.Sub(sessionMigrations, "sessionmigrations"),
	Indexes: []store.Index{
		{Collection: "sessions", Keys: bson.D{{Key: "id", Value: 1}}, Unique: true},
		{Collection: "sessions", Keys: bson.D{{Key: "expires_at", Value: 1}}},
		{Collection: "login_links", Keys: bson.D{{Key: "expires_at", Value: 1}}},
	},
}

// Lifetimes of the sign-in secrets.
const (
	LinkTTL    = 10 * time.Minute
	SessionTTL = 12 * time.Hour
)

// Prefixes of the sign-in secrets, so a leaked one is recognisable.
const (
	LinkPrefix    = "mml_"
	SessionPrefix = "mms_"
)

var (
	linkPattern    = regexp.MustCompile(`^mml_[0-9A-Za-z]{40}$`)
	sessionPattern = regexp.MustCompile(`^mms_[0-9A-Za-z]{40}$`)
)

// Sign-in errors.
var (
	ErrLinkInvalid = errors.New("this sign-in link is not valid")
	ErrLinkUsed    = errors.New("this sign-in link was already used; ask for a new one")
	ErrLinkExpired = errors.New("this sign-in link has expired (links last 10 minutes); ask for a new one")
	ErrNoSession   = errors.New("not signed in, or the session ended")
)

// LoginLink is a stored one-time sign-in link.
type LoginLink struct {
	Hash        string
	WorkspaceID string
	UserID      string
	CreatedAt   time.Time
	ExpiresAt   time.Time
	UsedAt      time.Time // zero: not used yet
}

// Session is a stored dashboard session.
type Session struct {
	ID          string
	Hash        string
	WorkspaceID string
	UserID      string
	Role        Role
	Via         string // "link" or "token"
	TokenID     string // the API token pasted, when Via is token
	CreatedAt   time.Time
	ExpiresAt   time.Time
	EndedAt     time.Time // zero: live
}

// SessionStore is what sign-in needs of the database.
type SessionStore interface {
	CreateLoginLink(ctx context.Context, l LoginLink) error
	// ConsumeLoginLink marks an unused, unexpired link used at `at` and
	// returns it; ErrLinkUsed, ErrLinkExpired or ErrNotFound otherwise. At
	// most one caller consumes a link.
	ConsumeLoginLink(ctx context.Context, hash string, at time.Time) (LoginLink, error)
	CreateSession(ctx context.Context, s Session) error
	// SessionByHash finds a session, ended or not; ErrNotFound when absent.
	SessionByHash(ctx context.Context, hash string) (Session, error)
	// EndSession marks a live session ended; ErrNotFound when there is none.
	EndSession(ctx context.Context, hash string, at time.Time) error
	// PurgeExpired deletes links and sessions that expired before `before`.
	PurgeExpired(ctx context.Context, before time.Time) (int64, error)
}

// NewSessionStore returns db's implementation of SessionStore.
func NewSessionStore(db *store.DB) SessionStore {
	if db.Backend == store.Mongo {
		return &mongoSessions{db: db}
	}
	return &sqliteSessions{db: db}
}

// Sessions signs people in to the dashboard.
type Sessions struct {
	store SessionStore
	ids   *Service
	now   func() time.Time
}

// NewSessions returns the sign-in service; ids authenticates pasted tokens
// and knows users' roles.
func NewSessions(st SessionStore, ids *Service, now func() time.Time) *Sessions {
	if now == nil {
		now = time.Now
	}
	return &Sessions{store: st, ids: ids, now: now}
}

// CreateLink issues a one-time sign-in link code for user in workspace,
// valid LinkTTL. A user that does not exist yet is created with role; an
// existing user keeps theirs.
func (s *Sessions) CreateLink(ctx context.Context, workspaceID, userID string, role Role) (string, LoginLink, error) {
	if strings.TrimSpace(workspaceID) == "" || strings.TrimSpace(userID) == "" {
		return "", LoginLink{}, errors.New("identity: sign-in link: workspace and user are required")
	}
	if _, err := ParseRole(string(role)); err != nil {
		return "", LoginLink{}, fmt.Errorf("identity: sign-in link: %w", err)
	}
	now := store.Trunc(s.now().UTC())
	if _, err := s.ids.store.EnsureWorkspace(ctx, Workspace{ID: workspaceID, CreatedAt: now}); err != nil {
		return "", LoginLink{}, err
	}
	if _, err := s.ids.store.EnsureUser(ctx, User{WorkspaceID: workspaceID, ID: userID, Role: role, CreatedAt: now}); err != nil {
		return "", LoginLink{}, err
	}
	code, err := randomSecret(LinkPrefix)
	if err != nil {
		return "", LoginLink{}, fmt.Errorf("identity: sign-in link: %w", err)
	}
	l := LoginLink{Hash: hashToken(code), WorkspaceID: workspaceID, UserID: userID, CreatedAt: now, ExpiresAt: now.Add(LinkTTL)}
	if err := s.store.CreateLoginLink(ctx, l); err != nil {
		return "", LoginLink{}, err
	}
	return code, l, nil
}

// StartedSession is a new session: Secret goes in the cookie and is never
// shown again.
type StartedSession struct {
	Secret  string
	Session Session
}

// SignInWithLink spends a one-time link code and starts a session with the
// user's current role.
func (s *Sessions) SignInWithLink(ctx context.Context, code string) (StartedSession, error) {
	code = strings.TrimSpace(code)
	if !linkPattern.MatchString(code) {
		return StartedSession{}, ErrLinkInvalid
	}
	l, err := s.store.ConsumeLoginLink(ctx, hashToken(code), s.now())
	switch {
	case errors.Is(err, ErrNotFound):
		return StartedSession{}, ErrLinkInvalid
	case err != nil:
		return StartedSession{}, err
	}
	u, err := s.ids.User(ctx, l.WorkspaceID, l.UserID)
	if err != nil {
		return StartedSession{}, fmt.Errorf("identity: sign in: %w", err)
	}
	return s.start(ctx, Session{WorkspaceID: l.WorkspaceID, UserID: l.UserID, Role: u.Role, Via: "link"})
}

// SignInWithToken starts a session for the owner of an API token, with the
// token's role. The token is not stored in the session.
func (s *Sessions) SignInWithToken(ctx context.Context, token string) (StartedSession, error) {
	c, err := s.ids.Authenticate(ctx, strings.TrimSpace(token))
	if err != nil {
		return StartedSession{}, err
	}
	return s.start(ctx, Session{WorkspaceID: c.WorkspaceID, UserID: c.UserID, Role: c.Role, Via: "token", TokenID: c.TokenID})
}

func (s *Sessions) start(ctx context.Context, sess Session) (StartedSession, error) {
	secret, err := randomSecret(SessionPrefix)
	if err != nil {
		return StartedSession{}, fmt.Errorf("identity: start session: %w", err)
	}
	now := store.Trunc(s.now().UTC())
	sess.ID, sess.Hash, sess.CreatedAt, sess.ExpiresAt = store.NewID(), hashToken(secret), now, now.Add(SessionTTL)
	if err := s.store.CreateSession(ctx, sess); err != nil {
		return StartedSession{}, err
	}
	return StartedSession{Secret: secret, Session: sess}, nil
}

// Resolve turns a session secret into its caller (door dashboard);
// ErrNoSession when it is unknown, ended or expired.
func (s *Sessions) Resolve(ctx context.Context, secret string) (Caller, Session, error) {
	if !sessionPattern.MatchString(secret) {
		return Caller{}, Session{}, ErrNoSession
	}
	sess, err := s.store.SessionByHash(ctx, hashToken(secret))
	if errors.Is(err, ErrNotFound) {
		return Caller{}, Session{}, ErrNoSession
	}
	if err != nil {
		return Caller{}, Session{}, err
	}
	if !sess.EndedAt.IsZero() || !s.now().Before(sess.ExpiresAt) {
		return Caller{}, Session{}, ErrNoSession
	}
	if sess.TokenID != "" { // revoking the pasted token ends its sessions too
		live, err := s.tokenLive(ctx, sess.WorkspaceID, sess.TokenID)
		if err != nil {
			return Caller{}, Session{}, err
		}
		if !live {
			return Caller{}, Session{}, ErrNoSession
		}
	}
	return Caller{WorkspaceID: sess.WorkspaceID, UserID: sess.UserID, Role: sess.Role, Door: DoorDashboard, TokenID: sess.TokenID}, sess, nil
}

// tokenLive reports whether the workspace's token id exists unrevoked.
func (s *Sessions) tokenLive(ctx context.Context, workspaceID, id string) (bool, error) {
	tokens, err := s.ids.ListTokens(ctx, workspaceID)
	if err != nil {
		return false, err
	}
	for _, t := range tokens {
		if t.ID == id {
			return t.RevokedAt.IsZero(), nil
		}
	}
	return false, nil
}

// SignOut ends the session; signing out twice is not an error.
func (s *Sessions) SignOut(ctx context.Context, secret string) error {
	if !sessionPattern.MatchString(secret) {
		return nil
	}
	if err := s.store.EndSession(ctx, hashToken(secret), s.now()); err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	return nil
}

// Purge deletes expired links and sessions (the cleanup job).
func (s *Sessions) Purge(ctx context.Context) (int64, error) {
	return s.store.PurgeExpired(ctx, s.now())
}

// CSRFToken is the synchronizer token of the session whose secret is given:
// derived from the secret, so it is bound to the session and nothing more
// is stored; the stored hash does not reveal it.
func CSRFToken(secret string) string {
	sum := sha256.Sum256([]byte("mm-csrf\x00" + secret))
	return hex.EncodeToString(sum[:])
}

func randomSecret(prefix string) (string, error) {
	var b strings.Builder
	b.WriteString(prefix)
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
