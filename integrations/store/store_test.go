package store_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/rs/zerolog"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

var widgets = store.Schema{
	Name: "widgets",
	Migrations: fstest.MapFS{
		"001_create.sql": {Data: []byte(`CREATE TABLE widgets (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL);`)},
		"002_index.sql":  {Data: []byte(`CREATE INDEX widgets_ws ON widgets (workspace_id);`)},
	},
	Indexes: []store.Index{{Collection: "widgets", Keys: bson.D{{Key: "workspace_id", Value: 1}}}},
}

func TestMigrationsAppliedAndRecorded(t *testing.T) {
	storetest.Run(t, []store.Schema{widgets}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		st, err := db.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var applied []string
		for _, s := range st {
			if !s.Applied || s.Unknown {
				t.Errorf("migration %s %d: applied=%v unknown=%v", s.Package, s.Version, s.Applied, s.Unknown)
			}
			applied = append(applied, s.Package)
		}
		if len(applied) != 3 { // store 1, widgets 1 and 2
			t.Fatalf("status = %+v, want 3 applied migrations", st)
		}
		// Opening again applies nothing and fails nothing.
		again := storetest.Reopen(t, db)
		st2, err := again.Status(ctx)
		if err != nil || len(st2) != 3 {
			t.Fatalf("reopen status = %+v, %v", st2, err)
		}
	})
}

func TestNewerDatabaseRefused(t *testing.T) {
	newer := widgets
	newer.Migrations = fstest.MapFS{
		"001_create.sql": widgets.Migrations.(fstest.MapFS)["001_create.sql"],
		"002_index.sql":  widgets.Migrations.(fstest.MapFS)["002_index.sql"],
		"003_more.sql":   {Data: []byte(`ALTER TABLE widgets ADD COLUMN name TEXT;`)},
	}
	storetest.Run(t, []store.Schema{newer}, func(t *testing.T, db *store.DB) {
		cfg := storetest.Config(t, db)
		_, err := store.Open(context.Background(), cfg, widgets)
		if !errors.Is(err, store.ErrNewerSchema) {
			t.Fatalf("open by an older binary: err = %v, want ErrNewerSchema", err)
		}
		// The status view still works and names the unknown migration.
		cfg.ReadOnlySchema = true
		old, err := store.Open(context.Background(), cfg, widgets)
		if err != nil {
			t.Fatal(err)
		}
		defer old.Close(context.Background())
		st, err := old.Status(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, s := range st {
			found = found || (s.Unknown && s.Package == "widgets" && s.Version == 3)
		}
		if !found {
			t.Fatalf("status %+v does not show widgets migration 3 as unknown", st)
		}
	})
}

// TestMongoBackfillsRunAtEveryOpen: a schema's MongoDB backfills run when
// the database is opened, again at every later opening, and one that fails
// fails the opening, naming its schema.
func TestMongoBackfillsRunAtEveryOpen(t *testing.T) {
	var runs atomic.Int32
	counted := widgets
	counted.MongoBackfills = []func(context.Context, *mongo.Database) error{func(ctx context.Context, db *mongo.Database) error {
		runs.Add(1)
		return nil
	}}
	db := storetest.Open(t, store.Mongo, counted)
	storetest.Reopen(t, db)
	if n := runs.Load(); n != 2 {
		t.Fatalf("the backfill ran %d times over two openings, want 2", n)
	}
	failing := widgets
	failing.MongoBackfills = []func(context.Context, *mongo.Database) error{func(context.Context, *mongo.Database) error {
		return errors.New("no such field")
	}}
	if _, err := store.Open(context.Background(), storetest.Config(t, db), failing); err == nil || !strings.Contains(err.Error(), "widgets backfill 1: no such field") {
		t.Fatalf("open with a failing backfill: %v", err)
	}
}

func TestBadMigrationFileName(t *testing.T) {
	bad := store.Schema{Name: "bad", Migrations: fstest.MapFS{"create.sql": {Data: []byte("SELECT 1;")}}}
	_, err := store.Open(context.Background(), store.Config{DataDir: t.TempDir(), Logger: zerolog.Nop()}, bad)
	if err == nil {
		t.Fatal("a migration without a number was accepted")
	}
}

func TestLocks(t *testing.T) {
	storetest.Run(t, nil, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now()
		ok, err := db.Acquire(ctx, "cron:refresh", "a", now, time.Minute)
		if err != nil || !ok {
			t.Fatalf("first acquire = %v, %v", ok, err)
		}
		if ok, err := db.Acquire(ctx, "cron:refresh", "b", now, time.Minute); err != nil || ok {
			t.Fatalf("acquire of a held lock = %v, %v; want false", ok, err)
		}
		if ok, err := db.Acquire(ctx, "cron:refresh", "a", now, time.Minute); err != nil || !ok {
			t.Fatalf("owner re-acquire = %v, %v; want true", ok, err)
		}
		// Expired: someone else may take it.
		later := now.Add(2 * time.Minute)
		if ok, err := db.Acquire(ctx, "cron:refresh", "b", later, time.Minute); err != nil || !ok {
			t.Fatalf("acquire of an expired lock = %v, %v; want true", ok, err)
		}
		if err := db.Release(ctx, "cron:refresh", "a"); err != nil {
			t.Fatal(err)
		}
		if ok, _ := db.Acquire(ctx, "cron:refresh", "c", later, time.Minute); ok {
			t.Fatal("release by a non-owner freed the lock")
		}
		if err := db.Release(ctx, "cron:refresh", "b"); err != nil {
			t.Fatal(err)
		}
		if ok, _ := db.Acquire(ctx, "cron:refresh", "c", later, time.Minute); !ok {
			t.Fatal("released lock could not be taken")
		}
		n, err := db.PurgeLocks(ctx, later.Add(time.Hour))
		if err != nil || n != 1 {
			t.Fatalf("purge = %d, %v; want 1", n, err)
		}
	})
}

// TestLockSingleWinner races replicas for one fresh lock name per round:
// exactly one wins. Insert-with-fixed-_id is atomic on FerretDB too.
func TestLockSingleWinner(t *testing.T) {
	storetest.Run(t, nil, func(t *testing.T, db *store.DB) {
		other := storetest.Reopen(t, db)
		dbs := []*store.DB{db, other}
		for round := range 10 {
			var wins atomic.Int32
			var wg sync.WaitGroup
			name := "tick:" + string(rune('a'+round))
			for i := range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					ok, err := dbs[i%2].Acquire(context.Background(), name, string(rune('A'+i)), time.Now(), time.Minute)
					if err != nil {
						t.Error(err)
					}
					if ok {
						wins.Add(1)
					}
				}()
			}
			wg.Wait()
			if wins.Load() != 1 {
				t.Fatalf("round %d: %d winners, want 1", round, wins.Load())
			}
		}
	})
}

func TestMongoUnreachableFailsFast(t *testing.T) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err := store.Open(ctx, store.Config{MongoURI: "mongodb://127.0.0.1:1/?connectTimeoutMS=1000", Logger: zerolog.Nop()})
	if err == nil {
		t.Fatal("open of an unreachable MongoDB succeeded")
	}
	if took := time.Since(start); took > 15*time.Second {
		t.Fatalf("took %s, want under 15 s", took)
	}
	if want := "127.0.0.1:1"; !strings.Contains(err.Error(), want) {
		t.Fatalf("error %q does not name the host %s", err, want)
	}
}

// TestPreparedRetriesAfterFailure checks that a statement whose first
// preparation failed is prepared again on the next call, not broken for good.
func TestPreparedRetriesAfterFailure(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	st := store.Prepared(db.SQL, `INSERT INTO late (v) VALUES (?)`)
	if _, err := st.Exec(ctx, 1); err == nil || !strings.Contains(err.Error(), "no such table") {
		t.Fatalf("Exec before the table exists = %v, want a no-such-table error", err)
	}
	if _, err := db.SQL.ExecContext(ctx, `CREATE TABLE late (v INTEGER)`); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Exec(ctx, 2); err != nil {
		t.Fatalf("Exec once the table exists = %v", err)
	}
	var n int
	if err := store.Prepared(db.SQLRead, `SELECT COUNT(*) FROM late`).QueryRow(ctx).Scan(&n); err != nil || n != 1 {
		t.Fatalf("rows = %d (%v), want 1", n, err)
	}
}
