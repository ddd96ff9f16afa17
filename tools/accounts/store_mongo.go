package accounts

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
)

type mongoStore struct{ db *store.DB }

// doc is a record in MongoDB. A time that is not set is absent; "expires"
// says whether token_expires_at is meaningful, so range queries never meet
// a missing date.
type doc struct {
	ID              string     `bson:"_id"`
	WorkspaceID     string     `bson:"workspace_id"`
	Platform        string     `bson:"platform"`
	ExternalID      string     `bson:"external_id"`
	Kind            string     `bson:"kind"`
	Name            string     `bson:"name"`
	Handle          string     `bson:"handle"`
	AvatarURL       string     `bson:"avatar_url"`
	Status          string     `bson:"status"`
	StatusReason    string     `bson:"status_reason"`
	ConnectedBy     string     `bson:"connected_by"`
	ConnectedAt     time.Time  `bson:"connected_at"`
	Grant           string     `bson:"grant_id"`
	Derived         bool       `bson:"derived"`
	AccessToken     string     `bson:"access_token"`
	RefreshToken    string     `bson:"refresh_token"`
	Expires         bool       `bson:"expires"`
	TokenExpiresAt  *time.Time `bson:"token_expires_at,omitempty"`
	TokenObtainedAt *time.Time `bson:"token_obtained_at,omitempty"`
	RefreshFailedAt *time.Time `bson:"refresh_failed_at,omitempty"`
	RefreshError    string     `bson:"refresh_error"`
	APIDomain       string     `bson:"api_domain"`
	AccountsServer  string     `bson:"accounts_server"`
	Version         int64      `bson:"version"`
	UpdatedAt       time.Time  `bson:"updated_at"`
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := store.Trunc(t)
	return &u
}

func fromOpt(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return store.Trunc(*t)
}

func (d doc) record() Record {
	return Record{ID: d.ID, WorkspaceID: d.WorkspaceID, Platform: platform.Name(d.Platform), ExternalID: d.ExternalID,
		Kind: d.Kind, Name: d.Name, Handle: d.Handle, AvatarURL: d.AvatarURL, Status: Status(d.Status),
		StatusReason: d.StatusReason, ConnectedBy: d.ConnectedBy, ConnectedAt: store.Trunc(d.ConnectedAt), Grant: d.Grant,
		Derived: d.Derived, Tokens: Sealed{Access: d.AccessToken, Refresh: d.RefreshToken, Expiry: fromOpt(d.TokenExpiresAt),
			ObtainedAt: fromOpt(d.TokenObtainedAt)}, RefreshFailedAt: fromOpt(d.RefreshFailedAt), RefreshError: d.RefreshError,
		APIDomain: d.APIDomain, AccountsServer: d.AccountsServer, Version: d.Version, UpdatedAt: store.Trunc(d.UpdatedAt)}
}

func (s *mongoStore) c(coll Collection) *mongo.Collection { return s.db.Mongo.Collection(string(coll)) }

func (s *mongoStore) Upsert(ctx context.Context, coll Collection, r Record) (Record, Status, error) {
	defer s.db.Observe("accounts.upsert")()
	key := bson.D{{Key: "workspace_id", Value: r.WorkspaceID}, {Key: "platform", Value: string(r.Platform)}, {Key: "external_id", Value: r.ExternalID}}
	set := bson.D{
		{Key: "kind", Value: r.Kind}, {Key: "name", Value: r.Name}, {Key: "handle", Value: r.Handle}, {Key: "avatar_url", Value: r.AvatarURL},
		{Key: "status", Value: string(r.Status)}, {Key: "status_reason", Value: ""}, {Key: "connected_by", Value: r.ConnectedBy},
		{Key: "connected_at", Value: store.Trunc(r.ConnectedAt)}, {Key: "grant_id", Value: r.Grant}, {Key: "derived", Value: r.Derived},
		{Key: "access_token", Value: r.Tokens.Access}, {Key: "expires", Value: !r.Tokens.Expiry.IsZero()},
		{Key: "token_expires_at", Value: optTime(r.Tokens.Expiry)}, {Key: "token_obtained_at", Value: optTime(r.Tokens.ObtainedAt)},
		{Key: "refresh_failed_at", Value: nil}, {Key: "refresh_error", Value: ""}, {Key: "api_domain", Value: r.APIDomain},
		{Key: "accounts_server", Value: r.AccountsServer}, {Key: "updated_at", Value: store.Trunc(r.UpdatedAt)},
	}
	onInsert := bson.D{{Key: "_id", Value: r.ID}}
	if r.Tokens.Refresh != "" {
		set = append(set, bson.E{Key: "refresh_token", Value: r.Tokens.Refresh})
	} else {
		onInsert = append(onInsert, bson.E{Key: "refresh_token", Value: ""})
	}
	update := bson.D{{Key: "$set", Value: set}, {Key: "$setOnInsert", Value: onInsert}, {Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}}}
	var prev Status
	for attempt := 0; ; attempt++ {
		var old doc
		err := s.c(coll).FindOne(ctx, key).Decode(&old)
		switch {
		case err == nil:
			prev = Status(old.Status)
		case errors.Is(err, mongo.ErrNoDocuments):
			prev = ""
		default:
			return Record{}, "", err
		}
		_, err = s.c(coll).UpdateOne(ctx, key, update, options.UpdateOne().SetUpsert(true))
		// Two first connects at once: one insert wins, the other updates.
		if mongo.IsDuplicateKeyError(err) && attempt == 0 {
			continue
		}
		if err != nil {
			return Record{}, "", err
		}
		break
	}
	var d doc
	if err := s.c(coll).FindOne(ctx, key).Decode(&d); err != nil {
		return Record{}, "", err
	}
	return d.record(), prev, nil
}

func (s *mongoStore) Get(ctx context.Context, coll Collection, workspaceID, id string) (Record, error) {
	defer s.db.Observe("accounts.get")()
	var d doc
	err := s.c(coll).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) || (err == nil && d.WorkspaceID != workspaceID) {
		return Record{}, ErrNotFound
	}
	if err != nil {
		return Record{}, err
	}
	return d.record(), nil
}

func (s *mongoStore) find(ctx context.Context, coll Collection, filter bson.D, opts *options.FindOptionsBuilder) ([]Record, error) {
	cur, err := s.c(coll).Find(ctx, filter, opts)
	if err != nil {
		return nil, err
	}
	var docs []doc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]Record, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.record())
	}
	return out, nil
}

func (s *mongoStore) List(ctx context.Context, coll Collection, workspaceID string, p platform.Name) ([]Record, error) {
	defer s.db.Observe("accounts.list")()
	filter := bson.D{{Key: "workspace_id", Value: workspaceID}}
	if p != "" {
		filter = append(filter, bson.E{Key: "platform", Value: string(p)})
	}
	return s.find(ctx, coll, filter, options.Find().SetSort(bson.D{{Key: "platform", Value: 1}, {Key: "name", Value: 1}, {Key: "_id", Value: 1}}))
}

func (s *mongoStore) Expiring(ctx context.Context, coll Collection, workspaceID string, before time.Time) ([]Record, error) {
	defer s.db.Observe("accounts.expiring")()
	filter := bson.D{{Key: "status", Value: string(StatusConnected)}, {Key: "expires", Value: true},
		{Key: "token_expires_at", Value: bson.D{{Key: "$lt", Value: before.UTC()}}}}
	if workspaceID != "" {
		filter = append(filter, bson.E{Key: "workspace_id", Value: workspaceID})
	}
	return s.find(ctx, coll, filter, options.Find().SetSort(bson.D{{Key: "token_expires_at", Value: 1}}))
}

func (s *mongoStore) update(ctx context.Context, coll Collection, filter, set bson.D, inc bool) (bool, error) {
	update := bson.D{{Key: "$set", Value: set}}
	if inc {
		update = append(update, bson.E{Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}})
	}
	res, err := s.c(coll).UpdateOne(ctx, filter, update)
	if err != nil {
		return false, err
	}
	return res.ModifiedCount == 1, nil
}

func (s *mongoStore) SaveTokens(ctx context.Context, coll Collection, id string, version int64, t Sealed, at time.Time) (bool, error) {
	defer s.db.Observe("accounts.save_tokens")()
	return s.update(ctx, coll,
		bson.D{{Key: "_id", Value: id}, {Key: "version", Value: version}, {Key: "status", Value: string(StatusConnected)}},
		bson.D{{Key: "access_token", Value: t.Access}, {Key: "refresh_token", Value: t.Refresh}, {Key: "expires", Value: !t.Expiry.IsZero()},
			{Key: "token_expires_at", Value: optTime(t.Expiry)}, {Key: "token_obtained_at", Value: optTime(t.ObtainedAt)},
			{Key: "refresh_failed_at", Value: nil}, {Key: "refresh_error", Value: ""}, {Key: "updated_at", Value: store.Trunc(at)}}, true)
}

func (s *mongoStore) MarkNeedsReauth(ctx context.Context, coll Collection, id, reason string, at time.Time) error {
	defer s.db.Observe("accounts.mark_needs_reauth")()
	_, err := s.update(ctx, coll, bson.D{{Key: "_id", Value: id}, {Key: "status", Value: string(StatusConnected)}},
		bson.D{{Key: "status", Value: string(StatusNeedsReauth)}, {Key: "status_reason", Value: reason},
			{Key: "refresh_failed_at", Value: store.Trunc(at)}, {Key: "refresh_error", Value: reason}, {Key: "updated_at", Value: store.Trunc(at)}}, true)
	return err
}

func (s *mongoStore) NoteRefreshFailure(ctx context.Context, coll Collection, id, msg string, at time.Time) error {
	defer s.db.Observe("accounts.note_refresh_failure")()
	_, err := s.update(ctx, coll, bson.D{{Key: "_id", Value: id}},
		bson.D{{Key: "refresh_failed_at", Value: store.Trunc(at)}, {Key: "refresh_error", Value: msg}, {Key: "updated_at", Value: store.Trunc(at)}}, false)
	return err
}

func (s *mongoStore) Disconnect(ctx context.Context, coll Collection, id string, at time.Time) error {
	defer s.db.Observe("accounts.disconnect")()
	_, err := s.update(ctx, coll, bson.D{{Key: "_id", Value: id}},
		bson.D{{Key: "status", Value: string(StatusDisconnected)}, {Key: "status_reason", Value: ""}, {Key: "access_token", Value: ""},
			{Key: "refresh_token", Value: ""}, {Key: "expires", Value: false}, {Key: "token_expires_at", Value: nil},
			{Key: "updated_at", Value: store.Trunc(at)}}, true)
	return err
}

func (s *mongoStore) CountGrant(ctx context.Context, coll Collection, workspaceID, grant, id string) (int, error) {
	defer s.db.Observe("accounts.count_grant")()
	n, err := s.c(coll).CountDocuments(ctx, bson.D{{Key: "workspace_id", Value: workspaceID}, {Key: "grant_id", Value: grant},
		{Key: "_id", Value: bson.D{{Key: "$ne", Value: id}}}, {Key: "status", Value: bson.D{{Key: "$ne", Value: string(StatusDisconnected)}}}})
	return int(n), err
}

func (s *mongoStore) Page(ctx context.Context, coll Collection, after string, limit int) ([]Record, error) {
	defer s.db.Observe("accounts.page")()
	return s.find(ctx, coll, bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}}},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)))
}

func (s *mongoStore) ReplaceCiphers(ctx context.Context, coll Collection, id string, old, new Sealed) (bool, error) {
	defer s.db.Observe("accounts.replace_ciphers")()
	return s.update(ctx, coll,
		bson.D{{Key: "_id", Value: id}, {Key: "access_token", Value: old.Access}, {Key: "refresh_token", Value: old.Refresh}},
		bson.D{{Key: "access_token", Value: new.Access}, {Key: "refresh_token", Value: new.Refresh}}, false)
}
