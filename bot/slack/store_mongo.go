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

func (s *mongoStore) PurgeSeen(ctx context.Context, before time.Time) (int64, error) {
	defer s.db.Observe("slack.purge_seen")()
	res, err := s.db.Mongo.Collection("slack_seen").DeleteMany(ctx, bson.D{{Key: "expires_at", Value: bson.D{{Key: "$lt", Value: before.UTC()}}}})
	if err != nil {
		return 0, fmt.Errorf("slack: purge seen: %w", err)
	}
	return res.DeletedCount, nil
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
