package agents

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/integrations/store"
)

type mongoStore struct{ db *store.DB }

type toolCallDoc struct {
	ID        string `bson:"id"`
	Name      string `bson:"name"`
	Arguments string `bson:"arguments"`
}

type messageDoc struct {
	Role       string        `bson:"role"`
	Content    string        `bson:"content,omitempty"`
	ToolCalls  []toolCallDoc `bson:"tool_calls,omitempty"`
	ToolCallID string        `bson:"tool_call_id,omitempty"`
	Name       string        `bson:"name,omitempty"`
	// At is when the message was appended (absent on messages stored
	// before it was kept: they count as old as their conversation).
	At time.Time `bson:"at,omitempty"`
}

// conversationDoc is a conversation: created_at is its oldest message's
// time (moved forward when old messages are forgotten), updated_at its
// newest's.
type conversationDoc struct {
	ID        string       `bson:"_id"`
	Messages  []messageDoc `bson:"messages"`
	CreatedAt time.Time    `bson:"created_at"`
	UpdatedAt time.Time    `bson:"updated_at"`
}

func conversationID(k ConversationKey) string {
	return k.WorkspaceID + "\x1f" + k.Channel + "\x1f" + k.Thread
}

func (s *mongoStore) AppendMessages(ctx context.Context, k ConversationKey, msgs []llm.Message, at time.Time) error {
	defer s.db.Observe("agents.append_messages")()
	docs := make(bson.A, 0, len(msgs))
	for _, m := range msgs {
		d := messageDoc{Role: string(m.Role), Content: m.Content, ToolCallID: m.ToolCallID, Name: m.Name, At: store.Trunc(at)}
		for _, tc := range m.ToolCalls {
			d.ToolCalls = append(d.ToolCalls, toolCallDoc(tc))
		}
		docs = append(docs, d)
	}
	_, err := s.db.Mongo.Collection("conversations").UpdateOne(ctx, bson.D{{Key: "_id", Value: conversationID(k)}}, bson.D{
		{Key: "$push", Value: bson.D{{Key: "messages", Value: bson.D{{Key: "$each", Value: docs}}}}},
		{Key: "$set", Value: bson.D{{Key: "updated_at", Value: store.Trunc(at)}}},
		{Key: "$setOnInsert", Value: bson.D{{Key: "workspace_id", Value: k.WorkspaceID}, {Key: "channel", Value: k.Channel},
			{Key: "thread", Value: k.Thread}, {Key: "created_at", Value: store.Trunc(at)}}},
	}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("agents: append messages: %w", err)
	}
	return nil
}

func (s *mongoStore) Messages(ctx context.Context, k ConversationKey, limit int) ([]llm.Message, error) {
	defer s.db.Observe("agents.messages")()
	var d conversationDoc
	err := s.db.Mongo.Collection("conversations").FindOne(ctx, bson.D{{Key: "_id", Value: conversationID(k)}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("agents: messages: %w", err)
	}
	if limit > 0 && len(d.Messages) > limit {
		d.Messages = d.Messages[len(d.Messages)-limit:]
	}
	out := make([]llm.Message, 0, len(d.Messages))
	for _, m := range d.Messages {
		msg := llm.Message{Role: llm.Role(m.Role), Content: m.Content, ToolCallID: m.ToolCallID, Name: m.Name}
		for _, tc := range m.ToolCalls {
			msg.ToolCalls = append(msg.ToolCalls, llm.ToolCall(tc))
		}
		out = append(out, msg)
	}
	return out, nil
}

type eventDoc struct {
	ID               string    `bson:"_id"`
	WorkspaceID      string    `bson:"workspace_id"`
	Channel          string    `bson:"channel"`
	Thread           string    `bson:"thread"`
	UserID           string    `bson:"user_id"`
	Kind             string    `bson:"kind"`
	Tool             string    `bson:"tool"`
	ArgsDigest       string    `bson:"args_digest"`
	Outcome          string    `bson:"outcome"`
	Error            string    `bson:"error"`
	DurationMS       int64     `bson:"duration_ms"`
	PromptTokens     int       `bson:"prompt_tokens"`
	CompletionTokens int       `bson:"completion_tokens"`
	CreatedAt        time.Time `bson:"created_at"`
}

func (s *mongoStore) RecordEvent(ctx context.Context, e Event) error {
	defer s.db.Observe("agents.record_event")()
	_, err := s.db.Mongo.Collection("agent_events").InsertOne(ctx, eventDoc{ID: e.ID, WorkspaceID: e.WorkspaceID, Channel: e.Channel, Thread: e.Thread,
		UserID: e.UserID, Kind: e.Kind, Tool: e.Tool, ArgsDigest: e.ArgsDigest, Outcome: e.Outcome, Error: e.Error, DurationMS: e.Duration.Milliseconds(),
		PromptTokens: e.PromptTokens, CompletionTokens: e.CompletionTokens, CreatedAt: store.Trunc(e.CreatedAt)})
	if err != nil {
		return fmt.Errorf("agents: record event: %w", err)
	}
	return nil
}

func (s *mongoStore) Events(ctx context.Context, workspaceID string, limit int) ([]Event, error) {
	defer s.db.Observe("agents.events")()
	cur, err := s.db.Mongo.Collection("agent_events").Find(ctx, bson.D{{Key: "workspace_id", Value: workspaceID}},
		options.Find().SetSort(bson.D{{Key: "created_at", Value: -1}, {Key: "_id", Value: -1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, fmt.Errorf("agents: events: %w", err)
	}
	var docs []eventDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("agents: events: %w", err)
	}
	out := make([]Event, 0, len(docs))
	for _, d := range docs {
		out = append(out, Event{ID: d.ID, WorkspaceID: d.WorkspaceID, Channel: d.Channel, Thread: d.Thread, UserID: d.UserID, Kind: d.Kind,
			Tool: d.Tool, ArgsDigest: d.ArgsDigest, Outcome: d.Outcome, Error: d.Error, Duration: time.Duration(d.DurationMS) * time.Millisecond,
			PromptTokens: d.PromptTokens, CompletionTokens: d.CompletionTokens, CreatedAt: d.CreatedAt.UTC()})
	}
	return out, nil
}

// Usage adds the figures up here: FerretDB's $group answers 0 for a $sum
// of a field (measured), and one workspace's model calls are few.
func (s *mongoStore) Usage(ctx context.Context, workspaceID string, since time.Time) (Usage, error) {
	defer s.db.Observe("agents.usage")()
	cur, err := s.db.Mongo.Collection("agent_events").Find(ctx, bson.D{{Key: "workspace_id", Value: workspaceID}, {Key: "kind", Value: "model"},
		{Key: "created_at", Value: bson.D{{Key: "$gte", Value: store.Trunc(since)}}}},
		options.Find().SetProjection(bson.D{{Key: "prompt_tokens", Value: 1}, {Key: "completion_tokens", Value: 1}}))
	if err != nil {
		return Usage{}, fmt.Errorf("agents: usage: %w", err)
	}
	var rows []eventDoc
	if err := cur.All(ctx, &rows); err != nil {
		return Usage{}, fmt.Errorf("agents: usage: %w", err)
	}
	var u Usage
	for _, r := range rows {
		u.Calls++
		u.PromptTokens += r.PromptTokens
		u.CompletionTokens += r.CompletionTokens
	}
	return u, nil
}

type approvalDoc struct {
	ID          string    `bson:"_id"`
	WorkspaceID string    `bson:"workspace_id"`
	Channel     string    `bson:"channel"`
	Thread      string    `bson:"thread"`
	RequestedBy string    `bson:"requested_by"`
	Tool        string    `bson:"tool"`
	Args        string    `bson:"args"`
	Preview     string    `bson:"preview"`
	Status      string    `bson:"status"`
	DecidedBy   string    `bson:"decided_by"`
	Reason      string    `bson:"reason"`
	Result      string    `bson:"result"`
	Error       string    `bson:"error"`
	CreatedAt   time.Time `bson:"created_at"`
	DecidedAt   time.Time `bson:"decided_at"`
	FinishedAt  time.Time `bson:"finished_at"`
	Checks      string    `bson:"checks,omitempty"`
}

func (d approvalDoc) approval() (Approval, error) {
	checks, err := decodeChecks(d.Checks)
	return Approval{Checks: checks, ID: d.ID, WorkspaceID: d.WorkspaceID, Channel: d.Channel, Thread: d.Thread, RequestedBy: d.RequestedBy, Tool: d.Tool,
		Args: rawJSON(d.Args), Preview: d.Preview, Status: ApprovalStatus(d.Status), DecidedBy: d.DecidedBy, Reason: d.Reason,
		Result: rawJSON(d.Result), Error: d.Error, CreatedAt: utc(d.CreatedAt), DecidedAt: utc(d.DecidedAt), FinishedAt: utc(d.FinishedAt)}, err
}

// utc normalises a decoded date; the zero time stays zero.
func utc(t time.Time) time.Time {
	if t.IsZero() || t.Unix() == (time.Time{}).Unix() {
		return time.Time{}
	}
	return t.UTC()
}

func (s *mongoStore) approvals() *mongo.Collection { return s.db.Mongo.Collection("approval_requests") }

func (s *mongoStore) CreateApproval(ctx context.Context, a Approval) error {
	defer s.db.Observe("agents.create_approval")()
	checks, err := a.Checks.encode()
	if err != nil {
		return fmt.Errorf("agents: create approval: %w", err)
	}
	_, err = s.approvals().InsertOne(ctx, approvalDoc{ID: a.ID, WorkspaceID: a.WorkspaceID, Channel: a.Channel, Thread: a.Thread,
		RequestedBy: a.RequestedBy, Tool: a.Tool, Args: string(a.Args), Preview: a.Preview, Status: string(a.Status), CreatedAt: store.Trunc(a.CreatedAt),
		Checks: checks})
	if err != nil {
		return fmt.Errorf("agents: create approval: %w", err)
	}
	return nil
}

func (s *mongoStore) GetApproval(ctx context.Context, workspaceID, id string) (Approval, error) {
	defer s.db.Observe("agents.get_approval")()
	var d approvalDoc
	err := s.approvals().FindOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "workspace_id", Value: workspaceID}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Approval{}, fmt.Errorf("agents: approval %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Approval{}, fmt.Errorf("agents: get approval %s: %w", id, err)
	}
	return d.approval()
}

func (s *mongoStore) ListApprovals(ctx context.Context, workspaceID string, status ApprovalStatus, limit int) ([]Approval, error) {
	defer s.db.Observe("agents.list_approvals")()
	filter := bson.D{{Key: "workspace_id", Value: workspaceID}}
	if status != "" {
		filter = append(filter, bson.E{Key: "status", Value: string(status)})
	}
	cur, err := s.approvals().Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "created_at", Value: -1}, {Key: "_id", Value: -1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, fmt.Errorf("agents: list approvals: %w", err)
	}
	var docs []approvalDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("agents: list approvals: %w", err)
	}
	out := make([]Approval, 0, len(docs))
	for _, d := range docs {
		a, err := d.approval()
		if err != nil {
			return nil, fmt.Errorf("agents: list approvals: %w", err)
		}
		out = append(out, a)
	}
	return out, nil
}

// ClaimApproval wins the decision by inserting approval_claims/{id}: an
// insert with a fixed _id is atomic on MongoDB and on FerretDB alike, where
// a conditional findOneAndUpdate is not.
func (s *mongoStore) ClaimApproval(ctx context.Context, workspaceID, id string, status ApprovalStatus, by, reason string, at time.Time) (Approval, bool, error) {
	defer s.db.Observe("agents.claim_approval")()
	cur, err := s.GetApproval(ctx, workspaceID, id)
	if err != nil || (cur.Status != ApprovalPending && (cur.Status != ApprovalAsking || status != ApprovalRejected)) {
		return cur, false, err
	}
	_, err = s.db.Mongo.Collection("approval_claims").InsertOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "workspace_id", Value: workspaceID},
		{Key: "by", Value: by}, {Key: "status", Value: string(status)}, {Key: "at", Value: store.Trunc(at)}})
	if mongo.IsDuplicateKeyError(err) {
		return cur, false, nil
	}
	if err != nil {
		return Approval{}, false, fmt.Errorf("agents: claim approval %s: %w", id, err)
	}
	if _, err := s.approvals().UpdateOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "workspace_id", Value: workspaceID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: string(status)}, {Key: "decided_by", Value: by}, {Key: "reason", Value: reason},
			{Key: "decided_at", Value: store.Trunc(at)}}}}); err != nil {
		return Approval{}, false, fmt.Errorf("agents: claim approval %s: %w", id, err)
	}
	cur.Status, cur.DecidedBy, cur.Reason, cur.DecidedAt = status, by, reason, store.Trunc(at)
	return cur, true, nil
}

func (s *mongoStore) AnswerApproval(ctx context.Context, workspaceID, id string, prev json.RawMessage, next Approval) (bool, error) {
	defer s.db.Observe("agents.answer_approval")()
	checks, err := next.Checks.encode()
	if err != nil {
		return false, fmt.Errorf("agents: answer approval %s: %w", id, err)
	}
	res, err := s.approvals().UpdateOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "workspace_id", Value: workspaceID},
		{Key: "status", Value: string(ApprovalAsking)}, {Key: "args", Value: string(prev)}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "args", Value: string(next.Args)}, {Key: "preview", Value: next.Preview},
			{Key: "status", Value: string(next.Status)}, {Key: "checks", Value: checks}}}})
	if err != nil {
		return false, fmt.Errorf("agents: answer approval %s: %w", id, err)
	}
	return res.ModifiedCount == 1, nil
}

func (s *mongoStore) FinishApproval(ctx context.Context, workspaceID, id string, status ApprovalStatus, result json.RawMessage, errText string, at time.Time) error {
	defer s.db.Observe("agents.finish_approval")()
	res, err := s.approvals().UpdateOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "workspace_id", Value: workspaceID}, {Key: "status", Value: string(ApprovalRunning)}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: string(status)}, {Key: "result", Value: string(result)}, {Key: "error", Value: errText},
			{Key: "finished_at", Value: store.Trunc(at)}}}})
	if err != nil {
		return fmt.Errorf("agents: finish approval %s: %w", id, err)
	}
	if res.MatchedCount != 1 {
		return fmt.Errorf("agents: finish approval %s: not running: %w", id, ErrNotFound)
	}
	return nil
}

// AbandonApprovals finds the cut-off claims, then fails each one still
// running: of two replicas sweeping at once, each approval goes to one.
func (s *mongoStore) AbandonApprovals(ctx context.Context, before time.Time, errText string, at time.Time) ([]Approval, error) {
	defer s.db.Observe("agents.abandon_approvals")()
	running := bson.D{{Key: "status", Value: string(ApprovalRunning)}, {Key: "decided_at", Value: bson.D{{Key: "$lt", Value: store.Trunc(before)}}}}
	cur, err := s.approvals().Find(ctx, running, options.Find().SetProjection(bson.D{{Key: "workspace_id", Value: 1}, {Key: "args", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("agents: abandon approvals: %w", err)
	}
	var docs []approvalDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("agents: abandon approvals: %w", err)
	}
	var out []Approval
	for _, d := range docs {
		res, err := s.approvals().UpdateOne(ctx, append(bson.D{{Key: "_id", Value: d.ID}, {Key: "workspace_id", Value: d.WorkspaceID}}, running...),
			bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: string(ApprovalFailed)}, {Key: "error", Value: errText}, {Key: "finished_at", Value: store.Trunc(at)}}}})
		if err != nil {
			return out, fmt.Errorf("agents: abandon approval %s: %w", d.ID, err)
		}
		if res.ModifiedCount == 1 {
			out = append(out, Approval{ID: d.ID, WorkspaceID: d.WorkspaceID, Args: rawJSON(d.Args)})
		}
	}
	return out, nil
}

func (s *mongoStore) ConversationWorkspaces(ctx context.Context, before time.Time) ([]string, error) {
	defer s.db.Observe("agents.conversation_workspaces")()
	// A find of the one field, not distinct: FerretDB's distinct answer
	// does not decode with the v2 driver.
	cur, err := s.db.Mongo.Collection("conversations").Find(ctx, bson.D{{Key: "created_at", Value: bson.D{{Key: "$lt", Value: store.Trunc(before)}}}},
		options.Find().SetProjection(bson.D{{Key: "workspace_id", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("agents: conversation workspaces: %w", err)
	}
	var docs []struct {
		WorkspaceID string `bson:"workspace_id"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("agents: conversation workspaces: %w", err)
	}
	out := make([]string, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.WorkspaceID)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// ForgetConversations deletes the conversations wholly older than before,
// then rewrites those that began before it with their newer messages only;
// one appended to meanwhile is left for the next run.
func (s *mongoStore) ForgetConversations(ctx context.Context, workspaceID string, before time.Time) (int64, error) {
	defer s.db.Observe("agents.forget_conversations")()
	coll := s.db.Mongo.Collection("conversations")
	cut := store.Trunc(before)
	res, err := coll.DeleteMany(ctx, bson.D{{Key: "workspace_id", Value: workspaceID}, {Key: "updated_at", Value: bson.D{{Key: "$lt", Value: cut}}}})
	if err != nil {
		return 0, fmt.Errorf("agents: forget conversations: %w", err)
	}
	n := res.DeletedCount
	cur, err := coll.Find(ctx, bson.D{{Key: "workspace_id", Value: workspaceID}, {Key: "created_at", Value: bson.D{{Key: "$lt", Value: cut}}}})
	if err != nil {
		return n, fmt.Errorf("agents: forget conversations: %w", err)
	}
	var docs []conversationDoc
	if err := cur.All(ctx, &docs); err != nil {
		return n, fmt.Errorf("agents: forget conversations: %w", err)
	}
	for _, d := range docs {
		kept := make([]messageDoc, 0, len(d.Messages))
		for _, m := range d.Messages {
			if !m.At.IsZero() && !m.At.Before(cut) {
				kept = append(kept, m)
			}
		}
		oldest := d.UpdatedAt
		if len(kept) > 0 {
			oldest = kept[0].At
		}
		res, err := coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: d.ID}, {Key: "workspace_id", Value: workspaceID}, {Key: "updated_at", Value: d.UpdatedAt}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "messages", Value: kept}, {Key: "created_at", Value: oldest}}}})
		if err != nil {
			return n, fmt.Errorf("agents: forget conversations: %w", err)
		}
		n += res.MatchedCount
	}
	return n, nil
}
