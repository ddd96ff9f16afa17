package media

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// backfillBatch is how many records one round of backfillSharedAt reads and
// updates in one bulk write.
const backfillBatch = 500

// backfillSharedAt gives media stored before migration 002 (shared_at) the
// shared_at that migration gave SQLite's rows: their created_at. Without it
// they list as the oldest of their conversation. A data migration, so it
// spans workspaces; it touches only records still without the field, so it
// is idempotent and a concurrent replica running it too is harmless.
// FerretDB takes no update pipeline ($set from another field), so it reads
// each batch and writes it back.
func backfillSharedAt(ctx context.Context, db *mongo.Database) error {
	coll := db.Collection("media")
	missing := bson.D{{Key: "shared_at", Value: bson.D{{Key: "$exists", Value: false}}}}
	find := options.Find().SetProjection(bson.D{{Key: "created_at", Value: 1}}).SetLimit(backfillBatch)
	for {
		cur, err := coll.Find(ctx, missing, find)
		if err != nil {
			return fmt.Errorf("media: backfill shared_at: %w", err)
		}
		var docs []struct {
			Key       string    `bson:"_id"`
			CreatedAt time.Time `bson:"created_at"`
		}
		if err := cur.All(ctx, &docs); err != nil {
			return fmt.Errorf("media: backfill shared_at: %w", err)
		}
		if len(docs) == 0 {
			return nil
		}
		models := make([]mongo.WriteModel, len(docs))
		for i, d := range docs {
			models[i] = mongo.NewUpdateOneModel().
				SetFilter(append(bson.D{{Key: "_id", Value: d.Key}}, missing...)).
				SetUpdate(bson.D{{Key: "$set", Value: bson.D{{Key: "shared_at", Value: d.CreatedAt}}}})
		}
		if _, err := coll.BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false)); err != nil {
			return fmt.Errorf("media: backfill shared_at: %w", err)
		}
	}
}
