package inbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
)

type sqliteStore struct{ db *store.DB }

const itemColumns = `id, workspace_id, account_id, platform, external_id, post_id, post_external_id, post_text,
	parent_external_id, author_name, author_handle, text, permalink, kind, state, replies, handled_by,
	created_at, received_at, answered_at, slack_channel, slack_ts`

func scanItem(sc interface{ Scan(...any) error }) (Item, error) {
	var it Item
	var p, replies string
	var created, received, answered int64
	if err := sc.Scan(&it.ID, &it.WorkspaceID, &it.AccountID, &p, &it.ExternalID, &it.PostID, &it.PostExternalID, &it.PostText,
		&it.ParentExternalID, &it.AuthorName, &it.AuthorHandle, &it.Text, &it.Permalink, &it.Kind, &it.State, &replies, &it.HandledBy,
		&created, &received, &answered, &it.Slack.Channel, &it.Slack.TS); err != nil {
		return Item{}, err
	}
	it.Platform = platform.Name(p)
	rs, err := decodeReplies(replies)
	if err != nil {
		return Item{}, fmt.Errorf("inbox: replies of %s: %w", it.ID, err)
	}
	it.Replies = rs
	it.CreatedAt, it.ReceivedAt = store.FromMillis(created), store.FromMillis(received)
	if answered != 0 {
		it.AnsweredAt = store.FromMillis(answered)
	}
	return it, nil
}

// wireReply is a Reply with its key, as stored.
type wireReply struct {
	Text       string `json:"text"`
	By         string `json:"by,omitempty"`
	At         int64  `json:"at"`
	ExternalID string `json:"external_id,omitempty"`
	Key        string `json:"key,omitempty"`
}

func decodeReplies(s string) ([]Reply, error) {
	var ws []wireReply
	if err := json.Unmarshal([]byte(s), &ws); err != nil {
		return nil, err
	}
	out := make([]Reply, len(ws))
	for i, w := range ws {
		out[i] = Reply{Text: w.Text, By: w.By, At: store.FromMillis(w.At), ExternalID: w.ExternalID, Key: w.Key}
	}
	return out, nil
}

func encodeReplies(rs []Reply) string {
	ws := make([]wireReply, len(rs))
	for i, r := range rs {
		ws[i] = wireReply{Text: r.Text, By: r.By, At: store.Millis(r.At), ExternalID: r.ExternalID, Key: r.Key}
	}
	b, _ := json.Marshal(ws) // plain strings and ints: cannot fail
	return string(b)
}

func (s sqliteStore) Insert(ctx context.Context, items []Item) ([]Item, error) {
	defer s.db.Observe("inbox.insert")()
	if len(items) == 0 {
		return nil, nil
	}
	tx, err := s.db.SQL.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("inbox: insert: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO inbox_items (`+itemColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`)
	if err != nil {
		return nil, fmt.Errorf("inbox: insert: %w", err)
	}
	defer stmt.Close()
	var out []Item
	for _, it := range items {
		res, err := stmt.ExecContext(ctx, it.ID, it.WorkspaceID, it.AccountID, string(it.Platform), it.ExternalID, it.PostID, it.PostExternalID,
			it.PostText, it.ParentExternalID, it.AuthorName, it.AuthorHandle, it.Text, it.Permalink, it.Kind, it.State,
			encodeReplies(it.Replies), it.HandledBy, store.Millis(it.CreatedAt), store.Millis(it.ReceivedAt), millisOrZero(it.AnsweredAt),
			it.Slack.Channel, it.Slack.TS)
		if err != nil {
			return nil, fmt.Errorf("inbox: insert %s: %w", it.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			out = append(out, it)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("inbox: insert: %w", err)
	}
	return out, nil
}

func millisOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return store.Millis(t)
}

func (s sqliteStore) get(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, workspaceID, id string) (Item, error) {
	it, err := scanItem(q.QueryRowContext(ctx, `SELECT `+itemColumns+` FROM inbox_items WHERE workspace_id = ? AND id = ?`, workspaceID, id))
	if store.IsNoRows(err) {
		return Item{}, ErrNotFound
	}
	if err != nil {
		return Item{}, fmt.Errorf("inbox: get %s: %w", id, err)
	}
	return it, nil
}

func (s sqliteStore) Get(ctx context.Context, workspaceID, id string) (Item, error) {
	defer s.db.Observe("inbox.get")()
	return s.get(ctx, s.db.SQLRead, workspaceID, id)
}

func (s sqliteStore) List(ctx context.Context, workspaceID string, f Filter, after store.Cursor, limit int) ([]Item, error) {
	defer s.db.Observe("inbox.list")()
	where := []string{"workspace_id = ?"}
	args := []any{workspaceID}
	add := func(cond string, v any) { where, args = append(where, cond), append(args, v) }
	if f.State != "" {
		add("state = ?", f.State)
	}
	if f.Platform != "" {
		add("platform = ?", string(f.Platform))
	}
	if f.AccountID != "" {
		add("account_id = ?", f.AccountID)
	}
	if !f.Since.IsZero() {
		add("received_at >= ?", store.Millis(f.Since))
	}
	if !f.Until.IsZero() {
		add("received_at < ?", store.Millis(f.Until))
	}
	if after.ID != "" {
		where = append(where, "(received_at < ? OR (received_at = ? AND id < ?))")
		ms := store.Millis(after.CreatedAt)
		args = append(args, ms, ms, after.ID)
	}
	rows, err := s.db.SQLRead.QueryContext(ctx, `SELECT `+itemColumns+` FROM inbox_items WHERE `+strings.Join(where, " AND ")+
		` ORDER BY received_at DESC, id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("inbox: list: %w", err)
	}
	return collect(rows)
}

func collect(rows *sql.Rows) ([]Item, error) {
	defer rows.Close()
	out := []Item{}
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, fmt.Errorf("inbox: list: %w", err)
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

func (s sqliteStore) SetState(ctx context.Context, workspaceID, id, state, by string) (Item, error) {
	defer s.db.Observe("inbox.set_state")()
	res, err := s.db.SQL.ExecContext(ctx, `UPDATE inbox_items SET state = ?, handled_by = ? WHERE workspace_id = ? AND id = ?`, state, by, workspaceID, id)
	if err != nil {
		return Item{}, fmt.Errorf("inbox: set state of %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Item{}, ErrNotFound
	}
	return s.get(ctx, s.db.SQL, workspaceID, id)
}

// update reads the item and writes back what change makes of it, in one
// writer transaction.
func (s sqliteStore) update(ctx context.Context, workspaceID, id string, change func(*Item) bool) (Item, bool, error) {
	tx, err := s.db.SQL.BeginTx(ctx, nil)
	if err != nil {
		return Item{}, false, fmt.Errorf("inbox: update %s: %w", id, err)
	}
	defer func() { _ = tx.Rollback() }()
	it, err := s.get(ctx, tx, workspaceID, id)
	if err != nil {
		return Item{}, false, err
	}
	if !change(&it) {
		return it, false, nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE inbox_items SET replies = ?, state = ?, handled_by = ?, answered_at = ? WHERE workspace_id = ? AND id = ?`,
		encodeReplies(it.Replies), it.State, it.HandledBy, millisOrZero(it.AnsweredAt), workspaceID, id); err != nil {
		return Item{}, false, fmt.Errorf("inbox: update %s: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return Item{}, false, fmt.Errorf("inbox: update %s: %w", id, err)
	}
	return it, true, nil
}

func (s sqliteStore) BeginReply(ctx context.Context, workspaceID, id string, r Reply) (Item, bool, error) {
	defer s.db.Observe("inbox.begin_reply")()
	return s.update(ctx, workspaceID, id, func(it *Item) bool { return beginReply(it, r) })
}

func (s sqliteStore) EndReply(ctx context.Context, workspaceID, id, key, externalID string, at time.Time) (Item, error) {
	defer s.db.Observe("inbox.end_reply")()
	it, _, err := s.update(ctx, workspaceID, id, func(it *Item) bool { return endReply(it, key, externalID, at) })
	return it, err
}

func (s sqliteStore) DropReply(ctx context.Context, workspaceID, id, key string) error {
	defer s.db.Observe("inbox.drop_reply")()
	_, _, err := s.update(ctx, workspaceID, id, func(it *Item) bool { return dropReply(it, key) })
	return err
}

func (s sqliteStore) ClaimUnannounced(ctx context.Context, now time.Time, owner string, lease time.Duration, limit int) ([]Item, error) {
	defer s.db.Observe("inbox.claim")()
	rows, err := s.db.SQL.QueryContext(ctx, `UPDATE inbox_items SET claim_owner = ?, claim_until = ?
		WHERE id IN (SELECT id FROM inbox_items WHERE announced = 0 AND claim_until <= ? ORDER BY received_at, id LIMIT ?)
		RETURNING `+itemColumns, owner, store.Millis(now.Add(lease)), store.Millis(now), limit)
	if err != nil {
		return nil, fmt.Errorf("inbox: claim: %w", err)
	}
	items, err := collect(rows)
	if err != nil {
		return nil, err
	}
	sortOldest(items)
	return items, nil
}

func (s sqliteStore) MarkAnnounced(ctx context.Context, workspaceID, id string, a Announce) error {
	defer s.db.Observe("inbox.announced")()
	res, err := s.db.SQL.ExecContext(ctx, `UPDATE inbox_items SET announced = 1, slack_channel = ?, slack_ts = ?, claim_owner = '', claim_until = 0
		WHERE workspace_id = ? AND id = ?`, a.Channel, a.TS, workspaceID, id)
	if err != nil {
		return fmt.Errorf("inbox: mark %s announced: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

func (s sqliteStore) Count(ctx context.Context, workspaceID, state string) (int, error) {
	defer s.db.Observe("inbox.count")()
	var n int
	if err := s.db.SQLRead.QueryRowContext(ctx, `SELECT COUNT(*) FROM inbox_items WHERE workspace_id = ? AND state = ?`, workspaceID, state).Scan(&n); err != nil {
		return 0, fmt.Errorf("inbox: count: %w", err)
	}
	return n, nil
}

func (s sqliteStore) Answered(ctx context.Context, workspaceID string, since, until time.Time) ([]Item, error) {
	defer s.db.Observe("inbox.answered")()
	rows, err := s.db.SQLRead.QueryContext(ctx, `SELECT `+itemColumns+` FROM inbox_items
		WHERE workspace_id = ? AND received_at >= ? AND received_at < ? AND answered_at > 0 ORDER BY received_at, id`,
		workspaceID, store.Millis(since), store.Millis(until))
	if err != nil {
		return nil, fmt.Errorf("inbox: answered: %w", err)
	}
	return collect(rows)
}

func (s sqliteStore) Cursor(ctx context.Context, workspaceID, accountID string) (string, error) {
	defer s.db.Observe("inbox.cursor")()
	var c string
	err := s.db.SQLRead.QueryRowContext(ctx, `SELECT cursor FROM inbox_cursors WHERE workspace_id = ? AND account_id = ?`, workspaceID, accountID).Scan(&c)
	if store.IsNoRows(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("inbox: cursor of %s: %w", accountID, err)
	}
	return c, nil
}

func (s sqliteStore) SetCursor(ctx context.Context, workspaceID, accountID, cursor string) error {
	defer s.db.Observe("inbox.set_cursor")()
	if _, err := s.db.SQL.ExecContext(ctx, `INSERT INTO inbox_cursors (workspace_id, account_id, cursor) VALUES (?, ?, ?)
		ON CONFLICT (workspace_id, account_id) DO UPDATE SET cursor = excluded.cursor`, workspaceID, accountID, cursor); err != nil {
		return fmt.Errorf("inbox: save cursor of %s: %w", accountID, err)
	}
	return nil
}
