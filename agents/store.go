package agents

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/integrations/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Schema is the orchestrator's part of the database: conversations,
// agent_events and approval_requests (plus approval_claims on MongoDB: one
// document per decided approval, whose insert is the atomic claim).
var Schema = store.Schema{
	Name:       "agents",
	Migrations: store.Sub(migrations, "migrations"),
	Indexes: []store.Index{
		{Collection: "conversations", Keys: bson.D{{Key: "workspace_id", Value: 1}, {Key: "updated_at", Value: 1}}},
		{Collection: "conversations", Keys: bson.D{{Key: "created_at", Value: 1}}},
		{Collection: "agent_events", Keys: bson.D{{Key: "workspace_id", Value: 1}, {Key: "created_at", Value: 1}}},
		{Collection: "approval_requests", Keys: bson.D{{Key: "workspace_id", Value: 1}, {Key: "status", Value: 1}, {Key: "created_at", Value: 1}}},
	},
}

// ErrNotFound is returned for an approval that is not in the workspace.
var ErrNotFound = errors.New("agents: not found")

// ConversationKey names a conversation: a thread of a channel of a workspace.
type ConversationKey struct {
	WorkspaceID string
	Channel     string
	Thread      string
}

// ApprovalStatus is where an approval request is.
type ApprovalStatus string

// The approval statuses: pending until a person decides; running from the
// approval (the claim) while the action runs, done or failed after; or
// rejected.
const (
	// ApprovalAsking: before it can be approved, a person must answer a
	// question (Checks.Choice: which account?); see Choose.
	ApprovalAsking   ApprovalStatus = "asking"
	ApprovalPending  ApprovalStatus = "pending"
	ApprovalRejected ApprovalStatus = "rejected"
	ApprovalRunning  ApprovalStatus = "running"
	ApprovalDone     ApprovalStatus = "done"
	ApprovalFailed   ApprovalStatus = "failed"
)

// Approval is a side-effecting action the model asked for, with what it
// will do in words, waiting for a person.
type Approval struct {
	ID          string          `json:"id"`
	WorkspaceID string          `json:"workspace_id"`
	Channel     string          `json:"channel"`
	Thread      string          `json:"thread"`
	RequestedBy string          `json:"requested_by"`
	Tool        string          `json:"tool"`
	Args        json.RawMessage `json:"args"`
	Preview     string          `json:"preview"`
	Status      ApprovalStatus  `json:"status"`
	DecidedBy   string          `json:"decided_by,omitempty"`
	Reason      string          `json:"reason,omitempty"`
	Result      json.RawMessage `json:"result,omitempty"`
	Error       string          `json:"error,omitempty"`
	// Checks is what the checks before approval found.
	Checks     Checks    `json:"checks"`
	CreatedAt  time.Time `json:"created_at"`
	DecidedAt  time.Time `json:"decided_at"`
	FinishedAt time.Time `json:"finished_at"`
}

// Event is one call the orchestrator made: a tool (with a digest of its
// arguments, never the arguments) or the model (with its token usage).
type Event struct {
	ID          string
	WorkspaceID string
	Channel     string
	Thread      string
	UserID      string
	Kind        string // "tool" or "model"
	Tool        string
	ArgsDigest  string
	// Outcome: ok, error, invalid, unknown_tool, awaiting_approval (tools); ok, error (model).
	Outcome          string
	Error            string
	Duration         time.Duration
	PromptTokens     int
	CompletionTokens int
	CreatedAt        time.Time
}

// Usage is a workspace's model usage over a period.
type Usage struct {
	Calls            int `json:"calls"`
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
}

// Store is what the orchestrator needs of the database.
type Store interface {
	// AppendMessages adds msgs at the end of the conversation, creating it.
	AppendMessages(ctx context.Context, k ConversationKey, msgs []llm.Message, at time.Time) error
	// Messages returns the conversation's last limit messages (all when
	// limit <= 0), in order; none for a conversation that does not exist.
	Messages(ctx context.Context, k ConversationKey, limit int) ([]llm.Message, error)
	// ConversationWorkspaces lists, across workspaces, those keeping a
	// conversation message older than before (for the cleanup job).
	ConversationWorkspaces(ctx context.Context, before time.Time) ([]string, error)
	// ForgetConversations deletes the workspace's conversation messages
	// older than before, and the conversations left without any; it
	// returns how many conversations it deleted or shortened.
	ForgetConversations(ctx context.Context, workspaceID string, before time.Time) (int64, error)

	RecordEvent(ctx context.Context, e Event) error
	// Events returns the workspace's latest events, newest first.
	Events(ctx context.Context, workspaceID string, limit int) ([]Event, error)
	// Usage sums the workspace's model calls since since.
	Usage(ctx context.Context, workspaceID string, since time.Time) (Usage, error)

	CreateApproval(ctx context.Context, a Approval) error
	// GetApproval returns ErrNotFound for an id of another workspace.
	GetApproval(ctx context.Context, workspaceID, id string) (Approval, error)
	// ListApprovals returns the workspace's approvals (with status when set),
	// newest first, at most limit.
	ListApprovals(ctx context.Context, workspaceID string, status ApprovalStatus, limit int) ([]Approval, error)
	// ClaimApproval moves a pending approval to status (running or
	// rejected), or an asking one to rejected, for by, atomically across replicas: exactly one claimer gets
	// true; the others get false and the approval as it is.
	ClaimApproval(ctx context.Context, workspaceID, id string, status ApprovalStatus, by, reason string, at time.Time) (Approval, bool, error)
	// AnswerApproval replaces an asking approval's args, preview, status
	// (asking again, or pending) and checks, if it is still asking with
	// args prev; false otherwise (someone answered first).
	AnswerApproval(ctx context.Context, workspaceID, id string, prev json.RawMessage, next Approval) (bool, error)
	// FinishApproval records a running approval's outcome (done or failed).
	FinishApproval(ctx context.Context, workspaceID, id string, status ApprovalStatus, result json.RawMessage, errText string, at time.Time) error
	// AbandonApprovals fails, in every workspace, the approvals still
	// running that were claimed before before (their process died midway)
	// and returns them, with their workspace, id and args only.
	AbandonApprovals(ctx context.Context, before time.Time, errText string, at time.Time) ([]Approval, error)
}

// NewStore returns db's implementation of Store.
func NewStore(db *store.DB) Store {
	if db.Backend == store.Mongo {
		return &mongoStore{db: db}
	}
	return newSQLiteStore(db)
}
