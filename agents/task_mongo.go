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

	"github.com/marketingminds/marketingminds/integrations/store"
)

type mongoTasks struct{ db *store.DB }

func (s *mongoTasks) coll() *mongo.Collection { return s.db.Mongo.Collection("agent_tasks") }

type taskDoc struct {
	ID            string    `bson:"_id"`
	WorkspaceID   string    `bson:"workspace_id"`
	Channel       string    `bson:"channel"`
	Thread        string    `bson:"thread"`
	UserID        string    `bson:"user_id"`
	Text          string    `bson:"text"`
	Status        string    `bson:"status"`
	Answer        string    `bson:"answer"`
	Steps         string    `bson:"steps"`     // JSON []TaskStep (opaque)
	Approvals     string    `bson:"approvals"` // JSON []TaskApproval (opaque)
	Results       string    `bson:"results"`
	StopRequested bool      `bson:"stop_requested"`
	CreatedAt     time.Time `bson:"created_at"`
	UpdatedAt     time.Time `bson:"updated_at"`
}

func (d taskDoc) task() (Task, error) {
	t := Task{ID: d.ID, WorkspaceID: d.WorkspaceID, Channel: d.Channel, Thread: d.Thread, UserID: d.UserID, Text: d.Text,
		Status: TaskStatus(d.Status), Answer: d.Answer, CreatedAt: d.CreatedAt.UTC(), UpdatedAt: d.UpdatedAt.UTC()}
	if d.Results != "" {
		t.Results = json.RawMessage(d.Results)
	}
	if err := json.Unmarshal([]byte(d.Steps), &t.Steps); err != nil {
		return Task{}, err
	}
	if err := json.Unmarshal([]byte(d.Approvals), &t.Approvals); err != nil {
		return Task{}, err
	}
	return t, nil
}

func (s *mongoTasks) CreateTask(ctx context.Context, t Task) error {
	defer s.db.Observe("agents.create_task")()
	steps, approvals, results, err := taskJSON(t)
	if err != nil {
		return fmt.Errorf("agents: create task: %w", err)
	}
	if _, err := s.coll().InsertOne(ctx, taskDoc{ID: t.ID, WorkspaceID: t.WorkspaceID, Channel: t.Channel, Thread: t.Thread, UserID: t.UserID,
		Text: t.Text, Status: string(t.Status), Answer: t.Answer, Steps: steps, Approvals: approvals, Results: results,
		CreatedAt: store.Trunc(t.CreatedAt), UpdatedAt: store.Trunc(t.UpdatedAt)}); err != nil {
		return fmt.Errorf("agents: create task: %w", err)
	}
	return nil
}

func (s *mongoTasks) SaveTask(ctx context.Context, t Task) (bool, error) {
	defer s.db.Observe("agents.save_task")()
	steps, approvals, results, err := taskJSON(t)
	if err != nil {
		return false, fmt.Errorf("agents: save task %s: %w", t.ID, err)
	}
	var d struct {
		StopRequested bool `bson:"stop_requested"`
	}
	err = s.coll().FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: t.ID}, {Key: "workspace_id", Value: t.WorkspaceID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: string(t.Status)}, {Key: "answer", Value: t.Answer}, {Key: "steps", Value: steps},
			{Key: "approvals", Value: approvals}, {Key: "results", Value: results}, {Key: "updated_at", Value: store.Trunc(t.UpdatedAt)}}}},
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, fmt.Errorf("agents: save task %s: %w", t.ID, ErrNotFound)
	}
	if err != nil {
		return false, fmt.Errorf("agents: save task %s: %w", t.ID, err)
	}
	return d.StopRequested, nil
}

func (s *mongoTasks) GetTask(ctx context.Context, workspaceID, id string) (Task, error) {
	defer s.db.Observe("agents.get_task")()
	var d taskDoc
	err := s.coll().FindOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "workspace_id", Value: workspaceID}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Task{}, fmt.Errorf("agents: task %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Task{}, fmt.Errorf("agents: task %s: %w", id, err)
	}
	t, err := d.task()
	if err != nil {
		return Task{}, fmt.Errorf("agents: task %s: %w", id, err)
	}
	return t, nil
}

func (s *mongoTasks) Tasks(ctx context.Context, k ConversationKey, limit int) ([]Task, error) {
	defer s.db.Observe("agents.tasks")()
	cur, err := s.coll().Find(ctx, bson.D{{Key: "workspace_id", Value: k.WorkspaceID}, {Key: "channel", Value: k.Channel}, {Key: "thread", Value: k.Thread}},
		options.Find().SetSort(bson.D{{Key: "created_at", Value: -1}, {Key: "_id", Value: -1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, fmt.Errorf("agents: tasks: %w", err)
	}
	var docs []taskDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("agents: tasks: %w", err)
	}
	out := make([]Task, 0, len(docs))
	for _, d := range docs {
		t, err := d.task()
		if err != nil {
			return nil, fmt.Errorf("agents: tasks: %w", err)
		}
		out = append(out, t)
	}
	slices.Reverse(out)
	return out, nil
}

func (s *mongoTasks) StopTask(ctx context.Context, workspaceID, id string) (bool, error) {
	defer s.db.Observe("agents.stop_task")()
	res, err := s.coll().UpdateOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "workspace_id", Value: workspaceID}, {Key: "status", Value: string(TaskRunning)}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "stop_requested", Value: true}}}})
	if err != nil {
		return false, fmt.Errorf("agents: stop task %s: %w", id, err)
	}
	return res.MatchedCount == 1, nil
}

func (s *mongoTasks) PurgeTasks(ctx context.Context, before time.Time) (int64, error) {
	defer s.db.Observe("agents.purge_tasks")()
	res, err := s.coll().DeleteMany(ctx, bson.D{{Key: "updated_at", Value: bson.D{{Key: "$lt", Value: store.Trunc(before)}}}})
	if err != nil {
		return 0, fmt.Errorf("agents: purge tasks: %w", err)
	}
	return res.DeletedCount, nil
}
