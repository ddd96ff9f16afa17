package library

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// BenchmarkSearch measures a two-word search through a workspace of 2,000
// items on SQLite (a page of 20, newest first).
func BenchmarkSearch(b *testing.B) {
	db := storetest.Open(b, store.SQLite, Schema)
	st := NewStore(db)
	ctx := context.Background()
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	topics := []string{"summer sale", "product launch", "webinar signup", "customer story", "hiring engineers"}
	for i := range 2000 {
		it := Item{ID: fmt.Sprintf("i%05d", i), WorkspaceID: "T1", Kind: KindContent, Title: fmt.Sprintf("Post %d", i),
			Body: fmt.Sprintf("Our %s number %d brings great news for every team that plans campaigns ahead", topics[i%len(topics)], i),
			Tags: []string{"Tag" + fmt.Sprint(i%50)}, CreatedBy: "U1", CreatedAt: at.Add(time.Duration(i) * time.Second),
			UpdatedBy: "U1", UpdatedAt: at, Rev: 1}
		if err := st.Insert(ctx, it); err != nil {
			b.Fatal(err)
		}
	}
	svc, _ := New(Config{Store: st})
	c := identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Viewer}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		page, err := svc.List(ctx, c, Filter{Text: "product laun"})
		if err != nil || len(page.Items) != 20 {
			b.Fatal(len(page.Items), err)
		}
	}
}
