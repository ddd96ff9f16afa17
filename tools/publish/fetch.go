package publish

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// batchReader is a Store that reads many deliveries in one query.
type batchReader interface {
	// GetDeliveries returns the deliveries among ids that exist, in any order.
	GetDeliveries(ctx context.Context, ids []string) ([]Delivery, error)
}

// fetcher coalesces delivery reads as committer coalesces writes: a reader
// that finds nobody reading becomes the reader and reads everything queued,
// batch after batch, in one query each; readers arriving meanwhile wait for
// their batch. A read queued while a batch is in flight waits for the next
// one, so it never answers with a row read before it was asked for. A burst
// of deliveries claimed together reads their rows in a few queries instead
// of one each.
type fetcher struct {
	store    batchReader
	maxBatch int

	mu      sync.Mutex
	queue   []*fetch
	running bool
}

type fetch struct {
	workspaceID, id string
	d               Delivery
	err             error
	done            chan struct{}
}

func (f *fetcher) get(ctx context.Context, workspaceID, id string) (Delivery, error) {
	r := &fetch{workspaceID: workspaceID, id: id, done: make(chan struct{})}
	f.mu.Lock()
	f.queue = append(f.queue, r)
	if f.running {
		f.mu.Unlock()
		select {
		case <-r.done:
			return r.d, r.err
		case <-ctx.Done():
			return Delivery{}, ctx.Err()
		}
	}
	f.running = true
	f.mu.Unlock()
	f.drain(context.WithoutCancel(ctx))
	<-r.done
	return r.d, r.err
}

func (f *fetcher) drain(ctx context.Context) {
	for {
		f.mu.Lock()
		n := min(len(f.queue), f.maxBatch)
		if n == 0 {
			f.running = false
			f.mu.Unlock()
			return
		}
		batch := f.queue[:n:n]
		f.queue = f.queue[n:]
		f.mu.Unlock()

		ids := make([]string, len(batch))
		for i, r := range batch {
			ids[i] = r.id
		}
		ds, err := f.store.GetDeliveries(ctx, ids)
		byID := make(map[string]Delivery, len(ds))
		for _, d := range ds {
			byID[d.ID] = d
		}
		for _, r := range batch {
			d, ok := byID[r.id]
			switch {
			case err != nil:
				r.err = err
			case !ok || d.WorkspaceID != r.workspaceID:
				r.err = fmt.Errorf("publish: delivery %s: %w", r.id, ErrNotFound)
			default:
				r.d = d
			}
			close(r.done)
		}
	}
}

// getDelivery reads one delivery, through the fetcher when the store reads
// in batches.
func (s *Service) getDelivery(ctx context.Context, workspaceID, id string) (Delivery, error) {
	if s.fetch == nil {
		return s.store.GetDelivery(ctx, workspaceID, id)
	}
	return s.fetch.get(ctx, workspaceID, id)
}

func (s *sqliteStore) GetDeliveries(ctx context.Context, ids []string) ([]Delivery, error) {
	defer s.db.Observe("publish.get_deliveries")()
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.db.SQLRead.QueryContext(ctx, `SELECT `+deliveryColumns+` FROM social_post_deliveries
		WHERE id IN (?`+strings.Repeat(", ?", len(ids)-1)+`)`, args...)
	if err != nil {
		return nil, wrapf(err, "get deliveries")
	}
	defer rows.Close()
	out := make([]Delivery, 0, len(ids))
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, wrapf(err, "get deliveries")
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, wrapf(err, "get deliveries")
	}
	return out, nil
}

func (s *mongoStore) GetDeliveries(ctx context.Context, ids []string) ([]Delivery, error) {
	defer s.db.Observe("publish.get_deliveries")()
	if len(ids) == 0 {
		return nil, nil
	}
	cur, err := s.deliveries().Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}})
	if err != nil {
		return nil, wrapf(err, "get deliveries")
	}
	var docs []deliveryDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, wrapf(err, "get deliveries")
	}
	out := make([]Delivery, len(docs))
	for i := range docs {
		out[i] = docs[i].delivery()
	}
	return out, nil
}
