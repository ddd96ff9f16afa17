package inbox

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

type replyDoc struct {
	Text       string    `bson:"text"`
	By         string    `bson:"by"`
	At         time.Time `bson:"at"`
	ExternalID string    `bson:"external_id"`
	Key        string    `bson:"key"`
}

// itemDoc is an item in MongoDB; rev guards read-modify-write updates.
type itemDoc struct {
	ID               string     `bson:"_id"`
	WorkspaceID      string     `bson:"workspace_id"`
	AccountID        string     `bson:"account_id"`
	Platform         string     `bson:"platform"`
	ExternalID       string     `bson:"external_id"`
	PostID           string     `bson:"post_id"`
	PostExternalID   string     `bson:"post_external_id"`
	PostText         string     `bson:"post_text"`
	ParentExternalID string     `bson:"parent_external_id"`
	AuthorName       string     `bson:"author_name"`
	AuthorHandle     string     `bson:"author_handle"`
	Text             string     `bson:"text"`
	Permalink        string     `bson:"permalink"`
	Kind             string     `bson:"kind"`
	State            string     `bson:"state"`
	Replies          []replyDoc `bson:"replies"`
	HandledBy        string     `bson:"handled_by"`
	CreatedAt        time.Time  `bson:"created_at"`
	ReceivedAt       time.Time  `bson:"received_at"`
	AnsweredAt       *time.Time `bson:"answered_at,omitempty"`
	Announced        bool       `bson:"announced"`
	SlackChannel     string     `bson:"slack_channel"`
	SlackTS          string     `bson:"slack_ts"`
	ClaimOwner       string     `bson:"claim_owner"`
	ClaimUntil       time.Time  `bson:"claim_until"`
	Rev              int64      `bson:"rev"`
}

func toDoc(it Item) itemDoc {
	d := itemDoc{ID: it.ID, WorkspaceID: it.WorkspaceID, AccountID: it.AccountID, Platform: string(it.Platform), ExternalID: it.ExternalID,
		PostID: it.PostID, PostExternalID: it.PostExternalID, PostText: it.PostText, ParentExternalID: it.ParentExternalID,
		AuthorName: it.AuthorName, AuthorHandle: it.AuthorHandle, Text: it.Text, Permalink: it.Permalink, Kind: it.Kind, State: it.State,
		Replies: replyDocs(it.Replies), HandledBy: it.HandledBy, CreatedAt: store.Trunc(it.CreatedAt), ReceivedAt: store.Trunc(it.ReceivedAt),
		SlackChannel: it.Slack.Channel, SlackTS: it.Slack.TS, ClaimUntil: time.UnixMilli(0).UTC()}
	if !it.AnsweredAt.IsZero() {
		at := store.Trunc(it.AnsweredAt)
		d.AnsweredAt = &at
	}
	return d
}

func replyDocs(rs []Reply) []replyDoc {
	out := make([]replyDoc, len(rs))
	for i, r := range rs {
		out[i] = replyDoc{Text: r.Text, By: r.By, At: store.Trunc(r.At), ExternalID: r.ExternalID, Key: r.Key}
	}
	return out
}

func (d itemDoc) item() Item {
	it := Item{ID: d.ID, WorkspaceID: d.WorkspaceID, AccountID: d.AccountID, Platform: platform.Name(d.Platform), ExternalID: d.ExternalID,
		PostID: d.PostID, PostExternalID: d.PostExternalID, PostText: d.PostText, ParentExternalID: d.ParentExternalID,
		AuthorName: d.AuthorName, AuthorHandle: d.AuthorHandle, Text: d.Text, Permalink: d.Permalink, Kind: d.Kind, State: d.State,
		Replies: make([]Reply, len(d.Replies)), HandledBy: d.HandledBy, CreatedAt: store.Trunc(d.CreatedAt), ReceivedAt: store.Trunc(d.ReceivedAt),
		Slack: Announce{Channel: d.SlackChannel, TS: d.SlackTS}}
	for i, r := range d.Replies {
		it.Replies[i] = Reply{Text: r.Text, By: r.By, At: store.Trunc(r.At), ExternalID: r.ExternalID, Key: r.Key}
	}
	if d.AnsweredAt != nil {
		it.AnsweredAt = store.Trunc(*d.AnsweredAt)
	}
	return it
}

func (s mongoStore) items() *mongo.Collection { return s.db.Mongo.Collection("inbox_items") }

func byID(workspaceID, id string) bson.D {
	return bson.D{{Key: "_id", Value: id}, {Key: "workspace_id", Value: workspaceID}}
}

func (s mongoStore) Insert(ctx context.Context, items []Item) ([]Item, error) {
	defer s.db.Observe("inbox.insert")()
	if len(items) == 0 {
		return nil, nil
	}
	docs := make([]any, len(items))
	for i, it := range items {
		docs[i] = toDoc(it)
	}
	_, err := s.items().InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	failed := map[int]bool{}
	var bwe mongo.BulkWriteException
	if errors.As(err, &bwe) && bwe.WriteConcernError == nil {
		for _, we := range bwe.WriteErrors {
			if !mongo.IsDuplicateKeyError(we) {
				return nil, fmt.Errorf("inbox: insert: %w", err)
			}
			failed[we.Index] = true
		}
	} else if err != nil {
		return nil, fmt.Errorf("inbox: insert: %w", err)
	}
	out := make([]Item, 0, len(items)-len(failed))
	for i, it := range items {
		if !failed[i] {
			out = append(out, it)
		}
	}
	return out, nil
}

func (s mongoStore) getDoc(ctx context.Context, workspaceID, id string) (itemDoc, error) {
	var d itemDoc
	err := s.items().FindOne(ctx, byID(workspaceID, id)).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return itemDoc{}, ErrNotFound
	}
	if err != nil {
		return itemDoc{}, fmt.Errorf("inbox: get %s: %w", id, err)
	}
	return d, nil
}

func (s mongoStore) Get(ctx context.Context, workspaceID, id string) (Item, error) {
	defer s.db.Observe("inbox.get")()
	d, err := s.getDoc(ctx, workspaceID, id)
	return d.item(), err
}

func (s mongoStore) find(ctx context.Context, filter bson.D, opts *options.FindOptionsBuilder) ([]Item, error) {
	cur, err := s.items().Find(ctx, filter, opts)
	if err != nil {
		return nil, err
	}
	var docs []itemDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]Item, len(docs))
	for i, d := range docs {
		out[i] = d.item()
	}
	return out, nil
}

func (s mongoStore) List(ctx context.Context, workspaceID string, f Filter, after store.Cursor, limit int) ([]Item, error) {
	defer s.db.Observe("inbox.list")()
	filter := bson.D{{Key: "workspace_id", Value: workspaceID}}
	if f.State != "" {
		filter = append(filter, bson.E{Key: "state", Value: f.State})
	}
	if f.Platform != "" {
		filter = append(filter, bson.E{Key: "platform", Value: string(f.Platform)})
	}
	if f.AccountID != "" {
		filter = append(filter, bson.E{Key: "account_id", Value: f.AccountID})
	}
	received := bson.D{}
	if !f.Since.IsZero() {
		received = append(received, bson.E{Key: "$gte", Value: store.Trunc(f.Since)})
	}
	if !f.Until.IsZero() {
		received = append(received, bson.E{Key: "$lt", Value: store.Trunc(f.Until)})
	}
	if len(received) > 0 {
		filter = append(filter, bson.E{Key: "received_at", Value: received})
	}
	if after.ID != "" {
		filter = append(filter, after.MongoBefore("received_at", "_id"))
	}
	out, err := s.find(ctx, filter, options.Find().SetSort(bson.D{{Key: "received_at", Value: -1}, {Key: "_id", Value: -1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, fmt.Errorf("inbox: list: %w", err)
	}
	return out, nil
}

func (s mongoStore) SetState(ctx context.Context, workspaceID, id, state, by string) (Item, error) {
	defer s.db.Observe("inbox.set_state")()
	res, err := s.items().UpdateOne(ctx, byID(workspaceID, id), bson.D{{Key: "$set", Value: bson.D{{Key: "state", Value: state}, {Key: "handled_by", Value: by}}}})
	if err != nil {
		return Item{}, fmt.Errorf("inbox: set state of %s: %w", id, err)
	}
	if res.MatchedCount == 0 {
		return Item{}, ErrNotFound
	}
	return s.Get(ctx, workspaceID, id)
}

// update reads the item, applies change and writes it back if the item was
// not changed meanwhile (rev), retrying a few times.
func (s mongoStore) update(ctx context.Context, workspaceID, id string, change func(*Item) bool) (Item, bool, error) {
	for range 5 {
		d, err := s.getDoc(ctx, workspaceID, id)
		if err != nil {
			return Item{}, false, err
		}
		it := d.item()
		if !change(&it) {
			return it, false, nil
		}
		set := bson.D{{Key: "replies", Value: replyDocs(it.Replies)}, {Key: "state", Value: it.State}, {Key: "handled_by", Value: it.HandledBy}}
		if !it.AnsweredAt.IsZero() {
			set = append(set, bson.E{Key: "answered_at", Value: store.Trunc(it.AnsweredAt)})
		}
		res, err := s.items().UpdateOne(ctx, append(byID(workspaceID, id), bson.E{Key: "rev", Value: d.Rev}),
			bson.D{{Key: "$set", Value: set}, {Key: "$inc", Value: bson.D{{Key: "rev", Value: 1}}}})
		if err != nil {
			return Item{}, false, fmt.Errorf("inbox: update %s: %w", id, err)
		}
		if res.MatchedCount == 1 {
			return it, true, nil
		}
	}
	return Item{}, false, fmt.Errorf("inbox: update %s: %w", id, ErrBusy)
}

func (s mongoStore) BeginReply(ctx context.Context, workspaceID, id string, r Reply) (Item, bool, error) {
	defer s.db.Observe("inbox.begin_reply")()
	return s.update(ctx, workspaceID, id, func(it *Item) bool { return beginReply(it, r) })
}

func (s mongoStore) EndReply(ctx context.Context, workspaceID, id, key, externalID string, at time.Time) (Item, error) {
	defer s.db.Observe("inbox.end_reply")()
	it, _, err := s.update(ctx, workspaceID, id, func(it *Item) bool { return endReply(it, key, externalID, at) })
	return it, err
}

func (s mongoStore) DropReply(ctx context.Context, workspaceID, id, key string) error {
	defer s.db.Observe("inbox.drop_reply")()
	_, _, err := s.update(ctx, workspaceID, id, func(it *Item) bool { return dropReply(it, key) })
	return err
}

// ClaimUnannounced takes each candidate with an update conditional on the
// lease it saw, so two replicas cannot both win one item on MongoDB.
func (s mongoStore) ClaimUnannounced(ctx context.Context, now time.Time, owner string, lease time.Duration, limit int) ([]Item, error) {
	defer s.db.Observe("inbox.claim")()
	now = store.Trunc(now)
	cands, err := s.find(ctx, bson.D{{Key: "announced", Value: false}, {Key: "claim_until", Value: bson.D{{Key: "$lte", Value: now}}}},
		options.Find().SetSort(bson.D{{Key: "received_at", Value: 1}, {Key: "_id", Value: 1}}).SetLimit(int64(limit)).
			SetProjection(bson.D{{Key: "_id", Value: 1}, {Key: "workspace_id", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("inbox: claim: %w", err)
	}
	var out []Item
	until := store.Trunc(now.Add(lease))
	for _, c := range cands {
		res, err := s.items().UpdateOne(ctx, bson.D{{Key: "_id", Value: c.ID}, {Key: "workspace_id", Value: c.WorkspaceID}, {Key: "announced", Value: false},
			{Key: "claim_until", Value: bson.D{{Key: "$lte", Value: now}}}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "claim_owner", Value: owner}, {Key: "claim_until", Value: until}}}})
		if err != nil {
			return nil, fmt.Errorf("inbox: claim %s: %w", c.ID, err)
		}
		if res.ModifiedCount == 1 {
			it, err := s.Get(ctx, c.WorkspaceID, c.ID)
			if err != nil {
				return nil, err
			}
			out = append(out, it)
		}
	}
	return out, nil
}

func (s mongoStore) MarkAnnounced(ctx context.Context, workspaceID, id string, a Announce) error {
	defer s.db.Observe("inbox.announced")()
	res, err := s.items().UpdateOne(ctx, byID(workspaceID, id), bson.D{{Key: "$set", Value: bson.D{{Key: "announced", Value: true},
		{Key: "slack_channel", Value: a.Channel}, {Key: "slack_ts", Value: a.TS}, {Key: "claim_owner", Value: ""}, {Key: "claim_until", Value: time.UnixMilli(0).UTC()}}}})
	if err != nil {
		return fmt.Errorf("inbox: mark %s announced: %w", id, err)
	}
	if res.MatchedCount == 0 {
		return ErrNotFound
	}
	return nil
}

func (s mongoStore) Count(ctx context.Context, workspaceID, state string) (int, error) {
	defer s.db.Observe("inbox.count")()
	n, err := s.items().CountDocuments(ctx, bson.D{{Key: "workspace_id", Value: workspaceID}, {Key: "state", Value: state}})
	if err != nil {
		return 0, fmt.Errorf("inbox: count: %w", err)
	}
	return int(n), nil
}

func (s mongoStore) Answered(ctx context.Context, workspaceID string, since, until time.Time) ([]Item, error) {
	defer s.db.Observe("inbox.answered")()
	out, err := s.find(ctx, bson.D{{Key: "workspace_id", Value: workspaceID},
		{Key: "received_at", Value: bson.D{{Key: "$gte", Value: store.Trunc(since)}, {Key: "$lt", Value: store.Trunc(until)}}},
		{Key: "answered_at", Value: bson.D{{Key: "$gt", Value: time.UnixMilli(0).UTC()}}}},
		options.Find().SetSort(bson.D{{Key: "received_at", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("inbox: answered: %w", err)
	}
	return out, nil
}

type cursorDoc struct {
	ID          string `bson:"_id"`
	WorkspaceID string `bson:"workspace_id"`
	AccountID   string `bson:"account_id"`
	Cursor      string `bson:"cursor"`
}

func (s mongoStore) cursors() *mongo.Collection { return s.db.Mongo.Collection("inbox_cursors") }

func (s mongoStore) Cursor(ctx context.Context, workspaceID, accountID string) (string, error) {
	defer s.db.Observe("inbox.cursor")()
	var d cursorDoc
	err := s.cursors().FindOne(ctx, bson.D{{Key: "_id", Value: workspaceID + "/" + accountID}, {Key: "workspace_id", Value: workspaceID}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("inbox: cursor of %s: %w", accountID, err)
	}
	return d.Cursor, nil
}

func (s mongoStore) SetCursor(ctx context.Context, workspaceID, accountID, cursor string) error {
	defer s.db.Observe("inbox.set_cursor")()
	d := cursorDoc{ID: workspaceID + "/" + accountID, WorkspaceID: workspaceID, AccountID: accountID, Cursor: cursor}
	if _, err := s.cursors().ReplaceOne(ctx, bson.D{{Key: "_id", Value: d.ID}, {Key: "workspace_id", Value: workspaceID}}, d,
		options.Replace().SetUpsert(true)); err != nil {
		return fmt.Errorf("inbox: save cursor of %s: %w", accountID, err)
	}
	return nil
}
