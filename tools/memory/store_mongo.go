package memory

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/marketingminds/marketingminds/integrations/store"
)

type mongoStore struct{ db *store.DB }

type itemDoc struct {
	ID          string    `bson:"_id"`
	WorkspaceID string    `bson:"workspace_id"`
	UserID      string    `bson:"user_id,omitempty"`
	Key         string    `bson:"key"`
	Value       string    `bson:"value"`
	UpdatedBy   string    `bson:"updated_by"`
	UpdatedAt   time.Time `bson:"updated_at"`
}

func collection(userID string) string {
	if userID == "" {
		return "global_memory"
	}
	return "user_memory"
}

func (s mongoStore) Put(ctx context.Context, it Item) error {
	defer s.db.Observe("memory.put")()
	id := it.WorkspaceID + "/" + it.Key
	if it.UserID != "" {
		id = it.WorkspaceID + "/" + it.UserID + "/" + it.Key
	}
	_, err := s.db.Mongo.Collection(collection(it.UserID)).ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}}, itemDoc{
		ID: id, WorkspaceID: it.WorkspaceID, UserID: it.UserID, Key: it.Key, Value: it.Value, UpdatedBy: it.UpdatedBy, UpdatedAt: store.Trunc(it.UpdatedAt),
	}, options.Replace().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("memory: put %s: %w", it.Key, err)
	}
	return nil
}

func (s mongoStore) List(ctx context.Context, workspaceID, userID string) ([]Item, error) {
	defer s.db.Observe("memory.list")()
	filter, scope := bson.D{{Key: "workspace_id", Value: workspaceID}}, Workspace
	if userID != "" {
		filter, scope = append(filter, bson.E{Key: "user_id", Value: userID}), User
	}
	cur, err := s.db.Mongo.Collection(collection(userID)).Find(ctx, filter)
	if err != nil {
		return nil, fmt.Errorf("memory: list: %w", err)
	}
	var docs []itemDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("memory: list: %w", err)
	}
	out := make([]Item, 0, len(docs))
	for _, d := range docs {
		out = append(out, Item{Scope: scope, WorkspaceID: d.WorkspaceID, UserID: d.UserID, Key: d.Key, Value: d.Value,
			UpdatedBy: d.UpdatedBy, UpdatedAt: d.UpdatedAt.UTC()})
	}
	return out, nil
}
