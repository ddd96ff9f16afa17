package agents

import (
	"context"
	"strings"
	"testing"

	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/integrations/platform"
)

// TestChooseInWordsAndRemember: through the offline planner, "post … to
// linkedin" with three LinkedIn accounts asks which; "Acme Outdoor, and
// remember it" continues the same post and makes it the default; the next
// post to LinkedIn goes there without asking. Only that account gets posts.
func TestChooseInWordsAndRemember(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.connect(t, editor, platform.LinkedIn)
	o := w.orchestrator(t, llm.Offline(), nil)
	ctx := context.Background()

	reply, err := o.Run(ctx, turn(`post "First of many" to linkedin`), nil)
	if err != nil || len(reply.Approvals) != 1 || reply.Approvals[0].Status != ApprovalAsking {
		t.Fatalf("reply = %+v, %v", reply, err)
	}
	// Something else is a new request: the question stays.
	if reply, err := o.Run(ctx, turn("accounts"), nil); err != nil || len(reply.Approvals) != 0 {
		t.Fatalf("an unrelated request = %+v, %v", reply, err)
	}
	sink := &recorder{}
	reply, err = o.Run(ctx, turn("Acme Outdoor, and remember it"), sink)
	if err != nil || len(reply.Approvals) != 1 || reply.Approvals[0].Status != ApprovalPending ||
		!strings.Contains(reply.Text, "From now on, posts to LinkedIn go to Acme Outdoor") || len(sink.approvals) != 1 {
		t.Fatalf("answer = %+v, %v", reply, err)
	}
	if _, err := o.Approve(ctx, editor, reply.Approvals[0].ID); err != nil {
		t.Fatal(err)
	}

	reply, err = o.Run(ctx, turn(`post "Second of many" to linkedin`), nil)
	if err != nil || len(reply.Approvals) != 1 || reply.Approvals[0].Status != ApprovalPending ||
		!strings.Contains(reply.Approvals[0].Preview, "to Acme Outdoor (LinkedIn page):") {
		t.Fatalf("with the default = %+v, %v", reply, err)
	}
	if _, err := o.Approve(ctx, editor, reply.Approvals[0].ID); err != nil {
		t.Fatal(err)
	}
	if n := w.sb.Calls("POST", liPosts); n != 2 {
		t.Fatalf("%d LinkedIn posts, want 2", n)
	}
}

// TestDuplicateBeforeApproval: the duplicate check runs before a person is
// asked; the approval carries the warning; "post anyway" in words approves
// and publishes once; "cancel" drops a second one.
func TestDuplicateBeforeApproval(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.connect(t, editor, platform.Twitter)
	o := w.orchestrator(t, llm.Offline(), func(c *Config) {
		c.Policy = func(context.Context, string) (string, error) { return PolicyNever, nil }
	})
	ctx := context.Background()
	if reply, err := o.Run(ctx, turn(`post "Same old news" to x`), nil); err != nil || len(reply.Approvals) != 0 {
		t.Fatalf("first post = %+v, %v", reply, err)
	}
	if n := w.sb.Calls("POST", xPosts); n != 1 {
		t.Fatalf("%d X posts, want 1", n)
	}
	// Approval is off, yet the duplicate waits for a person.
	reply, err := o.Run(ctx, turn(`post "Same old news" to x`), nil)
	if err != nil || len(reply.Approvals) != 1 {
		t.Fatalf("duplicate = %+v, %v", reply, err)
	}
	a := reply.Approvals[0]
	if a.Status != ApprovalPending || len(a.Checks.Duplicates) != 1 || a.Checks.Duplicates[0].Account != "Acme Coffee" {
		t.Fatalf("approval = %+v", a)
	}
	if n := w.sb.Calls("POST", xPosts); n != 1 {
		t.Fatalf("%d X posts before post anyway, want 1", n)
	}
	reply, err = o.Run(ctx, turn("post anyway"), nil)
	if err != nil || !strings.Contains(reply.Text, "done") {
		t.Fatalf("post anyway = %+v, %v", reply, err)
	}
	if n := w.sb.Calls("POST", xPosts); n != 2 {
		t.Fatalf("%d X posts after post anyway, want 2", n)
	}
	// A third time: cancel.
	if reply, err = o.Run(ctx, turn(`post "Same old news" to x`), nil); err != nil || len(reply.Approvals) != 1 {
		t.Fatalf("third = %+v, %v", reply, err)
	}
	if reply, err = o.Run(ctx, turn("cancel"), nil); err != nil || !strings.Contains(reply.Text, "Rejected") {
		t.Fatalf("cancel = %+v, %v", reply, err)
	}
	if n := w.sb.Calls("POST", xPosts); n != 2 {
		t.Fatalf("%d X posts after cancel, want 2", n)
	}
}

func TestPickOption(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.connect(t, editor, platform.LinkedIn)
	_, err := w.targets.Resolve(context.Background(), editor, publishWhere("linkedin"))
	ch := choiceOf(t, err)
	for _, tc := range []struct{ text, want string }{
		{"2", ch.Options[1].Name}, {"#3", ch.Options[2].Name}, {"the first", ch.Options[0].Name},
		{"the Acme Outdoor page", "Acme Outdoor"}, {"outdoor", "Acme Outdoor"}, {"coffee please", "Acme Coffee Co."},
		{"Sam", "Sam Sandbox"}, {"acme", ""}, {"9", ""}, {"what's the weather", ""},
	} {
		got, ok := pickOption(ch, tc.text)
		if (tc.want == "") == ok || (ok && got.Name != tc.want) {
			t.Errorf("%q picked %q (%v), want %q", tc.text, got.Name, ok, tc.want)
		}
	}
}

// TestPostToAGroup: an account group made through the tool ("Acme
// Outdoor" = its LinkedIn page and the X account) is a target of its own:
// the approval names each account, nothing is asked, both get the post.
func TestPostToAGroup(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	x := w.connect(t, editor, platform.Twitter)
	var page string
	for _, a := range w.connect(t, editor, platform.LinkedIn) {
		if a.AccountName == "Acme Outdoor" {
			page = a.ID
		}
	}
	model := &scripted{steps: []func(llm.Request) (llm.Response, error){
		call("save_account_group", `{"name":"Acme Outdoor","account_ids":["`+page+`","`+x[0].ID+`"]}`),
		say("Saved."),
		call("publish_post", `{"text":"Trail season is open","groups":["acme outdoor"]}`),
		say("It waits for your approval."),
	}}
	o := w.orchestrator(t, model, nil)
	ctx := context.Background()
	// Grouping accounts is the workspace's data, not an act in anyone's name: at once.
	if reply, err := o.Run(ctx, turn("group my Acme Outdoor page and X as Acme Outdoor"), nil); err != nil || len(reply.Approvals) != 0 {
		t.Fatalf("save = %+v, %v", reply, err)
	}
	reply, err := o.Run(ctx, turn("post 'Trail season is open' to Acme Outdoor"), nil)
	if err != nil || len(reply.Approvals) != 1 || reply.Approvals[0].Status != ApprovalPending ||
		!strings.Contains(reply.Approvals[0].Preview, "Acme Outdoor (LinkedIn page)") || !strings.Contains(reply.Approvals[0].Preview, "(X profile)") {
		t.Fatalf("post = %+v, %v", reply, err)
	}
	if _, err := o.Approve(ctx, editor, reply.Approvals[0].ID); err != nil {
		t.Fatal(err)
	}
	if xn, li := w.sb.Calls("POST", xPosts), w.sb.Calls("POST", liPosts); xn != 1 || li != 1 {
		t.Fatalf("%d X and %d LinkedIn posts, want 1 and 1", xn, li)
	}
}
