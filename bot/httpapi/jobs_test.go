package httpapi

import (
	"context"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/schedule"
)

func setupJobs(t *testing.T) (*fixture, *schedule.Scheduler) {
	t.Helper()
	db := storetest.Open(t, store.SQLite, schedule.Schema)
	reg := schedule.NewRegistry()
	for _, k := range []string{"publish", "email"} {
		if err := reg.Register(k, func(context.Context, *schedule.Job) error { return nil }, schedule.KindOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	sch, err := schedule.New(db, reg, schedule.Options{Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.RegisterRecurring("token_refresh", "0 */6 * * *", func(context.Context) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if err := sch.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sch.Stop(context.Background()) })
	f := setup(t, nil, func(d *Deps) { d.Jobs = sch })
	return f, sch
}

func TestJobsAPI(t *testing.T) {
	f, sch := setupJobs(t)
	ctx := context.Background()
	later := time.Now().Add(time.Hour)
	ids, err := sch.Enqueue(ctx,
		schedule.NewJob{WorkspaceID: "T1", Kind: "publish", RunAt: later, CreatedBy: "U-editor", Args: map[string]string{"post_id": "p1"}},
		schedule.NewJob{WorkspaceID: "T1", Kind: "email", RunAt: later, CreatedBy: "U-editor"},
		schedule.NewJob{WorkspaceID: "T1", Kind: "publish", RunAt: later, CreatedBy: "U-admin"},
		schedule.NewJob{WorkspaceID: "T2", Kind: "publish", RunAt: later, CreatedBy: "U-editor"})
	if err != nil {
		t.Fatal(err)
	}
	editor, viewer, admin := "Bearer "+f.tokens[identity.Editor], "Bearer "+f.tokens[identity.Viewer], "Bearer "+f.tokens[identity.Admin]

	resp, body := f.do(t, "GET", "/api/jobs/status/"+ids[0], viewer, nil)
	job, _ := body["job"].(map[string]any)
	if resp.StatusCode != 200 || body["success"] != true || job["id"] != ids[0] || job["type"] != "publish" ||
		job["status"] != "pending" || job["attempts"] != float64(0) || job["run_at"] == nil || job["last_error"] != "" {
		t.Fatalf("status: %d %v", resp.StatusCode, body)
	}
	if resp, _ := f.do(t, "GET", "/api/jobs/status/"+ids[3], viewer, nil); resp.StatusCode != 404 {
		t.Fatalf("another workspace's job: %d, want 404", resp.StatusCode)
	}

	for _, c := range []struct {
		query string
		want  int
	}{{"", 2}, {"?job_type=email", 1}, {"?status=pending", 2}, {"?status=completed", 0}, {"?limit=1", 1}} {
		resp, body := f.do(t, "GET", "/api/jobs/user"+c.query, editor, nil)
		jobs, _ := body["jobs"].([]any)
		if resp.StatusCode != 200 || len(jobs) != c.want {
			t.Errorf("user jobs%s: %d, %d jobs, want %d: %v", c.query, resp.StatusCode, len(jobs), c.want, body)
		}
	}
	for _, q := range []string{"?status=done", "?limit=0", "?cursor=x"} {
		if resp, body := f.do(t, "GET", "/api/jobs/user"+q, editor, nil); resp.StatusCode != 400 {
			t.Errorf("user jobs%s: %d %v, want 400", q, resp.StatusCode, body)
		}
	}

	for _, c := range []struct {
		auth, id string
		want     int
	}{
		{viewer, ids[0], 403}, {editor, ids[3], 404}, {editor, "nope", 404},
		{editor, ids[0], 200}, {editor, ids[0], 409},
	} {
		if resp, body := f.do(t, "DELETE", "/api/jobs/"+c.id, c.auth, nil); resp.StatusCode != c.want {
			t.Errorf("delete %s: %d %v, want %d", c.id, resp.StatusCode, body, c.want)
		}
	}
	if j, _ := sch.Get(ctx, "T1", ids[0]); j.Status != schedule.StatusCancelled {
		t.Fatalf("after delete the job is %s", j.Status)
	}

	resp, body = f.do(t, "GET", "/api/jobs/scheduler/status", viewer, nil)
	stats, _ := body["statistics"].(map[string]any)
	jobs, _ := body["jobs"].([]any)
	if resp.StatusCode != 200 || body["is_running"] != true || stats["pending"] != float64(2) || stats["cancelled"] != float64(1) ||
		stats["completed"] != float64(0) || len(jobs) != 1 {
		t.Fatalf("scheduler status: %d %v", resp.StatusCode, body)
	}
	if rj := jobs[0].(map[string]any); rj["name"] != "token_refresh" || rj["id"] == nil || rj["next_run_time"] == nil {
		t.Fatalf("recurring job: %v", rj)
	}

	if resp, _ := f.do(t, "POST", "/api/jobs/scheduler/stop", editor, nil); resp.StatusCode != 403 {
		t.Fatalf("stop by an editor: %d, want 403", resp.StatusCode)
	}
	if resp, body := f.do(t, "POST", "/api/jobs/scheduler/stop", admin, nil); resp.StatusCode != 200 || body["is_running"] != false {
		t.Fatalf("stop: %d %v", resp.StatusCode, body)
	}
	if p, _ := sch.Paused(ctx); !p {
		t.Fatal("stop did not pause the scheduler")
	}
	if _, body := f.do(t, "GET", "/api/jobs/scheduler/status", viewer, nil); body["is_running"] != false {
		t.Fatalf("status while paused: %v", body)
	}
	if resp, _ := f.do(t, "POST", "/api/jobs/scheduler/start", admin, nil); resp.StatusCode != 200 {
		t.Fatalf("start: %d", resp.StatusCode)
	}
	if p, _ := sch.Paused(ctx); p {
		t.Fatal("start did not resume the scheduler")
	}
}
