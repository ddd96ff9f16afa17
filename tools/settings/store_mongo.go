package settings

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/marketingminds/marketingminds/integrations/store"
)

type mongoStore struct{ db *store.DB }

// doc is a workspace's settings in MongoDB; _id is the workspace id (and
// workspace_id repeats it, like every record's). A field never set is
// absent and reads as "".
type doc struct {
	ID                  string            `bson:"_id"`
	WorkspaceID         string            `bson:"workspace_id"`
	ApprovalPolicy      string            `bson:"approval_policy"`
	NotificationChannel string            `bson:"notification_channel"`
	TimeZone            string            `bson:"time_zone"`
	DefaultRole         string            `bson:"default_role"`
	DigestChannel       string            `bson:"digest_channel"`
	WeeklyDigest        string            `bson:"weekly_digest"`
	InboxChannel        string            `bson:"inbox_channel"`
	RetentionDays       int               `bson:"conversation_retention_days"`
	DefaultAccounts     map[string]string `bson:"default_accounts,omitempty"`
	UpdatedBy           string            `bson:"updated_by"`
	UpdatedAt           time.Time         `bson:"updated_at"`
}

func (d doc) record() Record {
	return Record{WorkspaceID: d.WorkspaceID, ApprovalPolicy: d.ApprovalPolicy, NotificationChannel: d.NotificationChannel,
		TimeZone: d.TimeZone, DefaultRole: d.DefaultRole, DigestChannel: d.DigestChannel, WeeklyDigest: d.WeeklyDigest, InboxChannel: d.InboxChannel,
		ConversationRetentionDays: d.RetentionDays, DefaultAccounts: nonEmpty(d.DefaultAccounts), UpdatedBy: d.UpdatedBy, UpdatedAt: store.Trunc(d.UpdatedAt)}
}

func byWorkspace(workspaceID string) bson.D {
	return bson.D{{Key: "_id", Value: workspaceID}, {Key: "workspace_id", Value: workspaceID}}
}

func (s mongoStore) coll() *mongo.Collection { return s.db.Mongo.Collection("settings") }

func (s mongoStore) Get(ctx context.Context, workspaceID string) (Record, bool, error) {
	defer s.db.Observe("settings.get")()
	var d doc
	err := s.coll().FindOne(ctx, byWorkspace(workspaceID)).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Record{}, false, nil
	}
	if err != nil {
		return Record{}, false, err
	}
	return d.record(), true, nil
}

func (s mongoStore) Apply(ctx context.Context, workspaceID string, p Patch, by string, at time.Time) (Record, error) {
	defer s.db.Observe("settings.apply")()
	set := bson.D{{Key: "updated_by", Value: by}, {Key: "updated_at", Value: store.Trunc(at)}}
	for _, f := range []struct {
		key string
		v   *string
	}{
		{"approval_policy", p.ApprovalPolicy}, {"notification_channel", p.NotificationChannel},
		{"time_zone", p.TimeZone}, {"default_role", p.DefaultRole},
		{"digest_channel", p.DigestChannel}, {"weekly_digest", onOff(p.WeeklyDigest)}, {"inbox_channel", p.InboxChannel},
	} {
		if f.v != nil {
			set = append(set, bson.E{Key: f.key, Value: *f.v})
		}
	}
	if v := p.ConversationRetentionDays; v != nil {
		set = append(set, bson.E{Key: "conversation_retention_days", Value: *v})
	}
	return s.upsert(ctx, workspaceID, bson.D{{Key: "$set", Value: set}})
}

func (s mongoStore) SetDefaultAccount(ctx context.Context, workspaceID, platform, accountID, by string, at time.Time) (Record, error) {
	defer s.db.Observe("settings.set_default_account")()
	key := "default_accounts." + platform
	set := bson.D{{Key: "updated_by", Value: by}, {Key: "updated_at", Value: store.Trunc(at)}}
	update := bson.D{{Key: "$set", Value: append(set, bson.E{Key: key, Value: accountID})}}
	if accountID == "" {
		update = bson.D{{Key: "$set", Value: set}, {Key: "$unset", Value: bson.D{{Key: key, Value: ""}}}}
	}
	return s.upsert(ctx, workspaceID, update)
}

// upsert applies update to workspaceID's record, creating it when there is
// none, and reads it back.
func (s mongoStore) upsert(ctx context.Context, workspaceID string, update bson.D) (Record, error) {
	filter := byWorkspace(workspaceID)
	_, err := s.coll().UpdateOne(ctx, filter, update, options.UpdateOne().SetUpsert(true))
	if mongo.IsDuplicateKeyError(err) {
		// Two first saves at once: one inserted, this one now updates.
		_, err = s.coll().UpdateOne(ctx, filter, update)
	}
	if err != nil {
		return Record{}, err
	}
	var d doc
	if err := s.coll().FindOne(ctx, filter).Decode(&d); err != nil {
		return Record{}, err
	}
	return d.record(), nil
}

func (s mongoStore) Digests(ctx context.Context) ([]Record, error) {
	defer s.db.Observe("settings.digests")()
	cur, err := s.coll().Find(ctx, bson.D{{Key: "weekly_digest", Value: bson.D{{Key: "$ne", Value: "off"}}}},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, err
	}
	var ds []doc
	if err := cur.All(ctx, &ds); err != nil {
		return nil, err
	}
	var out []Record
	for _, d := range ds {
		if d.DigestChannel != "" || d.NotificationChannel != "" {
			out = append(out, d.record())
		}
	}
	return out, nil
}

func nonEmpty(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}
