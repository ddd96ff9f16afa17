package agents

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/marketingminds/marketingminds/integrations/store"
)

type sqliteTasks struct{ db *store.DB }

// taskJSON encodes a task's opaque columns.
func taskJSON(t Task) (steps, approvals, results string, err error) {
	s, err := json.Marshal(nonNil(t.Steps))
	if err != nil {
		return "", "", "", err
	}
	a, err := json.Marshal(nonNil(t.Approvals))
	if err != nil {
		return "", "", "", err
	}
	return string(s), string(a), string(t.Results), nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (s *sqliteTasks) CreateTask(ctx context.Context, t Task) error {
	defer s.db.Observe("agents.create_task")()
	steps, approvals, results, err := taskJSON(t)
	if err != nil {
		return fmt.Errorf("agents: create task: %w", err)
	}
	if _, err := s.db.SQL.ExecContext(ctx, `INSERT INTO agent_tasks (id, workspace_id, channel, thread, user_id, text, status, answer, steps, approvals,
		results, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.WorkspaceID, t.Channel, t.Thread, t.UserID, t.Text, string(t.Status), t.Answer, steps, approvals, results,
		store.Millis(t.CreatedAt), store.Millis(t.UpdatedAt)); err != nil {
		return fmt.Errorf("agents: create task: %w", err)
	}
	return nil
}

func (s *sqliteTasks) SaveTask(ctx context.Context, t Task) (bool, error) {
	defer s.db.Observe("agents.save_task")()
	steps, approvals, results, err := taskJSON(t)
	if err != nil {
		return false, fmt.Errorf("agents: save task %s: %w", t.ID, err)
	}
	var stop bool
	err = s.db.SQL.QueryRowContext(ctx, `UPDATE agent_tasks SET status = ?, answer = ?, steps = ?, approvals = ?, results = ?, updated_at = ?
		WHERE workspace_id = ? AND id = ? RETURNING stop_requested`,
		string(t.Status), t.Answer, steps, approvals, results, store.Millis(t.UpdatedAt), t.WorkspaceID, t.ID).Scan(&stop)
	if errors.Is(err, sql.ErrNoRows) {
		return false, fmt.Errorf("agents: save task %s: %w", t.ID, ErrNotFound)
	}
	if err != nil {
		return false, fmt.Errorf("agents: save task %s: %w", t.ID, err)
	}
	return stop, nil
}

const taskColumns = `id, workspace_id, channel, thread, user_id, text, status, answer, steps, approvals, results, created_at, updated_at`

func scanTask(row interface{ Scan(...any) error }) (Task, error) {
	var t Task
	var status, steps, approvals, results string
	var created, updated int64
	if err := row.Scan(&t.ID, &t.WorkspaceID, &t.Channel, &t.Thread, &t.UserID, &t.Text, &status, &t.Answer, &steps, &approvals, &results,
		&created, &updated); err != nil {
		return Task{}, err
	}
	t.Status, t.CreatedAt, t.UpdatedAt = TaskStatus(status), store.FromMillis(created), store.FromMillis(updated)
	if results != "" {
		t.Results = json.RawMessage(results)
	}
	if err := json.Unmarshal([]byte(steps), &t.Steps); err != nil {
		return Task{}, err
	}
	if err := json.Unmarshal([]byte(approvals), &t.Approvals); err != nil {
		return Task{}, err
	}
	return t, nil
}

func (s *sqliteTasks) GetTask(ctx context.Context, workspaceID, id string) (Task, error) {
	defer s.db.Observe("agents.get_task")()
	t, err := scanTask(s.db.SQLRead.QueryRowContext(ctx, `SELECT `+taskColumns+` FROM agent_tasks WHERE workspace_id = ? AND id = ?`, workspaceID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Task{}, fmt.Errorf("agents: task %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Task{}, fmt.Errorf("agents: task %s: %w", id, err)
	}
	return t, nil
}

func (s *sqliteTasks) Tasks(ctx context.Context, k ConversationKey, limit int) ([]Task, error) {
	defer s.db.Observe("agents.tasks")()
	rows, err := s.db.SQLRead.QueryContext(ctx, `SELECT `+taskColumns+` FROM agent_tasks WHERE workspace_id = ? AND channel = ? AND thread = ?
		ORDER BY created_at DESC, id DESC LIMIT ?`, k.WorkspaceID, k.Channel, k.Thread, limit)
	if err != nil {
		return nil, fmt.Errorf("agents: tasks: %w", err)
	}
	defer rows.Close()
	var out []Task
	for rows.Next() {
		t, err := scanTask(rows)
		if err != nil {
			return nil, fmt.Errorf("agents: tasks: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("agents: tasks: %w", err)
	}
	slices.Reverse(out)
	return out, nil
}

func (s *sqliteTasks) StopTask(ctx context.Context, workspaceID, id string) (bool, error) {
	defer s.db.Observe("agents.stop_task")()
	res, err := s.db.SQL.ExecContext(ctx, `UPDATE agent_tasks SET stop_requested = 1 WHERE workspace_id = ? AND id = ? AND status = ?`,
		workspaceID, id, string(TaskRunning))
	if err != nil {
		return false, fmt.Errorf("agents: stop task %s: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("agents: stop task %s: %w", id, err)
	}
	return n == 1, nil
}

func (s *sqliteTasks) PurgeTasks(ctx context.Context, before time.Time) (int64, error) {
	defer s.db.Observe("agents.purge_tasks")()
	res, err := s.db.SQL.ExecContext(ctx, `DELETE FROM agent_tasks WHERE updated_at < ?`, store.Millis(before))
	if err != nil {
		return 0, fmt.Errorf("agents: purge tasks: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("agents: purge tasks: %w", err)
	}
	return n, nil
}
