package agents

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// TestOfflinePlannerFollowsTheConversation talks to the orchestrator with
// the offline planner over the sandbox, as every door does: "schedule that",
// "cancel it" and "show me failed posts and retry them" act on what the
// conversation spoke of.
func TestOfflinePlannerFollowsTheConversation(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.connect(t, editor, platform.Twitter)
	o := w.orchestrator(t, llm.Offline(), nil)
	ctx := context.Background()
	// say runs one turn and approves what it asks, returning the approvals'
	// results.
	say := func(words string, approvals int) []json.RawMessage {
		t.Helper()
		reply, err := o.Run(ctx, turn(words), nil)
		if err != nil || len(reply.Approvals) != approvals {
			t.Fatalf("%q: reply %+v, %v; want %d approvals", words, reply, err, approvals)
		}
		var out []json.RawMessage
		for _, a := range reply.Approvals {
			res, err := o.Approve(ctx, editor, a.ID)
			if err != nil {
				t.Fatalf("%q: approve %s: %v", words, a.Tool, err)
			}
			out = append(out, res.Result)
		}
		return out
	}
	postID := func(raw json.RawMessage) string {
		t.Helper()
		var v struct {
			PostID string `json:"post_id"` // an outcome
			ID     string `json:"id"`      // a post
		}
		if err := json.Unmarshal(raw, &v); err != nil || v.PostID+v.ID == "" {
			t.Fatalf("result %s has no post id: %v", raw, err)
		}
		return v.PostID + v.ID
	}

	// A post waiting for approval is rescheduled by reference, then the
	// scheduled post is cancelled by reference.
	if reply, err := o.Run(ctx, turn(`post "Spring sale starts today" to the bird app`), nil); err != nil || len(reply.Approvals) != 1 {
		t.Fatalf("post: %+v, %v", reply, err)
	}
	scheduled := postID(say("schedule that for tomorrow at 9am", 1)[0])
	p, err := w.posts.Get(ctx, editor, scheduled)
	if err != nil || p.Content.Text != "Spring sale starts today" || p.ScheduledAt == nil || p.Status != "scheduled" {
		t.Fatalf("scheduled post = %+v, %v", p, err)
	}
	say("cancel it", 1)
	if p, err = w.posts.Get(ctx, editor, scheduled); err != nil || p.Status != "cancelled" {
		t.Fatalf("after cancel it: %+v, %v", p, err)
	}

	// A post X refuses fails; "show me failed posts and retry them" lists
	// it and retries it, and it is published.
	w.sb.InjectFault(sandbox.Fault{Platform: "twitter", Method: "POST", Path: "/2/tweets", Status: 403, Times: 1,
		Body: `{"title":"Forbidden","detail":"You are not permitted to perform this action.","type":"about:blank","status":403}`})
	failed := say(`tweet "Flash sale: 2 hours only"`, 1)
	var out publish.Outcome
	if err := json.Unmarshal(failed[0], &out); err != nil || out.Success {
		t.Fatalf("the refused post: %s, %v", failed[0], err)
	}
	before := w.sb.Calls("POST", xPosts)
	say("show me failed posts and retry them", 1)
	if p, err = w.posts.Get(ctx, editor, out.PostID); err != nil || p.Status != "published" {
		t.Fatalf("after the retry: %+v, %v", p, err)
	}
	if n := w.sb.Calls("POST", xPosts) - before; n != 1 {
		t.Fatalf("%d posts to X on retry, want 1", n)
	}
	// A platform far from its name is asked about; the yes, a turn later,
	// runs the request.
	reply, err := o.Run(ctx, turn(`post "Thanks, everyone" to twtr`), nil)
	if err != nil || len(reply.Approvals) != 0 || !strings.HasPrefix(reply.Text, "Did you mean X?") {
		t.Fatalf("far typo: %+v, %v", reply, err)
	}
	thanks := say("yes", 1)
	if err := json.Unmarshal(thanks[0], &out); err != nil || !out.Success {
		t.Fatalf("after yes: %s, %v", thanks[0], err)
	}

	// Nothing failed is left: "retry the failed ones" says so.
	reply, err = o.Run(ctx, turn("retry the failed ones"), nil)
	if err != nil || len(reply.Approvals) != 0 || reply.Text == "" {
		t.Fatalf("retry with nothing failed: %+v, %v", reply, err)
	}
}
