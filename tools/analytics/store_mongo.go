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
	Hour           int       `bson:"hour"`
	PublishedDay   string    `bson:"published_day"`
	PublishedAt    time.Time `bson:"published_at"`
	CampaignID     string    `bson:"campaign_id"`
	Source         string    `bson:"source"`
	Impressions    *int64    `bson:"impressions,omitempty"`
	Reach          *int64    `bson:"reach,omitempty"`
	Likes          *int64    `bson:"likes,omitempty"`
	Comments       *int64    `bson:"comments,omitempty"`
	Shares         *int64    `bson:"shares,omitempty"`
	Clicks         *int64    `bson:"clicks,omitempty"`
	Saves          *int64    `bson:"saves,omitempty"`
	VideoViews     *int64    `bson:"video_views,omitempty"`
	Followers      *int64    `bson:"followers,omitempty"`
	Sent           *int64    `bson:"sent,omitempty"`
	Delivered      *int64    `bson:"delivered,omitempty"`
	Opens          *int64    `bson:"opens,omitempty"`
	Bounces        *int64    `bson:"bounces,omitempty"`
	Unsubscribes   *int64    `bson:"unsubscribes,omitempty"`
	Leads          *int64    `bson:"leads,omitempty"`
	FetchedAt      time.Time `bson:"fetched_at"`
}

func (d doc) record() Record {
	r := Record{WorkspaceID: d.WorkspaceID, Kind: Kind(d.Kind), SubjectID: d.SubjectID, Day: d.Day, AccountID: d.AccountID,
		Platform: platform.Name(d.Platform), PostID: d.PostID, PlatformPostID: d.PlatformPostID, FetchedAt: d.FetchedAt.UTC(),
		Hour: d.Hour, PublishedDay: d.PublishedDay, CampaignID: d.CampaignID, Source: d.Source,
		Metrics: platform.Metrics{Impressions: d.Impressions, Reach: d.Reach, Likes: d.Likes, Comments: d.Comments, Shares: d.Shares,
			Clicks: d.Clicks, Saves: d.Saves, VideoViews: d.VideoViews, Followers: d.Followers},
		Email: EmailFigures{Sent: d.Sent, Delivered: d.Delivered, Opens: d.Opens, Bounces: d.Bounces, Unsubscribes: d.Unsubscribes},
		Leads: d.Leads}
	if !d.PublishedAt.IsZero() && d.PublishedAt.UnixMilli() != 0 {
		r.PublishedAt = d.PublishedAt.UTC()
	}
	return r
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
			{Key: "hour", Value: r.Hour}, {Key: "published_day", Value: r.PublishedDay},
			{Key: "published_at", Value: store.FromMillis(publishedMillis(r.PublishedAt))},
			{Key: "campaign_id", Value: r.CampaignID}, {Key: "source", Value: r.Source},
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

func (s *mongoStore) Published(ctx context.Context, workspaceID, fromDay, toDay string) ([]Record, error) {
	defer s.db.Observe("analytics.published")()
	return s.find(ctx, "published",
		bson.D{{Key: "workspace_id", Value: workspaceID},
			{Key: "published_day", Value: bson.D{{Key: "$gte", Value: fromDay}, {Key: "$lte", Value: toDay}}}},
		bson.D{{Key: "published_day", Value: 1}, {Key: "kind", Value: 1}, {Key: "subject_id", Value: 1}, {Key: "day", Value: 1}})
}

// rollupDoc is a rollup row; _id is its key, length-prefixed.
type rollupDoc struct {
	ID              string `bson:"_id"`
	WorkspaceID     string `bson:"workspace_id"`
	Day             string `bson:"day"`
	Kind            string `bson:"kind"`
	Subject         string `bson:"subject"`
	CampaignID      string `bson:"campaign_id"`
	Platform        string `bson:"platform"`
	Posts           int64  `bson:"posts"`
	Impressions     *int64 `bson:"impressions,omitempty"`
	Reach           *int64 `bson:"reach,omitempty"`
	Likes           *int64 `bson:"likes,omitempty"`
	Comments        *int64 `bson:"comments,omitempty"`
	Shares          *int64 `bson:"shares,omitempty"`
	Clicks          *int64 `bson:"clicks,omitempty"`
	Saves           *int64 `bson:"saves,omitempty"`
	VideoViews      *int64 `bson:"video_views,omitempty"`
	Followers       *int64 `bson:"followers,omitempty"`
	Sent            *int64 `bson:"sent,omitempty"`
	Delivered       *int64 `bson:"delivered,omitempty"`
	Opens           *int64 `bson:"opens,omitempty"`
	Bounces         *int64 `bson:"bounces,omitempty"`
	Unsubscribes    *int64 `bson:"unsubscribes,omitempty"`
	Leads           *int64 `bson:"leads,omitempty"`
	Engagement      *int64 `bson:"engagement,omitempty"`
	RateEngagement  *int64 `bson:"rate_engagement,omitempty"`
	RateImpressions *int64 `bson:"rate_impressions,omitempty"`
}

func toRollupDoc(r Rollup) rollupDoc {
	m, e := r.Metrics, r.Email
	return rollupDoc{
		ID: fmt.Sprintf("%d:%s/%s/%s/%d:%s/%d:%s", len(r.WorkspaceID), r.WorkspaceID, r.Day, r.Kind, len(r.Subject), r.Subject,
			len(r.CampaignID), r.CampaignID),
		WorkspaceID: r.WorkspaceID, Day: r.Day, Kind: string(r.Kind), Subject: r.Subject, CampaignID: r.CampaignID,
		Platform: string(r.Platform), Posts: r.Posts,
		Impressions: m.Impressions, Reach: m.Reach, Likes: m.Likes, Comments: m.Comments, Shares: m.Shares, Clicks: m.Clicks,
		Saves: m.Saves, VideoViews: m.VideoViews, Followers: m.Followers,
		Sent: e.Sent, Delivered: e.Delivered, Opens: e.Opens, Bounces: e.Bounces, Unsubscribes: e.Unsubscribes, Leads: r.Leads,
		Engagement: r.Engagement, RateEngagement: r.RateEngagement, RateImpressions: r.RateImpressions,
	}
}

func (d rollupDoc) rollup() Rollup {
	return Rollup{WorkspaceID: d.WorkspaceID, Day: d.Day, Kind: RollupKind(d.Kind), Subject: d.Subject, CampaignID: d.CampaignID,
		Platform: platform.Name(d.Platform), Posts: d.Posts,
		Metrics: platform.Metrics{Impressions: d.Impressions, Reach: d.Reach, Likes: d.Likes, Comments: d.Comments, Shares: d.Shares,
			Clicks: d.Clicks, Saves: d.Saves, VideoViews: d.VideoViews, Followers: d.Followers},
		Email: EmailFigures{Sent: d.Sent, Delivered: d.Delivered, Opens: d.Opens, Bounces: d.Bounces, Unsubscribes: d.Unsubscribes},
		Leads: d.Leads, Engagement: d.Engagement, RateEngagement: d.RateEngagement, RateImpressions: d.RateImpressions}
}

// ReplaceRollups replaces each row whole, then removes the day's rows that
// are no longer there (no transaction: a reader in between sees the new
// rows and, at worst, a stale one about to go).
func (s *mongoStore) ReplaceRollups(ctx context.Context, workspaceID, day string, rs []Rollup) error {
	defer s.db.Observe("analytics.replace_rollups")()
	c := s.db.Mongo.Collection(rollupCollection)
	ids := bson.A{}
	if len(rs) > 0 {
		models := make([]mongo.WriteModel, len(rs))
		for i, r := range rs {
			r.WorkspaceID, r.Day = workspaceID, day
			d := toRollupDoc(r)
			ids = append(ids, d.ID)
			models[i] = mongo.NewReplaceOneModel().SetFilter(bson.D{{Key: "_id", Value: d.ID}}).SetReplacement(d).SetUpsert(true)
		}
		if _, err := c.BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false)); err != nil {
			return wrapf(err, "replace rollups")
		}
	}
	_, err := c.DeleteMany(ctx, bson.D{{Key: "workspace_id", Value: workspaceID}, {Key: "day", Value: day},
		{Key: "_id", Value: bson.D{{Key: "$nin", Value: ids}}}})
	if err != nil {
		return wrapf(err, "replace rollups")
	}
	return nil
}

func (s *mongoStore) Rollups(ctx context.Context, workspaceID, campaignID, fromDay, toDay string) ([]Rollup, error) {
	defer s.db.Observe("analytics.rollups")()
	filter := bson.D{{Key: "workspace_id", Value: workspaceID}}
	if campaignID != "" {
		filter = append(filter, bson.E{Key: "campaign_id", Value: campaignID})
	}
	filter = append(filter, bson.E{Key: "day", Value: bson.D{{Key: "$gte", Value: fromDay}, {Key: "$lte", Value: toDay}}})
	cur, err := s.db.Mongo.Collection(rollupCollection).Find(ctx, filter, options.Find().SetSort(bson.D{
		{Key: "day", Value: 1}, {Key: "kind", Value: 1}, {Key: "subject", Value: 1}, {Key: "campaign_id", Value: 1}}))
	if err != nil {
		return nil, wrapf(err, "rollups")
	}
	var docs []rollupDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, wrapf(err, "rollups")
	}
	out := make([]Rollup, len(docs))
	for i, d := range docs {
		out[i] = d.rollup()
	}
	return out, nil
}
