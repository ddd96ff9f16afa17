package agents

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/inbox"
)

// fakeInbox holds one item and counts the replies sent.
type fakeInbox struct {
	mu      sync.Mutex
	replies []string
}

var inboxSample = inbox.Item{ID: "in_1", WorkspaceID: "T1", Platform: platform.Facebook, Kind: inbox.KindComment, State: inbox.StateNew,
	AuthorName: "Ann", Text: "Open on Sunday?"}

func (f *fakeInbox) List(context.Context, identity.Caller, inbox.Filter) (inbox.Page, error) {
	return inbox.Page{Items: []inbox.Item{inboxSample}}, nil
}

func (f *fakeInbox) Get(_ context.Context, c identity.Caller, id string) (inbox.Item, error) {
	if c.WorkspaceID != "T1" || id != inboxSample.ID {
		return inbox.Item{}, inbox.ErrNotFound
	}
	return inboxSample, nil
}

func (f *fakeInbox) Reply(_ context.Context, c identity.Caller, id, text string) (inbox.Item, error) {
	if err := c.Require(identity.Editor); err != nil {
		return inbox.Item{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.replies = append(f.replies, c.UserID+": "+text)
	it := inboxSample
	it.State = inbox.StateAnswered
	return it, nil
}

func (f *fakeInbox) Like(context.Context, identity.Caller, string) (inbox.Item, error) {
	return inboxSample, nil
}
func (f *fakeInbox) Hide(context.Context, identity.Caller, string) (inbox.Item, error) {
	return inboxSample, nil
}
func (f *fakeInbox) Done(context.Context, identity.Caller, string) (inbox.Item, error) {
	return inboxSample, nil
}

func (f *fakeInbox) sent() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.replies...)
}

// TestReplyToCommentWaitsForApproval: the model's answer to a comment is
// not sent until a person approves it, then exactly once, as the approver.
func TestReplyToCommentWaitsForApproval(t *testing.T) {
	t.Parallel()
	ib := &fakeInbox{}
	model := &scripted{}
	o, _ := newOrchestrator(t, model, inboxTools(ib), nil)
	ctx := context.Background()
	model.steps = append(model.steps, call("reply_to_comment", `{"item_id":"in_1","text":"Yes, 9 to 5!"}`), say("waiting for you"))
	reply, err := o.Run(ctx, Turn{Caller: editor, Channel: "C1", Thread: "1.1", Text: "answer Ann"}, &recorder{})
	if err != nil || len(reply.Approvals) != 1 {
		t.Fatalf("reply = %+v, %v", reply, err)
	}
	a := reply.Approvals[0]
	if !strings.Contains(a.Preview, "Ann") || !strings.Contains(a.Preview, "Facebook") || !strings.Contains(a.Preview, "Yes, 9 to 5!") {
		t.Fatalf("preview %q does not say what will be sent", a.Preview)
	}
	if len(ib.sent()) != 0 {
		t.Fatal("the answer was sent before approval")
	}
	if _, err := o.Approve(ctx, editor, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := o.Approve(ctx, editor, a.ID); err == nil {
		t.Fatal("approved twice")
	}
	if got := ib.sent(); len(got) != 1 || got[0] != "U1: Yes, 9 to 5!" {
		t.Fatalf("sent %v, want the answer once", got)
	}
}

// The inbox tools declare their effects: reading is read-only, answering
// and hiding wait for approval, liking and closing act at once.
func TestInboxToolEffects(t *testing.T) {
	t.Parallel()
	want := map[string]string{"list_inbox": "read", "reply_to_comment": "approval", "hide_comment": "approval", "like_comment": "write", "close_inbox_item": "write"}
	for _, tl := range inboxTools(&fakeInbox{}) {
		got := "write"
		switch {
		case tl.Effects().ReadOnly:
			got = "read"
		case tl.SideEffect:
			got = "approval"
		}
		if want[tl.Name] != got {
			t.Errorf("%s is %s, want %s", tl.Name, got, want[tl.Name])
		}
		delete(want, tl.Name)
	}
	if len(want) != 0 {
		t.Errorf("missing tools %v", want)
	}
}
