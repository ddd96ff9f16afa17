package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver, pure Go
)

// FileName is the SQLite database file inside the data directory.
const FileName = "marketingminds.db"

// sqliteDSN builds a DSN with the pragmas every connection needs: WAL (readers
// never block the writer), a busy timeout (other processes, such as
// `marketingminds token create` beside `serve`, wait instead of failing),
// foreign keys, synchronous=NORMAL (durable in WAL mode across a process
// crash; a power loss may lose the last transactions, never corrupt), and a
// WAL checkpoint every 8,192 pages rather than 1,000: under a burst of
// deliveries the same hot pages are rewritten many times, and checkpointing
// less often copies each of them once.
func sqliteDSN(path string, readOnly bool) string {
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "busy_timeout(10000)", "foreign_keys(1)", "synchronous(NORMAL)", "wal_autocheckpoint(8192)"} {
		q.Add("_pragma", p)
	}
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

func (db *DB) openSQLite(ctx context.Context, cfg Config) error {
	dir := cfg.DataDir
	if dir == "" {
		dir = "data"
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("store: create data dir %s: %w", dir, err)
	}
	path := filepath.Join(dir, FileName)
	w, err := sql.Open("sqlite", sqliteDSN(path, false))
	if err != nil {
		return fmt.Errorf("store: open %s: %w", path, err)
	}
	// One writer: SQLite serialises writes anyway; one connection makes that
	// a queue in Go instead of busy-waiting on the file lock.
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		_ = w.Close()
		return fmt.Errorf("store: open %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", sqliteDSN(path, true))
	if err != nil {
		_ = w.Close()
		return fmt.Errorf("store: open %s: %w", path, err)
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	db.SQL, db.SQLRead = w, r
	return nil
}
