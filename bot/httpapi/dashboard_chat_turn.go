package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/bot/present"
	"github.com/marketingminds/marketingminds/integrations/store"
)

// ChatTurns keeps the web chat's turns as they run (agents.TaskStore), so a
// reload, or another replica, shows them.
type ChatTurns interface {
	CreateTask(ctx context.Context, t agents.Task) error
	SaveTask(ctx context.Context, t agents.Task) (stop bool, err error)
	GetTask(ctx context.Context, workspaceID, id string) (agents.Task, error)
	Tasks(ctx context.Context, k agents.ConversationKey, limit int) ([]agents.Task, error)
	StopTask(ctx context.Context, workspaceID, id string) (bool, error)
}

const (
	// turnBound bounds one web chat turn, wherever its request went.
	turnBound = 15 * time.Minute
	// turnSave is how often a running turn's changes are written; a turn
	// unchanged for turnHeartbeat is written anyway, so a turn silent for
	// turnStale (its replica died) reads as interrupted.
	turnSave      = 300 * time.Millisecond
	turnHeartbeat = 2 * time.Second
	turnStale     = 30 * time.Second
)

// Words of a turn that ended without the orchestrator's own.
const (
	turnTooLong     = "This took longer than 15 minutes, so I stopped. Ask again with a narrower request."
	turnStopped     = "Stopped, as you asked. What was done before the stop stays done."
	turnNoAnswer    = "The assistant could not answer; try again shortly."
	turnInterrupted = "This answer was interrupted (the server restarted). Ask again."
)

// chatRunner runs the web chat's turns apart from the requests that start
// them, and can stop the ones running in this process at once.
type chatRunner struct {
	present *present.Registry
	wg      sync.WaitGroup
	closing atomic.Bool
	mu      sync.Mutex
	cancels map[string]context.CancelFunc
}

func newChatRunner(r *present.Registry) *chatRunner {
	if r == nil {
		r = present.New()
	}
	return &chatRunner{present: r, cancels: map[string]context.CancelFunc{}}
}

// StopTurns ends the web chat's turns running in this process, each saved
// as interrupted, and waits for them until ctx ends: what serve does after
// the HTTP server shut down.
func (s *Server) StopTurns(ctx context.Context) error {
	s.chat.closing.Store(true)
	s.chat.mu.Lock()
	for _, cancel := range s.chat.cancels {
		cancel()
	}
	s.chat.mu.Unlock()
	done := make(chan struct{})
	go func() { s.chat.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("httpapi: stop the web chat's turns: %w", ctx.Err())
	}
}

func (c *chatRunner) stop(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cancel, ok := c.cancels[id]; ok {
		cancel()
	}
}

// startTurn saves the turn as running and runs it in the background with
// its own bound: the request that started it may end at once.
func (s *Server) startTurn(ctx context.Context, v *view, text string) (agents.Task, error) {
	now := s.deps.Now().UTC()
	t := agents.Task{ID: store.NewID(), WorkspaceID: v.Caller.WorkspaceID, Channel: chatChannel(v), Thread: v.session, UserID: v.Caller.UserID,
		Text: text, Status: agents.TaskRunning, CreatedAt: now, UpdatedAt: now}
	if err := s.deps.Turns.CreateTask(ctx, t); err != nil {
		return agents.Task{}, err
	}
	tctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), turnBound)
	s.chat.mu.Lock()
	s.chat.cancels[t.ID] = cancel
	s.chat.mu.Unlock()
	turn := agents.Turn{Caller: v.Caller, Channel: t.Channel, Thread: t.Thread, Text: text}
	s.chat.wg.Add(1)
	go func() {
		defer s.chat.wg.Done()
		defer func() {
			s.chat.mu.Lock()
			delete(s.chat.cancels, t.ID)
			s.chat.mu.Unlock()
			cancel()
		}()
		s.runTurn(tctx, cancel, turn, t, s.webEnv(tctx, v))
	}()
	return t, nil
}

// runTurn runs the orchestrator with a sink that records the turn, and
// writes the record while it changes, until the turn ends.
func (s *Server) runTurn(ctx context.Context, cancel context.CancelFunc, turn agents.Turn, t agents.Task, env present.Env) {
	log := zerolog.Ctx(ctx).With().Str("turn", t.ID).Logger()
	rec := &turnRecorder{task: t, present: s.chat.present, env: env, now: s.deps.Now, closing: &s.chat.closing}
	done := make(chan struct{})
	go func() {
		defer close(done)
		reply, err := s.deps.Agent.Run(ctx, turn, rec)
		rec.finish(ctx, reply, err, log)
	}()
	tick := time.NewTicker(turnSave)
	defer tick.Stop()
	last := s.deps.Now()
	for {
		select {
		case <-done:
			t := rec.snapshot()
			t.UpdatedAt = s.deps.Now().UTC()
			sctx, scancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			if _, err := s.deps.Turns.SaveTask(sctx, t); err != nil {
				log.Error().Err(err).Msg("dashboard: chat: save the finished turn")
			}
			scancel()
			return
		case <-tick.C:
		}
		if !rec.dirty() && s.deps.Now().Sub(last) < turnHeartbeat {
			continue
		}
		t := rec.snapshot()
		t.UpdatedAt, last = s.deps.Now().UTC(), s.deps.Now()
		stop, err := s.deps.Turns.SaveTask(ctx, t)
		if err != nil && ctx.Err() == nil {
			log.Warn().Err(err).Msg("dashboard: chat: save the turn's progress")
		}
		if stop {
			rec.markStopped()
			cancel()
		}
	}
}

// turnRecorder is the turn's agents.Sink: it keeps the task up to date.
type turnRecorder struct {
	present *present.Registry
	env     present.Env
	now     func() time.Time
	closing *atomic.Bool

	mu      sync.Mutex
	task    agents.Task
	results []turnResult
	isDirty bool
	stopped bool
}

// turnResult is a tool's typed result as the web shows it, rendered when it
// came (in the zone of the person who asked), so any replica can show it.
type turnResult struct {
	HTML template.HTML `json:"html"`
	// Actionable: shown even when the model wrote about the results.
	Actionable bool `json:"actionable,omitempty"`
}

func (r *turnRecorder) update(f func(t *agents.Task)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f(&r.task)
	r.isDirty = true
}

func (r *turnRecorder) snapshot() agents.Task {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.isDirty = false
	t := r.task
	t.Steps = append([]agents.TaskStep(nil), t.Steps...)
	t.Approvals = append([]agents.TaskApproval(nil), t.Approvals...)
	return t
}

func (r *turnRecorder) dirty() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.isDirty
}

func (r *turnRecorder) markStopped() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stopped = true
}

// Delta streams the model's words.
func (r *turnRecorder) Delta(text string) { r.update(func(t *agents.Task) { t.Answer += text }) }

// Progress adds a tool's line, or updates it when the tool ends.
func (r *turnRecorder) Progress(p agents.Progress) {
	r.update(func(t *agents.Task) {
		step := agents.TaskStep{Tool: p.Tool, Status: p.Status, Text: p.Text, Duration: p.Duration}
		if p.Status != agents.ProgressStarted {
			for i := len(t.Steps) - 1; i >= 0; i-- {
				if t.Steps[i].Tool == p.Tool && t.Steps[i].Status == agents.ProgressStarted {
					t.Steps[i] = step
					return
				}
			}
		}
		t.Steps = append(t.Steps, step)
	})
}

// Result renders a tool's typed result for the web as it comes.
func (r *turnRecorder) Result(res agents.Result) {
	env := r.env
	env.Now = r.now()
	tr := turnResult{HTML: r.present.Web(env, res.Value), Actionable: r.present.Actionable(res.Value)}
	r.update(func(t *agents.Task) {
		r.results = append(r.results, tr)
		t.Results, _ = json.Marshal(r.results) // strings and a bool: cannot fail
	})
}

// Approval shows an action waiting for a person while the turn goes on.
func (r *turnRecorder) Approval(a agents.Approval) {
	r.update(func(t *agents.Task) { addApproval(t, a) })
}

// finish records how the turn ended, in the orchestrator's own words where
// it has some.
func (r *turnRecorder) finish(ctx context.Context, reply agents.Reply, err error, log zerolog.Logger) {
	r.update(func(t *agents.Task) {
		for _, a := range reply.Approvals {
			addApproval(t, a)
		}
		t.Status, t.Answer = agents.TaskDone, reply.Text
		if err == nil {
			return
		}
		t.Status = agents.TaskFailed
		switch {
		case r.closing.Load():
			t.Answer = turnInterrupted
		case r.stopped || errors.Is(ctx.Err(), context.Canceled):
			t.Status, t.Answer = agents.TaskStopped, turnStopped
		case errors.Is(ctx.Err(), context.DeadlineExceeded):
			t.Answer = turnTooLong
		case reply.Text == "":
			t.Answer = turnNoAnswer
		}
		if !errors.Is(err, agents.ErrMaxSteps) {
			log.Error().Err(err).Msg("dashboard: chat turn")
		}
	})
}

// addApproval lists a once.
func addApproval(t *agents.Task, a agents.Approval) {
	for _, have := range t.Approvals {
		if have.ID == a.ID {
			return
		}
	}
	t.Approvals = append(t.Approvals, agents.TaskApproval{ID: a.ID, Preview: a.Preview})
}
