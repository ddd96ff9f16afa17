package media

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/marketingminds/marketingminds/integrations/store"
)

type mongoStore struct{ db *store.DB }

// doc is a media record in MongoDB; _id is "<workspace>/<id>".
type doc struct {
	Key           string    `bson:"_id"`
	WorkspaceID   string    `bson:"workspace_id"`
	ID            string    `bson:"id"`
	SHA256        string    `bson:"sha256"`
	BlobKey       string    `bson:"blob_key"`
	UploadedBy    string    `bson:"uploaded_by"`
	Name          string    `bson:"name"`
	ContentType   string    `bson:"content_type"`
	Alt           string    `bson:"alt"`
	Source        string    `bson:"source"`
	Conversations []string  `bson:"conversations"`
	Bytes         int64     `bson:"bytes"`
	Width         int       `bson:"width"`
	Height        int       `bson:"height"`
	DurationMS    int64     `bson:"duration_ms"`
	UsedBy        []string  `bson:"used_by"`
	Used          bool      `bson:"used"`
	CreatedAt     time.Time `bson:"created_at"`
	SharedAt      time.Time `bson:"shared_at"`
}

func (d doc) record() Record {
	if d.SharedAt.IsZero() { // stored before shared_at, and not yet backfilled
		d.SharedAt = d.CreatedAt
	}
	r := Record{BlobKey: d.BlobKey, Conversations: d.Conversations, Media: Media{
		ID: d.ID, WorkspaceID: d.WorkspaceID, UploadedBy: d.UploadedBy, Name: d.Name, ContentType: d.ContentType, Alt: d.Alt,
		SHA256: d.SHA256, Source: d.Source, Bytes: d.Bytes, Width: d.Width, Height: d.Height,
		Duration: time.Duration(d.DurationMS) * time.Millisecond, UsedBy: d.UsedBy, CreatedAt: store.Trunc(d.CreatedAt)}, SharedAt: store.Trunc(d.SharedAt)}
	return filled(r)
}

func (s mongoStore) coll() *mongo.Collection { return s.db.Mongo.Collection("media") }

func byID(workspaceID, id string) bson.D {
	return bson.D{{Key: "_id", Value: workspaceID + "/" + id}, {Key: "workspace_id", Value: workspaceID}}
}

func (s mongoStore) Insert(ctx context.Context, r Record) error {
	defer s.db.Observe("media.insert")()
	r = filled(r)
	d := doc{Key: r.WorkspaceID + "/" + r.ID, WorkspaceID: r.WorkspaceID, ID: r.ID, SHA256: r.SHA256, BlobKey: r.BlobKey,
		UploadedBy: r.UploadedBy, Name: r.Name, ContentType: r.ContentType, Alt: r.Alt, Source: r.Source,
		Conversations: r.Conversations, Bytes: r.Bytes, Width: r.Width, Height: r.Height, DurationMS: r.Duration.Milliseconds(),
		UsedBy: r.UsedBy, Used: len(r.UsedBy) > 0, CreatedAt: store.Trunc(r.CreatedAt), SharedAt: store.Trunc(r.SharedAt)}
	_, err := s.coll().InsertOne(ctx, d)
	if mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("media: insert %s: %w", r.SHA256, ErrDuplicate)
	}
	if err != nil {
		return fmt.Errorf("media: insert: %w", err)
	}
	return nil
}

func (s mongoStore) getWhere(ctx context.Context, filter bson.D) (Record, error) {
	var d doc
	err := s.coll().FindOne(ctx, filter).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Record{}, ErrNotFound
	}
	if err != nil {
		return Record{}, fmt.Errorf("media: get: %w", err)
	}
	return d.record(), nil
}

func (s mongoStore) Get(ctx context.Context, workspaceID, id string) (Record, error) {
	defer s.db.Observe("media.get")()
	return s.getWhere(ctx, byID(workspaceID, id))
}

func (s mongoStore) BySHA(ctx context.Context, workspaceID, sha string) (Record, error) {
	defer s.db.Observe("media.by_sha")()
	return s.getWhere(ctx, bson.D{{Key: "workspace_id", Value: workspaceID}, {Key: "sha256", Value: sha}})
}

func (s mongoStore) Link(ctx context.Context, workspaceID, id, conversation string, at time.Time) error {
	defer s.db.Observe("media.link")()
	update := bson.D{{Key: "$set", Value: bson.D{{Key: "shared_at", Value: store.Trunc(at)}}}}
	if conversation != "" {
		update = append(update, bson.E{Key: "$addToSet", Value: bson.D{{Key: "conversations", Value: conversation}}})
	}
	_, err := s.coll().UpdateOne(ctx, byID(workspaceID, id), update)
	if err != nil {
		return fmt.Errorf("media: link %s: %w", id, err)
	}
	return nil
}

func (s mongoStore) Use(ctx context.Context, workspaceID string, ids []string, user string) error {
	defer s.db.Observe("media.use")()
	for _, id := range ids {
		_, err := s.coll().UpdateOne(ctx, append(byID(workspaceID, id), bson.E{Key: "used_by", Value: bson.D{{Key: "$ne", Value: user}}}),
			bson.D{{Key: "$push", Value: bson.D{{Key: "used_by", Value: user}}}, {Key: "$set", Value: bson.D{{Key: "used", Value: true}}}})
		if err != nil {
			return fmt.Errorf("media: use %s by %s: %w", id, user, err)
		}
	}
	return nil
}

func (s mongoStore) Release(ctx context.Context, workspaceID, user string, keep []string) error {
	defer s.db.Observe("media.release")()
	ws := bson.E{Key: "workspace_id", Value: workspaceID}
	if keep == nil {
		keep = []string{}
	}
	if _, err := s.coll().UpdateMany(ctx, bson.D{ws, {Key: "used_by", Value: user}, {Key: "id", Value: bson.D{{Key: "$nin", Value: keep}}}},
		bson.D{{Key: "$pull", Value: bson.D{{Key: "used_by", Value: user}}}}); err != nil {
		return fmt.Errorf("media: release from %s: %w", user, err)
	}
	if _, err := s.coll().UpdateMany(ctx, bson.D{ws, {Key: "used", Value: true}, {Key: "used_by", Value: bson.D{{Key: "$size", Value: 0}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "used", Value: false}}}}); err != nil {
		return fmt.Errorf("media: release from %s: %w", user, err)
	}
	return nil
}

func (s mongoStore) Update(ctx context.Context, workspaceID, id, name, alt string) error {
	defer s.db.Observe("media.update")()
	res, err := s.coll().UpdateOne(ctx, byID(workspaceID, id), bson.D{{Key: "$set", Value: bson.D{{Key: "name", Value: name}, {Key: "alt", Value: alt}}}})
	if err != nil {
		return fmt.Errorf("media: update %s: %w", id, err)
	}
	if res.MatchedCount == 0 {
		return ErrNotFound
	}
	return nil
}

func (s mongoStore) List(ctx context.Context, workspaceID string, q Query) ([]Record, error) {
	defer s.db.Observe("media.list")()
	filter := mongoFilter(workspaceID, q)
	order := "created_at"
	if q.Conversation != "" {
		order = "shared_at"
	}
	if q.After.ID != "" {
		filter = append(filter, q.After.MongoBefore(order, "id"))
	}
	opts := options.Find().SetSort(bson.D{{Key: order, Value: -1}, {Key: "id", Value: -1}}).SetLimit(int64(q.Limit))
	cur, err := s.coll().Find(ctx, filter, opts)
	if err != nil {
		return nil, fmt.Errorf("media: list: %w", err)
	}
	var docs []doc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("media: list: %w", err)
	}
	out := make([]Record, len(docs))
	for i, d := range docs {
		out[i] = d.record()
	}
	return out, nil
}

// mongoFilter is q's selection of workspaceID's records, without its page.
func mongoFilter(workspaceID string, q Query) bson.D {
	filter := bson.D{{Key: "workspace_id", Value: workspaceID}}
	if q.Conversation != "" {
		filter = append(filter, bson.E{Key: "conversations", Value: q.Conversation})
	}
	if q.Unused {
		filter = append(filter, bson.E{Key: "used", Value: false})
	}
	if q.Kind != "" {
		filter = append(filter, bson.E{Key: "content_type", Value: bson.Regex{Pattern: "^" + regexp.QuoteMeta(q.Kind) + "/"}})
	}
	if !q.CreatedBefore.IsZero() {
		filter = append(filter, bson.E{Key: "created_at", Value: bson.D{{Key: "$lt", Value: store.Trunc(q.CreatedBefore)}}})
	}
	return filter
}

func (s mongoStore) Count(ctx context.Context, workspaceID string, q Query) (int, error) {
	defer s.db.Observe("media.count")()
	n, err := s.coll().CountDocuments(ctx, mongoFilter(workspaceID, q))
	if err != nil {
		return 0, fmt.Errorf("media: count: %w", err)
	}
	return int(n), nil
}

func (s mongoStore) Delete(ctx context.Context, workspaceID, id string) (bool, error) {
	defer s.db.Observe("media.delete")()
	res, err := s.coll().DeleteOne(ctx, byID(workspaceID, id))
	if err != nil {
		return false, fmt.Errorf("media: delete %s: %w", id, err)
	}
	return res.DeletedCount == 1, nil
}

func (s mongoStore) UnusedWorkspaces(ctx context.Context, cutoff time.Time) ([]string, error) {
	defer s.db.Observe("media.unused_workspaces")()
	// A find of the one field, not distinct: FerretDB's distinct answer
	// does not decode with the v2 driver.
	cur, err := s.coll().Find(ctx, bson.D{{Key: "used", Value: false}, {Key: "created_at", Value: bson.D{{Key: "$lt", Value: store.Trunc(cutoff)}}}},
		options.Find().SetProjection(bson.D{{Key: "workspace_id", Value: 1}}).SetSort(bson.D{{Key: "workspace_id", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("media: unused workspaces: %w", err)
	}
	var docs []struct {
		WorkspaceID string `bson:"workspace_id"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("media: unused workspaces: %w", err)
	}
	out := []string{}
	for _, d := range docs {
		if len(out) == 0 || out[len(out)-1] != d.WorkspaceID {
			out = append(out, d.WorkspaceID)
		}
	}
	return out, nil
}
