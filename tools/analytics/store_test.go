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

// TestStorePublishedAndRollups is the conformance suite of the new fields,
// Published and the rollups: every case on SQLite and on MongoDB.
func TestStorePublishedAndRollups(t *testing.T) {
	storetest.Run(t, []store.Schema{Schema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		st := NewStore(db)
		n := platform.Count
		pub := time.Date(2026, 11, 19, 22, 30, 0, 0, time.UTC)
		post := postRec("W1", "d1", "P1", "a1", "2026-11-20", platform.Metrics{Impressions: n(100), Likes: n(4)})
		post.Hour, post.PublishedAt, post.PublishedDay, post.CampaignID = 3, pub, "2026-11-19", "C1"
		later := post
		later.Day, later.Metrics = "2026-11-21", platform.Metrics{Impressions: n(140)}
		email := Record{WorkspaceID: "W1", Kind: KindEmail, SubjectID: "ck1", Day: "2026-11-20", Platform: platform.Zoho, PostID: "E1",
			PublishedAt: pub, PublishedDay: "2026-11-19", CampaignID: "C1", FetchedAt: t0,
			Email: EmailFigures{Sent: n(500), Delivered: n(490), Opens: n(120), Bounces: n(10), Unsubscribes: n(0)}, Metrics: platform.Metrics{Clicks: n(30)}}
		leads := Record{WorkspaceID: "W1", Kind: KindLeads, SubjectID: "2026-11-19/Chat", Day: "2026-11-20", Platform: platform.Zoho,
			Source: "Chat", PublishedAt: pub.Truncate(24 * time.Hour), PublishedDay: "2026-11-19", Leads: n(3), FetchedAt: t0}
		acct := acctRec("W1", "a1", "2026-11-19", n(900))
		acct.PublishedDay = "2026-11-19"
		outside := postRec("W1", "d2", "P2", "a1", "2026-11-22", platform.Metrics{Likes: n(1)})
		outside.PublishedAt, outside.PublishedDay = pub.Add(72*time.Hour), "2026-11-22"
		other := email
		other.WorkspaceID = "W2"
		if err := st.Upsert(ctx, []Record{post, later, email, leads, acct, outside, other}); err != nil {
			t.Fatal(err)
		}
		got, err := st.Published(ctx, "W1", "2026-11-19", "2026-11-19")
		if err != nil {
			t.Fatal(err)
		}
		// By published day, kind, subject, day.
		if want := []Record{acct, email, leads, post, later}; !reflect.DeepEqual(got, want) {
			t.Fatalf("Published =\n%+v\nwant\n%+v", got, want)
		}
		if got, err := st.Published(ctx, "W2", "2026-11-01", "2026-11-30"); err != nil || len(got) != 1 || got[0].Email.Sent == nil {
			t.Fatalf("Published(W2) = %+v, %v; want W2's e-mail only", got, err)
		}

		rows := ComputeRollups("W1", "2026-11-19", got)
		if len(rows) != 4 {
			t.Fatalf("rollups = %+v; want e-mail C1, leads Chat, account a1 without and with campaign C1", rows)
		}
		if err := st.ReplaceRollups(ctx, "W1", "2026-11-19", rows); err != nil {
			t.Fatal(err)
		}
		next := Rollup{WorkspaceID: "W1", Day: "2026-11-22", Kind: RollupSocial, Subject: "a1", Platform: platform.Twitter, Posts: 1,
			Metrics: platform.Metrics{Likes: n(1)}, Engagement: n(1)}
		if err := st.ReplaceRollups(ctx, "W1", "2026-11-22", []Rollup{next}); err != nil {
			t.Fatal(err)
		}
		all, err := st.Rollups(ctx, "W1", "", "2026-11-01", "2026-11-30")
		if err != nil {
			t.Fatal(err)
		}
		if want := append(append([]Rollup{}, rows...), next); !reflect.DeepEqual(all, want) {
			t.Fatalf("Rollups =\n%+v\nwant\n%+v", all, want)
		}
		social := all[2:4]
		if social[1].CampaignID != "C1" || *social[1].Metrics.Impressions != 140 || social[1].Metrics.Likes != nil || social[1].Metrics.Reach != nil ||
			*social[0].Metrics.Followers != 900 || social[0].Posts != 0 {
			t.Fatalf("social rows %+v; want the latest snapshot (140 impressions, likes unknown that day) and the followers", social)
		}
		camp, err := st.Rollups(ctx, "W1", "C1", "2026-11-01", "2026-11-30")
		if err != nil || len(camp) != 2 || camp[0].Kind != RollupEmail || camp[1].Kind != RollupSocial {
			t.Fatalf("Rollups(C1) = %+v, %v; want the e-mail and the post rows", camp, err)
		}
		// A replace drops the rows no longer there; another workspace is untouched.
		if err := st.ReplaceRollups(ctx, "W2", "2026-11-19", []Rollup{{Kind: RollupEmail, Posts: 1}}); err != nil {
			t.Fatal(err)
		}
		if err := st.ReplaceRollups(ctx, "W1", "2026-11-19", rows[:1]); err != nil {
			t.Fatal(err)
		}
		if all, err := st.Rollups(ctx, "W1", "", "2026-11-19", "2026-11-19"); err != nil || !reflect.DeepEqual(all, rows[:1]) {
			t.Fatalf("after replacing with one row: %+v, %v", all, err)
		}
		if w2, err := st.Rollups(ctx, "W2", "", "2026-11-19", "2026-11-19"); err != nil || len(w2) != 1 || w2[0].WorkspaceID != "W2" || w2[0].Day != "2026-11-19" {
			t.Fatalf("W2 rollups = %+v, %v", w2, err)
		}
		if err := st.ReplaceRollups(ctx, "W1", "2026-11-19", nil); err != nil {
			t.Fatal(err)
		}
		if all, err := st.Rollups(ctx, "W1", "", "2026-11-19", "2026-11-19"); err != nil || len(all) != 0 {
			t.Fatalf("after an empty replace: %+v, %v", all, err)
		}
	})
}
