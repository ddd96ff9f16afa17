package audit

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/tools/identity"
)

type mongoStore struct{ db *store.DB }

type doc struct {
	ID          string    `bson:"_id"`
	WorkspaceID string    `bson:"workspace_id"`
	UserID      string    `bson:"user_id"`
	Door        string    `bson:"door"`
	Action      string    `bson:"action"`
	Target      string    `bson:"target"`
	Detail      string    `bson:"detail"`
	At          time.Time `bson:"at"`
}

func (s mongoStore) Insert(ctx context.Context, e Entry) error {
	defer s.db.Observe("audit.insert")()
	_, err := s.db.Mongo.Collection("audit_log").InsertOne(ctx, doc{ID: e.ID, WorkspaceID: e.WorkspaceID, UserID: e.UserID,
		Door: string(e.Door), Action: e.Action, Target: e.Target, Detail: e.Detail, At: e.At.UTC()})
	return err
}

func (s mongoStore) List(ctx context.Context, workspaceID string, f Filter) ([]Entry, error) {
	defer s.db.Observe("audit.list")()
	filter := bson.D{{Key: "workspace_id", Value: workspaceID}}
	if f.Action != "" {
		filter = append(filter, bson.E{Key: "action", Value: f.Action})
	}
	if !f.Before.IsZero() {
		filter = append(filter, bson.E{Key: "at", Value: bson.D{{Key: "$lt", Value: f.Before.UTC()}}})
	}
	opts := options.Find().SetSort(bson.D{{Key: "at", Value: -1}, {Key: "_id", Value: -1}}).SetLimit(int64(f.Limit))
	cur, err := s.db.Mongo.Collection("audit_log").Find(ctx, filter, opts)
	if err != nil {
		return nil, err
	}
	var docs []doc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]Entry, 0, len(docs))
	for _, d := range docs {
		out = append(out, Entry{ID: d.ID, WorkspaceID: d.WorkspaceID, UserID: d.UserID, Door: identity.Door(d.Door),
			Action: d.Action, Target: d.Target, Detail: d.Detail, At: store.Trunc(d.At)})
	}
	return out, nil
}
