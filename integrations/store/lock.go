package store

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// Acquire takes the lock name for owner until now+ttl. It succeeds when the
// lock is free, expired, or already owner's (which extends it). On MongoDB
// the winner is decided by inserting a document with _id = name, the one
// write that is atomic on every server the tests use, so the lock is safe
// across replicas on both backends.
func (db *DB) Acquire(ctx context.Context, name, owner string, now time.Time, ttl time.Duration) (bool, error) {
	defer db.Observe("store.acquire")()
	exp := now.Add(ttl)
	if db.Backend == Mongo {
		locks := db.Mongo.Collection("locks")
		// Clear an expired lease (or our own, to extend it); then race to insert.
		_, err := locks.DeleteOne(ctx, bson.D{{Key: "_id", Value: name}, {Key: "$or", Value: bson.A{
			bson.D{{Key: "expires_at", Value: bson.D{{Key: "$lt", Value: now.UTC()}}}},
			bson.D{{Key: "owner", Value: owner}},
		}}})
		if err != nil {
			return false, fmt.Errorf("store: acquire %s: %w", name, err)
		}
		_, err = locks.InsertOne(ctx, bson.D{{Key: "_id", Value: name}, {Key: "owner", Value: owner}, {Key: "expires_at", Value: exp.UTC()}})
		if mongo.IsDuplicateKeyError(err) {
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("store: acquire %s: %w", name, err)
		}
		return true, nil
	}
	res, err := db.SQL.ExecContext(ctx, `INSERT INTO locks (name, owner, expires_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
		WHERE locks.expires_at < ? OR locks.owner = excluded.owner`, name, owner, Millis(exp), Millis(now))
	if err != nil {
		return false, fmt.Errorf("store: acquire %s: %w", name, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: acquire %s: %w", name, err)
	}
	return n == 1, nil
}

// Release gives the lock up if owner holds it.
func (db *DB) Release(ctx context.Context, name, owner string) error {
	defer db.Observe("store.release")()
	var err error
	if db.Backend == Mongo {
		_, err = db.Mongo.Collection("locks").DeleteOne(ctx, bson.D{{Key: "_id", Value: name}, {Key: "owner", Value: owner}})
	} else {
		_, err = db.SQL.ExecContext(ctx, `DELETE FROM locks WHERE name = ? AND owner = ?`, name, owner)
	}
	if err != nil {
		return fmt.Errorf("store: release %s: %w", name, err)
	}
	return nil
}

// PurgeLocks deletes locks that expired before now (the cleanup job).
func (db *DB) PurgeLocks(ctx context.Context, now time.Time) (int64, error) {
	defer db.Observe("store.purge_locks")()
	if db.Backend == Mongo {
		res, err := db.Mongo.Collection("locks").DeleteMany(ctx, bson.D{{Key: "expires_at", Value: bson.D{{Key: "$lt", Value: now.UTC()}}}})
		if err != nil {
			return 0, fmt.Errorf("store: purge locks: %w", err)
		}
		return res.DeletedCount, nil
	}
	res, err := db.SQL.ExecContext(ctx, `DELETE FROM locks WHERE expires_at < ?`, Millis(now))
	if err != nil {
		return 0, fmt.Errorf("store: purge locks: %w", err)
	}
	return res.RowsAffected()
}
