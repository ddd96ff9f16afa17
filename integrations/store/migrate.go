package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

//go:embed migrations/*.sql
var ownMigrations embed.FS

// ownSchema is the store's own: schema_migrations is created by migrate
// itself; locks is here.
var ownSchema = Schema{
	Name:       "store",
	Migrations: Sub(ownMigrations, "migrations"),
	Indexes:    []Index{{Collection: "locks", Keys: bson.D{{Key: "expires_at", Value: 1}}}},
}

// Sub is fs.Sub for a package's embedded migrations directory, where a
// failure is a programming error.
func Sub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err)
	}
	return sub
}

// Migration is one numbered SQL file of a schema.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

var migrationName = regexp.MustCompile(`^(\d+)_([a-z0-9_]+)\.sql$`)

// Migrations lists s's migrations in order.
func (s Schema) list() ([]Migration, error) {
	if s.Migrations == nil {
		return nil, nil
	}
	entries, err := fs.ReadDir(s.Migrations, ".")
	if err != nil {
		return nil, fmt.Errorf("store: schema %s: %w", s.Name, err)
	}
	var out []Migration
	seen := map[int]string{}
	for _, e := range entries {
		m := migrationName.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("store: schema %s: migration file %q is not named NNN_description.sql", s.Name, e.Name())
		}
		v, _ := strconv.Atoi(m[1])
		if prev, dup := seen[v]; dup {
			return nil, fmt.Errorf("store: schema %s: migrations %s and %s share number %d", s.Name, prev, e.Name(), v)
		}
		seen[v] = e.Name()
		body, err := fs.ReadFile(s.Migrations, e.Name())
		if err != nil {
			return nil, fmt.Errorf("store: schema %s: %w", s.Name, err)
		}
		out = append(out, Migration{Version: v, Name: m[2], SQL: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

func (s Schema) version() (int, error) {
	ms, err := s.list()
	if err != nil || len(ms) == 0 {
		return 0, err
	}
	return ms[len(ms)-1].Version, nil
}

// MigrationStatus is one line of `marketingminds migrate status`.
type MigrationStatus struct {
	Package   string
	Version   int
	Name      string
	Applied   bool
	AppliedAt time.Time
	// Unknown is set for a migration recorded in the database that this
	// binary does not have: a newer binary wrote it.
	Unknown bool
}

// applied reads the recorded versions: package → version → applied time.
func (db *DB) applied(ctx context.Context) (map[string]map[int]time.Time, error) {
	out := map[string]map[int]time.Time{}
	add := func(pkg string, v int, at time.Time) {
		if out[pkg] == nil {
			out[pkg] = map[int]time.Time{}
		}
		out[pkg][v] = at
	}
	if db.Backend == Mongo {
		cur, err := db.Mongo.Collection("schema_migrations").Find(ctx, bson.D{})
		if err != nil {
			return nil, fmt.Errorf("store: read schema versions: %w", err)
		}
		var docs []struct {
			ID        string    `bson:"_id"`
			Version   int       `bson:"version"`
			AppliedAt time.Time `bson:"applied_at"`
		}
		if err := cur.All(ctx, &docs); err != nil {
			return nil, fmt.Errorf("store: read schema versions: %w", err)
		}
		for _, d := range docs {
			for v := 1; v <= d.Version; v++ {
				add(d.ID, v, d.AppliedAt)
			}
		}
		return out, nil
	}
	if _, err := db.SQL.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		package TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, applied_at INTEGER NOT NULL,
		PRIMARY KEY (package, version))`); err != nil {
		return nil, fmt.Errorf("store: create schema_migrations: %w", err)
	}
	rows, err := db.SQL.QueryContext(ctx, `SELECT package, version, applied_at FROM schema_migrations`)
	if err != nil {
		return nil, fmt.Errorf("store: read schema versions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var pkg string
		var v int
		var at int64
		if err := rows.Scan(&pkg, &v, &at); err != nil {
			return nil, fmt.Errorf("store: read schema versions: %w", err)
		}
		add(pkg, v, FromMillis(at))
	}
	return out, rows.Err()
}

// Status compares the binary's schemas with what the database recorded.
func (db *DB) Status(ctx context.Context) ([]MigrationStatus, error) {
	done, err := db.applied(ctx)
	if err != nil {
		return nil, err
	}
	var out []MigrationStatus
	known := map[string]map[int]bool{}
	for _, s := range db.schemas {
		ms, err := s.list()
		if err != nil {
			return nil, err
		}
		known[s.Name] = map[int]bool{}
		for _, m := range ms {
			at, ok := done[s.Name][m.Version]
			known[s.Name][m.Version] = true
			out = append(out, MigrationStatus{Package: s.Name, Version: m.Version, Name: m.Name, Applied: ok, AppliedAt: at})
		}
	}
	for pkg, vs := range done {
		for v, at := range vs {
			if !known[pkg][v] {
				out = append(out, MigrationStatus{Package: pkg, Version: v, Applied: true, AppliedAt: at, Unknown: true})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Package != out[j].Package {
			return out[i].Package < out[j].Package
		}
		return out[i].Version < out[j].Version
	})
	return out, nil
}

// checkNotNewer refuses a database holding migrations this binary lacks.
func (db *DB) checkNotNewer(done map[string]map[int]time.Time) error {
	latest := map[string]int{}
	for _, s := range db.schemas {
		v, err := s.version()
		if err != nil {
			return err
		}
		latest[s.Name] = v
	}
	for pkg, vs := range done {
		for v := range vs {
			if v > latest[pkg] {
				return fmt.Errorf("store: %w: it has %s migration %d, this binary knows up to %d; run the newer binary (this one would corrupt it)",
					ErrNewerSchema, pkg, v, latest[pkg])
			}
		}
	}
	return nil
}

func (db *DB) migrate(ctx context.Context) error {
	done, err := db.applied(ctx)
	if err != nil {
		return err
	}
	if err := db.checkNotNewer(done); err != nil {
		return err
	}
	if db.Backend == Mongo {
		return db.migrateMongo(ctx)
	}
	for _, s := range db.schemas {
		ms, err := s.list()
		if err != nil {
			return err
		}
		for _, m := range ms {
			if _, ok := done[s.Name][m.Version]; ok {
				continue
			}
			if err := db.applySQLite(ctx, s.Name, m); err != nil {
				return err
			}
			db.log.Debug().Str("package", s.Name).Int("version", m.Version).Str("name", m.Name).Msg("store: migration applied")
		}
	}
	return nil
}

// applySQLite runs one migration and records it in one transaction; a
// concurrent process that applied it first makes this a no-op.
func (db *DB) applySQLite(ctx context.Context, pkg string, m Migration) error {
	tx, err := db.SQL.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: migrate %s %d: %w", pkg, m.Version, err)
	}
	defer func() { _ = tx.Rollback() }()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE package = ? AND version = ?`, pkg, m.Version).Scan(&n); err != nil {
		return fmt.Errorf("store: migrate %s %d: %w", pkg, m.Version, err)
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return fmt.Errorf("store: migrate %s %d_%s: %w", pkg, m.Version, m.Name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (package, version, name, applied_at) VALUES (?, ?, ?, ?)`,
		pkg, m.Version, m.Name, Millis(time.Now())); err != nil {
		return fmt.Errorf("store: migrate %s %d: %w", pkg, m.Version, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: migrate %s %d: %w", pkg, m.Version, err)
	}
	return nil
}

// migrateMongo creates every declared index (idempotent), runs each
// schema's backfills and records its version.
func (db *DB) migrateMongo(ctx context.Context) error {
	for _, s := range db.schemas {
		for _, ix := range s.Indexes {
			model := mongo.IndexModel{Keys: ix.Keys}
			if ix.Unique {
				model.Options = options.Index().SetUnique(true)
			}
			if _, err := db.Mongo.Collection(ix.Collection).Indexes().CreateOne(ctx, model); err != nil {
				return fmt.Errorf("store: create index on %s %v: %w", ix.Collection, ix.Keys, err)
			}
		}
		for i, backfill := range s.MongoBackfills {
			if err := backfill(ctx, db.Mongo); err != nil {
				return fmt.Errorf("store: schema %s backfill %d: %w", s.Name, i+1, err)
			}
		}
		v, err := s.version()
		if err != nil {
			return err
		}
		if v == 0 {
			continue
		}
		_, err = db.Mongo.Collection("schema_migrations").UpdateOne(ctx,
			bson.D{{Key: "_id", Value: s.Name}, {Key: "version", Value: bson.D{{Key: "$lt", Value: v}}}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "version", Value: v}, {Key: "applied_at", Value: time.Now().UTC()}}}},
			options.UpdateOne().SetUpsert(true))
		if err != nil && !mongo.IsDuplicateKeyError(err) { // a concurrent replica recorded it
			return fmt.Errorf("store: record schema %s version %d: %w", s.Name, v, err)
		}
	}
	return nil
}

// IsNoRows reports whether err is the SQL "no rows" error.
func IsNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
