package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// Stmt is a SQLite statement prepared once, on first use, and reused: on hot
// paths parsing the SQL costs more than running it.
type Stmt struct {
	pool  *sql.DB
	query string

	once sync.Once
	stmt *sql.Stmt
	err  error
}

// Prepared returns a Stmt for query on pool (db.SQL or db.SQLRead).
func Prepared(pool *sql.DB, query string) *Stmt { return &Stmt{pool: pool, query: query} }

func (s *Stmt) prepare(ctx context.Context) (*sql.Stmt, error) {
	s.once.Do(func() {
		s.stmt, s.err = s.pool.PrepareContext(context.WithoutCancel(ctx), s.query)
		if s.err != nil {
			s.err = fmt.Errorf("store: prepare: %w", s.err)
		}
	})
	return s.stmt, s.err
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

type rowScanner interface{ Scan(dest ...any) error }

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }
