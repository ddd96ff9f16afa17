package slack

import (
	"context"
	"sync"
)

// pool runs the work done after acknowledgements: a queue of at most depth
// tasks and at most max workers, started when work arrives and gone when
// the queue is empty. Past the queue's depth a task is refused at once (the
// caller says so) instead of piling up goroutines and store writes.
type pool struct {
	queue chan func(context.Context)
	max   int

	mu      sync.Mutex
	running int
}

func newPool(workers, depth int) *pool {
	return &pool{queue: make(chan func(context.Context), depth), max: workers}
}

// later queues fn to run after the ack, bounded by the door's context, and
// reports whether it was taken: false when the queue is full.
func (b *Bot) later(fn func(ctx context.Context)) bool {
	return b.run(b.work, fn)
}

// run queues fn on p.
func (b *Bot) run(p *pool, fn func(ctx context.Context)) bool {
	b.wait.Add(1)
	select {
	case p.queue <- fn:
	default:
		b.wait.Done()
		return false
	}
	p.mu.Lock()
	if p.running < p.max {
		p.running++
		go b.worker(p)
	}
	p.mu.Unlock()
	return true
}

// worker runs p's tasks until its queue is empty.
func (b *Bot) worker(p *pool) {
	for {
		select {
		case fn := <-p.queue:
			b.do(fn)
			continue
		default:
		}
		p.mu.Lock()
		if len(p.queue) == 0 { // a task queued after this check starts a worker itself
			p.running--
			p.mu.Unlock()
			return
		}
		p.mu.Unlock()
	}
}

func (b *Bot) do(fn func(context.Context)) {
	defer b.wait.Done()
	defer func() {
		if r := recover(); r != nil {
			b.log.Error().Interface("panic", r).Msg("slack: work after ack panicked")
		}
	}()
	fn(b.base)
}

// laterOrLog is later for work nobody waits on in Slack: a refusal is logged.
func (b *Bot) laterOrLog(what string, fn func(ctx context.Context)) {
	if !b.later(fn) {
		b.log.Warn().Int("queue", b.cfg.Queue).Msg("slack: too much work queued; " + what + " refused")
	}
}
