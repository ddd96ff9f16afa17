package inbox

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
)

var (
	editor = identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Editor}
	viewer = identity.Caller{WorkspaceID: "T1", UserID: "U2", Role: identity.Viewer}
)

// TestEachPlatformIngestedOnce: a comment on a published Facebook post, on
// an Instagram post, on a LinkedIn organization post and an X mention are
// each stored once, though Meta's webhook and two polls all deliver them.
func TestEachPlatformIngestedOnce(t *testing.T) {
	for _, backend := range []store.Backend{store.SQLite, store.Mongo} {
		t.Run(string(backend), func(t *testing.T) { ingestedOnce(t, backend) })
	}
}

func ingestedOnce(t *testing.T, backend store.Backend) {
	w := setupWorld(t, backend)
	ctx := context.Background()
	for _, obj := range []string{"page", "instagram"} {
		if err := w.sb.SubscribeMeta(ctx, obj, w.hook.URL, "verify-me", metaSecret); err != nil {
			t.Fatal(err)
		}
	}
	// The first poll installs the app on the Page: Meta delivers nothing before.
	if rep, err := w.svc.Poll(ctx); err != nil || rep.Failed != 0 || rep.New != 0 {
		t.Fatalf("first poll = %+v, %v", rep, err)
	}
	if err := w.sb.SubscribeMeta(ctx, "page", w.hook.URL, "wrong token", metaSecret); err == nil {
		t.Fatal("the handshake accepted a wrong verify token")
	}
	fbPost, err := w.fb.Publish(ctx, w.accs.byID["acc-fb"].t, platform.Post{Text: "Autumn blend"})
	if err != nil {
		t.Fatal(err)
	}
	liPost, err := w.li.Publish(ctx, w.accs.byID["acc-li"].t, platform.Post{Text: "Roastery tour"})
	if err != nil {
		t.Fatal(err)
	}
	recent, err := w.svc.cfg.Adapters[platform.Instagram].(postLister).RecentPosts(ctx, w.accs.byID["acc-ig"].t, w.clock.Now().Add(-PostWindow))
	if err != nil || len(recent) == 0 {
		t.Fatalf("instagram media: %v %v", recent, err)
	}
	for _, sp := range []sandbox.CommentSpec{
		{Platform: "facebook", PostID: fbPost.ID, Text: "Love it"},
		{Platform: "instagram", PostID: recent[0].ID, Text: "Gorgeous"},
		{Platform: "linkedin", PostID: liPost.ID, Text: "Count me in"},
	} {
		_, hooks, err := w.sb.AddComments(ctx, sp)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hooks {
			if h.Status != http.StatusOK {
				t.Fatalf("%s webhook answered %+v", sp.Platform, h)
			}
		}
	}
	if _, err := w.sb.AddMentions(w.accs.byID["acc-x"].acc.ExternalID, "", "best beans in town", 1); err != nil {
		t.Fatal(err)
	}
	page, _ := w.svc.List(ctx, viewer, Filter{})
	if len(page.Items) != 2 {
		t.Fatalf("after the webhooks: %d items, want Facebook's and Instagram's", len(page.Items))
	}
	w.clock.Add(time.Minute)
	for round, want := range []int{2, 0} {
		rep, err := w.svc.Poll(ctx)
		if err != nil || rep.Accounts != 4 || rep.Failed != 0 || rep.New != want {
			t.Fatalf("poll %d = %+v, %v; want %d new", round, rep, err, want)
		}
	}
	page, err = w.svc.List(ctx, viewer, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	per := map[platform.Name]int{}
	for _, it := range page.Items {
		per[it.Platform]++
		if it.State != StateNew || it.Text == "" || it.ExternalID == "" || it.CreatedAt.IsZero() {
			t.Errorf("item %+v", it)
		}
	}
	if len(page.Items) != 4 || per[platform.Facebook] != 1 || per[platform.Instagram] != 1 || per[platform.LinkedIn] != 1 || per[platform.Twitter] != 1 {
		t.Fatalf("items per platform %v (%d items)", per, len(page.Items))
	}
	if n, _ := w.svc.Unanswered(ctx, viewer); n != 4 {
		t.Fatalf("unanswered = %d", n)
	}
}

// TestForgedMetaWebhookStoresNothing: a body signed with another secret,
// or not signed, is refused before it is read.
func TestForgedMetaWebhookStoresNothing(t *testing.T) {
	t.Parallel()
	st := NewStore(storetest.Open(t, store.SQLite, Schema))
	accs := &fakeAccounts{byID: map[string]connected{"acc-fb": {acc: Account{WorkspaceID: "T1", ID: "acc-fb", Platform: platform.Facebook, ExternalID: "108"}}}}
	svc := New(Config{Store: st, Accounts: accs, Directory: accs, MetaAppSecret: metaSecret, Log: zerolog.Nop()})
	body := []byte(`{"object":"page","entry":[{"id":"108","time":1,"changes":[{"field":"feed","value":{"item":"comment","verb":"add","comment_id":"1_2","post_id":"108_1","parent_id":"108_1","message":"hi","from":{"id":"9","name":"Eve"},"created_time":1}}]}]}`)
	for _, sig := range []string{"", "sha256=00", "sha1=abc", sign("other-secret", body)} {
		if _, err := svc.MetaWebhook(context.Background(), body, sig); !errors.Is(err, ErrBadSignature) {
			t.Fatalf("signature %q: %v", sig, err)
		}
	}
	if p, _ := svc.List(context.Background(), viewer, Filter{}); len(p.Items) != 0 {
		t.Fatalf("a forged webhook stored %+v", p.Items)
	}
	if n, err := svc.MetaWebhook(context.Background(), body, sign(metaSecret, body)); err != nil || n != 1 {
		t.Fatalf("the genuine one = %d, %v", n, err)
	}
	if _, ok := svc.MetaHandshake("subscribe", "guess", "42"); ok {
		t.Fatal("handshake with a wrong token")
	}
}

func sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// TestReplyLikeHideDone: the actions reach the platform once, set the
// state and who handled it; viewers only read; another workspace's id is
// not found; hiding where the platform has no hiding says so.
func TestReplyLikeHideDone(t *testing.T) {
	w := setupWorld(t, store.SQLite)
	ctx := context.Background()
	fbPost, err := w.fb.Publish(ctx, w.accs.byID["acc-fb"].t, platform.Post{Text: "Latte art"})
	if err != nil {
		t.Fatal(err)
	}
	liPost, err := w.li.Publish(ctx, w.accs.byID["acc-li"].t, platform.Post{Text: "Hiring baristas"})
	if err != nil {
		t.Fatal(err)
	}
	ids, _, _ := w.sb.AddComments(ctx, sandbox.CommentSpec{Platform: "facebook", PostID: fbPost.ID, Count: 2, Text: "When?"})
	if _, _, err := w.sb.AddComments(ctx, sandbox.CommentSpec{Platform: "linkedin", PostID: liPost.ID, Text: "Applied"}); err != nil {
		t.Fatal(err)
	}
	w.clock.Add(time.Second)
	if _, err := w.svc.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	fbID, liID := ItemID("T1", platform.Facebook, ids[0]), ""
	p, _ := w.svc.List(ctx, viewer, Filter{Platform: platform.LinkedIn})
	if len(p.Items) != 1 {
		t.Fatalf("linkedin items %+v", p.Items)
	}
	liID = p.Items[0].ID

	if _, err := w.svc.Reply(ctx, viewer, fbID, "Saturday"); !errors.Is(err, identity.ErrForbidden) {
		t.Fatalf("viewer replied: %v", err)
	}
	if _, err := w.svc.Get(ctx, identity.Caller{WorkspaceID: "T2", UserID: "U9", Role: identity.Admin}, fbID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("another workspace reads it: %v", err)
	}
	answers := "/graph.facebook.com/v26.0/" + ids[0] + "/comments"
	for range 2 {
		it, err := w.svc.Reply(ctx, editor, fbID, "Saturday at 10")
		if err != nil || it.State != StateAnswered || it.HandledBy != "U1" || len(it.Replies) != 1 || it.Replies[0].ExternalID == "" || it.AnsweredAt.IsZero() {
			t.Fatalf("reply = %+v, %v", it, err)
		}
	}
	if n := w.sb.Calls(http.MethodPost, answers); n != 1 {
		t.Fatalf("the reply reached Facebook %d times, want once", n)
	}
	if it, err := w.svc.Like(ctx, editor, fbID); err != nil || it.HandledBy != "U1" {
		t.Fatalf("like = %+v, %v", it, err)
	}
	second := ItemID("T1", platform.Facebook, ids[1])
	if it, err := w.svc.Hide(ctx, editor, second); err != nil || it.State != StateHidden {
		t.Fatalf("hide = %+v, %v", it, err)
	}
	if _, err := w.svc.Hide(ctx, editor, liID); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "LinkedIn") {
		t.Fatalf("hide on LinkedIn: %v", err)
	}
	if it, err := w.svc.Reply(ctx, editor, liID, "Thanks, we will be in touch"); err != nil || it.State != StateAnswered {
		t.Fatalf("linkedin reply = %+v, %v", it, err)
	}
	if it, err := w.svc.Done(ctx, editor, second); err != nil || it.State != StateDone {
		t.Fatalf("done = %+v, %v", it, err)
	}
	if n, _ := w.svc.Unanswered(ctx, viewer); n != 0 {
		t.Fatalf("unanswered = %d", n)
	}
	rts, err := w.svc.ResponseTimes(ctx, viewer, w.clock.Now().Add(-time.Hour), w.clock.Now().Add(time.Hour))
	if err != nil || len(rts) != 2 || rts[0].Count != 1 {
		t.Fatalf("response times = %+v, %v", rts, err)
	}
}

type fakePublished []publish.PublishedDelivery

func (f fakePublished) PublishedSince(_ context.Context, ws string, _ time.Time) ([]publish.PublishedDelivery, error) {
	var out []publish.PublishedDelivery
	for _, d := range f {
		if d.WorkspaceID == ws {
			out = append(out, d)
		}
	}
	return out, nil
}

// TestIngestNamesOurPost: an item on a post we published carries our
// post's id; one on another account's post of the same platform id, or of
// another workspace, does not.
func TestIngestNamesOurPost(t *testing.T) {
	t.Parallel()
	svc := New(Config{Store: NewStore(storetest.Open(t, store.SQLite, Schema)), Log: zerolog.Nop(), Published: fakePublished{
		{WorkspaceID: "T1", PostID: "post_1", AccountID: "acc-fb", Platform: platform.Facebook, PlatformPostID: "108_1"},
		{WorkspaceID: "T2", PostID: "post_9", AccountID: "acc-fb", Platform: platform.Facebook, PlatformPostID: "108_2"},
	}})
	got, err := svc.Ingest(context.Background(), "T1", []Item{
		{AccountID: "acc-fb", Platform: platform.Facebook, ExternalID: "1_1", PostExternalID: "108_1"},
		{AccountID: "acc-other", Platform: platform.Facebook, ExternalID: "1_2", PostExternalID: "108_1"},
		{AccountID: "acc-fb", Platform: platform.Facebook, ExternalID: "1_3", PostExternalID: "108_2"},
	})
	if err != nil || len(got) != 3 || got[0].PostID != "post_1" || got[1].PostID != "" || got[2].PostID != "" {
		t.Fatalf("ingest = %+v, %v", got, err)
	}
	if it, _ := svc.Get(context.Background(), viewer, got[0].ID); it.PostID != "post_1" {
		t.Fatalf("stored %+v", it)
	}
}

// TestInstagramMentionFromWebhook: Meta's "mentions" change names a
// comment on someone else's media; the inbox reads it and stores it once,
// however often Meta delivers it.
func TestInstagramMentionFromWebhook(t *testing.T) {
	w := setupWorld(t, store.SQLite)
	ctx := context.Background()
	if err := w.sb.SubscribeMeta(ctx, "instagram", w.hook.URL, "verify-me", metaSecret); err != nil {
		t.Fatal(err)
	}
	ig := w.accs.byID["acc-ig"].acc.ExternalID
	ids, hooks, err := w.sb.AddIGMentions(ctx, ig, "your beans are the best", 2)
	if err != nil || len(hooks) != 1 || hooks[0].Status != http.StatusOK {
		t.Fatalf("mentions = %v %+v %v", ids, hooks, err)
	}
	p, _ := w.svc.List(ctx, viewer, Filter{Platform: platform.Instagram})
	if len(p.Items) != 2 || p.Items[0].Kind != KindMention || !strings.HasSuffix(p.Items[0].Text, "your beans are the best") || p.Items[0].AuthorHandle == "" {
		t.Fatalf("items = %+v", p.Items)
	}
	if it, err := w.svc.Reply(ctx, editor, p.Items[0].ID, "Thank you!"); err != nil || it.State != StateAnswered {
		t.Fatalf("answer to the mention = %+v, %v", it, err)
	}
	if n := w.sb.Calls(http.MethodPost, "/graph.facebook.com/v26.0/"+ig+"/mentions"); n != 1 {
		t.Fatalf("the answer went %d times through the mentions edge", n)
	}
	// Meta retries: the same mention is not stored twice.
	body := []byte(`{"object":"instagram","entry":[{"id":"` + ig + `","time":1,"changes":[{"field":"mentions","value":{"comment_id":"` + ids[0] + `","media_id":"1"}}]}]}`)
	if n, err := w.svc.MetaWebhook(ctx, body, sign(metaSecret, body)); err != nil || n != 0 {
		t.Fatalf("redelivery = %d new, %v", n, err)
	}
}

// refusingReplier fails the test when a reply reaches it.
type refusingReplier struct{ t *testing.T }

func (r refusingReplier) ReplyToComment(context.Context, platform.Target, platform.CommentRef, string) (string, error) {
	r.t.Error("the reply reached the platform")
	return "", nil
}

// TestReplyTooLongForX: an answer X would refuse is refused here, before
// anything is sent or recorded.
func TestReplyTooLongForX(t *testing.T) {
	t.Parallel()
	svc := New(Config{Store: NewStore(storetest.Open(t, store.SQLite, Schema)), Log: zerolog.Nop(),
		Adapters: map[platform.Name]any{platform.Twitter: refusingReplier{t}}})
	got, err := svc.Ingest(context.Background(), "T1", []Item{{AccountID: "acc-x", Platform: platform.Twitter, ExternalID: "190", Text: "@acme hi"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Reply(context.Background(), editor, got[0].ID, strings.Repeat("long ", 60)); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "280") {
		t.Fatalf("reply = %v", err)
	}
	if it, _ := svc.Get(context.Background(), viewer, got[0].ID); len(it.Replies) != 0 {
		t.Fatalf("recorded %+v", it.Replies)
	}
}

// TestFirstPollSkipsHistory: connecting an account brings the last day's
// comments and mentions into the inbox, not its whole history.
func TestFirstPollSkipsHistory(t *testing.T) {
	w := setupWorld(t, store.SQLite)
	ctx := context.Background()
	fbPost, err := w.fb.Publish(ctx, w.accs.byID["acc-fb"].t, platform.Post{Text: "Old news"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.sb.AddComments(ctx, sandbox.CommentSpec{Platform: "facebook", PostID: fbPost.ID, Count: 2, Text: "old"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.sb.AddMentions(w.accs.byID["acc-x"].acc.ExternalID, "", "old", 2); err != nil {
		t.Fatal(err)
	}
	w.clock.Add(2 * FirstLookback)
	if _, _, err := w.sb.AddComments(ctx, sandbox.CommentSpec{Platform: "facebook", PostID: fbPost.ID, Text: "fresh"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.sb.AddMentions(w.accs.byID["acc-x"].acc.ExternalID, "", "fresh", 1); err != nil {
		t.Fatal(err)
	}
	w.clock.Add(time.Second)
	if rep, err := w.svc.Poll(ctx); err != nil || rep.New != 2 {
		t.Fatalf("first poll = %+v, %v; want the 2 fresh items", rep, err)
	}
	p, _ := w.svc.List(ctx, viewer, Filter{})
	for _, it := range p.Items {
		if !strings.HasSuffix(it.Text, "fresh") {
			t.Errorf("history came in: %+v", it)
		}
	}
}

// TestRemovedCommentIsClosed: Meta says a waiting comment was removed by
// its author: the item is closed; an answered one stays answered.
func TestRemovedCommentIsClosed(t *testing.T) {
	t.Parallel()
	accs := &fakeAccounts{byID: map[string]connected{"acc-fb": {acc: Account{WorkspaceID: "T1", ID: "acc-fb", Platform: platform.Facebook, ExternalID: "108"}}}}
	svc := New(Config{Store: NewStore(storetest.Open(t, store.SQLite, Schema)), Accounts: accs, Directory: accs, MetaAppSecret: metaSecret, Log: zerolog.Nop()})
	ctx := context.Background()
	change := func(verb, id string) []byte {
		return []byte(`{"object":"page","entry":[{"id":"108","time":1,"changes":[{"field":"feed","value":{"item":"comment","verb":"` + verb +
			`","comment_id":"` + id + `","post_id":"108_1","parent_id":"108_1","message":"hm","from":{"id":"9","name":"Eve"},"created_time":1}}]}]}`)
	}
	for _, id := range []string{"1_1", "1_2"} {
		b := change("add", id)
		if _, err := svc.MetaWebhook(ctx, b, sign(metaSecret, b)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.cfg.Store.SetState(ctx, "T1", ItemID("T1", platform.Facebook, "1_2"), StateAnswered, "U1"); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"1_1", "1_2", "1_3"} {
		b := change("remove", id)
		if n, err := svc.MetaWebhook(ctx, b, sign(metaSecret, b)); err != nil || n != 0 {
			t.Fatalf("remove %s = %d, %v", id, n, err)
		}
	}
	for id, want := range map[string]string{"1_1": StateDone, "1_2": StateAnswered} {
		if it, _ := svc.Get(ctx, viewer, ItemID("T1", platform.Facebook, id)); it.State != want {
			t.Errorf("%s is %s, want %s", id, it.State, want)
		}
	}
}
