package groups

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

// doc is a group in MongoDB; _id is "<workspace>/<key>".
type doc struct {
	ID          string    `bson:"_id"`
	WorkspaceID string    `bson:"workspace_id"`
	Key         string    `bson:"key"`
	Name        string    `bson:"name"`
	AccountIDs  []string  `bson:"account_ids"`
	UpdatedBy   string    `bson:"updated_by"`
	UpdatedAt   time.Time `bson:"updated_at"`
}

func (d doc) group() Group {
	ids := d.AccountIDs
	if ids == nil {
		ids = []string{}
	}
	return Group{WorkspaceID: d.WorkspaceID, Name: d.Name, AccountIDs: ids, UpdatedBy: d.UpdatedBy, UpdatedAt: store.Trunc(d.UpdatedAt)}
}

func (s mongoStore) coll() *mongo.Collection { return s.db.Mongo.Collection("account_groups") }

func byKey(workspaceID, key string) bson.D {
	return bson.D{{Key: "_id", Value: workspaceID + "/" + key}, {Key: "workspace_id", Value: workspaceID}}
}

func docOf(key string, g Group) doc {
	return doc{ID: g.WorkspaceID + "/" + key, WorkspaceID: g.WorkspaceID, Key: key, Name: g.Name, AccountIDs: g.AccountIDs,
		UpdatedBy: g.UpdatedBy, UpdatedAt: store.Trunc(g.UpdatedAt)}
}

func (s mongoStore) Save(ctx context.Context, key string, g Group) error {
	defer s.db.Observe("groups.save")()
	d := docOf(key, g)
	if _, err := s.coll().ReplaceOne(ctx, byKey(g.WorkspaceID, key), d, options.Replace().SetUpsert(true)); err != nil {
		return fmt.Errorf("groups: save %q: %w", g.Name, err)
	}
	return nil
}

func (s mongoStore) Insert(ctx context.Context, key string, g Group) error {
	defer s.db.Observe("groups.insert")()
	_, err := s.coll().InsertOne(ctx, docOf(key, g))
	if mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("groups: insert %q: %w", g.Name, ErrNameInUse)
	}
	if err != nil {
		return fmt.Errorf("groups: insert %q: %w", g.Name, err)
	}
	return nil
}

func (s mongoStore) Get(ctx context.Context, workspaceID, key string) (Group, error) {
	defer s.db.Observe("groups.get")()
	var d doc
	err := s.coll().FindOne(ctx, byKey(workspaceID, key)).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Group{}, ErrNotFound
	}
	if err != nil {
		return Group{}, fmt.Errorf("groups: get %q: %w", key, err)
	}
	return d.group(), nil
}

func (s mongoStore) List(ctx context.Context, workspaceID string) ([]Group, error) {
	defer s.db.Observe("groups.list")()
	cur, err := s.coll().Find(ctx, bson.D{{Key: "workspace_id", Value: workspaceID}}, options.Find().SetSort(bson.D{{Key: "key", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("groups: list: %w", err)
	}
	var docs []doc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("groups: list: %w", err)
	}
	out := make([]Group, len(docs))
	for i, d := range docs {
		out[i] = d.group()
	}
	return out, nil
}

func (s mongoStore) Delete(ctx context.Context, workspaceID, key string) (bool, error) {
	defer s.db.Observe("groups.delete")()
	res, err := s.coll().DeleteOne(ctx, byKey(workspaceID, key))
	if err != nil {
		return false, fmt.Errorf("groups: delete %q: %w", key, err)
	}
	return res.DeletedCount == 1, nil
}
