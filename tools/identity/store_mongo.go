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

type mongoStore struct{ db *store.DB }

type workspaceDoc struct {
	ID        string    `bson:"_id"`
	Name      string    `bson:"name"`
	CreatedAt time.Time `bson:"created_at"`
}

type userDoc struct {
	ID          string    `bson:"_id"` // workspace_id/user_id
	WorkspaceID string    `bson:"workspace_id"`
	UserID      string    `bson:"user_id"`
	DisplayName string    `bson:"display_name"`
	TimeZone    string    `bson:"time_zone"`
	Role        string    `bson:"role"`
	CreatedAt   time.Time `bson:"created_at"`
}

func (d userDoc) user() User {
	return User{WorkspaceID: d.WorkspaceID, ID: d.UserID, DisplayName: d.DisplayName, TimeZone: d.TimeZone, Role: Role(d.Role), CreatedAt: d.CreatedAt.UTC()}
}

type tokenDoc struct {
	ID          string    `bson:"_id"`
	WorkspaceID string    `bson:"workspace_id"`
	UserID      string    `bson:"user_id"`
	Role        string    `bson:"role"`
	Name        string    `bson:"name"`
	Hash        string    `bson:"hash"`
	Prefix      string    `bson:"prefix"`
	CreatedAt   time.Time `bson:"created_at"`
	LastUsedAt  time.Time `bson:"last_used_at"`
	RevokedAt   time.Time `bson:"revoked_at"`
}

func (d tokenDoc) token() Token {
	return Token{ID: d.ID, WorkspaceID: d.WorkspaceID, UserID: d.UserID, Role: Role(d.Role), Name: d.Name, Hash: d.Hash, Prefix: d.Prefix,
		CreatedAt: utc(d.CreatedAt), LastUsedAt: utc(d.LastUsedAt), RevokedAt: utc(d.RevokedAt)}
}

// utc normalises a decoded date; the zero time stays zero.
func utc(t time.Time) time.Time {
	if t.IsZero() || t.Unix() == (time.Time{}).Unix() {
		return time.Time{}
	}
	return t.UTC()
}

func (s *mongoStore) EnsureWorkspace(ctx context.Context, w Workspace) (Workspace, error) {
	defer s.db.Observe("identity.ensure_workspace")()
	c := s.db.Mongo.Collection("tenants")
	_, err := c.UpdateOne(ctx, bson.D{{Key: "_id", Value: w.ID}},
		bson.D{{Key: "$setOnInsert", Value: bson.D{{Key: "name", Value: w.Name}, {Key: "created_at", Value: store.Trunc(w.CreatedAt)}}}},
		options.UpdateOne().SetUpsert(true))
	if err != nil && !mongo.IsDuplicateKeyError(err) {
		return Workspace{}, fmt.Errorf("identity: ensure workspace %s: %w", w.ID, err)
	}
	if w.Name != "" {
		if _, err := c.UpdateOne(ctx, bson.D{{Key: "_id", Value: w.ID}, {Key: "name", Value: ""}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "name", Value: w.Name}}}}); err != nil {
			return Workspace{}, fmt.Errorf("identity: ensure workspace %s: %w", w.ID, err)
		}
	}
	var d workspaceDoc
	if err := c.FindOne(ctx, bson.D{{Key: "_id", Value: w.ID}}).Decode(&d); err != nil {
		return Workspace{}, fmt.Errorf("identity: ensure workspace %s: %w", w.ID, err)
	}
	return Workspace{ID: d.ID, Name: d.Name, CreatedAt: d.CreatedAt.UTC()}, nil
}

func (s *mongoStore) EnsureUser(ctx context.Context, u User) (User, error) {
	defer s.db.Observe("identity.ensure_user")()
	c := s.db.Mongo.Collection("users")
	id := u.WorkspaceID + "/" + u.ID
	_, err := c.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}},
		bson.D{{Key: "$setOnInsert", Value: bson.D{
			{Key: "workspace_id", Value: u.WorkspaceID}, {Key: "user_id", Value: u.ID},
			{Key: "display_name", Value: u.DisplayName}, {Key: "time_zone", Value: u.TimeZone},
			{Key: "role", Value: string(u.Role)}, {Key: "created_at", Value: store.Trunc(u.CreatedAt)},
		}}}, options.UpdateOne().SetUpsert(true))
	if err != nil && !mongo.IsDuplicateKeyError(err) {
		return User{}, fmt.Errorf("identity: ensure user %s: %w", id, err)
	}
	// A profile learnt later fills an empty field, never replaces one.
	for field, v := range map[string]string{"display_name": u.DisplayName, "time_zone": u.TimeZone} {
		if v == "" {
			continue
		}
		if _, err := c.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: field, Value: ""}},
			bson.D{{Key: "$set", Value: bson.D{{Key: field, Value: v}}}}); err != nil {
			return User{}, fmt.Errorf("identity: ensure user %s: %w", id, err)
		}
	}
	return s.GetUser(ctx, u.WorkspaceID, u.ID)
}

func (s *mongoStore) GetWorkspace(ctx context.Context, id string) (Workspace, error) {
	defer s.db.Observe("identity.get_workspace")()
	var d workspaceDoc
	err := s.db.Mongo.Collection("tenants").FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Workspace{}, fmt.Errorf("identity: workspace %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Workspace{}, fmt.Errorf("identity: get workspace %s: %w", id, err)
	}
	return Workspace{ID: d.ID, Name: d.Name, CreatedAt: d.CreatedAt.UTC()}, nil
}

func (s *mongoStore) Users(ctx context.Context, workspaceID string, userIDs []string) ([]User, error) {
	defer s.db.Observe("identity.users")()
	if len(userIDs) == 0 {
		return nil, nil
	}
	cur, err := s.db.Mongo.Collection("users").Find(ctx, bson.D{{Key: "workspace_id", Value: workspaceID},
		{Key: "user_id", Value: bson.D{{Key: "$in", Value: userIDs}}}})
	if err != nil {
		return nil, fmt.Errorf("identity: users of %s: %w", workspaceID, err)
	}
	var docs []userDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("identity: users of %s: %w", workspaceID, err)
	}
	out := make([]User, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.user())
	}
	return out, nil
}

func (s *mongoStore) GetUser(ctx context.Context, workspaceID, userID string) (User, error) {
	defer s.db.Observe("identity.get_user")()
	var d userDoc
	err := s.db.Mongo.Collection("users").FindOne(ctx, bson.D{{Key: "workspace_id", Value: workspaceID}, {Key: "user_id", Value: userID}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return User{}, fmt.Errorf("identity: user %s/%s: %w", workspaceID, userID, ErrNotFound)
	}
	if err != nil {
		return User{}, fmt.Errorf("identity: get user %s/%s: %w", workspaceID, userID, err)
	}
	return d.user(), nil
}

func (s *mongoStore) CreateToken(ctx context.Context, t Token) error {
	defer s.db.Observe("identity.create_token")()
	_, err := s.db.Mongo.Collection("api_tokens").InsertOne(ctx, tokenDoc{
		ID: t.ID, WorkspaceID: t.WorkspaceID, UserID: t.UserID, Role: string(t.Role), Name: t.Name,
		Hash: t.Hash, Prefix: t.Prefix, CreatedAt: store.Trunc(t.CreatedAt),
	})
	if err != nil {
		return fmt.Errorf("identity: create token: %w", err)
	}
	return nil
}

func (s *mongoStore) TokenByHash(ctx context.Context, hash string) (Token, error) {
	defer s.db.Observe("identity.token_by_hash")()
	var d tokenDoc
	err := s.db.Mongo.Collection("api_tokens").FindOne(ctx, bson.D{{Key: "hash", Value: hash}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Token{}, fmt.Errorf("identity: token: %w", ErrNotFound)
	}
	if err != nil {
		return Token{}, fmt.Errorf("identity: token by hash: %w", err)
	}
	return d.token(), nil
}

func (s *mongoStore) ListTokens(ctx context.Context, workspaceID string) ([]Token, error) {
	defer s.db.Observe("identity.list_tokens")()
	cur, err := s.db.Mongo.Collection("api_tokens").Find(ctx, bson.D{{Key: "workspace_id", Value: workspaceID}},
		options.Find().SetSort(bson.D{{Key: "created_at", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("identity: list tokens: %w", err)
	}
	var docs []tokenDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("identity: list tokens: %w", err)
	}
	out := make([]Token, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.token())
	}
	return out, nil
}

func (s *mongoStore) RevokeToken(ctx context.Context, id string, at time.Time) (Token, error) {
	defer s.db.Observe("identity.revoke_token")()
	var d tokenDoc
	err := s.db.Mongo.Collection("api_tokens").FindOneAndUpdate(ctx,
		bson.D{{Key: "_id", Value: id}, {Key: "revoked_at", Value: time.Time{}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "revoked_at", Value: store.Trunc(at)}}}},
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Token{}, fmt.Errorf("identity: revoke token %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Token{}, fmt.Errorf("identity: revoke token %s: %w", id, err)
	}
	return d.token(), nil
}

func (s *mongoStore) TouchToken(ctx context.Context, id string, at time.Time) error {
	defer s.db.Observe("identity.touch_token")()
	_, err := s.db.Mongo.Collection("api_tokens").UpdateOne(ctx,
		bson.D{{Key: "_id", Value: id}, {Key: "last_used_at", Value: bson.D{{Key: "$lt", Value: store.Trunc(at)}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "last_used_at", Value: store.Trunc(at)}}}})
	if err != nil {
		return fmt.Errorf("identity: touch token %s: %w", id, err)
	}
	return nil
}
