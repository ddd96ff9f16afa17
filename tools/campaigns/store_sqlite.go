package campaigns

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/marketingminds/marketingminds/integrations/store"
)

type sqliteStore struct{ db *store.DB }

const campaignCols = `id, workspace_id, name, goal, start_date, end_date, tag, crm_campaign_id, created_by, created_at, updated_at, rev`

type scanner interface{ Scan(dest ...any) error }

func scanCampaign(sc scanner) (Campaign, error) {
	var c Campaign
	err := sc.Scan(&c.ID, &c.WorkspaceID, &c.Name, &c.Goal, &c.StartDate, &c.EndDate, &c.Tag, &c.CRMCampaignID,
		&c.CreatedBy, store.ScanTime(&c.CreatedAt), store.ScanTime(&c.UpdatedAt), &c.Rev)
	return c, err
}

func (s *sqliteStore) CreateCampaign(ctx context.Context, c Campaign) error {
	defer s.db.Observe("campaigns.create_campaign")()
	_, err := s.db.SQL.ExecContext(ctx, `INSERT INTO campaigns (`+campaignCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
		c.ID, c.WorkspaceID, c.Name, c.Goal, c.StartDate, c.EndDate, c.Tag, c.CRMCampaignID, c.CreatedBy,
		store.Millis(c.CreatedAt), store.Millis(c.UpdatedAt))
	if err != nil {
		return wrapf(err, "create campaign")
	}
	return nil
}

func (s *sqliteStore) GetCampaign(ctx context.Context, workspaceID, id string) (Campaign, error) {
	defer s.db.Observe("campaigns.get_campaign")()
	c, err := scanCampaign(s.db.SQLRead.QueryRowContext(ctx, `SELECT `+campaignCols+` FROM campaigns WHERE workspace_id = ? AND id = ?`, workspaceID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Campaign{}, ErrNotFound
	}
	if err != nil {
		return Campaign{}, wrapf(err, "get campaign")
	}
	return c, nil
}

func (s *sqliteStore) ListCampaigns(ctx context.Context, workspaceID string) ([]Campaign, error) {
	defer s.db.Observe("campaigns.list_campaigns")()
	rows, err := s.db.SQLRead.QueryContext(ctx, `SELECT `+campaignCols+` FROM campaigns WHERE workspace_id = ?
		ORDER BY created_at DESC, id DESC`, workspaceID)
	if err != nil {
		return nil, wrapf(err, "list campaigns")
	}
	defer rows.Close()
	out := []Campaign{}
	for rows.Next() {
		c, err := scanCampaign(rows)
		if err != nil {
			return nil, wrapf(err, "list campaigns")
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, wrapf(err, "list campaigns")
	}
	return out, nil
}

func (s *sqliteStore) SaveCampaign(ctx context.Context, c Campaign) (bool, error) {
	defer s.db.Observe("campaigns.save_campaign")()
	res, err := s.db.SQL.ExecContext(ctx, `UPDATE campaigns SET name = ?, goal = ?, start_date = ?, end_date = ?, tag = ?,
		crm_campaign_id = ?, updated_at = ?, rev = rev + 1 WHERE workspace_id = ? AND id = ? AND rev = ?`,
		c.Name, c.Goal, c.StartDate, c.EndDate, c.Tag, c.CRMCampaignID, store.Millis(c.UpdatedAt), c.WorkspaceID, c.ID, c.Rev)
	if err != nil {
		return false, wrapf(err, "save campaign %s", c.ID)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

const emailCols = `id, workspace_id, campaign_id, name, subject, from_email, from_name, html, text, list_keys, content_key,
	campaign_key, status, scheduled_at, job_id, sent_at, last_error, report, report_at, created_by, created_at, updated_at, rev`

func scanEmail(sc scanner) (EmailCampaign, error) {
	var e EmailCampaign
	var lists, report, status string
	err := sc.Scan(&e.ID, &e.WorkspaceID, &e.CampaignID, &e.Name, &e.Subject, &e.FromEmail, &e.FromName, &e.HTML, &e.Text,
		&lists, &e.ContentKey, &e.CampaignKey, &status, store.ScanTime(&e.ScheduledAt), &e.JobID, store.ScanTime(&e.SentAt),
		&e.LastError, &report, store.ScanTime(&e.ReportAt), &e.CreatedBy, store.ScanTime(&e.CreatedAt), store.ScanTime(&e.UpdatedAt), &e.Rev)
	if err != nil {
		return e, err
	}
	e.Status = EmailStatus(status)
	if err := json.Unmarshal([]byte(lists), &e.ListKeys); err != nil {
		return e, err
	}
	if report != "" {
		e.Report = &Report{}
		if err := json.Unmarshal([]byte(report), e.Report); err != nil {
			return e, err
		}
	}
	return e, nil
}

func reportJSON(r *Report) string {
	if r == nil {
		return ""
	}
	b, _ := json.Marshal(r)
	return string(b)
}

func (s *sqliteStore) CreateEmail(ctx context.Context, e EmailCampaign) error {
	defer s.db.Observe("campaigns.create_email")()
	lists, _ := json.Marshal(e.ListKeys)
	_, err := s.db.SQL.ExecContext(ctx, `INSERT INTO email_campaigns (`+emailCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
		e.ID, e.WorkspaceID, e.CampaignID, e.Name, e.Subject, e.FromEmail, e.FromName, e.HTML, e.Text, string(lists), e.ContentKey,
		e.CampaignKey, string(e.Status), store.Millis(e.ScheduledAt), e.JobID, store.Millis(e.SentAt), e.LastError,
		reportJSON(e.Report), store.Millis(e.ReportAt), e.CreatedBy, store.Millis(e.CreatedAt), store.Millis(e.UpdatedAt))
	if err != nil {
		return wrapf(err, "create email campaign")
	}
	return nil
}

func (s *sqliteStore) oneEmail(ctx context.Context, where string, args ...any) (EmailCampaign, error) {
	e, err := scanEmail(s.db.SQLRead.QueryRowContext(ctx, `SELECT `+emailCols+` FROM email_campaigns WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return EmailCampaign{}, ErrNotFound
	}
	if err != nil {
		return EmailCampaign{}, wrapf(err, "get email campaign")
	}
	return e, nil
}

func (s *sqliteStore) GetEmail(ctx context.Context, workspaceID, id string) (EmailCampaign, error) {
	defer s.db.Observe("campaigns.get_email")()
	return s.oneEmail(ctx, `workspace_id = ? AND id = ?`, workspaceID, id)
}

func (s *sqliteStore) EmailByContentKey(ctx context.Context, key string) (EmailCampaign, error) {
	defer s.db.Observe("campaigns.email_by_content_key")()
	if key == "" {
		return EmailCampaign{}, ErrNotFound
	}
	return s.oneEmail(ctx, `content_key = ?`, key)
}

func (s *sqliteStore) emails(ctx context.Context, op, where string, args ...any) ([]EmailCampaign, error) {
	rows, err := s.db.SQLRead.QueryContext(ctx, `SELECT `+emailCols+` FROM email_campaigns WHERE `+where, args...)
	if err != nil {
		return nil, wrapf(err, "%s", op)
	}
	defer rows.Close()
	out := []EmailCampaign{}
	for rows.Next() {
		e, err := scanEmail(rows)
		if err != nil {
			return nil, wrapf(err, "%s", op)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, wrapf(err, "%s", op)
	}
	return out, nil
}

func (s *sqliteStore) ListEmails(ctx context.Context, workspaceID, campaignID string) ([]EmailCampaign, error) {
	defer s.db.Observe("campaigns.list_emails")()
	if campaignID != "" {
		return s.emails(ctx, "list email campaigns", `workspace_id = ? AND campaign_id = ? ORDER BY created_at DESC, id DESC`, workspaceID, campaignID)
	}
	return s.emails(ctx, "list email campaigns", `workspace_id = ? ORDER BY created_at DESC, id DESC`, workspaceID)
}

func (s *sqliteStore) SentEmails(ctx context.Context, workspaceID string, since time.Time) ([]EmailCampaign, error) {
	defer s.db.Observe("campaigns.sent_emails")()
	return s.emails(ctx, "sent email campaigns", `workspace_id = ? AND status = ? AND sent_at >= ? ORDER BY sent_at, id`,
		workspaceID, string(EmailSent), store.Millis(since))
}

func (s *sqliteStore) SaveEmail(ctx context.Context, e EmailCampaign) (bool, error) {
	defer s.db.Observe("campaigns.save_email")()
	res, err := s.db.SQL.ExecContext(ctx, `UPDATE email_campaigns SET campaign_key = ?, status = ?, scheduled_at = ?, job_id = ?,
		sent_at = ?, last_error = ?, report = ?, report_at = ?, updated_at = ?, rev = rev + 1
		WHERE workspace_id = ? AND id = ? AND rev = ?`,
		e.CampaignKey, string(e.Status), store.Millis(e.ScheduledAt), e.JobID, store.Millis(e.SentAt), e.LastError,
		reportJSON(e.Report), store.Millis(e.ReportAt), store.Millis(e.UpdatedAt), e.WorkspaceID, e.ID, e.Rev)
	if err != nil {
		return false, wrapf(err, "save email campaign %s", e.ID)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (s *sqliteStore) DeleteEmail(ctx context.Context, workspaceID, id string) error {
	defer s.db.Observe("campaigns.delete_email")()
	if _, err := s.db.SQL.ExecContext(ctx, `DELETE FROM email_campaigns WHERE workspace_id = ? AND id = ?`, workspaceID, id); err != nil {
		return wrapf(err, "delete email campaign %s", id)
	}
	return nil
}

func (s *sqliteStore) PutRecords(ctx context.Context, workspaceID, module string, recs []CRMRecord, f Fetch) error {
	defer s.db.Observe("campaigns.put_records")()
	tx, err := s.db.SQL.BeginTx(ctx, nil)
	if err != nil {
		return wrapf(err, "cache %s", module)
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO zoho_crm_records
		(workspace_id, module, record_id, name, email, company, created_time, search, data, fetched_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (workspace_id, module, record_id) DO UPDATE SET name = excluded.name, email = excluded.email,
		company = excluded.company, created_time = excluded.created_time, search = excluded.search,
		data = excluded.data, fetched_at = excluded.fetched_at`)
	if err != nil {
		return wrapf(err, "cache %s", module)
	}
	defer stmt.Close()
	at := store.Millis(f.FetchedAt)
	for _, r := range recs {
		data, err := json.Marshal(r.Data)
		if err != nil {
			return wrapf(err, "cache %s record %s", module, r.ID)
		}
		if _, err := stmt.ExecContext(ctx, workspaceID, module, r.ID, r.Name, r.Email, r.Company, r.CreatedTime,
			searchText(r), string(data), at); err != nil {
			return wrapf(err, "cache %s record %s", module, r.ID)
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM zoho_crm_records WHERE workspace_id = ? AND module = ? AND fetched_at < ?`,
		workspaceID, module, at); err != nil {
		return wrapf(err, "cache %s", module)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO zoho_crm_fetches (workspace_id, module, total, fetched_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (workspace_id, module) DO UPDATE SET total = excluded.total, fetched_at = excluded.fetched_at`,
		workspaceID, module, f.Total, at); err != nil {
		return wrapf(err, "cache %s", module)
	}
	if err := tx.Commit(); err != nil {
		return wrapf(err, "cache %s", module)
	}
	return nil
}

func (s *sqliteStore) LastFetch(ctx context.Context, workspaceID, module string) (Fetch, bool, error) {
	defer s.db.Observe("campaigns.last_fetch")()
	var f Fetch
	err := s.db.SQLRead.QueryRowContext(ctx, `SELECT total, fetched_at FROM zoho_crm_fetches WHERE workspace_id = ? AND module = ?`,
		workspaceID, module).Scan(&f.Total, store.ScanTime(&f.FetchedAt))
	if errors.Is(err, sql.ErrNoRows) {
		return Fetch{}, false, nil
	}
	if err != nil {
		return Fetch{}, false, wrapf(err, "last fetch of %s", module)
	}
	return f, true, nil
}

func (s *sqliteStore) records(ctx context.Context, op, where string, args ...any) ([]CRMRecord, error) {
	rows, err := s.db.SQLRead.QueryContext(ctx, `SELECT module, record_id, name, email, company, created_time, data, fetched_at
		FROM zoho_crm_records WHERE `+where, args...)
	if err != nil {
		return nil, wrapf(err, "%s", op)
	}
	defer rows.Close()
	out := []CRMRecord{}
	for rows.Next() {
		var r CRMRecord
		var data string
		if err := rows.Scan(&r.Module, &r.ID, &r.Name, &r.Email, &r.Company, &r.CreatedTime, &data, store.ScanTime(&r.FetchedAt)); err != nil {
			return nil, wrapf(err, "%s", op)
		}
		if err := json.Unmarshal([]byte(data), &r.Data); err != nil {
			return nil, wrapf(err, "%s", op)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, wrapf(err, "%s", op)
	}
	return out, nil
}

func (s *sqliteStore) Records(ctx context.Context, workspaceID, module string, limit int) ([]CRMRecord, error) {
	defer s.db.Observe("campaigns.records")()
	return s.records(ctx, "cached "+module, `workspace_id = ? AND module = ? ORDER BY created_time DESC, record_id DESC LIMIT ?`,
		workspaceID, module, limit)
}

func (s *sqliteStore) SearchRecords(ctx context.Context, workspaceID, module, q string, limit int) ([]CRMRecord, error) {
	defer s.db.Observe("campaigns.search_records")()
	return s.records(ctx, "search "+module, `workspace_id = ? AND module = ? AND instr(search, ?) > 0
		ORDER BY created_time DESC, record_id DESC LIMIT ?`, workspaceID, module, strings.ToLower(q), limit)
}

// searchText is what a search matches: name, e-mail and company, lowercased.
func searchText(r CRMRecord) string {
	return strings.ToLower(r.Name + "\n" + r.Email + "\n" + r.Company)
}
