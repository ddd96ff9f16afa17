package identity

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/marketingminds/marketingminds/integrations/store"
)

type mongoSessions struct{ db *store.DB }

type linkDoc struct {
	Hash        string    `bson:"_id"`
	WorkspaceID string    `bson:"workspace_id"`
	UserID      string    `bson:"user_id"`
	CreatedAt   time.Time `bson:"created_at"`
	ExpiresAt   time.Time `bson:"expires_at"`
	UsedAt      time.Time `bson:"used_at"`
}

func (d linkDoc) link() LoginLink {
	return LoginLink{Hash: d.Hash, WorkspaceID: d.WorkspaceID, UserID: d.UserID, CreatedAt: utc(d.CreatedAt), ExpiresAt: utc(d.ExpiresAt), UsedAt: utc(d.UsedAt)}
}

type sessionDoc struct {
	Hash        string    `bson:"_id"`
	ID          string    `bson:"id"`
	WorkspaceID string    `bson:"workspace_id"`
	UserID      string    `bson:"user_id"`
	Role        string    `bson:"role"`
	Via         string    `bson:"via"`
	TokenID     string    `bson:"token_id"`
	CreatedAt   time.Time `bson:"created_at"`
	ExpiresAt   time.Time `bson:"expires_at"`
	EndedAt     time.Time `bson:"ended_at"`
}

func (m *mongoSessions) CreateLoginLink(ctx context.Context, l LoginLink) error {
	defer m.db.Observe("identity.create_login_link")()
	_, err := m.db.Mongo.Collection("login_links").InsertOne(ctx, linkDoc{Hash: l.Hash, WorkspaceID: l.WorkspaceID, UserID: l.UserID,
		CreatedAt: store.Trunc(l.CreatedAt), ExpiresAt: store.Trunc(l.ExpiresAt)})
	if err != nil {
		return fmt.Errorf("identity: create login link: %w", err)
	}
	return nil
}

func (m *mongoSessions) ConsumeLoginLink(ctx context.Context, hash string, at time.Time) (LoginLink, error) {
	defer m.db.Observe("identity.consume_login_link")()
	c := m.db.Mongo.Collection("login_links")
	var d linkDoc
	err := c.FindOneAndUpdate(ctx,
		bson.D{{Key: "_id", Value: hash}, {Key: "used_at", Value: time.Time{}}, {Key: "expires_at", Value: bson.D{{Key: "$gt", Value: store.Trunc(at)}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "used_at", Value: store.Trunc(at)}}}},
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&d)
	if err == nil {
		return d.link(), nil
	}
	if !errors.Is(err, mongo.ErrNoDocuments) {
		return LoginLink{}, fmt.Errorf("identity: consume login link: %w", err)
	}
	err = c.FindOne(ctx, bson.D{{Key: "_id", Value: hash}}).Decode(&d)
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
		return LoginLink{}, fmt.Errorf("identity: login link: %w", ErrNotFound)
	case err != nil:
		return LoginLink{}, fmt.Errorf("identity: consume login link: %w", err)
	case !utc(d.UsedAt).IsZero():
		return d.link(), ErrLinkUsed
	}
	return d.link(), ErrLinkExpired
}

func (m *mongoSessions) CreateSession(ctx context.Context, x Session) error {
	defer m.db.Observe("identity.create_session")()
	_, err := m.db.Mongo.Collection("sessions").InsertOne(ctx, sessionDoc{Hash: x.Hash, ID: x.ID, WorkspaceID: x.WorkspaceID, UserID: x.UserID,
		Role: string(x.Role), Via: x.Via, TokenID: x.TokenID, CreatedAt: store.Trunc(x.CreatedAt), ExpiresAt: store.Trunc(x.ExpiresAt)})
	if err != nil {
		return fmt.Errorf("identity: create session: %w", err)
	}
	return nil
}

func (m *mongoSessions) SessionByHash(ctx context.Context, hash string) (Session, error) {
	defer m.db.Observe("identity.session_by_hash")()
	var d sessionDoc
	err := m.db.Mongo.Collection("sessions").FindOne(ctx, bson.D{{Key: "_id", Value: hash}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Session{}, fmt.Errorf("identity: session: %w", ErrNotFound)
	}
	if err != nil {
		return Session{}, fmt.Errorf("identity: session by hash: %w", err)
	}
	return Session{ID: d.ID, Hash: d.Hash, WorkspaceID: d.WorkspaceID, UserID: d.UserID, Role: Role(d.Role), Via: d.Via, TokenID: d.TokenID,
		CreatedAt: utc(d.CreatedAt), ExpiresAt: utc(d.ExpiresAt), EndedAt: utc(d.EndedAt)}, nil
}

func (m *mongoSessions) EndSession(ctx context.Context, hash string, at time.Time) error {
	defer m.db.Observe("identity.end_session")()
	res, err := m.db.Mongo.Collection("sessions").UpdateOne(ctx, bson.D{{Key: "_id", Value: hash}, {Key: "ended_at", Value: time.Time{}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "ended_at", Value: store.Trunc(at)}}}})
	if err != nil {
		return fmt.Errorf("identity: end session: %w", err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("identity: end session: %w", ErrNotFound)
	}
	return nil
}

func (m *mongoSessions) PurgeExpired(ctx context.Context, before time.Time) (int64, error) {
	defer m.db.Observe("identity.purge_sessions")()
	var total int64
	for _, coll := range []string{"login_links", "sessions"} {
		res, err := m.db.Mongo.Collection(coll).DeleteMany(ctx, bson.D{{Key: "expires_at", Value: bson.D{{Key: "$lt", Value: store.Trunc(before)}}}})
		if err != nil {
			return total, fmt.Errorf("identity: purge %s: %w", coll, err)
		}
		total += res.DeletedCount
	}
	return total, nil
}
