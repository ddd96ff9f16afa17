package analytics

import (
	"context"
	"reflect"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

var t0 = time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)

func postRec(ws, delivery, post, account, day string, m platform.Metrics) Record {
	return Record{WorkspaceID: ws, Kind: KindPost, SubjectID: delivery, Day: day, AccountID: account, Platform: platform.Twitter,
		PostID: post, PlatformPostID: "tw-" + delivery, Metrics: m, FetchedAt: t0}
}

func acctRec(ws, account, day string, followers *int64) Record {
	return Record{WorkspaceID: ws, Kind: KindAccount, SubjectID: account, Day: day, AccountID: account, Platform: platform.Twitter,
		Metrics: platform.Metrics{Followers: followers}, FetchedAt: t0}
}

// unknownCount counts the stored records of the workspace whose figure is
// NULL (SQLite) or absent/null (MongoDB), looking at the backend itself.
func unknownCount(t *testing.T, db *store.DB, ws, figure string) int {
	t.Helper()
	ctx := context.Background()
	if db.Backend == store.Mongo {
		n, err := db.Mongo.Collection(collection).CountDocuments(ctx, bson.D{{Key: "workspace_id", Value: ws}, {Key: figure, Value: nil}})
		if err != nil {
			t.Fatal(err)
		}
		return int(n)
	}
	var n int
	if err := db.SQLRead.QueryRowContext(ctx, `SELECT COUNT(*) FROM analytics_data WHERE workspace_id = ? AND `+figure+` IS NULL`, ws).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestStore is the conformance suite: every case on SQLite and on MongoDB.
func TestStore(t *testing.T) {
	storetest.Run(t, []store.Schema{Schema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		st := NewStore(db)
		n := platform.Count

		// Two deliveries of post P1 and the account, on one day; one figure
		// each is unknown (X gives no reach), one is a real zero.
		d1 := postRec("W1", "d1", "P1", "a1", "2026-11-20", platform.Metrics{Impressions: n(120), Likes: n(0), Comments: n(3)})
		d2 := postRec("W1", "d2", "P1", "a2", "2026-11-20", platform.Metrics{Likes: n(7)})
		acct := acctRec("W1", "a1", "2026-11-20", n(1500))
		other := postRec("W2", "d9", "P1", "a1", "2026-11-20", platform.Metrics{Likes: n(99)}) // same ids, another workspace
		if err := st.Upsert(ctx, []Record{d1, d2, acct, other}); err != nil {
			t.Fatal(err)
		}
		got, err := st.PostHistory(ctx, "W1", "P1")
		if err != nil {
			t.Fatal(err)
		}
		if want := []Record{d1, d2}; !reflect.DeepEqual(got, want) {
			t.Fatalf("PostHistory =\n%+v\nwant\n%+v", got, want)
		}
		if got[0].Metrics.Reach != nil || got[0].Metrics.Likes == nil || *got[0].Metrics.Likes != 0 {
			t.Fatalf("unknown reach read back as %v, zero likes as %v; want nil and 0", got[0].Metrics.Reach, got[0].Metrics.Likes)
		}
		// Unknown is stored as unknown, never as 0: reach of d1, d2 and the
		// account; likes only of the account.
		if u := unknownCount(t, db, "W1", "reach"); u != 3 {
			t.Fatalf("records with unknown reach = %d, want 3", u)
		}
		if u := unknownCount(t, db, "W1", "likes"); u != 1 {
			t.Fatalf("records with unknown likes = %d, want 1 (the zero is a zero)", u)
		}

		// Same day again: overwritten, not duplicated. A figure now known
		// replaces; a figure now unknown keeps the day's known one.
		d1b := d1
		d1b.Metrics = platform.Metrics{Impressions: n(130), Reach: n(90)} // likes, comments unknown this time
		d1b.FetchedAt = t0.Add(time.Hour)
		if err := st.Upsert(ctx, []Record{d1b, d1b}); err != nil { // twice in one batch too
			t.Fatal(err)
		}
		got, err = st.PostHistory(ctx, "W1", "P1")
		if err != nil {
			t.Fatal(err)
		}
		merged := d1
		merged.Metrics = platform.Metrics{Impressions: n(130), Reach: n(90), Likes: n(0), Comments: n(3)}
		merged.FetchedAt = t0.Add(time.Hour)
		if want := []Record{merged, d2}; !reflect.DeepEqual(got, want) {
			t.Fatalf("after a second upsert the same day: PostHistory =\n%+v\nwant\n%+v", got, want)
		}

		// A second day is a second record; AccountHistory spans days,
		// kinds in order, range inclusive.
		next := postRec("W1", "d1", "P1", "a1", "2026-11-21", platform.Metrics{Impressions: n(150)})
		acctNext := acctRec("W1", "a1", "2026-11-21", nil) // followers unknown that day
		late := acctRec("W1", "a1", "2026-11-23", n(1600))
		if err := st.Upsert(ctx, []Record{next, acctNext, late}); err != nil {
			t.Fatal(err)
		}
		hist, err := st.AccountHistory(ctx, "W1", "a1", "2026-11-20", "2026-11-21")
		if err != nil {
			t.Fatal(err)
		}
		if want := []Record{acct, merged, acctNext, next}; !reflect.DeepEqual(hist, want) {
			t.Fatalf("AccountHistory =\n%+v\nwant\n%+v", hist, want)
		}
		if hist[2].Metrics.Followers != nil {
			t.Fatalf("unknown followers read back as %d", *hist[2].Metrics.Followers)
		}
		if hist, err := st.AccountHistory(ctx, "W1", "a1", "2026-11-22", "2026-11-30"); err != nil || len(hist) != 1 || hist[0].Day != "2026-11-23" {
			t.Fatalf("AccountHistory from 11-22 = %+v, %v; want the 11-23 record", hist, err)
		}
		if got, _ := st.PostHistory(ctx, "W1", "P1"); len(got) != 3 {
			t.Fatalf("PostHistory over two days has %d records, want 3", len(got))
		}

		// Workspace scoping: W2 sees only its own record under the same ids.
		got, err = st.PostHistory(ctx, "W2", "P1")
		if err != nil || !reflect.DeepEqual(got, []Record{other}) {
			t.Fatalf("PostHistory(W2) = %+v, %v; want only W2's record", got, err)
		}
		if hist, err := st.AccountHistory(ctx, "W3", "a1", "2026-01-01", "2026-12-31"); err != nil || len(hist) != 0 {
			t.Fatalf("AccountHistory(W3) = %+v, %v; want nothing", hist, err)
		}
		if err := st.Upsert(ctx, nil); err != nil {
			t.Fatalf("empty upsert: %v", err)
		}
	})
}
