package main

import (
	"context"
	"slices"
	"testing"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/integrations/sandbox/sandboxtest"
	"github.com/marketingminds/marketingminds/tools/schedule"
)

// TestInboxWired: serve's app polls the inbox as a recurring job (once
// per tick across replicas), every social adapter reads engagement, and
// Meta's webhooks are checked with the sandbox app's secret in sandbox mode.
func TestInboxWired(t *testing.T) {
	t.Parallel()
	sb := sandboxtest.Start(t, sandbox.Options{})
	cfg, err := loadConfig(func(k string) string { return map[string]string{"MM_DATA_DIR": t.TempDir()}[k] })
	if err != nil {
		t.Fatal(err)
	}
	cfg.PublicURL = "http://localhost:8080"
	ctx := context.Background()
	db, err := openStore(ctx, cfg, zerolog.Nop(), nil, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close(context.Background()) })
	a, err := newApp(cfg, db, zerolog.Nop(), sb.URL, schedule.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ov, err := a.scheduler.Overview(ctx, "T1")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(ov.Recurring, func(r schedule.RecurringInfo) bool { return r.Name == "inbox-poll" && r.Spec == inboxSpec }) {
		t.Fatalf("recurring jobs %+v lack inbox-poll", ov.Recurring)
	}
	if rep, err := a.inbox.Poll(ctx); err != nil || rep.Accounts != 0 {
		t.Fatalf("poll with no account = %+v, %v", rep, err)
	}
	ad := newAdapters(cfg, sb.URL, nil)
	for _, p := range platform.Social {
		if _, ok := ad.social[p].(interface {
			ReplyToComment(context.Context, platform.Target, platform.CommentRef, string) (string, error)
		}); !ok {
			t.Errorf("%s cannot answer comments", p)
		}
	}
	if a.httpDeps(zerolog.Nop(), nil).Inbox == nil {
		t.Fatal("the REST API has no inbox")
	}
}
