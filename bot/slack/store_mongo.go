package slack

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

// Remember clears an expired record of key, then races to insert it: the
// insert of a fixed _id is atomic on MongoDB and FerretDB alike.
func (s *mongoStore) Remember(ctx context.Context, key string, now, expires time.Time) (bool, error) {
	defer s.db.Observe("slack.remember")()
	seen := s.db.Mongo.Collection("slack_seen")
	_, err := seen.DeleteOne(ctx, bson.D{{Key: "_id", Value: key}, {Key: "expires_at", Value: bson.D{{Key: "$lte", Value: now.UTC()}}}})
	if err != nil {
		return false, fmt.Errorf("slack: remember %s: %w", key, err)
	}
	_, err = seen.InsertOne(ctx, bson.D{{Key: "_id", Value: key}, {Key: "expires_at", Value: expires.UTC()}})
	if mongo.IsDuplicateKeyError(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("slack: remember %s: %w", key, err)
	}
	return true, nil
}

// RememberAll clears the expired records of keys, then inserts them all,
// unordered, in one bulk write: a duplicate key error names the keys seen
// before (or repeated in keys).
func (s *mongoStore) RememberAll(ctx context.Context, keys []string, now, expires time.Time) ([]bool, error) {
	defer s.db.Observe("slack.remember_all")()
	seen := s.db.Mongo.Collection("slack_seen")
	_, err := seen.DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: keys}}}, {Key: "expires_at", Value: bson.D{{Key: "$lte", Value: now.UTC()}}}})
	if err != nil {
		return nil, fmt.Errorf("slack: remember %d keys: %w", len(keys), err)
	}
	docs := make([]any, len(keys))
	first := make([]bool, len(keys))
	for i, key := range keys {
		docs[i] = bson.D{{Key: "_id", Value: key}, {Key: "expires_at", Value: expires.UTC()}}
		first[i] = true
	}
	_, err = seen.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	var bwe mongo.BulkWriteException
	if errors.As(err, &bwe) && bwe.WriteConcernError == nil {
		for _, we := range bwe.WriteErrors {
			if !mongo.IsDuplicateKeyError(we) {
				return nil, fmt.Errorf("slack: remember %s: %w", keys[we.Index], we)
			}
			first[we.Index] = false
		}
		return first, nil
	}
	if err != nil {
		return nil, fmt.Errorf("slack: remember %d keys: %w", len(keys), err)
	}
	return first, nil
}

func (s *mongoStore) PurgeSeen(ctx context.Context, before time.Time) (int64, error) {
	defer s.db.Observe("slack.purge_seen")()
	var total int64
	for _, coll := range []string{"slack_seen", "slack_threads", "slack_outbox", "slack_outbox_claims"} {
		filter := bson.D{{Key: "expires_at", Value: bson.D{{Key: "$lt", Value: before.UTC()}}}}
		if coll == "slack_outbox" {
			filter = append(filter, bson.E{Key: "pending", Value: false})
		}
		res, err := s.db.Mongo.Collection(coll).DeleteMany(ctx, filter)
		if err != nil {
			return total, fmt.Errorf("slack: purge %s: %w", coll, err)
		}
		total += res.DeletedCount
	}
	return total, nil
}

type threadDoc struct {
	ID          string    `bson:"_id"` // workspace id + " " + post id
	WorkspaceID string    `bson:"workspace_id"`
	PostID      string    `bson:"post_id"`
	Channel     string    `bson:"channel"`
	ThreadTS    string    `bson:"thread_ts"`
	ExpiresAt   time.Time `bson:"expires_at"`
}

func threadID(workspaceID, postID string) string { return workspaceID + " " + postID }

func (s *mongoStore) SaveThread(ctx context.Context, t Thread) error {
	defer s.db.Observe("slack.save_thread")()
	d := threadDoc{ID: threadID(t.WorkspaceID, t.PostID), WorkspaceID: t.WorkspaceID, PostID: t.PostID, Channel: t.Channel, ThreadTS: t.ThreadTS, ExpiresAt: t.ExpiresAt.UTC()}
	_, err := s.db.Mongo.Collection("slack_threads").ReplaceOne(ctx, bson.D{{Key: "_id", Value: d.ID}}, d, options.Replace().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("slack: save thread of post %s: %w", t.PostID, err)
	}
	return nil
}

func (s *mongoStore) Thread(ctx context.Context, workspaceID, postID string, now time.Time) (Thread, error) {
	defer s.db.Observe("slack.thread")()
	var d threadDoc
	err := s.db.Mongo.Collection("slack_threads").FindOne(ctx, bson.D{
		{Key: "_id", Value: threadID(workspaceID, postID)}, {Key: "expires_at", Value: bson.D{{Key: "$gt", Value: now.UTC()}}},
	}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Thread{}, fmt.Errorf("slack: thread of post %s: %w", postID, ErrNotFound)
	}
	if err != nil {
		return Thread{}, fmt.Errorf("slack: thread of post %s: %w", postID, err)
	}
	return Thread{WorkspaceID: d.WorkspaceID, PostID: d.PostID, Channel: d.Channel, ThreadTS: d.ThreadTS, ExpiresAt: store.Trunc(d.ExpiresAt)}, nil
}

type installDoc struct {
	TeamID      string    `bson:"_id"`
	TeamName    string    `bson:"team_name"`
	AppID       string    `bson:"app_id"`
	BotUserID   string    `bson:"bot_user_id"`
	BotToken    string    `bson:"bot_token"`
	Scope       string    `bson:"scope"`
	InstalledBy string    `bson:"installed_by"`
	InstalledAt time.Time `bson:"installed_at"`
}

func (s *mongoStore) SaveInstall(ctx context.Context, in Install) error {
	defer s.db.Observe("slack.save_install")()
	d := installDoc(in)
	d.InstalledAt = in.InstalledAt.UTC()
	_, err := s.db.Mongo.Collection("slack_installs").ReplaceOne(ctx, bson.D{{Key: "_id", Value: in.TeamID}}, d, options.Replace().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("slack: save install %s: %w", in.TeamID, err)
	}
	return nil
}

func (s *mongoStore) Install(ctx context.Context, teamID string) (Install, error) {
	defer s.db.Observe("slack.install")()
	var d installDoc
	err := s.db.Mongo.Collection("slack_installs").FindOne(ctx, bson.D{{Key: "_id", Value: teamID}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Install{}, fmt.Errorf("slack: install of team %s: %w", teamID, ErrNotFound)
	}
	if err != nil {
		return Install{}, fmt.Errorf("slack: install of team %s: %w", teamID, err)
	}
	in := Install(d)
	in.InstalledAt = store.Trunc(d.InstalledAt)
	return in, nil
}
