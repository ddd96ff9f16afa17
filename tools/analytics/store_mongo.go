package analytics

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
)

// mongoStore keeps one document per (workspace, kind, subject, day) under an
// _id made of those four, so an upsert can never make a second one. A figure
// that is unknown is absent from the document.
type mongoStore struct{ db *store.DB }

type doc struct {
	ID             string    `bson:"_id"`
	WorkspaceID    string    `bson:"workspace_id"`
	Kind           string    `bson:"kind"`
	SubjectID      string    `bson:"subject_id"`
	Day            string    `bson:"day"`
	AccountID      string    `bson:"account_id"`
	Platform       string    `bson:"platform"`
	PostID         string    `bson:"post_id"`
	PlatformPostID string    `bson:"platform_post_id"`
	Impressions    *int64    `bson:"impressions,omitempty"`
	Reach          *int64    `bson:"reach,omitempty"`
	Likes          *int64    `bson:"likes,omitempty"`
	Comments       *int64    `bson:"comments,omitempty"`
	Shares         *int64    `bson:"shares,omitempty"`
	Clicks         *int64    `bson:"clicks,omitempty"`
	Saves          *int64    `bson:"saves,omitempty"`
	VideoViews     *int64    `bson:"video_views,omitempty"`
	Followers      *int64    `bson:"followers,omitempty"`
	FetchedAt      time.Time `bson:"fetched_at"`
}

func (d doc) record() Record {
	return Record{WorkspaceID: d.WorkspaceID, Kind: Kind(d.Kind), SubjectID: d.SubjectID, Day: d.Day, AccountID: d.AccountID,
		Platform: platform.Name(d.Platform), PostID: d.PostID, PlatformPostID: d.PlatformPostID, FetchedAt: d.FetchedAt.UTC(),
		Metrics: platform.Metrics{Impressions: d.Impressions, Reach: d.Reach, Likes: d.Likes, Comments: d.Comments, Shares: d.Shares,
			Clicks: d.Clicks, Saves: d.Saves, VideoViews: d.VideoViews, Followers: d.Followers}}
}

// docID is the natural key, each part length-prefixed so no two keys collide.
func docID(r Record) string {
	return fmt.Sprintf("%d:%s/%s/%d:%s/%s", len(r.WorkspaceID), r.WorkspaceID, r.Kind, len(r.SubjectID), r.SubjectID, r.Day)
}

func (s *mongoStore) c() *mongo.Collection { return s.db.Mongo.Collection(collection) }

func (s *mongoStore) Upsert(ctx context.Context, rs []Record) error {
	defer s.db.Observe("analytics.upsert")()
	if len(rs) == 0 {
		return nil
	}
	models := make([]mongo.WriteModel, len(rs))
	for i := range rs {
		r := &rs[i]
		set := bson.D{{Key: "account_id", Value: r.AccountID}, {Key: "platform", Value: string(r.Platform)},
			{Key: "post_id", Value: r.PostID}, {Key: "platform_post_id", Value: r.PlatformPostID},
			{Key: "fetched_at", Value: store.Trunc(r.FetchedAt)}}
		for j, f := range figures(r) {
			if *f != nil { // unknown: left out, so it stays absent (or keeps the day's known figure)
				set = append(set, bson.E{Key: figureNames[j], Value: **f})
			}
		}
		models[i] = mongo.NewUpdateOneModel().SetFilter(bson.D{{Key: "_id", Value: docID(*r)}}).SetUpsert(true).
			SetUpdate(bson.D{{Key: "$set", Value: set}, {Key: "$setOnInsert", Value: bson.D{
				{Key: "workspace_id", Value: r.WorkspaceID}, {Key: "kind", Value: string(r.Kind)},
				{Key: "subject_id", Value: r.SubjectID}, {Key: "day", Value: r.Day}}}})
	}
	_, err := s.c().BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false))
	if mongo.IsDuplicateKeyError(err) {
		// Two upserts of one new _id raced; the loser's insert failed.
		// Every write is an idempotent upsert: once more updates.
		_, err = s.c().BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false))
	}
	if err != nil {
		return wrapf(err, "upsert")
	}
	return nil
}

func (s *mongoStore) find(ctx context.Context, op string, filter, sort bson.D) ([]Record, error) {
	cur, err := s.c().Find(ctx, filter, options.Find().SetSort(sort))
	if err != nil {
		return nil, wrapf(err, "%s", op)
	}
	var docs []doc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, wrapf(err, "%s", op)
	}
	out := make([]Record, len(docs))
	for i, d := range docs {
		out[i] = d.record()
	}
	return out, nil
}

func (s *mongoStore) PostHistory(ctx context.Context, workspaceID, postID string) ([]Record, error) {
	defer s.db.Observe("analytics.post_history")()
	return s.find(ctx, "post history",
		bson.D{{Key: "workspace_id", Value: workspaceID}, {Key: "post_id", Value: postID}, {Key: "kind", Value: string(KindPost)}},
		bson.D{{Key: "day", Value: 1}, {Key: "platform", Value: 1}, {Key: "subject_id", Value: 1}})
}

func (s *mongoStore) AccountHistory(ctx context.Context, workspaceID, accountID, fromDay, toDay string) ([]Record, error) {
	defer s.db.Observe("analytics.account_history")()
	return s.find(ctx, "account history",
		bson.D{{Key: "workspace_id", Value: workspaceID}, {Key: "account_id", Value: accountID},
			{Key: "day", Value: bson.D{{Key: "$gte", Value: fromDay}, {Key: "$lte", Value: toDay}}}},
		bson.D{{Key: "day", Value: 1}, {Key: "kind", Value: 1}, {Key: "subject_id", Value: 1}})
}
