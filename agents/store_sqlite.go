package agents

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/integrations/store"
)

// sqliteStore keeps the statements of every turn prepared: parsing the
// SQL cost more than running it.
type sqliteStore struct {
	db                                      *store.DB
	messages, approvals, record, addMessage *store.Stmt
}

func newSQLiteStore(db *store.DB) *sqliteStore {
	return &sqliteStore{db: db,
		messages: store.Prepared(db.SQLRead, `SELECT message FROM conversation_messages WHERE workspace_id = ? AND channel = ? AND thread = ?
		ORDER BY id DESC LIMIT ?`),
		approvals: store.Prepared(db.SQLRead, `SELECT `+approvalColumns+` FROM approval_requests
		WHERE workspace_id = ? AND (? = '' OR status = ?) ORDER BY created_at DESC, id DESC LIMIT ?`),
		addMessage: store.Prepared(db.SQL, `INSERT INTO conversation_messages (workspace_id, channel, thread, message, created_at) VALUES (?, ?, ?, ?, ?)`),
		record: store.Prepared(db.SQL, `INSERT INTO agent_events (id, workspace_id, channel, thread, user_id, kind, tool, args_digest, outcome, error,
		duration_ms, prompt_tokens, completion_tokens, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
	}
}

func (s *sqliteStore) AppendMessages(ctx context.Context, k ConversationKey, msgs []llm.Message, at time.Time) error {
	defer s.db.Observe("agents.append_messages")()
	tx, insert, err := s.addMessage.Begin(ctx)
	if err != nil {
		return fmt.Errorf("agents: append messages: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	ms := store.Millis(at)
	if _, err := tx.ExecContext(ctx, `INSERT INTO conversations (workspace_id, channel, thread, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (workspace_id, channel, thread) DO UPDATE SET updated_at = excluded.updated_at`, k.WorkspaceID, k.Channel, k.Thread, ms, ms); err != nil {
		return fmt.Errorf("agents: append messages: %w", err)
	}
	for _, m := range msgs {
		b, err := json.Marshal(m)
		if err != nil {
			return fmt.Errorf("agents: append messages: %w", err)
		}
		if _, err := insert.ExecContext(ctx, k.WorkspaceID, k.Channel, k.Thread, string(b), ms); err != nil {
			return fmt.Errorf("agents: append messages: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("agents: append messages: %w", err)
	}
	return nil
}

func (s *sqliteStore) Messages(ctx context.Context, k ConversationKey, limit int) ([]llm.Message, error) {
	defer s.db.Observe("agents.messages")()
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err := s.messages.Query(ctx, k.WorkspaceID, k.Channel, k.Thread, limit)
	if err != nil {
		return nil, fmt.Errorf("agents: messages: %w", err)
	}
	defer rows.Close()
	var out []llm.Message
	for rows.Next() {
		var raw string
		var m llm.Message
		if err := rows.Scan(&raw); err != nil {
			return nil, fmt.Errorf("agents: messages: %w", err)
		}
		if err := json.Unmarshal([]byte(raw), &m); err != nil {
			return nil, fmt.Errorf("agents: messages: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("agents: messages: %w", err)
	}
	slices.Reverse(out)
	return out, nil
}

func (s *sqliteStore) RecordEvent(ctx context.Context, e Event) error {
	defer s.db.Observe("agents.record_event")()
	_, err := s.record.Exec(ctx, e.ID, e.WorkspaceID, e.Channel, e.Thread, e.UserID, e.Kind, e.Tool, e.ArgsDigest, e.Outcome, e.Error,
		e.Duration.Milliseconds(), e.PromptTokens, e.CompletionTokens, store.Millis(e.CreatedAt))
	if err != nil {
		return fmt.Errorf("agents: record event: %w", err)
	}
	return nil
}

func (s *sqliteStore) Events(ctx context.Context, workspaceID string, limit int) ([]Event, error) {
	defer s.db.Observe("agents.events")()
	rows, err := s.db.SQLRead.QueryContext(ctx, `SELECT id, workspace_id, channel, thread, user_id, kind, tool, args_digest, outcome, error,
		duration_ms, prompt_tokens, completion_tokens, created_at FROM agent_events WHERE workspace_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`,
		workspaceID, limit)
	if err != nil {
		return nil, fmt.Errorf("agents: events: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var ms int64
		if err := rows.Scan(&e.ID, &e.WorkspaceID, &e.Channel, &e.Thread, &e.UserID, &e.Kind, &e.Tool, &e.ArgsDigest, &e.Outcome, &e.Error,
			&ms, &e.PromptTokens, &e.CompletionTokens, store.ScanTime(&e.CreatedAt)); err != nil {
			return nil, fmt.Errorf("agents: events: %w", err)
		}
		e.Duration = time.Duration(ms) * time.Millisecond
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("agents: events: %w", err)
	}
	return out, nil
}

func (s *sqliteStore) Usage(ctx context.Context, workspaceID string, since time.Time) (Usage, error) {
	defer s.db.Observe("agents.usage")()
	var u Usage
	err := s.db.SQLRead.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(prompt_tokens), 0), COALESCE(SUM(completion_tokens), 0)
		FROM agent_events WHERE workspace_id = ? AND kind = 'model' AND created_at >= ?`, workspaceID, store.Millis(since)).
		Scan(&u.Calls, &u.PromptTokens, &u.CompletionTokens)
	if err != nil {
		return Usage{}, fmt.Errorf("agents: usage: %w", err)
	}
	return u, nil
}

func (s *sqliteStore) CreateApproval(ctx context.Context, a Approval) error {
	defer s.db.Observe("agents.create_approval")()
	checks, err := a.Checks.encode()
	if err != nil {
		return fmt.Errorf("agents: create approval: %w", err)
	}
	_, err = s.db.SQL.ExecContext(ctx, `INSERT INTO approval_requests (id, workspace_id, channel, thread, requested_by, tool, args, preview, status, created_at, checks)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.ID, a.WorkspaceID, a.Channel, a.Thread, a.RequestedBy, a.Tool, string(a.Args), a.Preview,
		string(a.Status), store.Millis(a.CreatedAt), checks)
	if err != nil {
		return fmt.Errorf("agents: create approval: %w", err)
	}
	return nil
}

const approvalColumns = `id, workspace_id, channel, thread, requested_by, tool, args, preview, status, decided_by, reason, result, error,
	created_at, decided_at, finished_at, checks`

func scanApproval(row interface{ Scan(...any) error }) (Approval, error) {
	var a Approval
	var args, result, checks string
	err := row.Scan(&a.ID, &a.WorkspaceID, &a.Channel, &a.Thread, &a.RequestedBy, &a.Tool, &args, &a.Preview, &a.Status, &a.DecidedBy,
		&a.Reason, &result, &a.Error, store.ScanTime(&a.CreatedAt), store.ScanTime(&a.DecidedAt), store.ScanTime(&a.FinishedAt), &checks)
	if err != nil {
		return a, err
	}
	a.Args = rawJSON(args)
	a.Result = rawJSON(result)
	a.Checks, err = decodeChecks(checks)
	return a, err
}

func rawJSON(s string) json.RawMessage {
	if s == "" {
		return nil
	}
	return json.RawMessage(s)
}

func (s *sqliteStore) GetApproval(ctx context.Context, workspaceID, id string) (Approval, error) {
	defer s.db.Observe("agents.get_approval")()
	return s.getApproval(ctx, s.db.SQLRead, workspaceID, id)
}

func (s *sqliteStore) getApproval(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, workspaceID, id string) (Approval, error) {
	a, err := scanApproval(q.QueryRowContext(ctx, `SELECT `+approvalColumns+` FROM approval_requests WHERE workspace_id = ? AND id = ?`, workspaceID, id))
	if store.IsNoRows(err) {
		return Approval{}, fmt.Errorf("agents: approval %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Approval{}, fmt.Errorf("agents: get approval %s: %w", id, err)
	}
	return a, nil
}

func (s *sqliteStore) ListApprovals(ctx context.Context, workspaceID string, status ApprovalStatus, limit int) ([]Approval, error) {
	defer s.db.Observe("agents.list_approvals")()
	rows, err := s.approvals.Query(ctx, workspaceID, string(status), string(status), limit)
	if err != nil {
		return nil, fmt.Errorf("agents: list approvals: %w", err)
	}
	defer rows.Close()
	var out []Approval
	for rows.Next() {
		a, err := scanApproval(rows)
		if err != nil {
			return nil, fmt.Errorf("agents: list approvals: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("agents: list approvals: %w", err)
	}
	return out, nil
}

func (s *sqliteStore) ClaimApproval(ctx context.Context, workspaceID, id string, status ApprovalStatus, by, reason string, at time.Time) (Approval, bool, error) {
	defer s.db.Observe("agents.claim_approval")()
	a, err := scanApproval(s.db.SQL.QueryRowContext(ctx, `UPDATE approval_requests SET status = ?1, decided_by = ?2, reason = ?3, decided_at = ?4
		WHERE workspace_id = ?5 AND id = ?6 AND (status = 'pending' OR (status = 'asking' AND ?1 = 'rejected')) RETURNING `+approvalColumns,
		string(status), by, reason, store.Millis(at), workspaceID, id))
	if store.IsNoRows(err) {
		cur, err := s.getApproval(ctx, s.db.SQL, workspaceID, id)
		return cur, false, err
	}
	if err != nil {
		return Approval{}, false, fmt.Errorf("agents: claim approval %s: %w", id, err)
	}
	return a, true, nil
}

func (s *sqliteStore) AnswerApproval(ctx context.Context, workspaceID, id string, prev json.RawMessage, next Approval) (bool, error) {
	defer s.db.Observe("agents.answer_approval")()
	checks, err := next.Checks.encode()
	if err != nil {
		return false, fmt.Errorf("agents: answer approval %s: %w", id, err)
	}
	res, err := s.db.SQL.ExecContext(ctx, `UPDATE approval_requests SET args = ?, preview = ?, status = ?, checks = ?
		WHERE workspace_id = ? AND id = ? AND status = 'asking' AND args = ?`,
		string(next.Args), next.Preview, string(next.Status), checks, workspaceID, id, string(prev))
	if err != nil {
		return false, fmt.Errorf("agents: answer approval %s: %w", id, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (s *sqliteStore) FinishApproval(ctx context.Context, workspaceID, id string, status ApprovalStatus, result json.RawMessage, errText string, at time.Time) error {
	defer s.db.Observe("agents.finish_approval")()
	res, err := s.db.SQL.ExecContext(ctx, `UPDATE approval_requests SET status = ?, result = ?, error = ?, finished_at = ?
		WHERE workspace_id = ? AND id = ? AND status = 'running'`, string(status), string(result), errText, store.Millis(at), workspaceID, id)
	if err != nil {
		return fmt.Errorf("agents: finish approval %s: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("agents: finish approval %s: not running: %w", id, ErrNotFound)
	}
	return nil
}

func (s *sqliteStore) AbandonApprovals(ctx context.Context, before time.Time, errText string, at time.Time) ([]Approval, error) {
	defer s.db.Observe("agents.abandon_approvals")()
	rows, err := s.db.SQL.QueryContext(ctx, `UPDATE approval_requests SET status = 'failed', error = ?, finished_at = ?
		WHERE status = 'running' AND decided_at < ? RETURNING workspace_id, id, args`, errText, store.Millis(at), store.Millis(before))
	if err != nil {
		return nil, fmt.Errorf("agents: abandon approvals: %w", err)
	}
	defer rows.Close()
	var out []Approval
	for rows.Next() {
		var a Approval
		var args string
		if err := rows.Scan(&a.WorkspaceID, &a.ID, &args); err != nil {
			return nil, fmt.Errorf("agents: abandon approvals: %w", err)
		}
		a.Args = rawJSON(args)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("agents: abandon approvals: %w", err)
	}
	return out, nil
}

func (s *sqliteStore) ConversationWorkspaces(ctx context.Context, before time.Time) ([]string, error) {
	defer s.db.Observe("agents.conversation_workspaces")()
	rows, err := s.db.SQLRead.QueryContext(ctx, `SELECT DISTINCT workspace_id FROM conversation_messages WHERE created_at < ? ORDER BY workspace_id`, store.Millis(before))
	if err != nil {
		return nil, fmt.Errorf("agents: conversation workspaces: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var ws string
		if err := rows.Scan(&ws); err != nil {
			return nil, fmt.Errorf("agents: conversation workspaces: %w", err)
		}
		out = append(out, ws)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("agents: conversation workspaces: %w", err)
	}
	return out, nil
}

func (s *sqliteStore) ForgetConversations(ctx context.Context, workspaceID string, before time.Time) (int64, error) {
	defer s.db.Observe("agents.forget_conversations")()
	tx, err := s.db.SQL.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("agents: forget conversations: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	ms := store.Millis(before)
	var n int64
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT DISTINCT channel, thread FROM conversation_messages
		WHERE workspace_id = ? AND created_at < ?)`, workspaceID, ms).Scan(&n); err != nil {
		return 0, fmt.Errorf("agents: forget conversations: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM conversation_messages WHERE workspace_id = ? AND created_at < ?`, workspaceID, ms); err != nil {
		return 0, fmt.Errorf("agents: forget conversations: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM conversations WHERE workspace_id = ? AND updated_at < ?`, workspaceID, ms); err != nil {
		return 0, fmt.Errorf("agents: forget conversations: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("agents: forget conversations: %w", err)
	}
	return n, nil
}
