package media

import (
	"bytes"
	"context"
	"errors"
	"github.com/marketingminds/marketingminds/integrations/sandbox/testmedia"
	"sync"
	"testing"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/fault"
)

// TestDeleteRefusedWhileApprovalPending: a media that a post waiting for
// approval proposes ("approval:<id>" in its UsedBy) cannot be deleted until
// the approval is decided; once rejected (and released) it can. On both
// stores.
func TestDeleteRefusedWhileApprovalPending(t *testing.T) {
	storetest.Run(t, []store.Schema{Schema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var mu sync.Mutex
		waiting := map[string]bool{"a1": true}
		svc, err := New(Config{Store: NewStore(db), Blobs: newBlobs(t, db), SigningKey: []byte("0123456789abcdef0123456789abcdef"),
			PublicURL: "https://mm.example.com/", Log: zerolog.Nop(),
			ApprovalState: func(_ context.Context, ws, id string) (bool, error) {
				mu.Lock()
				defer mu.Unlock()
				return ws == "T1" && waiting[id], nil
			}})
		if err != nil {
			t.Fatal(err)
		}
		m, err := svc.Upload(ctx, editor, Upload{Source: SourceAPI, Body: bytes.NewReader(testmedia.Photo(t, 8, 8, 7))})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Use(ctx, editor, []string{m.ID}, "approval:a1"); err != nil {
			t.Fatal(err)
		}
		err = svc.Delete(ctx, editor, m.ID)
		if !errors.Is(err, ErrInUse) || !errors.Is(err, ErrAwaitingApproval) {
			t.Fatalf("delete while the approval waits: %v, want ErrAwaitingApproval", err)
		}
		if f := fault.Of(err, t0); f.Kind != fault.Validation || f.Message != "it is in a post waiting for approval; approve or reject it first" {
			t.Fatalf("the refusal reads %+v", f)
		}
		// Rejected: the gate releases the media, and the approval no longer waits.
		mu.Lock()
		waiting["a1"] = false
		mu.Unlock()
		if err := svc.Release(ctx, "T1", "approval:a1"); err != nil {
			t.Fatal(err)
		}
		if err := svc.Delete(ctx, editor, m.ID); err != nil {
			t.Fatalf("delete after the rejection: %v", err)
		}
		if _, err := svc.Get(ctx, editor, m.ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("deleted media: %v", err)
		}
	})
}

// TestDeleteApprovalUseWithoutState: without an
// ApprovalState every approval use blocks deletion; with one, a use left
// behind by an approval that no longer waits (a crash before its release)
// does not.
func TestDeleteApprovalUseWithoutState(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite, Schema)
	for i, state := range []ApprovalState{nil, func(context.Context, string, string) (bool, error) { return false, nil }} {
		svc, err := New(Config{Store: NewStore(db), Blobs: newBlobs(t, db), SigningKey: []byte("0123456789abcdef0123456789abcdef"),
			Log: zerolog.Nop(), ApprovalState: state})
		if err != nil {
			t.Fatal(err)
		}
		m, err := svc.Upload(ctx, editor, Upload{Source: SourceAPI, Body: bytes.NewReader(testmedia.Photo(t, 8, 8, uint8(20+i)))})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Use(ctx, editor, []string{m.ID}, "approval:gone"); err != nil {
			t.Fatal(err)
		}
		err = svc.Delete(ctx, editor, m.ID)
		if state == nil && !errors.Is(err, ErrAwaitingApproval) {
			t.Fatalf("without ApprovalState: %v, want refused", err)
		}
		if state != nil && err != nil {
			t.Fatalf("an approval that no longer waits: %v, want deleted", err)
		}
	}
}
