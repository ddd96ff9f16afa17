package oauth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/marketingminds/marketingminds/integrations/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Schema is the oauth package's data: oauth_states.
var Schema = store.Schema{
	Name:       "oauth",
	Migrations: store.Sub(migrations, "migrations"),
	Indexes:    []store.Index{{Collection: "oauth_states", Keys: bson.D{{Key: "expires_at", Value: 1}}}},
}

// StateTTL is how long an authorization may take.
const StateTTL = 10 * time.Minute

// Why a state was refused by Consume.
var (
	ErrStateMissing  = errors.New("the request carries no state")
	ErrStateUnknown  = errors.New("the state is unknown (forged, or from another server)")
	ErrStateExpired  = errors.New("the state expired")
	ErrStateUsed     = errors.New("the state was already used")
	ErrStatePlatform = errors.New("the state was issued for another platform")
)

// State is one pending authorization.
type State struct {
	WorkspaceID string
	UserID      string
	Door        string
	Platform    string
	RedirectURI string
	// Verifier is the PKCE verifier (X), sealed at rest.
	Verifier string
	// ReturnTo says where to report the outcome (opaque to this package).
	ReturnTo  string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time
}

// States stores pending authorizations in oauth_states.
type States struct {
	db    *store.DB
	vault *Vault
	now   func() time.Time
}

// NewStates returns the state store; now is the clock (nil: time.Now).
func NewStates(db *store.DB, vault *Vault, now func() time.Time) *States {
	if now == nil {
		now = time.Now
	}
	return &States{db: db, vault: vault, now: now}
}

func hashState(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Create stores s (its times set here: now and now+StateTTL) and returns
// the state to put in the authorization URL: 32 random bytes, base64url.
func (st *States) Create(ctx context.Context, s State) (string, error) {
	defer st.db.Observe("oauth.create_state")()
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("oauth: create state: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(b[:])
	id := hashState(token)
	s.CreatedAt = store.Trunc(st.now())
	s.ExpiresAt = s.CreatedAt.Add(StateTTL)
	verifier, err := st.vault.Seal(s.Verifier, AAD("oauth_states", id, "verifier"))
	if err != nil {
		return "", err
	}
	if st.db.Backend == store.Mongo {
		_, err = st.db.Mongo.Collection("oauth_states").InsertOne(ctx, bson.D{
			{Key: "_id", Value: id}, {Key: "workspace_id", Value: s.WorkspaceID}, {Key: "user_id", Value: s.UserID},
			{Key: "door", Value: s.Door}, {Key: "platform", Value: s.Platform}, {Key: "redirect_uri", Value: s.RedirectURI},
			{Key: "verifier", Value: verifier}, {Key: "return_to", Value: s.ReturnTo},
			{Key: "created_at", Value: s.CreatedAt}, {Key: "expires_at", Value: s.ExpiresAt},
		})
	} else {
		_, err = st.db.SQL.ExecContext(ctx, `INSERT INTO oauth_states
			(id, workspace_id, user_id, door, platform, redirect_uri, verifier, return_to, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, s.WorkspaceID, s.UserID, s.Door, s.Platform, s.RedirectURI, verifier, s.ReturnTo,
			store.Millis(s.CreatedAt), store.Millis(s.ExpiresAt))
	}
	if err != nil {
		return "", fmt.Errorf("oauth: create state: %w", err)
	}
	return token, nil
}

// Consume checks token (exists, for platform, unexpired, unused) and marks it
// used, exactly once across every replica. Refusals are the ErrState*
// sentinels; a state for another platform is left unused.
func (st *States) Consume(ctx context.Context, token, platform string) (State, error) {
	defer st.db.Observe("oauth.consume_state")()
	if token == "" {
		return State{}, ErrStateMissing
	}
	id := hashState(token)
	now := store.Trunc(st.now())
	s, sealed, err := st.get(ctx, id)
	if err != nil {
		return State{}, err
	}
	switch {
	case s.Platform != platform:
		return State{}, fmt.Errorf("%w (%s, not %s)", ErrStatePlatform, s.Platform, platform)
	case !s.UsedAt.IsZero():
		return State{}, ErrStateUsed
	case !now.Before(s.ExpiresAt):
		return State{}, ErrStateExpired
	}
	won, err := st.markUsed(ctx, id, now)
	if err != nil {
		return State{}, err
	}
	if !won {
		return State{}, ErrStateUsed
	}
	s.UsedAt = now
	if s.Verifier, err = st.vault.Open(sealed, AAD("oauth_states", id, "verifier")); err != nil {
		return State{}, err
	}
	return s, nil
}

// markUsed sets used_at once: the conditional UPDATE on SQLite; on MongoDB
// the winner is decided by inserting a fixed-_id lock (atomic on every
// server), then the record is marked.
func (st *States) markUsed(ctx context.Context, id string, now time.Time) (bool, error) {
	if st.db.Backend == store.Mongo {
		won, err := st.db.Acquire(ctx, "oauth_state:"+id, "consume:"+store.NewID(), now, StateTTL+time.Hour)
		if err != nil || !won {
			return false, err
		}
		_, err = st.db.Mongo.Collection("oauth_states").UpdateOne(ctx, bson.D{{Key: "_id", Value: id}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "used_at", Value: now}}}})
		if err != nil {
			return false, fmt.Errorf("oauth: consume state: %w", err)
		}
		return true, nil
	}
	res, err := st.db.SQL.ExecContext(ctx, `UPDATE oauth_states SET used_at = ? WHERE id = ? AND used_at = 0`, store.Millis(now), id)
	if err != nil {
		return false, fmt.Errorf("oauth: consume state: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("oauth: consume state: %w", err)
	}
	return n == 1, nil
}

type stateDoc struct {
	ID          string    `bson:"_id"`
	WorkspaceID string    `bson:"workspace_id"`
	UserID      string    `bson:"user_id"`
	Door        string    `bson:"door"`
	Platform    string    `bson:"platform"`
	RedirectURI string    `bson:"redirect_uri"`
	Verifier    string    `bson:"verifier"`
	ReturnTo    string    `bson:"return_to"`
	CreatedAt   time.Time `bson:"created_at"`
	ExpiresAt   time.Time `bson:"expires_at"`
	UsedAt      time.Time `bson:"used_at,omitempty"`
}

// get reads a state and its sealed verifier; ErrStateUnknown when absent.
func (st *States) get(ctx context.Context, id string) (State, string, error) {
	if st.db.Backend == store.Mongo {
		var d stateDoc
		err := st.db.Mongo.Collection("oauth_states").FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
		if errors.Is(err, mongo.ErrNoDocuments) {
			return State{}, "", ErrStateUnknown
		}
		if err != nil {
			return State{}, "", fmt.Errorf("oauth: read state: %w", err)
		}
		return State{WorkspaceID: d.WorkspaceID, UserID: d.UserID, Door: d.Door, Platform: d.Platform,
			RedirectURI: d.RedirectURI, ReturnTo: d.ReturnTo, CreatedAt: store.Trunc(d.CreatedAt),
			ExpiresAt: store.Trunc(d.ExpiresAt), UsedAt: store.Trunc(d.UsedAt)}, d.Verifier, nil
	}
	var s State
	var sealed string
	var created, expires, used int64
	err := st.db.SQL.QueryRowContext(ctx, `SELECT workspace_id, user_id, door, platform, redirect_uri, verifier, return_to,
		created_at, expires_at, used_at FROM oauth_states WHERE id = ?`, id).
		Scan(&s.WorkspaceID, &s.UserID, &s.Door, &s.Platform, &s.RedirectURI, &sealed, &s.ReturnTo, &created, &expires, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return State{}, "", ErrStateUnknown
	}
	if err != nil {
		return State{}, "", fmt.Errorf("oauth: read state: %w", err)
	}
	s.CreatedAt, s.ExpiresAt, s.UsedAt = store.FromMillis(created), store.FromMillis(expires), store.FromMillis(used)
	return s, sealed, nil
}

// Purge deletes states that expired before now (the cleanup job); used
// states go with them, so a replayed state then reads as unknown.
func (st *States) Purge(ctx context.Context, before time.Time) (int64, error) {
	defer st.db.Observe("oauth.purge_states")()
	if st.db.Backend == store.Mongo {
		res, err := st.db.Mongo.Collection("oauth_states").DeleteMany(ctx, bson.D{{Key: "expires_at", Value: bson.D{{Key: "$lt", Value: before.UTC()}}}})
		if err != nil {
			return 0, fmt.Errorf("oauth: purge states: %w", err)
		}
		return res.DeletedCount, nil
	}
	res, err := st.db.SQL.ExecContext(ctx, `DELETE FROM oauth_states WHERE expires_at < ?`, store.Millis(before))
	if err != nil {
		return 0, fmt.Errorf("oauth: purge states: %w", err)
	}
	return res.RowsAffected()
}
