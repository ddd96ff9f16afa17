package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
)

// Stmt is a SQLite statement prepared once, on first use, and reused: on hot
// paths parsing the SQL costs more than running it.
type Stmt struct {
	pool  *sql.DB
	query string

	mu   sync.Mutex // held while preparing
	stmt atomic.Pointer[sql.Stmt]
}

// Prepared returns a Stmt for query on pool (db.SQL or db.SQLRead).
func Prepared(pool *sql.DB, query string) *Stmt { return &Stmt{pool: pool, query: query} }

// prepare returns the prepared statement, preparing it on first use. A
// failure is not kept: the next call tries again (a busy database must not
// break a statement for the life of the process).
func (s *Stmt) prepare(ctx context.Context) (*sql.Stmt, error) {
	if st := s.stmt.Load(); st != nil {
		return st, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if st := s.stmt.Load(); st != nil {
		return st, nil
	}
	st, err := s.pool.PrepareContext(context.WithoutCancel(ctx), s.query)
	if err != nil {
		return nil, fmt.Errorf("store: prepare: %w", err)
	}
	s.stmt.Store(st)
	return st, nil
}

// QueryRow runs the statement for one row; a preparation error surfaces from Scan.
func (s *Stmt) QueryRow(ctx context.Context, args ...any) rowScanner {
	st, err := s.prepare(ctx)
	if err != nil {
		return errRow{err}
	}
	return st.QueryRowContext(ctx, args...)
}

// Exec runs the statement.
func (s *Stmt) Exec(ctx context.Context, args ...any) (sql.Result, error) {
	st, err := s.prepare(ctx)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

// Query runs the statement for rows.
func (s *Stmt) Query(ctx context.Context, args ...any) (*sql.Rows, error) {
	st, err := s.prepare(ctx)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// Begin starts a transaction on the statement's pool with the statement
// bound to it. (Preparing first matters: on the writer pool, one connection,
// preparing inside a transaction would wait for the connection it holds.)
func (s *Stmt) Begin(ctx context.Context) (*sql.Tx, *sql.Stmt, error) {
	st, err := s.prepare(ctx)
	if err != nil {
		return nil, nil, err
	}
	tx, err := s.pool.BeginTx(ctx, nil)
	if err != nil {
		return nil, nil, err
	}
	return tx, tx.StmtContext(ctx, st), nil
}

// RowContext is the context for the statements of a transaction run row by
// row: the SQLite driver starts a goroutine per call to watch a cancellable
// context, which costs as much as a small UPDATE. The transaction still ends
// with ctx: database/sql rolls it back once ctx is done, and Commit fails.
func RowContext(ctx context.Context) context.Context { return context.WithoutCancel(ctx) }

type rowScanner interface{ Scan(dest ...any) error }

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }
