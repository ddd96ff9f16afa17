package slack

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

type outboxDoc struct {
	ID          string    `bson:"_id"` // workspace id + " " + post id
	WorkspaceID string    `bson:"workspace_id"`
	PostID      string    `bson:"post_id"`
	Pending     bool      `bson:"pending"`
	Seq         int64     `bson:"seq"`
	ToldKey     string    `bson:"told_key"`
	Attempts    int       `bson:"attempts"`
	NextAt      time.Time `bson:"next_at"`
	Owner       string    `bson:"owner"`
	LeaseUntil  time.Time `bson:"lease_until"`
	Claims      int64     `bson:"claims"` // claims taken so far: the next claim's id is _id:claims
	ExpiresAt   time.Time `bson:"expires_at"`
}

func (s *mongoStore) outbox() *mongo.Collection { return s.db.Mongo.Collection("slack_outbox") }

func idOf(workspaceID, postID string) bson.D {
	return bson.D{{Key: "_id", Value: threadID(workspaceID, postID)}, {Key: "workspace_id", Value: workspaceID}}
}

// QueueOutcomes bumps each pending record, else makes the record pending
// and due now (creating it when new).
func (s *mongoStore) QueueOutcomes(ctx context.Context, posts []PostRef, now time.Time) error {
	defer s.db.Observe("slack.queue_outcomes")()
	for _, p := range posts {
		if err := s.queueOutcome(ctx, p.WorkspaceID, p.PostID, now); err != nil {
			return err
		}
	}
	return nil
}

func (s *mongoStore) queueOutcome(ctx context.Context, workspaceID, postID string, now time.Time) error {
	expires := now.Add(pendingFor).UTC()
	res, err := s.outbox().UpdateOne(ctx, append(idOf(workspaceID, postID), bson.E{Key: "pending", Value: true}),
		bson.D{{Key: "$inc", Value: bson.D{{Key: "seq", Value: 1}}}, {Key: "$set", Value: bson.D{{Key: "expires_at", Value: expires}}}})
	if err != nil {
		return fmt.Errorf("slack: queue outcome of post %s: %w", postID, err)
	}
	if res.MatchedCount == 1 {
		return nil
	}
	_, err = s.outbox().UpdateOne(ctx, idOf(workspaceID, postID), bson.D{
		{Key: "$inc", Value: bson.D{{Key: "seq", Value: 1}}},
		{Key: "$set", Value: bson.D{{Key: "pending", Value: true}, {Key: "next_at", Value: now.UTC()}, {Key: "attempts", Value: 0}, {Key: "expires_at", Value: expires}}},
		{Key: "$setOnInsert", Value: bson.D{{Key: "post_id", Value: postID}, {Key: "told_key", Value: ""}, {Key: "owner", Value: ""},
			{Key: "lease_until", Value: time.UnixMilli(0).UTC()}, {Key: "claims", Value: int64(0)}}},
	}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("slack: queue outcome of post %s: %w", postID, err)
	}
	return nil
}

// ClaimOutcomes reads the due records, then claims each by inserting the
// claim document of its next claim number: that insert of a fixed _id is
// atomic on MongoDB and FerretDB alike, so one owner wins each claim.
func (s *mongoStore) ClaimOutcomes(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]Outgoing, error) {
	defer s.db.Observe("slack.claim_outcomes")()
	cur, err := s.outbox().Find(ctx, bson.D{{Key: "pending", Value: true}, {Key: "next_at", Value: bson.D{{Key: "$lte", Value: now.UTC()}}},
		{Key: "lease_until", Value: bson.D{{Key: "$lte", Value: now.UTC()}}}},
		options.Find().SetSort(bson.D{{Key: "next_at", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, fmt.Errorf("slack: claim outcomes: %w", err)
	}
	var due []outboxDoc
	if err := cur.All(ctx, &due); err != nil {
		return nil, fmt.Errorf("slack: claim outcomes: %w", err)
	}
	claims := s.db.Mongo.Collection("slack_outbox_claims")
	var out []Outgoing
	for _, d := range due {
		_, err := claims.InsertOne(ctx, bson.D{{Key: "_id", Value: fmt.Sprintf("%s:%d", d.ID, d.Claims)}, {Key: "owner", Value: owner},
			{Key: "expires_at", Value: now.Add(notifiedFor).UTC()}})
		if mongo.IsDuplicateKeyError(err) {
			continue // another owner took this claim
		}
		if err != nil {
			return out, fmt.Errorf("slack: claim outcome of post %s: %w", d.PostID, err)
		}
		res, err := s.outbox().UpdateOne(ctx, bson.D{{Key: "_id", Value: d.ID}, {Key: "claims", Value: d.Claims}}, bson.D{
			{Key: "$inc", Value: bson.D{{Key: "claims", Value: 1}}},
			{Key: "$set", Value: bson.D{{Key: "owner", Value: owner}, {Key: "lease_until", Value: now.Add(lease).UTC()}}},
		})
		if err != nil {
			return out, fmt.Errorf("slack: claim outcome of post %s: %w", d.PostID, err)
		}
		if res.MatchedCount == 1 {
			out = append(out, Outgoing{WorkspaceID: d.WorkspaceID, PostID: d.PostID, Seq: d.Seq, ToldKey: d.ToldKey, Attempts: d.Attempts})
		}
	}
	return out, nil
}

func (s *mongoStore) FinishOutcomes(ctx context.Context, done []Finished, now time.Time) error {
	defer s.db.Observe("slack.finish_outcomes")()
	for _, f := range done {
		if err := s.finishOutcome(ctx, f.Outgoing, f.ToldKey, now); err != nil {
			return err
		}
	}
	return nil
}

func (s *mongoStore) finishOutcome(ctx context.Context, o Outgoing, toldKey string, now time.Time) error {
	set := bson.D{{Key: "owner", Value: ""}, {Key: "lease_until", Value: time.UnixMilli(0).UTC()}, {Key: "attempts", Value: 0}}
	if toldKey != "" {
		set = append(set, bson.E{Key: "told_key", Value: toldKey})
	}
	done := append(set, bson.E{Key: "pending", Value: false}, bson.E{Key: "expires_at", Value: now.Add(notifiedFor).UTC()})
	res, err := s.outbox().UpdateOne(ctx, append(idOf(o.WorkspaceID, o.PostID), bson.E{Key: "seq", Value: o.Seq}), bson.D{{Key: "$set", Value: done}})
	if err == nil && res.MatchedCount == 0 { // queued again since the claim: still due
		_, err = s.outbox().UpdateOne(ctx, idOf(o.WorkspaceID, o.PostID), bson.D{{Key: "$set", Value: set}})
	}
	if err != nil {
		return fmt.Errorf("slack: finish outcome of post %s: %w", o.PostID, err)
	}
	return nil
}

func (s *mongoStore) RetryOutcome(ctx context.Context, o Outgoing, at time.Time, count int) error {
	defer s.db.Observe("slack.retry_outcome")()
	_, err := s.outbox().UpdateOne(ctx, idOf(o.WorkspaceID, o.PostID), bson.D{
		{Key: "$inc", Value: bson.D{{Key: "attempts", Value: count}}},
		{Key: "$set", Value: bson.D{{Key: "owner", Value: ""}, {Key: "lease_until", Value: time.UnixMilli(0).UTC()}, {Key: "next_at", Value: at.UTC()}}},
	})
	if err != nil {
		return fmt.Errorf("slack: retry outcome of post %s: %w", o.PostID, err)
	}
	return nil
}

func (s *mongoStore) MarkTold(ctx context.Context, workspaceID, postID, key string, now time.Time) error {
	defer s.db.Observe("slack.mark_told")()
	_, err := s.outbox().UpdateOne(ctx, idOf(workspaceID, postID), bson.D{
		{Key: "$set", Value: bson.D{{Key: "told_key", Value: key}}},
		{Key: "$setOnInsert", Value: bson.D{{Key: "post_id", Value: postID}, {Key: "pending", Value: false}, {Key: "seq", Value: int64(0)},
			{Key: "attempts", Value: 0}, {Key: "next_at", Value: now.UTC()}, {Key: "owner", Value: ""}, {Key: "lease_until", Value: time.UnixMilli(0).UTC()},
			{Key: "claims", Value: int64(0)}, {Key: "expires_at", Value: now.Add(notifiedFor).UTC()}}},
	}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("slack: mark the outcome of post %s told: %w", postID, err)
	}
	return nil
}

func (s *mongoStore) ToldKey(ctx context.Context, workspaceID, postID string) (string, error) {
	defer s.db.Observe("slack.told_key")()
	var d outboxDoc
	err := s.outbox().FindOne(ctx, idOf(workspaceID, postID)).Decode(&d)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return "", fmt.Errorf("slack: told outcome of post %s: %w", postID, err)
	}
	return d.ToldKey, nil
}
