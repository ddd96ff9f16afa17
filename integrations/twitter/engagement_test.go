package twitter_test

import (
	"context"
	"testing"

	"github.com/marketingminds/marketingminds/integrations/platform"
)

// TestMentionsReplyLikeHide: mentions are read newest first with the
// authors expanded, and from the newest id on; a reply to our post is a
// reply on its conversation; answering, liking and hiding it work, while
// X refuses to hide a mere mention and to answer an author who did not
// summon us.
func TestMentionsReplyLikeHide(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	_, me := e.connect(t)
	ours, err := e.client.Publish(ctx, me, platform.Post{Text: "Our new roast is out"})
	if err != nil {
		t.Fatal(err)
	}
	mentions, err := e.sb.AddMentions(me.ExternalID, "", "love your coffee", 3)
	if err != nil {
		t.Fatal(err)
	}
	replies, err := e.sb.AddMentions(me.ExternalID, ours.ID, "when in stores?", 1)
	if err != nil {
		t.Fatal(err)
	}
	got, newest, err := e.client.Mentions(ctx, me, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 || newest != replies[0] || got[0].ExternalID != replies[0] {
		t.Fatalf("mentions = %+v, newest %q", got, newest)
	}
	if r := got[0]; r.Kind != platform.KindReply || r.PostExternalID != ours.ID || r.ParentExternalID != ours.ID || r.AuthorHandle == "" || r.AuthorName == "" {
		t.Fatalf("reply = %+v", r)
	}
	if m := got[3]; m.Kind != platform.KindMention || m.ExternalID != mentions[0] || m.Permalink == "" || m.CreatedAt.IsZero() {
		t.Fatalf("mention = %+v", m)
	}
	more, err := e.sb.AddMentions(me.ExternalID, "", "again", 1)
	if err != nil {
		t.Fatal(err)
	}
	if got, next, err := e.client.Mentions(ctx, me, newest); err != nil || len(got) != 1 || got[0].ExternalID != more[0] || next != more[0] {
		t.Fatalf("since the newest = %+v %q %v", got, next, err)
	}
	if got, next, err := e.client.Mentions(ctx, me, more[0]); err != nil || len(got) != 0 || next != more[0] {
		t.Fatalf("nothing new = %+v %q %v", got, next, err)
	}

	reply := platform.CommentRef{ExternalID: replies[0], PostExternalID: ours.ID}
	if id, err := e.client.ReplyToComment(ctx, me, reply, "Monday!"); err != nil || id == "" {
		t.Fatalf("reply = %q %v", id, err)
	}
	if err := e.client.LikeComment(ctx, me, reply); err != nil {
		t.Fatal(err)
	}
	if err := e.client.HideComment(ctx, me, reply); err != nil {
		t.Fatal(err)
	}
	if err := e.client.HideComment(ctx, me, platform.CommentRef{ExternalID: mentions[0]}); wantKind(t, err, platform.KindPermanent).Status != 403 {
		t.Fatalf("hiding a mention: %v", err)
	}
	// A post that does not mention us cannot be answered (since 2026-02-23).
	e.sb.SetXUser("stranger")
	_, stranger := e.connect(t)
	alone, err := e.client.Publish(ctx, stranger, platform.Post{Text: "Just coffee"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.ReplyToComment(ctx, me, platform.CommentRef{ExternalID: alone.ID}, "Try ours"); wantKind(t, err, platform.KindPermanent).Status != 403 {
		t.Fatalf("answering unsummoned: %v", err)
	}
}
