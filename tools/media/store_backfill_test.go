package media

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
)

// oldShape is a media document as MongoDB held it before migration 002:
// no shared_at.
func oldShape(ws, id string, at time.Time, conversations ...string) bson.D {
	return bson.D{{Key: "_id", Value: ws + "/" + id}, {Key: "workspace_id", Value: ws}, {Key: "id", Value: id},
		{Key: "sha256", Value: "sha-" + id}, {Key: "blob_key", Value: "k" + id}, {Key: "uploaded_by", Value: "U1"},
		{Key: "name", Value: id + ".jpg"}, {Key: "content_type", Value: "image/jpeg"}, {Key: "alt", Value: ""},
		{Key: "source", Value: SourceSlack}, {Key: "conversations", Value: conversations}, {Key: "bytes", Value: int64(10)},
		{Key: "width", Value: 4}, {Key: "height", Value: 3}, {Key: "duration_ms", Value: int64(0)},
		{Key: "used_by", Value: bson.A{}}, {Key: "used", Value: false}, {Key: "created_at", Value: at}}
}

// TestMongoMediaWithoutSharedAtBackfilled: media MongoDB stored before
// shared_at existed read as shared when they were uploaded at once, and
// from the next start-up list in their conversation by that time, in every
// workspace; a later start-up leaves a newer share alone.
func TestMongoMediaWithoutSharedAtBackfilled(t *testing.T) {
	db := storetest.Open(t, store.Mongo, Schema)
	ctx := context.Background()
	const conv = "C1:1.0"
	for _, d := range []bson.D{oldShape("T1", "old1", t0, conv), oldShape("T1", "old2", t0.Add(time.Minute), conv), oldShape("T2", "other", t0)} {
		if _, err := db.Mongo.Collection("media").InsertOne(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	st := NewStore(db)
	recent := rec("T1", "recent", "sha-recent", t0.Add(-time.Hour))
	recent.Conversations, recent.SharedAt = []string{conv}, t0.Add(30*time.Second)
	if err := st.Insert(ctx, recent); err != nil {
		t.Fatal(err)
	}
	if r, err := st.Get(ctx, "T1", "old2"); err != nil || !r.SharedAt.Equal(t0.Add(time.Minute)) {
		t.Fatalf("before the backfill old2 reads shared at %v, %v; want its upload, %v", r.SharedAt, err, t0.Add(time.Minute))
	}
	list := func(st Store) string {
		t.Helper()
		rs, err := st.List(ctx, "T1", Query{Limit: 10, Conversation: conv})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range rs {
			out = append(out, r.ID)
		}
		return strings.Join(out, ",")
	}

	restarted := storetest.Reopen(t, db)
	st = NewStore(restarted)
	if got := list(st); got != "old2,recent,old1" {
		t.Fatalf("the conversation lists %s after a restart, want old2,recent,old1 (by shared_at, old ones by upload)", got)
	}
	for _, key := range []string{"T1/old1", "T1/old2", "T2/other"} {
		var raw bson.M
		if err := restarted.Mongo.Collection("media").FindOne(ctx, bson.D{{Key: "_id", Value: key}}).Decode(&raw); err != nil {
			t.Fatal(err)
		}
		if _, ok := raw["shared_at"]; !ok {
			t.Fatalf("%s still has no shared_at: %v", key, raw)
		}
	}

	if err := st.Link(ctx, "T1", "old1", conv, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got := list(NewStore(storetest.Reopen(t, db))); got != "old1,old2,recent" {
		t.Fatalf("after old1 is shared again and another restart the conversation lists %s, want old1,old2,recent", got)
	}
}
