package publish

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/marketingminds/marketingminds/integrations/platform"
)

// PublishedSince reads on the (workspace_id, published_at) index declared in
// Schema, then the campaign ids of the posts those deliveries belong to.
func (s *mongoStore) PublishedSince(ctx context.Context, workspaceID string, since time.Time) ([]PublishedDelivery, error) {
	defer s.db.Observe("publish.published_since")()
	cur, err := s.deliveries().Find(ctx, bson.D{
		{Key: "workspace_id", Value: workspaceID},
		{Key: "published_at", Value: bson.D{{Key: "$gte", Value: mtime(since)}}},
		{Key: "status", Value: string(StatusPublished)},
		{Key: "platform_post_id", Value: bson.D{{Key: "$ne", Value: ""}}},
	}, options.Find().
		SetSort(bson.D{{Key: "published_at", Value: 1}, {Key: "_id", Value: 1}}).
		SetProjection(bson.D{{Key: "post_id", Value: 1}, {Key: "account_id", Value: 1}, {Key: "platform", Value: 1},
			{Key: "platform_post_id", Value: 1}, {Key: "published_at", Value: 1}}))
	if err != nil {
		return nil, wrapf(err, "published since")
	}
	var docs []struct {
		ID             string    `bson:"_id"`
		PostID         string    `bson:"post_id"`
		AccountID      string    `bson:"account_id"`
		Platform       string    `bson:"platform"`
		PlatformPostID string    `bson:"platform_post_id"`
		PublishedAt    time.Time `bson:"published_at"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, wrapf(err, "published since")
	}
	postIDs := bson.A{}
	seen := map[string]bool{}
	for _, d := range docs {
		if !seen[d.PostID] {
			seen[d.PostID] = true
			postIDs = append(postIDs, d.PostID)
		}
	}
	campaigns, err := s.campaignsOf(ctx, workspaceID, postIDs)
	if err != nil {
		return nil, err
	}
	out := make([]PublishedDelivery, len(docs))
	for i, d := range docs {
		out[i] = PublishedDelivery{WorkspaceID: workspaceID, DeliveryID: d.ID, PostID: d.PostID, CampaignID: campaigns[d.PostID],
			AccountID: d.AccountID, Platform: platform.Name(d.Platform), PlatformPostID: d.PlatformPostID, PublishedAt: utc(d.PublishedAt)}
	}
	return out, nil
}

// campaignsOf maps the posts that belong to a campaign to its id.
func (s *mongoStore) campaignsOf(ctx context.Context, workspaceID string, postIDs bson.A) (map[string]string, error) {
	out := map[string]string{}
	if len(postIDs) == 0 {
		return out, nil
	}
	cur, err := s.posts().Find(ctx, bson.D{
		{Key: "workspace_id", Value: workspaceID},
		{Key: "_id", Value: bson.D{{Key: "$in", Value: postIDs}}},
		{Key: "campaign_id", Value: bson.D{{Key: "$gt", Value: ""}}},
	}, options.Find().SetProjection(bson.D{{Key: "campaign_id", Value: 1}}))
	if err != nil {
		return nil, wrapf(err, "published since: campaigns")
	}
	var posts []struct {
		ID         string `bson:"_id"`
		CampaignID string `bson:"campaign_id"`
	}
	if err := cur.All(ctx, &posts); err != nil {
		return nil, wrapf(err, "published since: campaigns")
	}
	for _, p := range posts {
		out[p.ID] = p.CampaignID
	}
	return out, nil
}
