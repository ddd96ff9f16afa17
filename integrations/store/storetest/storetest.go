// Package storetest gives each test a fresh database on both store backends:
// SQLite in a temporary directory, and MongoDB over the real wire protocol,
// through an embedded FerretDB server started once per test binary, or a real
// MongoDB when MM_TEST_MONGODB_URI is set.
//
// Every Store conformance suite is written once and run on both:
//
//	func TestMain(m *testing.M) { storetest.Main(m) }
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, []store.Schema{identity.Schema}, func(t *testing.T, db *store.DB) { ... })
//	}
package storetest

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/store"
)

// EnvMongoURI names a real MongoDB to test against instead of FerretDB.
const EnvMongoURI = "MM_TEST_MONGODB_URI"

// ferret is the test binary's embedded FerretDB, started on first use.
var ferret struct {
	once   sync.Once
	uri    string
	dir    string
	err    error
	cancel context.CancelFunc
	done   chan struct{}
}

// configs remembers how each test database was opened, for Reopen.
var configs sync.Map // *store.DB → openArgs

type openArgs struct {
	cfg     store.Config
	schemas []store.Schema
}

// Main runs the tests and then stops the embedded FerretDB, if one started.
func Main(m *testing.M) {
	code := m.Run()
	if ferret.cancel != nil {
		ferret.cancel()
		<-ferret.done
		_ = os.RemoveAll(ferret.dir)
	}
	os.Exit(code)
}

// mongoURI returns the MongoDB to use: MM_TEST_MONGODB_URI or the embedded FerretDB.
func mongoURI() (string, error) {
	if uri := os.Getenv(EnvMongoURI); uri != "" {
		return uri, nil
	}
	ferret.once.Do(func() {
		dir, err := os.MkdirTemp("", "mm-ferretdb-")
		if err != nil {
			ferret.err = err
			return
		}
		ferret.dir = dir
		logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
		f, err := ferretdb.New(&ferretdb.Config{
			Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
			Handler:   "sqlite",
			SQLiteURL: "file:" + dir + string(filepath.Separator),
			Logger:    logger,
		})
		if err != nil {
			ferret.err = fmt.Errorf("start FerretDB: %w", err)
			return
		}
		ctx, cancel := context.WithCancel(context.Background())
		ferret.cancel = cancel
		ferret.done = make(chan struct{})
		go func() {
			defer close(ferret.done)
			_ = f.Run(ctx)
		}()
		ferret.uri = f.MongoDBURI()
	})
	return ferret.uri, ferret.err
}

// RealMongo reports whether the MongoDB backend is a real MongoDB.
func RealMongo() bool { return os.Getenv(EnvMongoURI) != "" }

// SkipOnFerretDB skips a MongoDB case that only a real MongoDB can pass:
// FerretDB does not make findOneAndUpdate atomic across concurrent clients.
func SkipOnFerretDB(t testing.TB, db *store.DB, why string) {
	t.Helper()
	if db.Backend == store.Mongo && !RealMongo() {
		t.Skipf("FerretDB does not make findOneAndUpdate atomic across concurrent clients, so %s can only be proven on a real MongoDB: set %s", why, EnvMongoURI)
	}
}

// Run runs fn once per backend, each with a fresh database holding schemas.
func Run(t *testing.T, schemas []store.Schema, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, backend := range []store.Backend{store.SQLite, store.Mongo} {
		t.Run(string(backend), func(t *testing.T) {
			fn(t, Open(t, backend, schemas...))
		})
	}
}

// Open returns a fresh database on backend, closed (and dropped) when t ends.
func Open(t testing.TB, backend store.Backend, schemas ...store.Schema) *store.DB {
	t.Helper()
	cfg := store.Config{Logger: zerolog.Nop()}
	if backend == store.Mongo {
		uri, err := mongoURI()
		if err != nil {
			t.Fatalf("storetest: %v", err)
		}
		cfg.MongoURI = uri
		cfg.MongoDatabase = "t_" + store.NewID()
	} else {
		cfg.DataDir = t.TempDir()
	}
	db := open(t, cfg, schemas)
	if backend == store.Mongo {
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			_ = db.Mongo.Drop(ctx)
		})
	}
	return db
}

// Reopen opens a second handle on db's database, as another replica would.
func Reopen(t testing.TB, db *store.DB) *store.DB {
	t.Helper()
	a, ok := configs.Load(db)
	if !ok {
		t.Fatal("storetest: Reopen of a database storetest did not open")
	}
	args := a.(openArgs)
	return open(t, args.cfg, args.schemas)
}

// Config returns how db was opened, to open it from another process or package.
func Config(t testing.TB, db *store.DB) store.Config {
	t.Helper()
	a, ok := configs.Load(db)
	if !ok {
		t.Fatal("storetest: Config of a database storetest did not open")
	}
	return a.(openArgs).cfg
}

func open(t testing.TB, cfg store.Config, schemas []store.Schema) *store.DB {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	db, err := store.Open(ctx, cfg, schemas...)
	if err != nil {
		t.Fatalf("storetest: open %s: %v", cfg.MongoDatabase+cfg.DataDir, err)
	}
	configs.Store(db, openArgs{cfg: cfg, schemas: schemas})
	t.Cleanup(func() {
		configs.Delete(db)
		_ = db.Close(context.Background())
	})
	return db
}
