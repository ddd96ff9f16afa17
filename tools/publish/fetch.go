package publish

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// batchReader is a Store that reads many deliveries in one query.
type batchReader interface {
	// GetDeliveries returns the deliveries among ids that exist, in any order.
	GetDeliveries(ctx context.Context, ids []string) ([]Delivery, error)
}

// fetcher coalesces delivery reads (a batcher of GetDeliveries): a burst of
// deliveries claimed together reads its rows in a few queries instead of one
// each. Each caller gets a pointer into the batch's rows and copies its own.
type fetcher struct {
	b batcher[deliveryKey, *Delivery]
}

type deliveryKey struct{ workspaceID, id string }

func newFetcher(st batchReader, maxBatch int) *fetcher {
	run := func(ctx context.Context, keys []deliveryKey) []result[*Delivery] {
		ids := make([]string, len(keys))
		for i, k := range keys {
			ids[i] = k.id
		}
		ds, err := st.GetDeliveries(ctx, ids)
		if err != nil {
			return fill[*Delivery](len(keys), err)
		}
		byID := make(map[string]*Delivery, len(ds))
		for i := range ds {
			byID[ds[i].ID] = &ds[i]
		}
		out := make([]result[*Delivery], len(keys))
		for i, k := range keys {
			// The batch query is by id; the workspace is checked here.
			if d, ok := byID[k.id]; ok && d.WorkspaceID == k.workspaceID {
				out[i].val = d
			} else {
				out[i].err = fmt.Errorf("publish: delivery %s: %w", k.id, ErrNotFound)
			}
		}
		return out
	}
	return &fetcher{b: batcher[deliveryKey, *Delivery]{run: run, maxBatch: maxBatch, timeout: 30 * time.Second}}
}

func (f *fetcher) get(ctx context.Context, workspaceID, id string) (Delivery, error) {
	d, err := f.b.do(ctx, deliveryKey{workspaceID, id})
	if err != nil {
		return Delivery{}, err
	}
	return *d, nil
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
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, wrapf(err, "get deliveries")
	}
	rows, err := s.getMany.Query(ctx, string(list))
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
