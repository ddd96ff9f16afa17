package agents

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/marketingminds/marketingminds/tools/identity"
)

// namedUsers knows U1 as Ana; everyone else has no name.
type namedUsers struct{}

func (namedUsers) User(ctx context.Context, workspaceID, userID string) (identity.User, error) {
	if workspaceID == "T1" && userID == "U1" {
		return identity.User{WorkspaceID: "T1", ID: "U1", DisplayName: "Ana", Role: identity.Editor}, nil
	}
	return identity.User{WorkspaceID: workspaceID, ID: userID, Role: identity.Editor}, nil
}

// TestApprovalTextsNameNoOne: what a decision says to the person names no
// one (each door writes the decider its own way), and the note the model
// reads names the decider by name, never by id.
func TestApprovalTextsNameNoOne(t *testing.T) {
	t.Parallel()
	var runs atomic.Int32
	model := &scripted{}
	o, st := newOrchestrator(t, model, []Tool{actTool(&runs)}, func(c *Config) { c.Users = namedUsers{} })
	ctx := context.Background()
	key := ConversationKey{WorkspaceID: "T1", Channel: "C1", Thread: "1.1"}
	lastNote := func() string {
		t.Helper()
		conv, err := st.Messages(ctx, key, 0)
		if err != nil || len(conv) == 0 {
			t.Fatalf("conversation = %v, %v", conv, err)
		}
		return conv[len(conv)-1].Content
	}

	a := pending(t, o, model, editor)
	_, err := o.Approve(ctx, editor2, a.ID)
	if !errors.Is(err, identity.ErrForbidden) || strings.Contains(err.Error(), "U1") {
		t.Fatalf("another editor approves: %v; want forbidden, naming no id", err)
	}
	res, err := o.Approve(ctx, editor, a.ID)
	if err != nil || res.Text != "Approved and done: Do launch" || res.Approval.DecidedBy != "U1" {
		t.Fatalf("approve = %q by %q, %v", res.Text, res.Approval.DecidedBy, err)
	}
	if note := lastNote(); !strings.Contains(note, "Approved by Ana and done: Do launch") || strings.Contains(note, "by U1") {
		t.Fatalf("note for the model = %q", note)
	}

	b := pending(t, o, model, editor)
	res, err = o.Reject(ctx, admin, b.ID, "not today")
	if err != nil || res.Text != "Rejected: Do launch (reason: not today)" || res.Approval.DecidedBy != "U9" {
		t.Fatalf("reject = %q by %q, %v", res.Text, res.Approval.DecidedBy, err)
	}
	if note := lastNote(); !strings.HasSuffix(note, "Rejected by an admin: Do launch (reason: not today)") || strings.Contains(note, "U9") {
		t.Fatalf("note for the model = %q", note)
	}
}

// TestPromptNamesThePersonNotTheirID: the model learns the person's name,
// and no id when none is known (it would greet them by it).
func TestPromptNamesThePersonNotTheirID(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		c          identity.Caller
		want, nope string
	}{
		{editor, "You help Ana run", "U1"},
		{editor2, "You help this person run", "U2"},
	} {
		model := &scripted{}
		o, _ := newOrchestrator(t, model, nil, func(c *Config) { c.Users = namedUsers{} })
		model.steps = append(model.steps, say("hello"))
		if _, err := o.Run(context.Background(), Turn{Caller: tc.c, Channel: "C1", Thread: "1.1", Text: "hi"}, nil); err != nil {
			t.Fatal(err)
		}
		system := model.reqs[0].Messages[0].Content
		if !strings.Contains(system, tc.want) || strings.Contains(system, tc.nope) {
			t.Errorf("system prompt for %s lacks %q or names the id:\n%s", tc.c.UserID, tc.want, system)
		}
	}
}
