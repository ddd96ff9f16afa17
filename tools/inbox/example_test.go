package inbox_test

import (
	"context"
	"fmt"
	"os"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/inbox"
)

// The same comment delivered by Meta's webhook and by the poll is one item.
func ExampleService_Ingest() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "inbox-example")
	defer os.RemoveAll(dir)
	db, err := store.Open(ctx, store.Config{DataDir: dir, Logger: zerolog.Nop()}, inbox.Schema)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close(ctx)
	svc := inbox.New(inbox.Config{Store: inbox.NewStore(db), Log: zerolog.Nop()})
	comment := inbox.Item{AccountID: "acc-fb", Platform: platform.Facebook, ExternalID: "42_7", AuthorName: "Ann", Text: "Open on Sunday?"}
	fromWebhook, _ := svc.Ingest(ctx, "T1", []inbox.Item{comment})
	fromPoll, _ := svc.Ingest(ctx, "T1", []inbox.Item{comment})
	n, _ := svc.Unanswered(ctx, identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Viewer})
	fmt.Println(len(fromWebhook), len(fromPoll), n)
	// Output: 1 0 1
}
