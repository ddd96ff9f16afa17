package publish

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/tools/identity"
)

type sqliteStore struct {
	db *store.DB

	// The hot statements (delivery reads and writes, a few per send) are
	// parsed once: SQLite's parser costs more than the queries themselves.
	getOne, getMany, save *store.Stmt
}

func newSQLiteStore(db *store.DB) *sqliteStore {
	return &sqliteStore{db: db,
		getOne: store.Prepared(db.SQLRead, `SELECT `+deliveryColumns+` FROM social_post_deliveries WHERE workspace_id = ? AND id = ?`),
		// One statement for any number of ids: they come as one JSON array.
		getMany: store.Prepared(db.SQLRead, `SELECT `+deliveryColumns+` FROM social_post_deliveries
			WHERE id IN (SELECT value FROM json_each(?))`),
		save: store.Prepared(db.SQL, saveDelivery),
	}
}

const deliveryColumns = `id, workspace_id, post_id, account_id, platform, body, text_hash, status, rev, position, attempts,
	platform_post_id, url, last_error, job_id, run_at, started_at, verify_since, waiting_until, published_at, created_at, updated_at, checks, failure`

func scanDelivery(row interface{ Scan(...any) error }) (Delivery, error) {
	var d Delivery
	var body, failure string
	err := row.Scan(&d.ID, &d.WorkspaceID, &d.PostID, &d.AccountID, &d.Platform, &body, &d.TextHash, &d.Status, &d.Rev, &d.Position, &d.Attempts,
		&d.PlatformPostID, &d.URL, &d.LastError, &d.JobID, store.ScanTime(&d.RunAt), store.ScanTime(&d.StartedAt),
		store.ScanTime(&d.VerifySince), store.ScanTime(&d.WaitingUntil), store.ScanTime(&d.PublishedAt),
		store.ScanTime(&d.CreatedAt), store.ScanTime(&d.UpdatedAt), &d.Checks, &failure)
	if err != nil {
		return d, err
	}
	d.Failure = decodeFailure(failure)
	if err := json.Unmarshal([]byte(body), &d.Body); err != nil {
		return d, fmt.Errorf("decode delivery %s body: %w", d.ID, err)
	}
	return d, nil
}

func (s *sqliteStore) CreatePost(ctx context.Context, p Post) error {
	defer s.db.Observe("publish.create_post")()
	content, variants, err := encodePost(p)
	if err != nil {
		return wrapf(err, "create post")
	}
	tx, err := s.db.SQL.BeginTx(ctx, nil)
	if err != nil {
		return wrapf(err, "create post")
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO social_posts (id, workspace_id, campaign_id, content, variants, created_by, door, scheduled_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, p.WorkspaceID, p.CampaignID, content, variants, p.CreatedBy, string(p.Door),
		store.Millis(p.ScheduledAt), store.Millis(p.CreatedAt), store.Millis(p.UpdatedAt)); err != nil {
		return wrapf(err, "create post")
	}
	if err := insertDeliveries(ctx, tx, p.Targets); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return wrapf(err, "create post")
	}
	return nil
}

func insertDeliveries(ctx context.Context, tx *sql.Tx, ds []Delivery) error {
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO social_post_deliveries (`+deliveryColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return wrapf(err, "create deliveries")
	}
	defer stmt.Close()
	for _, d := range ds {
		body, err := json.Marshal(d.Body)
		if err != nil {
			return wrapf(err, "create delivery")
		}
		if _, err := stmt.ExecContext(ctx, d.ID, d.WorkspaceID, d.PostID, d.AccountID, string(d.Platform), string(body), d.TextHash,
			string(d.Status), d.Rev, d.Position, d.Attempts, d.PlatformPostID, d.URL, d.LastError, d.JobID, store.Millis(d.RunAt),
			store.Millis(d.StartedAt), store.Millis(d.VerifySince), store.Millis(d.WaitingUntil), store.Millis(d.PublishedAt),
			store.Millis(d.CreatedAt), store.Millis(d.UpdatedAt), d.Checks, encodeFailure(d.Failure)); err != nil {
			return wrapf(err, "create delivery")
		}
	}
	return nil
}

// AddDeliveries inserts ds in one transaction, each only into a post of its
// workspace (ErrNotFound otherwise, and nothing is written).
func (s *sqliteStore) AddDeliveries(ctx context.Context, ds []Delivery) error {
	defer s.db.Observe("publish.add_deliveries")()
	tx, err := s.db.SQL.BeginTx(ctx, nil)
	if err != nil {
		return wrapf(err, "add deliveries")
	}
	defer tx.Rollback()
	for _, d := range ds {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM social_posts WHERE workspace_id = ? AND id = ?`, d.WorkspaceID, d.PostID).Scan(&n); err != nil {
			return wrapf(err, "add deliveries")
		}
		if n == 0 {
			return fmt.Errorf("publish: post %s: %w", d.PostID, ErrNotFound)
		}
	}
	if err := insertDeliveries(ctx, tx, ds); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return wrapf(err, "add deliveries")
	}
	return nil
}

func encodePost(p Post) (content, variants string, err error) {
	c, err := json.Marshal(p.Content)
	if err != nil {
		return "", "", err
	}
	v := []byte("{}")
	if len(p.Variants) > 0 {
		if v, err = json.Marshal(p.Variants); err != nil {
			return "", "", err
		}
	}
	return string(c), string(v), nil
}

const postColumns = `id, workspace_id, campaign_id, content, variants, created_by, door, scheduled_at, created_at, updated_at`

func scanPost(row interface{ Scan(...any) error }) (Post, error) {
	var p Post
	var content, variants, door string
	if err := row.Scan(&p.ID, &p.WorkspaceID, &p.CampaignID, &content, &variants, &p.CreatedBy, &door, store.ScanTime(&p.ScheduledAt),
		store.ScanTime(&p.CreatedAt), store.ScanTime(&p.UpdatedAt)); err != nil {
		return p, err
	}
	p.Door = identity.Door(door)
	if err := json.Unmarshal([]byte(content), &p.Content); err != nil {
		return p, fmt.Errorf("decode post %s content: %w", p.ID, err)
	}
	if err := json.Unmarshal([]byte(variants), &p.Variants); err != nil {
		return p, fmt.Errorf("decode post %s variants: %w", p.ID, err)
	}
	if len(p.Variants) == 0 {
		p.Variants = nil
	}
	return p, nil
}

func (s *sqliteStore) GetPost(ctx context.Context, workspaceID, id string) (Post, error) {
	defer s.db.Observe("publish.get_post")()
	p, err := scanPost(s.db.SQLRead.QueryRowContext(ctx, `SELECT `+postColumns+` FROM social_posts WHERE workspace_id = ? AND id = ?`, workspaceID, id))
	if store.IsNoRows(err) {
		return Post{}, fmt.Errorf("publish: post %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Post{}, wrapf(err, "get post %s", id)
	}
	posts := []Post{p}
	if err := s.attach(ctx, s.db.SQLRead, workspaceID, posts); err != nil {
		return Post{}, err
	}
	return posts[0], nil
}

// attach loads the deliveries of posts.
func (s *sqliteStore) attach(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, workspaceID string, posts []Post) error {
	if len(posts) == 0 {
		return nil
	}
	idx := map[string]int{}
	args := []any{workspaceID}
	for i, p := range posts {
		idx[p.ID] = i
		args = append(args, p.ID)
	}
	// "+workspace_id" keeps SQLite off the (workspace_id, account_id, …)
	// indexes, which would scan every delivery of the workspace: the post_id
	// index finds these rows directly.
	rows, err := q.QueryContext(ctx, `SELECT `+deliveryColumns+` FROM social_post_deliveries
		WHERE +workspace_id = ? AND post_id IN (?`+strings.Repeat(", ?", len(posts)-1)+`) ORDER BY position, id`, args...)
	if err != nil {
		return wrapf(err, "list deliveries")
	}
	defer rows.Close()
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return wrapf(err, "list deliveries")
		}
		i := idx[d.PostID]
		posts[i].Targets = append(posts[i].Targets, d)
	}
	if err := rows.Err(); err != nil {
		return wrapf(err, "list deliveries")
	}
	return nil
}

func (s *sqliteStore) ListPosts(ctx context.Context, workspaceID string, f PostFilter, limit int, after Cursor) ([]Post, error) {
	defer s.db.Observe("publish.list_posts")()
	q := `SELECT ` + postColumns + ` FROM social_posts WHERE workspace_id = ?`
	args := []any{workspaceID}
	if f.CampaignID != "" {
		q += ` AND campaign_id = ?`
		args = append(args, f.CampaignID)
	}
	if f.Status != "" || f.Platform != "" {
		// Each post's deliveries through the post_id index; "+" keeps SQLite
		// off the (workspace_id, account_id, …) indexes, as in attach.
		q += ` AND EXISTS (SELECT 1 FROM social_post_deliveries d WHERE d.post_id = social_posts.id AND +d.workspace_id = ?`
		args = append(args, workspaceID)
		if f.Status != "" {
			q += ` AND +d.status = ?`
			args = append(args, string(f.Status))
		}
		if f.Platform != "" {
			q += ` AND +d.platform = ?`
			args = append(args, string(f.Platform))
		}
		q += `)`
	}
	// The expression is the one of the social_posts_when index (006).
	if !f.From.IsZero() {
		q += ` AND (CASE WHEN scheduled_at > 0 THEN scheduled_at ELSE created_at END) >= ?`
		args = append(args, store.Millis(f.From))
	}
	if !f.To.IsZero() {
		q += ` AND (CASE WHEN scheduled_at > 0 THEN scheduled_at ELSE created_at END) < ?`
		args = append(args, store.Millis(f.To))
	}
	if after.ID != "" {
		ms := store.Millis(after.CreatedAt)
		q += ` AND (created_at < ? OR (created_at = ? AND id < ?))`
		args = append(args, ms, ms, after.ID)
	}
	q += ` ORDER BY created_at DESC, id DESC LIMIT ?`
	args = append(args, limit)
	rows, err := s.db.SQLRead.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, wrapf(err, "list posts")
	}
	var posts []Post
	for rows.Next() {
		p, err := scanPost(rows)
		if err != nil {
			rows.Close()
			return nil, wrapf(err, "list posts")
		}
		posts = append(posts, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, wrapf(err, "list posts")
	}
	if err := s.attach(ctx, s.db.SQLRead, workspaceID, posts); err != nil {
		return nil, err
	}
	return posts, nil
}

func (s *sqliteStore) GetDelivery(ctx context.Context, workspaceID, id string) (Delivery, error) {
	defer s.db.Observe("publish.get_delivery")()
	d, err := scanDelivery(s.getOne.QueryRow(ctx, workspaceID, id))
	if store.IsNoRows(err) {
		return Delivery{}, fmt.Errorf("publish: delivery %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Delivery{}, wrapf(err, "get delivery %s", id)
	}
	return d, nil
}

const saveDelivery = `UPDATE social_post_deliveries SET status = ?, rev = rev + 1, attempts = ?, platform_post_id = ?, url = ?,
	last_error = ?, job_id = ?, run_at = ?, started_at = ?, verify_since = ?, waiting_until = ?, published_at = ?, updated_at = ?,
	checks = ?, failure = ? WHERE id = ? AND workspace_id = ? AND rev = ?`

func (s *sqliteStore) SaveDeliveries(ctx context.Context, ds []Delivery) ([]bool, error) {
	defer s.db.Observe("publish.save_deliveries")()
	ok := make([]bool, len(ds))
	tx, stmt, err := s.save.Begin(ctx)
	if err != nil {
		return nil, wrapf(err, "save deliveries")
	}
	defer tx.Rollback()
	defer stmt.Close()
	rowCtx := store.RowContext(ctx)
	for i, d := range ds {
		res, err := stmt.ExecContext(rowCtx, string(d.Status), d.Attempts, d.PlatformPostID, d.URL, d.LastError, d.JobID,
			store.Millis(d.RunAt), store.Millis(d.StartedAt), store.Millis(d.VerifySince), store.Millis(d.WaitingUntil),
			store.Millis(d.PublishedAt), store.Millis(d.UpdatedAt), d.Checks, encodeFailure(d.Failure), d.ID, d.WorkspaceID, d.Rev)
		if err != nil {
			return nil, wrapf(err, "save delivery %s", d.ID)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return nil, wrapf(err, "save delivery %s", d.ID)
		}
		ok[i] = n == 1
	}
	if err := tx.Commit(); err != nil {
		return nil, wrapf(err, "save deliveries")
	}
	return ok, nil
}

func (s *sqliteStore) ReplacePost(ctx context.Context, p Post, ds []Delivery) error {
	defer s.db.Observe("publish.replace_post")()
	content, variants, err := encodePost(p)
	if err != nil {
		return wrapf(err, "replace post")
	}
	tx, err := s.db.SQL.BeginTx(ctx, nil)
	if err != nil {
		return wrapf(err, "replace post")
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE social_posts SET content = ?, variants = ?, scheduled_at = ?, updated_at = ?
		WHERE workspace_id = ? AND id = ?`, content, variants, store.Millis(p.ScheduledAt), store.Millis(p.UpdatedAt), p.WorkspaceID, p.ID)
	if err != nil {
		return wrapf(err, "replace post")
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("publish: post %s: %w", p.ID, ErrNotFound)
	}
	for _, d := range ds {
		body, err := json.Marshal(d.Body)
		if err != nil {
			return wrapf(err, "replace post")
		}
		res, err := tx.ExecContext(ctx, `UPDATE social_post_deliveries SET body = ?, text_hash = ?, run_at = ?, last_error = ?,
			failure = ?, updated_at = ?, rev = rev + 1 WHERE workspace_id = ? AND id = ? AND rev = ?`,
			string(body), d.TextHash, store.Millis(d.RunAt), d.LastError, encodeFailure(d.Failure), store.Millis(d.UpdatedAt), d.WorkspaceID, d.ID, d.Rev)
		if err != nil {
			return wrapf(err, "replace delivery %s", d.ID)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("publish: delivery %s changed meanwhile: %w", d.ID, ErrConflict)
		}
	}
	if err := tx.Commit(); err != nil {
		return wrapf(err, "replace post")
	}
	return nil
}

func (s *sqliteStore) SameText(ctx context.Context, workspaceID, accountID, textHash string, from, to time.Time) ([]Delivery, error) {
	defer s.db.Observe("publish.same_text")()
	rows, err := s.db.SQLRead.QueryContext(ctx, `SELECT `+deliveryColumns+` FROM social_post_deliveries
		WHERE workspace_id = ? AND account_id = ? AND text_hash = ? AND run_at >= ? AND run_at <= ? AND status NOT IN (?, ?)
		ORDER BY run_at`, workspaceID, accountID, textHash, store.Millis(from), store.Millis(to), string(StatusFailed), string(StatusCancelled))
	if err != nil {
		return nil, wrapf(err, "same text")
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, wrapf(err, "same text")
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, wrapf(err, "same text")
	}
	return out, nil
}

func (s *sqliteStore) Started(ctx context.Context, workspaceID, accountID string, since time.Time) (int, time.Time, error) {
	defer s.db.Observe("publish.started")()
	var n int
	var earliest sql.NullInt64
	err := s.db.SQLRead.QueryRowContext(ctx, `SELECT COUNT(*), MIN(started_at) FROM social_post_deliveries
		WHERE workspace_id = ? AND account_id = ? AND started_at >= ? AND started_at > 0`,
		workspaceID, accountID, store.Millis(since)).Scan(&n, &earliest)
	if err != nil {
		return 0, time.Time{}, wrapf(err, "count started")
	}
	return n, store.FromMillis(earliest.Int64), nil
}

func (s *sqliteStore) PublishedIDs(ctx context.Context, workspaceID, accountID string, since time.Time) ([]string, error) {
	defer s.db.Observe("publish.published_ids")()
	rows, err := s.db.SQLRead.QueryContext(ctx, `SELECT platform_post_id FROM social_post_deliveries
		WHERE workspace_id = ? AND account_id = ? AND started_at >= ? AND status = ? AND platform_post_id != ''`,
		workspaceID, accountID, store.Millis(since), string(StatusPublished))
	if err != nil {
		return nil, wrapf(err, "published ids")
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, wrapf(err, "published ids")
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

func (s *sqliteStore) BeginKey(ctx context.Context, k StoredKey) (StoredKey, bool, error) {
	defer s.db.Observe("publish.begin_key")()
	res, err := s.db.SQL.ExecContext(ctx, `INSERT INTO idempotency_keys (workspace_id, user_id, key, fingerprint, status, created_at)
		VALUES (?, ?, ?, ?, 0, ?) ON CONFLICT DO NOTHING`, k.WorkspaceID, k.UserID, k.Key, k.Fingerprint, store.Millis(k.CreatedAt))
	if err != nil {
		return StoredKey{}, false, wrapf(err, "begin idempotency key")
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return k, true, nil
	}
	var got StoredKey
	err = s.db.SQL.QueryRowContext(ctx, `SELECT workspace_id, user_id, key, fingerprint, status, COALESCE(body, x''), created_at
		FROM idempotency_keys WHERE workspace_id = ? AND user_id = ? AND key = ?`, k.WorkspaceID, k.UserID, k.Key).
		Scan(&got.WorkspaceID, &got.UserID, &got.Key, &got.Fingerprint, &got.Status, &got.Body, store.ScanTime(&got.CreatedAt))
	if err != nil {
		return StoredKey{}, false, wrapf(err, "read idempotency key")
	}
	return got, false, nil
}

func (s *sqliteStore) FinishKey(ctx context.Context, k StoredKey) error {
	defer s.db.Observe("publish.finish_key")()
	_, err := s.db.SQL.ExecContext(ctx, `UPDATE idempotency_keys SET status = ?, body = ? WHERE workspace_id = ? AND user_id = ? AND key = ?`,
		k.Status, k.Body, k.WorkspaceID, k.UserID, k.Key)
	if err != nil {
		return wrapf(err, "finish idempotency key")
	}
	return nil
}

func (s *sqliteStore) DeleteKey(ctx context.Context, workspaceID, userID, key string) error {
	defer s.db.Observe("publish.delete_key")()
	if _, err := s.db.SQL.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE workspace_id = ? AND user_id = ? AND key = ?`,
		workspaceID, userID, key); err != nil {
		return wrapf(err, "delete idempotency key")
	}
	return nil
}

func (s *sqliteStore) PurgeKeys(ctx context.Context, before time.Time) (int64, error) {
	defer s.db.Observe("publish.purge_keys")()
	res, err := s.db.SQL.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at < ?`, store.Millis(before))
	if err != nil {
		return 0, wrapf(err, "purge idempotency keys")
	}
	return res.RowsAffected()
}
