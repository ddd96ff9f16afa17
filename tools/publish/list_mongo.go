package publish

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// postsWith lists the ids of the workspace's posts with a delivery in
// f.Status and to f.Platform. Without $lookup the posts are then read by id:
// the list holds one id per matching delivery.
func (s *mongoStore) postsWith(ctx context.Context, workspaceID string, f PostFilter) (bson.A, error) {
	q := bson.D{{Key: "workspace_id", Value: workspaceID}}
	if f.Platform != "" {
		q = append(q, bson.E{Key: "platform", Value: string(f.Platform)})
	}
	if f.Status != "" {
		q = append(q, bson.E{Key: "status", Value: string(f.Status)})
	}
	cur, err := s.deliveries().Find(ctx, q, options.Find().SetProjection(bson.D{{Key: "post_id", Value: 1}}))
	if err != nil {
		return nil, wrapf(err, "list posts by delivery")
	}
	var docs []struct {
		PostID string `bson:"post_id"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, wrapf(err, "list posts by delivery")
	}
	seen := map[string]bool{}
	ids := bson.A{}
	for _, d := range docs {
		if !seen[d.PostID] {
			seen[d.PostID] = true
			ids = append(ids, d.PostID)
		}
	}
	return ids, nil
}
