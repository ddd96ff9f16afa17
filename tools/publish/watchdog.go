package publish

import (
	"context"
	"sync"
	"time"
)

// DefaultWatchdog is how far ahead an inline run keeps its deliveries' jobs:
// the scheduler's default lease, so a delivery cut off by a crash settles
// as soon as a scheduled one whose lease lapsed.
const DefaultWatchdog = 30 * time.Second

// keeper holds the delivery jobs of an inline run (PublishNow, Retry,
// PublishAnyway) a Watchdog ahead, every Watchdog/3, the way the scheduler
// renews the lease of a job it runs. If the process dies, each job fires
// within Watchdog of the last renewal and its run settles the delivery:
// sends it if it never started, reconciles it if it did.
type keeper struct {
	s    *Service
	mu   sync.Mutex
	held map[string]Delivery // by delivery id, until released
	stop chan struct{}
	done chan struct{}
}

// keep starts holding the jobs of ds; close stops it.
func (s *Service) keep(ctx context.Context, ds []Delivery) *keeper {
	k := &keeper{s: s, held: make(map[string]Delivery, len(ds)), stop: make(chan struct{}), done: make(chan struct{})}
	for _, d := range ds {
		k.held[d.ID] = d
	}
	go k.run(context.WithoutCancel(ctx))
	return k
}

func (k *keeper) run(ctx context.Context) {
	defer close(k.done)
	t := time.NewTicker(k.s.cfg.Watchdog / 3)
	defer t.Stop()
	for {
		select {
		case <-k.stop:
			return
		case <-t.C:
		}
		k.renew(ctx)
	}
}

// renew moves every held job a Watchdog ahead. It holds the lock while it
// writes, so a job released meanwhile is not moved after its hand-over.
func (k *keeper) renew(ctx context.Context) {
	k.mu.Lock()
	defer k.mu.Unlock()
	at := k.s.now().Add(k.s.cfg.Watchdog)
	for _, d := range k.held {
		if err := k.s.cfg.Jobs.MoveJob(ctx, d.WorkspaceID, d.JobID, at); err != nil {
			k.s.log.Debug().Err(err).Str("delivery", d.ID).Str("job", d.JobID).Msg("publish: keep delivery job ahead")
		}
	}
}

// release stops holding d's job: its inline attempt is over and the
// hand-over decides when the job runs.
func (k *keeper) release(id string) {
	k.mu.Lock()
	delete(k.held, id)
	k.mu.Unlock()
}

func (k *keeper) close() {
	close(k.stop)
	<-k.done
}
