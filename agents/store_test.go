package agents

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/publish"
)

func TestMain(m *testing.M) { storetest.Main(m) }

var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

// TestStore is the conformance suite of Store, on SQLite and MongoDB.
func TestStore(t *testing.T) {
	t.Parallel()
	storetest.Run(t, []store.Schema{Schema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		st := NewStore(db)

		t.Run("conversations", func(t *testing.T) {
			k := ConversationKey{WorkspaceID: "T1", Channel: "C1", Thread: "1.1"}
			first := []llm.Message{{Role: llm.RoleUser, Content: "post hi"},
				{Role: llm.RoleAssistant, ToolCalls: []llm.ToolCall{{ID: "c1", Name: "publish_post", Arguments: `{"text":"hi"}`}}}}
			if err := st.AppendMessages(ctx, k, first, t0); err != nil {
				t.Fatal(err)
			}
			if err := st.AppendMessages(ctx, k, []llm.Message{{Role: llm.RoleTool, ToolCallID: "c1", Name: "publish_post", Content: `{"ok":true}`},
				{Role: llm.RoleAssistant, Content: "done"}}, t0.Add(time.Second)); err != nil {
				t.Fatal(err)
			}
			got, err := st.Messages(ctx, k, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 4 || got[0].Content != "post hi" || got[1].ToolCalls[0].Arguments != `{"text":"hi"}` ||
				got[2].ToolCallID != "c1" || got[2].Name != "publish_post" || got[3].Content != "done" {
				t.Fatalf("messages = %+v", got)
			}
			last, err := st.Messages(ctx, k, 2)
			if err != nil || len(last) != 2 || last[0].Role != llm.RoleTool || last[1].Content != "done" {
				t.Fatalf("last 2 = %+v, %v", last, err)
			}
			for _, other := range []ConversationKey{{WorkspaceID: "T2", Channel: "C1", Thread: "1.1"}, {WorkspaceID: "T1", Channel: "C1", Thread: "2.2"}} {
				if got, err := st.Messages(ctx, other, 0); err != nil || len(got) != 0 {
					t.Fatalf("messages of %+v = %+v, %v", other, got, err)
				}
			}
		})

		t.Run("conversation retention", func(t *testing.T) {
			day := 24 * time.Hour
			old, recent, cut := t0.Add(-100*day), t0.Add(-day), t0.Add(-90*day)
			say := func(text string) []llm.Message { return []llm.Message{{Role: llm.RoleUser, Content: text}} }
			gone := ConversationKey{WorkspaceID: "R1", Channel: "C", Thread: "gone"}
			mixed := ConversationKey{WorkspaceID: "R1", Channel: "C", Thread: "mixed"}
			fresh := ConversationKey{WorkspaceID: "R1", Channel: "D", Thread: "fresh"}
			other := ConversationKey{WorkspaceID: "R2", Channel: "C", Thread: "gone"}
			for _, a := range []struct {
				k    ConversationKey
				text string
				at   time.Time
			}{{gone, "g1", old}, {gone, "g2", old.Add(time.Hour)}, {mixed, "m1", old}, {mixed, "m2", recent}, {fresh, "f1", recent}, {other, "o1", old}} {
				if err := st.AppendMessages(ctx, a.k, say(a.text), a.at); err != nil {
					t.Fatal(err)
				}
			}
			if ws, err := st.ConversationWorkspaces(ctx, cut); err != nil || len(ws) != 2 || ws[0] != "R1" || ws[1] != "R2" {
				t.Fatalf("workspaces with old messages = %v, %v", ws, err)
			}
			if n, err := st.ForgetConversations(ctx, "R1", cut); err != nil || n != 2 {
				t.Fatalf("forget = %d, %v; want 2 (one deleted, one shortened)", n, err)
			}
			for _, tc := range []struct {
				k    ConversationKey
				want string
			}{{gone, ""}, {mixed, "m2"}, {fresh, "f1"}, {other, "o1"}} {
				got, err := st.Messages(ctx, tc.k, 0)
				var texts []string
				for _, m := range got {
					texts = append(texts, m.Content)
				}
				if err != nil || strings.Join(texts, " ") != tc.want {
					t.Fatalf("%s after forgetting = %v, %v; want %q", tc.k.Thread, texts, err, tc.want)
				}
			}
			if ws, err := st.ConversationWorkspaces(ctx, cut); err != nil || len(ws) != 1 || ws[0] != "R2" {
				t.Fatalf("workspaces with old messages after = %v, %v", ws, err)
			}
			if n, err := st.ForgetConversations(ctx, "R1", cut); err != nil || n != 0 {
				t.Fatalf("forget again = %d, %v; want nothing left to forget", n, err)
			}
			if err := st.AppendMessages(ctx, gone, say("again"), t0); err != nil {
				t.Fatal(err)
			}
			if got, err := st.Messages(ctx, gone, 0); err != nil || len(got) != 1 || got[0].Content != "again" {
				t.Fatalf("a forgotten conversation begun again = %+v, %v", got, err)
			}
		})

		t.Run("events and usage", func(t *testing.T) {
			events := []Event{
				{ID: "e1", WorkspaceID: "T1", Channel: "C1", UserID: "U1", Kind: "model", Outcome: "ok", Duration: 20 * time.Millisecond, PromptTokens: 100, CompletionTokens: 10, CreatedAt: t0},
				{ID: "e2", WorkspaceID: "T1", Channel: "C1", UserID: "U1", Kind: "tool", Tool: "publish_post", ArgsDigest: "ab", Outcome: "awaiting_approval", Duration: 3 * time.Millisecond, CreatedAt: t0.Add(time.Second)},
				{ID: "e3", WorkspaceID: "T1", Channel: "C1", UserID: "U1", Kind: "model", Outcome: "ok", PromptTokens: 50, CompletionTokens: 5, CreatedAt: t0.Add(2 * time.Second)},
				{ID: "e4", WorkspaceID: "T2", Kind: "model", Outcome: "ok", PromptTokens: 999, CreatedAt: t0},
			}
			for _, e := range events {
				if err := st.RecordEvent(ctx, e); err != nil {
					t.Fatal(err)
				}
			}
			got, err := st.Events(ctx, "T1", 2)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 || got[0].ID != "e3" || got[1].ID != "e2" || got[1].Tool != "publish_post" || got[1].Duration != 3*time.Millisecond ||
				got[1].Outcome != "awaiting_approval" || !got[1].CreatedAt.Equal(t0.Add(time.Second)) {
				t.Fatalf("events = %+v", got)
			}
			u, err := st.Usage(ctx, "T1", t0)
			if err != nil || u != (Usage{Calls: 2, PromptTokens: 150, CompletionTokens: 15}) {
				t.Fatalf("usage = %+v, %v", u, err)
			}
			u, err = st.Usage(ctx, "T1", t0.Add(time.Second))
			if err != nil || u != (Usage{Calls: 1, PromptTokens: 50, CompletionTokens: 5}) {
				t.Fatalf("usage since = %+v, %v", u, err)
			}
			if u, err := st.Usage(ctx, "T9", t0); err != nil || u != (Usage{}) {
				t.Fatalf("usage of nobody = %+v, %v", u, err)
			}
		})

		t.Run("approvals", func(t *testing.T) {
			a := Approval{ID: "a1", WorkspaceID: "T1", Channel: "C1", Thread: "1.1", RequestedBy: "U1", Tool: "publish_post",
				Args: json.RawMessage(`{"text":"hi"}`), Preview: "Publish “hi” to X", Status: ApprovalPending, CreatedAt: t0}
			b := a
			b.ID, b.CreatedAt = "a2", t0.Add(time.Second)
			for _, x := range []Approval{a, b} {
				if err := st.CreateApproval(ctx, x); err != nil {
					t.Fatal(err)
				}
			}
			got, err := st.GetApproval(ctx, "T1", "a1")
			if err != nil || got.Preview != a.Preview || string(got.Args) != `{"text":"hi"}` || got.Status != ApprovalPending || !got.CreatedAt.Equal(t0) ||
				!got.DecidedAt.IsZero() || got.Result != nil {
				t.Fatalf("get = %+v, %v", got, err)
			}
			if _, err := st.GetApproval(ctx, "T2", "a1"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("another workspace's approval: %v", err)
			}
			claimed, ok, err := st.ClaimApproval(ctx, "T1", "a1", ApprovalRunning, "U1", "", t0.Add(time.Minute))
			if err != nil || !ok || claimed.Status != ApprovalRunning || claimed.DecidedBy != "U1" {
				t.Fatalf("claim = %+v, %v, %v", claimed, ok, err)
			}
			again, ok, err := st.ClaimApproval(ctx, "T1", "a1", ApprovalRejected, "U2", "no", t0.Add(time.Minute))
			if err != nil || ok || again.Status != ApprovalRunning {
				t.Fatalf("second claim = %+v, %v, %v", again, ok, err)
			}
			if _, ok, err := st.ClaimApproval(ctx, "T2", "a2", ApprovalRunning, "U9", "", t0); ok || !errors.Is(err, ErrNotFound) {
				t.Fatalf("claim in another workspace = %v, %v", ok, err)
			}
			if err := st.FinishApproval(ctx, "T1", "a1", ApprovalDone, json.RawMessage(`{"post_id":"p1"}`), "", t0.Add(2*time.Minute)); err != nil {
				t.Fatal(err)
			}
			if err := st.FinishApproval(ctx, "T1", "a2", ApprovalDone, nil, "", t0); !errors.Is(err, ErrNotFound) {
				t.Fatalf("finish of a pending approval: %v", err)
			}
			done, _ := st.GetApproval(ctx, "T1", "a1")
			if done.Status != ApprovalDone || string(done.Result) != `{"post_id":"p1"}` || !done.FinishedAt.Equal(t0.Add(2*time.Minute)) {
				t.Fatalf("finished = %+v", done)
			}
			rejected, ok, err := st.ClaimApproval(ctx, "T1", "a2", ApprovalRejected, "U3", "off brand", t0)
			if err != nil || !ok || rejected.Reason != "off brand" {
				t.Fatalf("reject = %+v, %v, %v", rejected, ok, err)
			}
			all, err := st.ListApprovals(ctx, "T1", "", 10)
			if err != nil || len(all) != 2 || all[0].ID != "a2" || all[1].ID != "a1" {
				t.Fatalf("list = %+v, %v", all, err)
			}
			onlyDone, err := st.ListApprovals(ctx, "T1", ApprovalDone, 10)
			if err != nil || len(onlyDone) != 1 || onlyDone[0].ID != "a1" {
				t.Fatalf("list done = %+v, %v", onlyDone, err)
			}

			// A question first (which account?): answered once, with its
			// checks kept; an asking approval cannot be claimed to run, only
			// rejected.
			q := a
			q.ID, q.Status, q.Preview = "q1", ApprovalAsking, "Which LinkedIn account should this go to?"
			q.Checks = Checks{Choice: &publish.Choice{Platform: platform.LinkedIn, Options: []publish.Target{
				{AccountID: "li1", Platform: platform.LinkedIn, Name: "Acme Outdoor", Kind: "organization"},
				{AccountID: "li2", Platform: platform.LinkedIn, Name: "Sam", Kind: "member"}}}}
			if err := st.CreateApproval(ctx, q); err != nil {
				t.Fatal(err)
			}
			if got, err := st.GetApproval(ctx, "T1", "q1"); err != nil || got.Status != ApprovalAsking || got.Checks.Choice == nil ||
				len(got.Checks.Choice.Options) != 2 || got.Checks.Choice.Options[0].Name != "Acme Outdoor" {
				t.Fatalf("asking = %+v, %v", got, err)
			}
			if _, ok, err := st.ClaimApproval(ctx, "T1", "q1", ApprovalRunning, "U1", "", t0); ok || err != nil {
				t.Fatalf("an asking approval was claimed to run: %v, %v", ok, err)
			}
			next := q
			next.Args, next.Status, next.Preview = json.RawMessage(`{"text":"hi","account_ids":["li1"]}`), ApprovalPending, "Publish now to Acme Outdoor"
			next.Checks = Checks{Targets: q.Checks.Choice.Options[:1], Chosen: q.Checks.Choice.Options[:1],
				Duplicates: []publish.Duplicate{{AccountID: "li1", Account: "Acme Outdoor", Platform: platform.LinkedIn, PostID: "p0", At: t0}}}
			if ok, err := st.AnswerApproval(ctx, "T2", "q1", q.Args, next); ok || err != nil {
				t.Fatalf("answered in another workspace: %v, %v", ok, err)
			}
			if ok, err := st.AnswerApproval(ctx, "T1", "q1", q.Args, next); !ok || err != nil {
				t.Fatalf("answer = %v, %v", ok, err)
			}
			if ok, err := st.AnswerApproval(ctx, "T1", "q1", q.Args, next); ok || err != nil {
				t.Fatalf("answered twice: %v, %v", ok, err)
			}
			got, err = st.GetApproval(ctx, "T1", "q1")
			if err != nil || got.Status != ApprovalPending || string(got.Args) != string(next.Args) || got.Preview != next.Preview ||
				got.Checks.Choice != nil || len(got.Checks.Chosen) != 1 || len(got.Checks.Duplicates) != 1 || !got.Checks.Duplicates[0].At.Equal(t0) {
				t.Fatalf("answered = %+v, %v", got, err)
			}
			q.ID = "q2"
			if err := st.CreateApproval(ctx, q); err != nil {
				t.Fatal(err)
			}
			if rej, ok, err := st.ClaimApproval(ctx, "T1", "q2", ApprovalRejected, "U1", "cancelled", t0); !ok || err != nil || rej.Status != ApprovalRejected {
				t.Fatalf("reject a question = %+v, %v, %v", rej, ok, err)
			}
			for _, id := range []string{"q1", "q2"} { // out of the way of the counts below
				if _, _, err := st.ClaimApproval(ctx, "T1", id, ApprovalRejected, "U1", "", t0); err != nil {
					t.Fatal(err)
				}
			}

			// A claim whose process died stays running until the sweep
			// fails it; a newer claim and finished ones are left alone.
			for _, id := range []string{"old", "new"} {
				x := a
				x.ID = id
				if err := st.CreateApproval(ctx, x); err != nil {
					t.Fatal(err)
				}
			}
			if _, _, err := st.ClaimApproval(ctx, "T1", "old", ApprovalRunning, "U1", "", t0); err != nil {
				t.Fatal(err)
			}
			if _, _, err := st.ClaimApproval(ctx, "T1", "new", ApprovalRunning, "U1", "", t0.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			cut, err := st.AbandonApprovals(ctx, t0.Add(30*time.Minute), "interrupted", t0.Add(time.Hour))
			if err != nil || len(cut) != 1 || cut[0].ID != "old" || cut[0].WorkspaceID != "T1" || string(cut[0].Args) != string(a.Args) {
				t.Fatalf("abandon = %+v, %v; want the old claim only, with its workspace and args", cut, err)
			}
			if again, err := st.AbandonApprovals(ctx, t0.Add(30*time.Minute), "interrupted", t0.Add(time.Hour)); err != nil || len(again) != 0 {
				t.Fatalf("abandon again = %+v, %v; want none", again, err)
			}
			old, _ := st.GetApproval(ctx, "T1", "old")
			fresh, _ := st.GetApproval(ctx, "T1", "new")
			done, _ = st.GetApproval(ctx, "T1", "a1")
			if old.Status != ApprovalFailed || old.Error != "interrupted" || fresh.Status != ApprovalRunning || done.Status != ApprovalDone {
				t.Fatalf("after the sweep: old %s %q, new %s, a1 %s", old.Status, old.Error, fresh.Status, done.Status)
			}
		})

		t.Run("one claim among replicas", func(t *testing.T) {
			if err := st.CreateApproval(ctx, Approval{ID: "race", WorkspaceID: "T1", RequestedBy: "U1", Tool: "publish_post",
				Args: json.RawMessage(`{}`), Status: ApprovalPending, CreatedAt: t0}); err != nil {
				t.Fatal(err)
			}
			replicas := []Store{st, NewStore(storetest.Reopen(t, db))}
			var wins atomic.Int32
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range 8 {
				wg.Go(func() {
					<-start
					_, ok, err := replicas[i%2].ClaimApproval(ctx, "T1", "race", ApprovalRunning, "U1", "", t0)
					if err != nil {
						t.Error(err)
					}
					if ok {
						wins.Add(1)
					}
				})
			}
			close(start)
			wg.Wait()
			if wins.Load() != 1 {
				t.Fatalf("%d claimers won, want 1", wins.Load())
			}
		})
	})
}
