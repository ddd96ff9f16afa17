package linkedin_test

import (
	"context"
	"strings"
	"testing"

	"github.com/marketingminds/marketingminds/integrations/linkedin"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
)

// TestCommentsReadAndAnswer: comments on an organization post are read
// (paged, the organization's own left out) and answered as the organization;
// another organization's post is refused.
func TestCommentsReadAndAnswer(t *testing.T) {
	t.Parallel()
	b := setup(t, linkedin.Config{})
	ctx := context.Background()
	posted, err := b.client.Publish(ctx, b.coffee, platform.Post{Text: "Roastery tour Friday"})
	if err != nil {
		t.Fatal(err)
	}
	ids, _, err := b.sb.AddComments(ctx, sandbox.CommentSpec{Platform: "linkedin", PostID: posted.ID, Count: 120, Text: "Count me in"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := b.client.ListComments(ctx, b.coffee, posted.ID, b.clock.Now().Add(-1))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 120 || got[0].Kind != platform.KindComment || got[0].AuthorID == "" || got[0].PostExternalID != posted.ID || got[0].Text != "Count me in" {
		t.Fatalf("%d comments, first %+v", len(got), got[0])
	}
	first := got[0]
	answer, err := b.client.ReplyToComment(ctx, b.coffee, platform.CommentRef{ExternalID: first.ExternalID, PostExternalID: posted.ID}, "See you there")
	if err != nil || answer == "" {
		t.Fatalf("reply = %q %v", answer, err)
	}
	if again, _ := b.client.ListComments(ctx, b.coffee, posted.ID, b.clock.Now().Add(-1)); len(again) != 120 {
		t.Fatalf("after answering: %d comments", len(again))
	}
	if !strings.HasSuffix(first.ExternalID, ","+ids[0]+")") {
		t.Fatalf("first comment %q, want the URN of %s", first.ExternalID, ids[0])
	}
	if _, err := b.client.ListComments(ctx, b.outdoor, "urn:li:share:1", b.clock.Now()); err == nil {
		t.Fatal("read a post that does not exist")
	}
}
