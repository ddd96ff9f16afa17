package library

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/marketingminds/marketingminds/integrations/store"
)

type sqliteStore struct{ db *store.DB }

const columns = `id, workspace_id, kind, title, body, variants, media_urls, media_ids, media_videos, link, tags, campaign_id,
	created_by, created_at, updated_by, updated_at, rev`

func scanItem(sc interface{ Scan(...any) error }) (Item, error) {
	var it Item
	var kind, variants, media, mediaIDs, tags string
	var created, updated int64
	if err := sc.Scan(&it.ID, &it.WorkspaceID, &kind, &it.Title, &it.Body, &variants, &media, &mediaIDs, &it.MediaVideos, &it.Link, &tags, &it.CampaignID,
		&it.CreatedBy, &created, &it.UpdatedBy, &updated, &it.Rev); err != nil {
		return Item{}, err
	}
	it.Kind, it.CreatedAt, it.UpdatedAt = Kind(kind), store.FromMillis(created), store.FromMillis(updated)
	for _, f := range []struct {
		raw string
		dst any
	}{{variants, &it.Variants}, {media, &it.MediaURLs}, {mediaIDs, &it.MediaIDs}, {tags, &it.Tags}} {
		if err := json.Unmarshal([]byte(f.raw), f.dst); err != nil {
			return Item{}, fmt.Errorf("item %s: %w", it.ID, err)
		}
	}
	return filled(it), nil
}

// jsonColumns are an item's JSON columns and derived keys.
type jsonColumns struct{ variants, media, mediaIDs, tags, tagKeys, keys string }

func encoded(it Item) (jsonColumns, error) {
	it = filled(it)
	var out [6]string
	for i, v := range []any{it.Variants, it.MediaURLs, it.MediaIDs, it.Tags, tagKeysOf(it.Tags), searchKeys(it)} {
		b, err := json.Marshal(v)
		if err != nil {
			return jsonColumns{}, err
		}
		out[i] = string(b)
	}
	return jsonColumns{out[0], out[1], out[2], out[3], out[4], out[5]}, nil
}

func (s sqliteStore) Insert(ctx context.Context, it Item) error {
	defer s.db.Observe("library.insert")()
	j, err := encoded(it)
	if err != nil {
		return fmt.Errorf("library: insert: %w", err)
	}
	_, err = s.db.SQL.ExecContext(ctx, `INSERT INTO content_library (`+columns+`, tag_keys, search_keys)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		it.ID, it.WorkspaceID, string(it.Kind), it.Title, it.Body, j.variants, j.media, j.mediaIDs, it.MediaVideos, it.Link, j.tags, it.CampaignID,
		it.CreatedBy, store.Millis(it.CreatedAt), it.UpdatedBy, store.Millis(it.UpdatedAt), it.Rev, j.tagKeys, j.keys)
	if err != nil {
		return fmt.Errorf("library: insert: %w", err)
	}
	return nil
}

func (s sqliteStore) Get(ctx context.Context, workspaceID string, kind Kind, id string) (Item, error) {
	defer s.db.Observe("library.get")()
	it, err := scanItem(s.db.SQLRead.QueryRowContext(ctx, `SELECT `+columns+` FROM content_library
		WHERE id = ? AND workspace_id = ? AND kind = ?`, id, workspaceID, string(kind)))
	if store.IsNoRows(err) {
		return Item{}, ErrNotFound
	}
	if err != nil {
		return Item{}, fmt.Errorf("library: get: %w", err)
	}
	return it, nil
}

func (s sqliteStore) Replace(ctx context.Context, it Item, rev int64) error {
	defer s.db.Observe("library.replace")()
	j, err := encoded(it)
	if err != nil {
		return fmt.Errorf("library: replace: %w", err)
	}
	res, err := s.db.SQL.ExecContext(ctx, `UPDATE content_library SET title = ?, body = ?, variants = ?, media_urls = ?, media_ids = ?,
		media_videos = ?, link = ?, tags = ?, tag_keys = ?, search_keys = ?, campaign_id = ?, updated_by = ?, updated_at = ?, rev = ?
		WHERE id = ? AND workspace_id = ? AND kind = ? AND rev = ?`,
		it.Title, it.Body, j.variants, j.media, j.mediaIDs, it.MediaVideos, it.Link, j.tags, j.tagKeys, j.keys, it.CampaignID, it.UpdatedBy,
		store.Millis(it.UpdatedAt), it.Rev,
		it.ID, it.WorkspaceID, string(it.Kind), rev)
	if err != nil {
		return fmt.Errorf("library: replace: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return err
	}
	if _, err := s.Get(ctx, it.WorkspaceID, it.Kind, it.ID); err != nil {
		return err
	}
	return ErrConflict
}

func (s sqliteStore) Delete(ctx context.Context, workspaceID string, kind Kind, id string) error {
	defer s.db.Observe("library.delete")()
	res, err := s.db.SQL.ExecContext(ctx, `DELETE FROM content_library WHERE id = ? AND workspace_id = ? AND kind = ?`, id, workspaceID, string(kind))
	if err != nil {
		return fmt.Errorf("library: delete: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("library: delete: %w", err)
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

func (s sqliteStore) List(ctx context.Context, workspaceID string, q Query) ([]Item, error) {
	defer s.db.Observe("library.list")()
	where := []string{"workspace_id = ?"}
	args := []any{workspaceID}
	if q.Kind != "" {
		where, args = append(where, "kind = ?"), append(args, string(q.Kind))
	}
	if q.CampaignID != "" {
		where, args = append(where, "campaign_id = ?"), append(args, q.CampaignID)
	}
	if q.TagKey != "" {
		where, args = append(where, "EXISTS (SELECT 1 FROM json_each(content_library.tag_keys) WHERE value = ?)"), append(args, q.TagKey)
	}
	for _, k := range q.Keys {
		where, args = append(where, "EXISTS (SELECT 1 FROM json_each(content_library.search_keys) WHERE value = ?)"), append(args, k)
	}
	if q.After.ID != "" {
		ms := store.Millis(q.After.CreatedAt)
		where, args = append(where, "(created_at < ? OR (created_at = ? AND id < ?))"), append(args, ms, ms, q.After.ID)
	}
	rows, err := s.db.SQLRead.QueryContext(ctx, `SELECT `+columns+` FROM content_library WHERE `+strings.Join(where, " AND ")+`
		ORDER BY created_at DESC, id DESC LIMIT ?`, append(args, q.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("library: list: %w", err)
	}
	defer rows.Close()
	var out []Item
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, fmt.Errorf("library: list: %w", err)
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("library: list: %w", err)
	}
	return out, nil
}
