package agents

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/fault"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
)

type pickyArgs struct {
	Text      string   `json:"text"`
	MediaIDs  []string `json:"media_ids,omitempty"`
	ImageURLs []string `json:"image_urls,omitempty"`
}

// pickyTool refuses, before approval, any media named like a PNG.
func pickyTool() Tool {
	return NewTool("post_picky", "Posts; refuses PNGs. Needs approval.", func(ctx context.Context, c identity.Caller, a pickyArgs) (map[string]string, error) {
		return map[string]string{"post_id": "p1"}, nil
	}, Mutating(), WithPreview(func(ctx context.Context, c identity.Caller, a pickyArgs) (string, error) {
		for _, m := range append(slices.Clone(a.MediaIDs), a.ImageURLs...) {
			if strings.Contains(m, "png") {
				return "", Say(nil, "%s is a PNG; Instagram takes only JPEG images", m)
			}
		}
		return "Post “" + a.Text + "”", nil
	}))
}

// TestResubmitSwapsTheRefusedCall: after a Convert, the conversation's
// refused call naming the original is proposed again with the copy in its
// place (an id in media_ids where it was; a link replaced by the copy's id)
// and held for approval like the model's own call; the conversation
// records it. A media no refusal here names, a second Convert of the same,
// and another workspace's caller get ErrNoRefusal.
func TestResubmitSwapsTheRefusedCall(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	model := &scripted{}
	o, st := newOrchestrator(t, model, []Tool{pickyTool()}, nil)
	key := ConversationKey{WorkspaceID: "T1", Channel: "C1", Thread: "1.1"}
	refuse := func(args string) {
		t.Helper()
		model.steps = append(model.steps, call("post_picky", args), say("Instagram refused it."))
		reply, err := o.Run(ctx, Turn{Caller: editor, Channel: key.Channel, Thread: key.Thread, Text: "post it to Instagram"}, &recorder{})
		if err != nil || len(reply.Approvals) != 0 || len(reply.Results) != 1 {
			t.Fatalf("refusal = %+v, %v", reply, err)
		}
		if _, ok := reply.Results[0].Value.(fault.Failure); !ok {
			t.Fatalf("refusal = %+v, want a failure", reply.Results[0])
		}
	}

	refuse(`{"text":"Launch","media_ids":["m-team","m-png"]}`)
	if _, err := o.Resubmit(ctx, editor, key, MediaSwap{OldID: "m-other", NewID: "m-new"}, &recorder{}); !errors.Is(err, ErrNoRefusal) {
		t.Fatalf("a media no refusal names: %v, want ErrNoRefusal", err)
	}
	stranger := identity.Caller{WorkspaceID: "T2", UserID: "U1", Role: identity.Editor, Door: identity.DoorSlack}
	if _, err := o.Resubmit(ctx, stranger, key, MediaSwap{OldID: "m-png", NewID: "m-new"}, &recorder{}); !errors.Is(err, ErrNoRefusal) {
		t.Fatalf("another workspace: %v, want ErrNoRefusal", err)
	}
	if _, err := o.Resubmit(ctx, viewer, key, MediaSwap{OldID: "m-png", NewID: "m-new"}, &recorder{}); !errors.Is(err, identity.ErrForbidden) {
		t.Fatalf("a viewer: %v, want forbidden", err)
	}
	sink := &recorder{}
	reply, err := o.Resubmit(ctx, editor, key, MediaSwap{OldID: "m-png", NewID: "m-new"}, sink)
	if err != nil || len(reply.Approvals) != 1 || len(sink.approvals) != 1 || !strings.Contains(sink.text, "in place of the original") {
		t.Fatalf("resubmit = %+v, %v; sink %+v", reply, err, sink)
	}
	a := reply.Approvals[0]
	if got := string(a.Args); a.Tool != "post_picky" || a.Status != ApprovalPending || a.RequestedBy != "U1" ||
		got != `{"media_ids":["m-team","m-new"],"text":"Launch"}` {
		t.Fatalf("approval = %s %s %s %s", a.Tool, a.Status, a.RequestedBy, got)
	}
	if _, err := o.Resubmit(ctx, editor, key, MediaSwap{OldID: "m-png", NewID: "m-new"}, &recorder{}); !errors.Is(err, ErrNoRefusal) {
		t.Fatalf("a second Convert: %v, want ErrNoRefusal", err)
	}
	msgs, err := st.Messages(ctx, key, 0)
	if err != nil {
		t.Fatal(err)
	}
	last, answer := msgs[len(msgs)-2], msgs[len(msgs)-1]
	var held map[string]string
	_ = json.Unmarshal([]byte(answer.Content), &held)
	if len(last.ToolCalls) != 1 || last.ToolCalls[0].Arguments != string(a.Args) || answer.Role != llm.RoleTool ||
		answer.ToolCallID != last.ToolCalls[0].ID || held["status"] != "awaiting_approval" || held["approval_id"] != a.ID {
		t.Fatalf("the conversation ends with %+v then %+v", last, answer)
	}

	// A link: taken out of image_urls, the copy's id first in media_ids.
	refuse(`{"text":"Links","image_urls":["https://cdn.example/a.png","https://cdn.example/b.jpg"],"media_ids":["m-team"]}`)
	reply, err = o.Resubmit(ctx, editor, key, MediaSwap{OldURL: "https://cdn.example/a.png", NewID: "m-new2"}, &recorder{})
	if err != nil || len(reply.Approvals) != 1 {
		t.Fatalf("resubmit a link = %+v, %v", reply, err)
	}
	if got := string(reply.Approvals[0].Args); got != `{"image_urls":["https://cdn.example/b.jpg"],"media_ids":["m-new2","m-team"],"text":"Links"}` {
		t.Fatalf("args = %s", got)
	}

	// Still refused with the copy (another PNG): the refusal is the reply.
	refuse(`{"text":"Two","media_ids":["m-png","m-png2"]}`)
	reply, err = o.Resubmit(ctx, editor, key, MediaSwap{OldID: "m-png", NewID: "m-new3"}, &recorder{})
	if err != nil || len(reply.Approvals) != 0 || len(reply.Results) != 1 {
		t.Fatalf("still refused = %+v, %v", reply, err)
	}
	if f, ok := reply.Results[0].Value.(fault.Failure); !ok || !strings.Contains(f.Message, "m-png2") {
		t.Fatalf("still refused: %+v", reply.Results[0].Value)
	}
	// ...and the next Convert swaps the second one into the call proposed again.
	reply, err = o.Resubmit(ctx, editor, key, MediaSwap{OldID: "m-png2", NewID: "m-new4"}, &recorder{})
	if err != nil || len(reply.Approvals) != 1 || string(reply.Approvals[0].Args) != `{"media_ids":["m-new3","m-new4"],"text":"Two"}` {
		t.Fatalf("the second conversion = %+v, %v", reply, err)
	}
}

type igArgs struct {
	Text       string   `json:"text"`
	MediaIDs   []string `json:"media_ids,omitempty"`
	AccountIDs []string `json:"account_ids,omitempty"`
}

// igTool asks which Instagram account first, then refuses a PNG with an
// offer to convert it, as publishing's checks do.
func igTool() Tool {
	options := []publish.Target{{AccountID: "ig1", Platform: platform.Instagram, Name: "Roastery"}, {AccountID: "ig2", Platform: platform.Instagram, Name: "Outlet"}}
	return NewTool("post_ig", "Posts to Instagram. Needs approval.", func(ctx context.Context, c identity.Caller, a igArgs) (map[string]string, error) {
		return map[string]string{"post_id": "p1"}, nil
	}, Mutating(), WithCheck(func(ctx context.Context, c identity.Caller, a igArgs) (Check, error) {
		if len(a.AccountIDs) == 0 {
			return Check{}, &publish.ChoiceError{Choices: []publish.Choice{{Platform: platform.Instagram, Options: options}}}
		}
		for _, id := range a.MediaIDs {
			if strings.Contains(id, "png") {
				ve := &publish.ValidationError{Problems: []publish.Problem{{Platform: platform.Instagram, Field: "media_ids",
					Message: "the image is a PNG; Instagram takes only JPEG images", Convert: &publish.ConvertOffer{MediaID: id, Platform: platform.Instagram}}}}
				return Check{}, Say(ve, "%s", ve.Error())
			}
		}
		return Check{Preview: "Post “" + a.Text + "”", Targets: options[1:]}, nil
	}))
}

// TestResubmitAfterARefusedChoice: a post that asked which account first,
// refused by the account chosen (a PNG for Instagram), answers with the
// refusal and its Convert offer; the Convert proposes the same post to the
// same account again, with the converted copy.
func TestResubmitAfterARefusedChoice(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	model := &scripted{steps: []func(llm.Request) (llm.Response, error){call("post_ig", `{"text":"Hi","media_ids":["m-png"]}`), say("Which account?")}}
	o, _ := newOrchestrator(t, model, []Tool{igTool()}, nil)
	key := ConversationKey{WorkspaceID: "T1", Channel: "C1", Thread: "1.1"}
	reply, err := o.Run(ctx, Turn{Caller: editor, Channel: key.Channel, Thread: key.Thread, Text: "post this to Instagram"}, &recorder{})
	if err != nil || len(reply.Approvals) != 1 || reply.Approvals[0].Status != ApprovalAsking {
		t.Fatalf("reply = %+v, %v", reply, err)
	}
	// Answered in words: the reply carries the refusal, with its offer,
	// and so does the stream (the web chat shows what the sink gets).
	sink := &recorder{}
	answered, err := o.Run(ctx, Turn{Caller: editor, Channel: key.Channel, Thread: key.Thread, Text: "Outlet"}, sink)
	if err != nil || len(answered.Results) != 1 || len(sink.results) != 1 {
		t.Fatalf("answer = %+v, %v; the sink got %d results", answered, err, len(sink.results))
	}
	if f, ok := answered.Results[0].Value.(fault.Failure); !ok || f.Convert == nil || f.Convert.MediaID != "m-png" ||
		answered.Text != "Outlet (Instagram) cannot take this post: the image is a PNG; Instagram takes only JPEG images" {
		t.Fatalf("the refusal = %+v (%q), want a Convert offer in a person's words", answered.Results[0].Value, answered.Text)
	}
	again, err := o.Resubmit(ctx, editor, key, MediaSwap{OldID: "m-png", NewID: "m-jpg"}, &recorder{})
	if err != nil || len(again.Approvals) != 1 || again.Approvals[0].Status != ApprovalPending ||
		string(again.Approvals[0].Args) != `{"account_ids":["ig2"],"media_ids":["m-jpg"],"text":"Hi"}` {
		t.Fatalf("resubmit = %+v, %v", again, err)
	}
}
