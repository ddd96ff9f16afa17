package agents

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
)

// TestTaskStore is the conformance suite of TaskStore, on SQLite and MongoDB.
func TestTaskStore(t *testing.T) {
	t.Parallel()
	storetest.Run(t, []store.Schema{TaskSchema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		st := NewTaskStore(db)
		k := ConversationKey{WorkspaceID: "T1", Channel: "web:s1", Thread: "s1"}
		task := func(id string, at time.Time) Task {
			return Task{ID: id, WorkspaceID: k.WorkspaceID, Channel: k.Channel, Thread: k.Thread, UserID: "U1", Text: "post hi " + id,
				Status: TaskRunning, CreatedAt: at, UpdatedAt: at}
		}
		for i, id := range []string{"a", "b", "c"} {
			if err := st.CreateTask(ctx, task(id, t0.Add(time.Duration(i)*time.Minute))); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.CreateTask(ctx, Task{ID: "x", WorkspaceID: "T2", Channel: k.Channel, Thread: k.Thread, UserID: "U9", Text: "other",
			Status: TaskRunning, CreatedAt: t0, UpdatedAt: t0}); err != nil {
			t.Fatal(err)
		}

		// The runner's saves: progress, approvals, then the end; the stop
		// flag comes back with each save.
		b := task("b", t0.Add(time.Minute))
		b.Answer, b.UpdatedAt = "Publishing…", t0.Add(2*time.Minute)
		b.Steps = []TaskStep{{Tool: "publish_post", Status: ProgressStarted, Text: "Publishing the post…"}}
		b.Approvals = []TaskApproval{{ID: "ap1", Preview: "Post “hi” to X"}}
		if stop, err := st.SaveTask(ctx, b); err != nil || stop {
			t.Fatalf("save = %v, %v", stop, err)
		}
		if ok, err := st.StopTask(ctx, "T2", "b"); err != nil || ok {
			t.Fatalf("another workspace stopped the task: %v, %v", ok, err)
		}
		if ok, err := st.StopTask(ctx, "T1", "b"); err != nil || !ok {
			t.Fatalf("stop = %v, %v", ok, err)
		}
		b.Status, b.Answer, b.Results = TaskDone, "Posted to X.", json.RawMessage(`[{"kind":"post"}]`)
		b.Steps[0].Status, b.Steps[0].Duration = ProgressDone, 1500*time.Millisecond
		b.UpdatedAt = t0.Add(3 * time.Minute)
		if stop, err := st.SaveTask(ctx, b); err != nil || !stop {
			t.Fatalf("save after stop = %v, %v; want the stop request", stop, err)
		}
		if ok, err := st.StopTask(ctx, "T1", "b"); err != nil || ok {
			t.Fatalf("stopping a finished task = %v, %v", ok, err)
		}
		got, err := st.GetTask(ctx, "T1", "b")
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != TaskDone || got.Answer != "Posted to X." || got.Text != "post hi b" || got.UserID != "U1" || len(got.Steps) != 1 ||
			got.Steps[0] != b.Steps[0] || len(got.Approvals) != 1 || got.Approvals[0] != b.Approvals[0] || string(got.Results) != `[{"kind":"post"}]` ||
			!got.CreatedAt.Equal(t0.Add(time.Minute)) || !got.UpdatedAt.Equal(t0.Add(3*time.Minute)) || got.Key() != k {
			t.Fatalf("task = %+v", got)
		}
		if _, err := st.GetTask(ctx, "T2", "b"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("another workspace's task: %v, want ErrNotFound", err)
		}
		if _, err := st.SaveTask(ctx, Task{ID: "b", WorkspaceID: "T2", Status: TaskFailed, UpdatedAt: t0}); !errors.Is(err, ErrNotFound) {
			t.Fatalf("save into another workspace: %v, want ErrNotFound", err)
		}

		list, err := st.Tasks(ctx, k, 2)
		if err != nil || len(list) != 2 || list[0].ID != "b" || list[1].ID != "c" || list[1].Steps != nil && len(list[1].Steps) != 0 {
			t.Fatalf("last 2 tasks = %+v, %v", list, err)
		}
		if list, err := st.Tasks(ctx, ConversationKey{WorkspaceID: "T1", Channel: "web:s2", Thread: "s2"}, 10); err != nil || len(list) != 0 {
			t.Fatalf("another conversation's tasks = %+v, %v", list, err)
		}

		// Purge: what was untouched since before goes, in every workspace.
		n, err := st.PurgeTasks(ctx, t0.Add(90*time.Second))
		if err != nil || n != 2 {
			t.Fatalf("purge = %d, %v; want 2 (a of T1, x of T2)", n, err)
		}
		if list, err := st.Tasks(ctx, k, 10); err != nil || len(list) != 2 || list[0].ID != "b" {
			t.Fatalf("after the purge = %+v, %v", list, err)
		}
	})
}
