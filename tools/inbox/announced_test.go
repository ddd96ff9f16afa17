package inbox

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
)

// TestStoreByAnnouncement: the item posted as a Slack message is found by
// that message, in its own workspace only.
func TestStoreByAnnouncement(t *testing.T) {
	storetest.Run(t, []store.Schema{Schema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		st := NewStore(db)
		a, b := item("T1", platform.Facebook, "c1", t0), item("T1", platform.Facebook, "c2", t0.Add(time.Second))
		if _, err := st.Insert(ctx, []Item{a, b}); err != nil {
			t.Fatal(err)
		}
		if err := st.MarkAnnounced(ctx, "T1", b.ID, Announce{Channel: "C0INBOX01", TS: "1700000000.000200"}); err != nil {
			t.Fatal(err)
		}
		got, err := st.ByAnnouncement(ctx, "T1", "C0INBOX01", "1700000000.000200")
		if err != nil || got.ID != b.ID || got.Slack.TS != "1700000000.000200" {
			t.Fatalf("by announcement = %+v, %v; want %s", got, err, b.ID)
		}
		for _, c := range []struct{ ws, ch, ts string }{{"T2", "C0INBOX01", "1700000000.000200"}, {"T1", "C0OTHER01", "1700000000.000200"}, {"T1", "C0INBOX01", "1700000000.000300"}} {
			if _, err := st.ByAnnouncement(ctx, c.ws, c.ch, c.ts); !errors.Is(err, ErrNotFound) {
				t.Errorf("%+v: %v; want ErrNotFound", c, err)
			}
		}
	})
}

type replyLikeHide struct{}

func (replyLikeHide) ReplyToComment(context.Context, platform.Target, platform.CommentRef, string) (string, error) {
	return "", nil
}
func (replyLikeHide) LikeComment(context.Context, platform.Target, platform.CommentRef) error {
	return nil
}
func (replyLikeHide) HideComment(context.Context, platform.Target, platform.CommentRef) error {
	return nil
}

// TestOffers: what a door offers follows what the platform's adapter does;
// X hides replies to the account's posts, not mentions.
func TestOffers(t *testing.T) {
	t.Parallel()
	svc := New(Config{Adapters: map[platform.Name]any{platform.Twitter: replyLikeHide{}, platform.Facebook: replyLikeHide{}}})
	for _, c := range []struct {
		it   Item
		want Offer
	}{
		{Item{Platform: platform.Facebook, Kind: KindComment}, Offer{true, true, true}},
		{Item{Platform: platform.Twitter, Kind: KindReply}, Offer{true, true, true}},
		{Item{Platform: platform.Twitter, Kind: KindMention}, Offer{Reply: true, Like: true}},
		{Item{Platform: platform.LinkedIn, Kind: KindComment}, Offer{}},
	} {
		if got := svc.Offers(c.it); got != c.want {
			t.Errorf("%s %s: %+v, want %+v", c.it.Platform, c.it.Kind, got, c.want)
		}
	}
}
