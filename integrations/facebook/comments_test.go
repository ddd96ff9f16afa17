package facebook_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
)

// TestCommentsReadAnswerLikeHide: comments on a Page post are read with
// the Page token (replies too, newest first, since a time), answered,
// liked and hidden; a user token reads none and a Page token without the
// permission is refused as Graph does.
func TestCommentsReadAnswerLikeHide(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	page := b.page(t, b.login(t), "Acme Coffee")
	posted, err := b.client.Publish(ctx, page, platform.Post{Text: "New roast"})
	if err != nil {
		t.Fatal(err)
	}
	start := b.clock.Now()
	ids, _, err := b.sb.AddComments(ctx, sandbox.CommentSpec{Platform: "facebook", PostID: posted.ID, Count: 3, Text: "Yum"})
	if err != nil {
		t.Fatal(err)
	}
	b.clock.Add(time.Minute)
	reply, _, err := b.sb.AddComments(ctx, sandbox.CommentSpec{Platform: "facebook", PostID: posted.ID, ParentID: ids[0], Text: "Agreed"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := b.client.ListComments(ctx, page, posted.ID, start)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 || got[0].ExternalID != reply[0] || got[0].Kind != platform.KindReply || got[0].ParentExternalID != ids[0] {
		t.Fatalf("comments = %+v", got)
	}
	if c := got[1]; c.Kind != platform.KindComment || c.Text != "Yum" || c.AuthorName == "" || c.PostExternalID != posted.ID || c.CreatedAt.IsZero() || c.Permalink == "" {
		t.Fatalf("comment = %+v", c)
	}
	if later, _ := b.client.ListComments(ctx, page, posted.ID, start.Add(30*time.Second)); len(later) != 1 {
		t.Fatalf("since filter: %d comments, want 1", len(later))
	}

	ref := platform.CommentRef{ExternalID: ids[1], PostExternalID: posted.ID}
	answer, err := b.client.ReplyToComment(ctx, page, ref, "Thank you!")
	if err != nil || answer == "" {
		t.Fatalf("reply = %q, %v", answer, err)
	}
	if err := b.client.LikeComment(ctx, page, ref); err != nil {
		t.Fatal(err)
	}
	if err := b.client.HideComment(ctx, page, ref); err != nil {
		t.Fatal(err)
	}
	after, _ := b.client.ListComments(ctx, page, posted.ID, start)
	if len(after) != 4 {
		t.Fatalf("the Page's own answer is listed: %+v", after)
	}
	for _, c := range after {
		if c.ExternalID == ids[1] && !c.Hidden {
			t.Fatalf("hidden comment reads %+v", c)
		}
	}
	// A Page's answer cannot be hidden: Graph refuses.
	if err := b.client.HideComment(ctx, page, platform.CommentRef{ExternalID: answer}); kindOf(t, err) != platform.KindPermanent {
		t.Fatalf("hiding our own answer: %v", err)
	}
}

// TestWebhooksOnlyAfterInstall: Meta's feed webhook reaches the app only
// once the Page installed it, signed with the app secret over the bytes
// sent, after the callback answered the handshake.
func TestWebhooksOnlyAfterInstall(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	page := b.page(t, b.login(t), "Acme Coffee")
	var mu sync.Mutex
	var bodies [][]byte
	var sigs []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			if r.URL.Query().Get("hub.verify_token") != "vt" {
				w.WriteHeader(http.StatusForbidden)
				return
			}
			_, _ = io.WriteString(w, r.URL.Query().Get("hub.challenge"))
			return
		}
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies, sigs = append(bodies, body), append(sigs, r.Header.Get("X-Hub-Signature-256"))
		mu.Unlock()
	}))
	defer hook.Close()
	if err := b.sb.SubscribeMeta(ctx, "page", hook.URL, "vt", "secret-1"); err != nil {
		t.Fatal(err)
	}
	posted, err := b.client.Publish(ctx, page, platform.Post{Text: "Café au lait"})
	if err != nil {
		t.Fatal(err)
	}
	if _, hooks, _ := b.sb.AddComments(ctx, sandbox.CommentSpec{Platform: "facebook", PostID: posted.ID, Text: "before"}); len(hooks) != 0 {
		t.Fatalf("delivered before the Page installed the app: %+v", hooks)
	}
	if err := b.client.InstallWebhooks(ctx, page); err != nil {
		t.Fatal(err)
	}
	ids, hooks, err := b.sb.AddComments(ctx, sandbox.CommentSpec{Platform: "facebook", PostID: posted.ID, Text: "très bon"})
	if err != nil || len(hooks) != 1 || hooks[0].Status != http.StatusOK {
		t.Fatalf("deliveries = %+v, %v", hooks, err)
	}
	mu.Lock()
	defer mu.Unlock()
	mac := hmac.New(sha256.New, []byte("secret-1"))
	mac.Write(bodies[0])
	if len(bodies) != 1 || sigs[0] != "sha256="+hex.EncodeToString(mac.Sum(nil)) || !strings.Contains(string(bodies[0]), `tr\u00e8s bon`) ||
		!strings.Contains(string(bodies[0]), `"comment_id":"`+ids[0]+`"`) {
		t.Fatalf("delivery %s signed %q", bodies, sigs)
	}
}
