package agents

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/prompts"
	"github.com/marketingminds/marketingminds/tools/fault"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/media"
	"github.com/marketingminds/marketingminds/tools/publish"
)

type mediaPostArgs struct {
	Text     string   `json:"text"`
	MediaIDs []string `json:"media_ids,omitempty"`
}

// mediaPostTool is a post tool with media: once run, the post records its
// own use of them, as tools/publish does.
func mediaPostTool(svc *media.Service) Tool {
	return NewTool("post_media", "Posts with media. Needs approval.", func(ctx context.Context, c identity.Caller, a mediaPostArgs) (map[string]string, error) {
		_, err := svc.Use(ctx, c, a.MediaIDs, "post:p1")
		return map[string]string{"post_id": "p1"}, err
	}, Mutating(), WithPreview(func(ctx context.Context, c identity.Caller, a mediaPostArgs) (string, error) {
		return "Post “" + a.Text + "”", nil
	}))
}

type askingArgs struct {
	Text       string   `json:"text"`
	MediaIDs   []string `json:"media_ids,omitempty"`
	AccountIDs []string `json:"account_ids,omitempty"`
}

// askingTool asks which of two Instagram accounts first; the second one
// refuses the post.
func askingTool(svc *media.Service) Tool {
	options := []publish.Target{{AccountID: "ig1", Platform: platform.Instagram, Name: "Roastery"}, {AccountID: "ig2", Platform: platform.Instagram, Name: "Outlet"}}
	return NewTool("post_asking", "Posts with media to an account asked for. Needs approval.", func(ctx context.Context, c identity.Caller, a askingArgs) (map[string]string, error) {
		_, err := svc.Use(ctx, c, a.MediaIDs, "post:p2")
		return map[string]string{"post_id": "p2"}, err
	}, Mutating(), WithCheck(func(ctx context.Context, c identity.Caller, a askingArgs) (Check, error) {
		switch {
		case len(a.AccountIDs) == 0:
			return Check{}, &publish.ChoiceError{Choices: []publish.Choice{{Platform: platform.Instagram, Options: options}}}
		case slices.Contains(a.AccountIDs, "ig2"):
			return Check{}, Say(nil, "Outlet cannot take this image")
		}
		return Check{Preview: "Post “" + a.Text + "” to Roastery", Targets: options[:1]}, nil
	}))
}

// TestApprovalHoldsItsMedia: an approval whose post names media_ids holds
// them ("approval:<id>") from the moment it is filed; rejecting, approving
// (the post then holds them itself) and the sweep of a cut-off run each
// release them; a media id of no media of the workspace is the call's
// refusal, and nothing is filed. An approval that asks which account
// first holds them too, until an answer the account refuses. On both stores.
func TestApprovalHoldsItsMedia(t *testing.T) {
	storetest.Run(t, []store.Schema{Schema, media.Schema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		blobs := media.Blobs(media.NewFiles(t.TempDir()))
		if db.Backend == store.Mongo {
			blobs = media.NewGridFS(db.Mongo)
		}
		svc, err := media.New(media.Config{Store: media.NewStore(db), Blobs: blobs, SigningKey: bytes.Repeat([]byte{7}, 32), Log: zerolog.Nop()})
		if err != nil {
			t.Fatal(err)
		}
		m, err := svc.Upload(ctx, editor, media.Upload{Name: "launch.png", Source: media.SourceSlack, Body: pngOf(t, 40, 50)})
		if err != nil {
			t.Fatal(err)
		}
		set, err := prompts.Load()
		if err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
		model := &scripted{}
		st := NewStore(db)
		o, err := New(Config{Model: model, Store: st, Prompts: set, Tools: []Tool{mediaPostTool(svc), askingTool(svc)}, Holder: svc, Log: zerolog.Nop(),
			Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		usedBy := func() []string {
			t.Helper()
			got, err := svc.Get(ctx, editor, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got.UsedBy
		}
		proposeWith := func(tool, ids string) Reply {
			t.Helper()
			model.steps = append(model.steps, call(tool, `{"text":"Launch day","media_ids":[`+ids+`]}`), say("waiting"))
			reply, err := o.Run(ctx, Turn{Caller: editor, Channel: "C1", Thread: "1.1", Text: "post this"}, &recorder{})
			if err != nil {
				t.Fatal(err)
			}
			return reply
		}
		propose := func(ids string) Reply {
			t.Helper()
			return proposeWith("post_media", ids)
		}
		held := func() Approval {
			t.Helper()
			reply := propose(`"` + m.ID + `"`)
			if len(reply.Approvals) != 1 {
				t.Fatalf("reply = %+v, want an approval", reply)
			}
			a := reply.Approvals[0]
			if u := usedBy(); !slices.Contains(u, "approval:"+a.ID) {
				t.Fatalf("filed: used by %v, want approval:%s", u, a.ID)
			}
			return a
		}

		a := held()
		if _, err := o.Reject(ctx, editor, a.ID, "not today"); err != nil {
			t.Fatal(err)
		}
		if u := usedBy(); slices.Contains(u, "approval:"+a.ID) {
			t.Fatalf("rejected: still used by %v", u)
		}

		a = held()
		if res, err := o.Approve(ctx, editor, a.ID); err != nil || res.Approval.Status != ApprovalDone {
			t.Fatalf("approve = %+v, %v", res, err)
		}
		if u := usedBy(); !slices.Equal(u, []string{"post:p1"}) {
			t.Fatalf("approved: used by %v, want the post only", u)
		}

		a = held()
		if _, ok, err := st.ClaimApproval(ctx, "T1", a.ID, ApprovalRunning, "U1", "", now); !ok || err != nil {
			t.Fatalf("claim = %v, %v", ok, err)
		}
		now = now.Add(2 * time.Hour) // the run was cut off by a crash
		if n, err := o.SweepApprovals(ctx); n != 1 || err != nil {
			t.Fatalf("sweep = %d, %v", n, err)
		}
		if u := usedBy(); slices.Contains(u, "approval:"+a.ID) {
			t.Fatalf("swept: still used by %v", u)
		}

		reply := propose(fmt.Sprintf("%q,%q", m.ID, "no-such-media"))
		if len(reply.Approvals) != 0 || len(reply.Results) != 1 {
			t.Fatalf("unknown media: %+v, want a refusal and no approval", reply)
		}
		if f, ok := reply.Results[0].Value.(fault.Failure); !ok || f.Kind != fault.Validation {
			t.Fatalf("unknown media: %+v", reply.Results[0].Value)
		}
		if u := usedBy(); !slices.Equal(u, []string{"post:p1"}) {
			t.Fatalf("after the refusal: used by %v", u)
		}
		msgs, err := st.Messages(ctx, ConversationKey{WorkspaceID: "T1", Channel: "C1", Thread: "1.1"}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if last := msgs[len(msgs)-2]; last.Role != llm.RoleTool || !bytes.Contains([]byte(last.Content), []byte("media_ids[1]")) {
			t.Fatalf("the model was told %+v, want the position of the unknown media", last)
		}

		// A question first (which account?) holds the media as well; an
		// answer the account refuses releases them, one it takes keeps them.
		asking := func() Approval {
			t.Helper()
			reply := proposeWith("post_asking", `"`+m.ID+`"`)
			if len(reply.Approvals) != 1 || reply.Approvals[0].Status != ApprovalAsking {
				t.Fatalf("reply = %+v, want a question", reply)
			}
			if u := usedBy(); !slices.Contains(u, "approval:"+reply.Approvals[0].ID) {
				t.Fatalf("asking: used by %v", u)
			}
			return reply.Approvals[0]
		}
		a = asking()
		if res, err := o.Choose(ctx, editor, a.ID, "ig2", false); err != nil || res.Approval.Status != ApprovalRejected {
			t.Fatalf("choose the refusing account = %+v, %v", res, err)
		}
		if u := usedBy(); slices.Contains(u, "approval:"+a.ID) {
			t.Fatalf("refused answer: still used by %v", u)
		}
		a = asking()
		if res, err := o.Choose(ctx, editor, a.ID, "ig1", false); err != nil || res.Approval.Status != ApprovalPending {
			t.Fatalf("choose = %+v, %v", res, err)
		}
		if u := usedBy(); !slices.Contains(u, "approval:"+a.ID) {
			t.Fatalf("answered: used by %v, want still held", u)
		}
		if _, err := o.Approve(ctx, editor, a.ID); err != nil {
			t.Fatal(err)
		}
		if u := usedBy(); !slices.Equal(u, []string{"post:p1", "post:p2"}) {
			t.Fatalf("approved after the answer: used by %v", u)
		}
	})
}
