package library

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/media"
)

// holdKey marks the context of the patch heldMedia holds.
type holdKey struct{}

// heldMedia is the media service with the first Use or Release of the
// held patch (its context carries holdKey) kept waiting until let go:
// that patch has written its item and not yet recorded its media.
type heldMedia struct {
	*media.Service
	once    sync.Once
	waiting chan struct{} // closed when the held call waits
	letGo   chan struct{} // closed by the test
}

func (h *heldMedia) hold(ctx context.Context) {
	if ctx.Value(holdKey{}) == nil {
		return
	}
	h.once.Do(func() {
		close(h.waiting)
		<-h.letGo
	})
}

// reached waits until the held patch, whose end first tells, waits.
func (h *heldMedia) reached(t *testing.T, first <-chan error) {
	t.Helper()
	select {
	case <-h.waiting:
	case err := <-first:
		t.Fatalf("the held patch ended without recording media: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("the held patch never reached its media")
	}
}

func (h *heldMedia) Use(ctx context.Context, c identity.Caller, ids []string, user string) ([]media.Media, error) {
	h.hold(ctx)
	return h.Service.Use(ctx, c, ids, user)
}

func (h *heldMedia) Release(ctx context.Context, workspaceID, user string) error {
	h.hold(ctx)
	return h.Service.Release(ctx, workspaceID, user)
}

func (h *heldMedia) ReleaseExcept(ctx context.Context, workspaceID, user string, keep []string) error {
	h.hold(ctx)
	return h.Service.ReleaseExcept(ctx, workspaceID, user, keep)
}

// TestConcurrentMediaPatchesLeaveTheItemsMediaUsed: however patches of an
// item's media_ids interleave, the media it ends with are exactly those
// used by it. First a patch that wrote its item but had not yet recorded
// its media when another patch ran whole, or a deletion; then eight
// patches at once (on SQLite and a real MongoDB).
func TestConcurrentMediaPatchesLeaveTheItemsMediaUsed(t *testing.T) {
	storetest.Run(t, []store.Schema{Schema, media.Schema}, func(t *testing.T, db *store.DB) {
		e := setupMedia(t, db)
		held := &heldMedia{Service: e.media, waiting: make(chan struct{}), letGo: make(chan struct{})}
		svc, err := New(Config{Store: NewStore(db), Now: (&clock{t: e.clock.now()}).Now, Media: held})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		var ids []string
		for i := range 9 {
			ids = append(ids, e.upload(t, e.editor, uint8(10*i+1)).ID)
		}
		it, err := svc.Create(ctx, e.editor, KindContent, Input{Body: "Launch", MediaIDs: ids[:1]})
		if err != nil {
			t.Fatal(err)
		}
		// The media used by the item are exactly those it holds now.
		check := func(t *testing.T, when string) {
			t.Helper()
			stored, err := svc.Get(ctx, e.viewer, KindContent, it.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range ids {
				m, err := e.media.Get(ctx, e.viewer, id)
				if err != nil {
					t.Fatal(err)
				}
				if in, used := slices.Contains(stored.MediaIDs, id), slices.Contains(m.UsedBy, mediaUser(it.ID)); in != used {
					t.Errorf("%s: the item holds %v; media %s in it: %v, used by it: %v", when, stored.MediaIDs, id, in, used)
				}
			}
		}

		t.Run("overtaken", func(t *testing.T) {
			first := make(chan error, 1)
			go func() {
				_, err := svc.Update(context.WithValue(ctx, holdKey{}, true), e.editor, KindContent, it.ID, Patch{MediaIDs: &[]string{ids[1]}})
				first <- err
			}()
			held.reached(t, first)
			if _, err := svc.Update(ctx, e.editor, KindContent, it.ID, Patch{MediaIDs: &[]string{ids[2]}}); err != nil {
				t.Fatal(err)
			}
			close(held.letGo)
			if err := <-first; err != nil {
				t.Fatal(err)
			}
			check(t, "after a patch overtaken by another")
		})
		t.Run("deleted meanwhile", func(t *testing.T) {
			held := &heldMedia{Service: e.media, waiting: make(chan struct{}), letGo: make(chan struct{})}
			svc, err := New(Config{Store: NewStore(db), Now: (&clock{t: e.clock.now()}).Now, Media: held})
			if err != nil {
				t.Fatal(err)
			}
			doomed, err := svc.Create(ctx, e.editor, KindContent, Input{Body: "Doomed", MediaIDs: ids[3:4]})
			if err != nil {
				t.Fatal(err)
			}
			first := make(chan error, 1)
			go func() {
				_, err := svc.Update(context.WithValue(ctx, holdKey{}, true), e.editor, KindContent, doomed.ID, Patch{MediaIDs: &[]string{ids[4]}})
				first <- err
			}()
			held.reached(t, first)
			if err := svc.Delete(ctx, e.editor, KindContent, doomed.ID); err != nil {
				t.Fatal(err)
			}
			close(held.letGo)
			if err := <-first; err != nil {
				t.Fatal(err)
			}
			for _, id := range ids[3:5] {
				if m, _ := e.media.Get(ctx, e.viewer, id); slices.Contains(m.UsedBy, mediaUser(doomed.ID)) {
					t.Errorf("media %s is still used by the deleted item: %v", id, m.UsedBy)
				}
			}
		})
		t.Run("eight at once", func(t *testing.T) {
			// FerretDB writes back whole documents it read, so there two marks
			// of one media at once can lose one; MongoDB updates a document
			// atomically.
			storetest.SkipOnFerretDB(t, db, "eight patches at once ending with the right media marked")
			var wg sync.WaitGroup
			for i := range 8 {
				wg.Go(func() {
					_, err := svc.Update(ctx, e.editor, KindContent, it.ID, Patch{MediaIDs: &[]string{ids[1+i]}})
					if err != nil && !errors.Is(err, ErrConflict) { // overtaken at every attempt: nothing written
						t.Errorf("patch %d: %v", i, err)
					}
				})
			}
			wg.Wait()
			check(t, "after eight patches at once")
		})
	})
}
