// Package store is the machinery the two store backends share: opening the
// embedded SQLite database (the default) or MongoDB (production), applying
// each package's schema (numbered SQL migrations; MongoDB indexes declared in
// code), recording schema versions, locks with leases, and call metrics.
//
// It owns no business data: each package under tools/ declares its own Store
// interface and implements it on both backends with a *DB from here.
package store

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"database/sql"
)

// Backend names a store backend.
type Backend string

// The backends.
const (
	SQLite Backend = "sqlite"
	Mongo  Backend = "mongo"
)

// Config says which backend to open and how.
type Config struct {
	// DataDir holds the SQLite file (marketingminds.db) when MongoURI is empty.
	DataDir string
	// MongoURI selects MongoDB; MongoDatabase names the database.
	MongoURI      string
	MongoDatabase string
	Logger        zerolog.Logger
	// Registerer, when set, receives the store's metrics.
	Registerer prometheus.Registerer
	// ReadOnlySchema opens without applying migrations (migrate status).
	ReadOnlySchema bool
}

// Schema is what one package needs of the database: its SQLite migrations
// (files "NNN_description.sql" at the root of Migrations, applied in order)
// and its MongoDB indexes. Its version is the number of its newest migration,
// recorded per package on both backends, so a binary refuses a database that a
// newer one wrote.
type Schema struct {
	Name       string
	Migrations fs.FS
	Indexes    []Index
	// MongoBackfills are MongoDB's data migrations, what an UPDATE in a SQL
	// migration does for SQLite: each runs at every start-up after the
	// indexes, so it must be idempotent, touch only what is still missing,
	// and be cheap once nothing is.
	MongoBackfills []func(ctx context.Context, db *mongo.Database) error
}

// Index is a MongoDB index of a collection, created idempotently at start-up.
type Index struct {
	Collection string
	Keys       bson.D
	Unique     bool
}

// DB is an open store: exactly one of SQL and Mongo is set.
type DB struct {
	Backend Backend
	// SQL is the SQLite writer pool (one connection; transactions BEGIN
	// IMMEDIATE). SQLRead is the reader pool; WAL lets it read while SQL writes.
	SQL     *sql.DB
	SQLRead *sql.DB
	// Mongo is the MongoDB database.
	Mongo *mongo.Database

	client   *mongo.Client
	schemas  []Schema
	duration *prometheus.HistogramVec
	log      zerolog.Logger
}

// ErrNewerSchema is returned when the database was written by a newer binary.
var ErrNewerSchema = errors.New("database was written by a newer marketingminds")

// Open opens the configured backend and brings every schema up to date. The
// store's own schema (locks) is always included.
func Open(ctx context.Context, cfg Config, schemas ...Schema) (*DB, error) {
	db := &DB{
		schemas: append([]Schema{ownSchema}, schemas...),
		log:     cfg.Logger,
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "mm_store_call_duration_seconds",
			Help:    "Duration of store calls by backend and operation.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, 1},
		}, []string{"backend", "op"}),
	}
	var err error
	if cfg.MongoURI != "" {
		db.Backend = Mongo
		err = db.openMongo(ctx, cfg)
	} else {
		db.Backend = SQLite
		err = db.openSQLite(ctx, cfg)
	}
	if err != nil {
		return nil, err
	}
	if !cfg.ReadOnlySchema {
		if err := db.migrate(ctx); err != nil {
			_ = db.Close(context.WithoutCancel(ctx))
			return nil, err
		}
	}
	if cfg.Registerer != nil {
		if err := cfg.Registerer.Register(db.duration); err != nil {
			_ = db.Close(context.WithoutCancel(ctx))
			return nil, fmt.Errorf("store: register metrics: %w", err)
		}
	}
	return db, nil
}

// Ping checks the database answers.
func (db *DB) Ping(ctx context.Context) error {
	defer db.Observe("ping")()
	if db.Backend == Mongo {
		return db.client.Ping(ctx, nil)
	}
	return db.SQLRead.PingContext(ctx)
}

// Close closes the database.
func (db *DB) Close(ctx context.Context) error {
	if db.Backend == Mongo {
		return db.client.Disconnect(ctx)
	}
	return errors.Join(db.SQLRead.Close(), db.SQL.Close())
}

// Observe starts timing a store call; call the result when it is done:
// defer db.Observe("identity.lookup_token")().
func (db *DB) Observe(op string) func() {
	start := time.Now()
	return func() {
		db.duration.WithLabelValues(string(db.Backend), op).Observe(time.Since(start).Seconds())
	}
}

// NewID returns a random, URL-safe, lexically unremarkable record id.
func NewID() string {
	var b [15]byte
	_, _ = rand.Read(b[:])
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
}

// Millis is how both backends compare times in queries: SQLite stores
// INTEGER unix milliseconds, MongoDB dates (also milliseconds), so a time
// read back is the same on both.
func Millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// FromMillis is the inverse of Millis; 0 is the zero time.
func FromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// Trunc cuts t to the store's precision (milliseconds, UTC).
func Trunc(t time.Time) time.Time { return FromMillis(Millis(t)) }

// ScanTime scans an INTEGER unix-ms column into *t (SQLite).
func ScanTime(t *time.Time) sql.Scanner { return timeScanner{t} }

type timeScanner struct{ t *time.Time }

func (s timeScanner) Scan(v any) error {
	n, ok := v.(int64)
	if !ok {
		return fmt.Errorf("store: want a unix-ms integer, got %T", v)
	}
	*s.t = FromMillis(n)
	return nil
}
