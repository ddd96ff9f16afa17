package instagram_test

import (
	"context"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/instagram"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
)

// TestCommentsReadAnswerHide: comments on a published media are read with
// their replies, answered (a reply to a reply joins the top-level comment)
// and hidden; a hidden comment cannot be answered.
func TestCommentsReadAnswerHide(t *testing.T) {
	t.Parallel()
	b := setup(t, 0, instagram.Config{})
	ctx := context.Background()
	recent, err := b.client.RecentPosts(ctx, b.target, b.clock.Now().Add(-7*24*time.Hour))
	if err != nil || len(recent) == 0 {
		t.Fatalf("the seeded media: %v %v", recent, err)
	}
	posted := recent[0]
	start := b.clock.Now()
	ids, _, err := b.sb.AddComments(ctx, sandbox.CommentSpec{Platform: "instagram", PostID: posted.ID, Count: 2, Text: "Nice"})
	if err != nil {
		t.Fatal(err)
	}
	sub, _, err := b.sb.AddComments(ctx, sandbox.CommentSpec{Platform: "instagram", PostID: posted.ID, ParentID: ids[0], Text: "Where?"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := b.client.ListComments(ctx, b.target, posted.ID, start)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{}
	for _, c := range got {
		kinds[c.ExternalID] = c.Kind
		if c.AuthorHandle == "" || c.PostExternalID != posted.ID {
			t.Fatalf("comment = %+v", c)
		}
	}
	if len(got) != 3 || kinds[ids[0]] != platform.KindComment || kinds[sub[0]] != platform.KindReply {
		t.Fatalf("comments = %+v", got)
	}
	answer, err := b.client.ReplyToComment(ctx, b.target, platform.CommentRef{ExternalID: sub[0], ParentExternalID: ids[0]}, "In Lisbon")
	if err != nil || answer == "" {
		t.Fatalf("reply = %q, %v", answer, err)
	}
	if again, _ := b.client.ListComments(ctx, b.target, posted.ID, start); len(again) != 3 {
		t.Fatalf("the account's own answer is listed: %+v", again)
	}
	if err := b.client.HideComment(ctx, b.target, platform.CommentRef{ExternalID: ids[1]}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.client.ReplyToComment(ctx, b.target, platform.CommentRef{ExternalID: ids[1]}, "Hi"); kindOf(t, err) != platform.KindPermanent {
		t.Fatalf("answering a hidden comment: %v", err)
	}
}
