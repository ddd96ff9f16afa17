package agents

import (
	"context"
	"embed"
	"encoding/json"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/marketingminds/marketingminds/integrations/store"
)

//go:embed taskmigrations/*.sql
var taskMigrations embed.FS

// TaskSchema is the agent_tasks collection: the turns a door runs apart
// from the request that started them (the web chat), as they progress.
var TaskSchema = store.Schema{
	Name:       "agent_tasks",
	Migrations: store.Sub(taskMigrations, "taskmigrations"),
	Indexes: []store.Index{
		{Collection: "agent_tasks", Keys: bson.D{{Key: "workspace_id", Value: 1}, {Key: "channel", Value: 1}, {Key: "thread", Value: 1}, {Key: "created_at", Value: 1}}},
		{Collection: "agent_tasks", Keys: bson.D{{Key: "updated_at", Value: 1}}},
	},
}

// TaskStatus is where a task is.
type TaskStatus string

// The task statuses: running until the turn ends with an answer (done), an
// error (failed: the answer says why in words) or the person's stop.
const (
	TaskRunning TaskStatus = "running"
	TaskDone    TaskStatus = "done"
	TaskFailed  TaskStatus = "failed"
	TaskStopped TaskStatus = "stopped"
)

// Task is one turn of a conversation as it runs: the person's message, the
// tool progress, the answer so far and how it ended. Its runner saves it
// while it runs (UpdatedAt is its heartbeat), so any replica can show it.
type Task struct {
	ID          string
	WorkspaceID string
	Channel     string
	Thread      string
	UserID      string
	Text        string
	Status      TaskStatus
	// Answer is the text streamed so far, then the reply's words.
	Answer    string
	Steps     []TaskStep
	Approvals []TaskApproval
	// Results are the turn's typed results as the door keeps them (opaque).
	Results   json.RawMessage
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Key is the conversation the task belongs to.
func (t Task) Key() ConversationKey {
	return ConversationKey{WorkspaceID: t.WorkspaceID, Channel: t.Channel, Thread: t.Thread}
}

// TaskStep is one tool call's progress line.
type TaskStep struct {
	Tool     string        `json:"tool"`
	Status   string        `json:"status"` // ProgressStarted, ProgressDone or ProgressFailed
	Text     string        `json:"text"`
	Duration time.Duration `json:"duration"`
}

// TaskApproval is an action the turn asked for, as the turn shows it.
type TaskApproval struct {
	ID      string `json:"id"`
	Preview string `json:"preview"`
}

// TaskStore keeps the tasks (agent_tasks); NewTaskStore gives db's.
type TaskStore interface {
	CreateTask(ctx context.Context, t Task) error
	// SaveTask writes the task's status, answer, steps, approvals, results
	// and UpdatedAt, and says whether someone asked it to stop.
	SaveTask(ctx context.Context, t Task) (stop bool, err error)
	// GetTask returns ErrNotFound for an id of another workspace.
	GetTask(ctx context.Context, workspaceID, id string) (Task, error)
	// Tasks returns the conversation's last limit tasks, oldest first.
	Tasks(ctx context.Context, k ConversationKey, limit int) ([]Task, error)
	// StopTask asks a running task to stop; false when it is not running.
	StopTask(ctx context.Context, workspaceID, id string) (bool, error)
	// PurgeTasks deletes, in every workspace, the tasks untouched since before.
	PurgeTasks(ctx context.Context, before time.Time) (int64, error)
}

// NewTaskStore returns db's implementation of TaskStore.
func NewTaskStore(db *store.DB) TaskStore {
	if db.Backend == store.Mongo {
		return &mongoTasks{db: db}
	}
	return &sqliteTasks{db: db}
}
