package library

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
)

type mongoStore struct{ db *store.DB }

type doc struct {
	ID          string            `bson:"_id"`
	WorkspaceID string            `bson:"workspace_id"`
	Kind        string            `bson:"kind"`
	Title       string            `bson:"title"`
	Body        string            `bson:"body"`
	Variants    map[string]string `bson:"variants"`
	MediaURLs   []string          `bson:"media_urls"`
	MediaIDs    []string          `bson:"media_ids"`
	MediaVideos int               `bson:"media_videos"`
	Link        string            `bson:"link"`
	Tags        []string          `bson:"tags"`
	TagKeys     []string          `bson:"tag_keys"`
	SearchKeys  []string          `bson:"search_keys"`
	CampaignID  string            `bson:"campaign_id"`
	CreatedBy   string            `bson:"created_by"`
	CreatedAt   time.Time         `bson:"created_at"`
	UpdatedBy   string            `bson:"updated_by"`
	UpdatedAt   time.Time         `bson:"updated_at"`
	Rev         int64             `bson:"rev"`
}

func docOf(it Item) doc {
	it = filled(it)
	variants := make(map[string]string, len(it.Variants))
	for p, v := range it.Variants {
		variants[string(p)] = v
	}
	return doc{ID: it.ID, WorkspaceID: it.WorkspaceID, Kind: string(it.Kind), Title: it.Title, Body: it.Body, Variants: variants,
		MediaURLs: it.MediaURLs, MediaIDs: it.MediaIDs, MediaVideos: it.MediaVideos, Link: it.Link, Tags: it.Tags, TagKeys: tagKeysOf(it.Tags), SearchKeys: searchKeys(it),
		CampaignID: it.CampaignID, CreatedBy: it.CreatedBy, CreatedAt: store.Trunc(it.CreatedAt), UpdatedBy: it.UpdatedBy,
		UpdatedAt: store.Trunc(it.UpdatedAt), Rev: it.Rev}
}

func (d doc) item() Item {
	variants := make(map[platform.Name]string, len(d.Variants))
	for p, v := range d.Variants {
		variants[platform.Name(p)] = v
	}
	return filled(Item{ID: d.ID, WorkspaceID: d.WorkspaceID, Kind: Kind(d.Kind), Title: d.Title, Body: d.Body, Variants: variants,
		MediaURLs: d.MediaURLs, MediaIDs: d.MediaIDs, MediaVideos: d.MediaVideos, Link: d.Link, Tags: d.Tags, CampaignID: d.CampaignID, CreatedBy: d.CreatedBy,
		CreatedAt: store.Trunc(d.CreatedAt), UpdatedBy: d.UpdatedBy, UpdatedAt: store.Trunc(d.UpdatedAt), Rev: d.Rev})
}

// derived leaves out the keys an item is found by: only queries need them.
var derived = bson.D{{Key: "tag_keys", Value: 0}, {Key: "search_keys", Value: 0}}

func (s mongoStore) coll() *mongo.Collection { return s.db.Mongo.Collection(collection) }

// key selects one item: the id within its workspace and kind.
func key(workspaceID string, kind Kind, id string) bson.D {
	return bson.D{{Key: "_id", Value: id}, {Key: "workspace_id", Value: workspaceID}, {Key: "kind", Value: string(kind)}}
}

func (s mongoStore) Insert(ctx context.Context, it Item) error {
	defer s.db.Observe("library.insert")()
	if _, err := s.coll().InsertOne(ctx, docOf(it)); err != nil {
		return fmt.Errorf("library: insert: %w", err)
	}
	return nil
}

func (s mongoStore) Get(ctx context.Context, workspaceID string, kind Kind, id string) (Item, error) {
	defer s.db.Observe("library.get")()
	var d doc
	err := s.coll().FindOne(ctx, key(workspaceID, kind, id), options.FindOne().SetProjection(derived)).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Item{}, ErrNotFound
	}
	if err != nil {
		return Item{}, fmt.Errorf("library: get: %w", err)
	}
	return d.item(), nil
}

func (s mongoStore) Replace(ctx context.Context, it Item, rev int64) error {
	defer s.db.Observe("library.replace")()
	d := docOf(it)
	filter := append(key(it.WorkspaceID, it.Kind, it.ID), bson.E{Key: "rev", Value: rev})
	res, err := s.coll().UpdateOne(ctx, filter, bson.D{{Key: "$set", Value: bson.D{
		{Key: "title", Value: d.Title}, {Key: "body", Value: d.Body}, {Key: "variants", Value: d.Variants},
		{Key: "media_urls", Value: d.MediaURLs}, {Key: "media_ids", Value: d.MediaIDs}, {Key: "media_videos", Value: d.MediaVideos},
		{Key: "link", Value: d.Link}, {Key: "tags", Value: d.Tags},
		{Key: "tag_keys", Value: d.TagKeys}, {Key: "search_keys", Value: d.SearchKeys}, {Key: "campaign_id", Value: d.CampaignID},
		{Key: "updated_by", Value: d.UpdatedBy}, {Key: "updated_at", Value: d.UpdatedAt}, {Key: "rev", Value: d.Rev},
	}}})
	if err != nil {
		return fmt.Errorf("library: replace: %w", err)
	}
	if res.MatchedCount == 1 {
		return nil
	}
	if _, err := s.Get(ctx, it.WorkspaceID, it.Kind, it.ID); err != nil {
		return err
	}
	return ErrConflict
}

func (s mongoStore) Delete(ctx context.Context, workspaceID string, kind Kind, id string) error {
	defer s.db.Observe("library.delete")()
	res, err := s.coll().DeleteOne(ctx, key(workspaceID, kind, id))
	if err != nil {
		return fmt.Errorf("library: delete: %w", err)
	}
	if res.DeletedCount == 0 {
		return ErrNotFound
	}
	return nil
}

func (s mongoStore) List(ctx context.Context, workspaceID string, q Query) ([]Item, error) {
	defer s.db.Observe("library.list")()
	filter := bson.D{{Key: "workspace_id", Value: workspaceID}}
	if q.Kind != "" {
		filter = append(filter, bson.E{Key: "kind", Value: string(q.Kind)})
	}
	if q.CampaignID != "" {
		filter = append(filter, bson.E{Key: "campaign_id", Value: q.CampaignID})
	}
	if q.TagKey != "" {
		filter = append(filter, bson.E{Key: "tag_keys", Value: q.TagKey})
	}
	if len(q.Keys) > 0 {
		filter = append(filter, bson.E{Key: "search_keys", Value: bson.D{{Key: "$all", Value: q.Keys}}})
	}
	if q.After.ID != "" {
		filter = append(filter, q.After.MongoBefore("created_at", "_id"))
	}
	opts := options.Find().SetSort(bson.D{{Key: "created_at", Value: -1}, {Key: "_id", Value: -1}}).SetLimit(int64(q.Limit)).
		SetProjection(derived)
	cur, err := s.coll().Find(ctx, filter, opts)
	if err != nil {
		return nil, fmt.Errorf("library: list: %w", err)
	}
	var docs []doc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("library: list: %w", err)
	}
	out := make([]Item, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.item())
	}
	return out, nil
}
