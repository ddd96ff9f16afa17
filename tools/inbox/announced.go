package inbox

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// AtSlackMessage returns the caller's workspace's item the Slack door
// posted as message ts in channel (a reply in its thread answers it);
// ErrNotFound when that message is no item's. Any role.
func (s *Service) AtSlackMessage(ctx context.Context, c identity.Caller, channel, ts string) (Item, error) {
	if err := c.Require(identity.Viewer); err != nil {
		return Item{}, err
	}
	if channel == "" || ts == "" {
		return Item{}, ErrNotFound
	}
	return s.cfg.Store.ByAnnouncement(ctx, c.WorkspaceID, channel, ts)
}

func (s sqliteStore) ByAnnouncement(ctx context.Context, workspaceID, channel, ts string) (Item, error) {
	defer s.db.Observe("inbox.by_announcement")()
	it, err := scanItem(s.db.SQLRead.QueryRowContext(ctx, `SELECT `+itemColumns+` FROM inbox_items
		WHERE workspace_id = ? AND slack_channel = ? AND slack_ts = ?`, workspaceID, channel, ts))
	if store.IsNoRows(err) {
		return Item{}, ErrNotFound
	}
	if err != nil {
		return Item{}, fmt.Errorf("inbox: item at %s/%s: %w", channel, ts, err)
	}
	return it, nil
}

func (s mongoStore) ByAnnouncement(ctx context.Context, workspaceID, channel, ts string) (Item, error) {
	defer s.db.Observe("inbox.by_announcement")()
	var d itemDoc
	err := s.items().FindOne(ctx, bson.D{{Key: "workspace_id", Value: workspaceID}, {Key: "slack_channel", Value: channel}, {Key: "slack_ts", Value: ts}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Item{}, ErrNotFound
	}
	if err != nil {
		return Item{}, fmt.Errorf("inbox: item at %s/%s: %w", channel, ts, err)
	}
	return d.item(), nil
}

// Offer is what can be done to an item on its platform, for a door to
// offer only those buttons.
type Offer struct{ Reply, Like, Hide bool }

// Offers says what the item's platform lets apps do to it. X hides only
// the replies in a conversation the account started, not a mention.
func (s *Service) Offers(it Item) Offer {
	a := s.cfg.Adapters[it.Platform]
	_, reply := a.(replier)
	_, like := a.(liker)
	_, hide := a.(hider)
	if it.Platform == platform.Twitter && it.Kind == KindMention {
		hide = false
	}
	return Offer{Reply: reply, Like: like, Hide: hide}
}

// changed tells Config.OnChanged about it when the store took the change.
func (s *Service) changed(it Item, err error) (Item, error) {
	if err == nil && s.cfg.OnChanged != nil {
		s.cfg.OnChanged(it)
	}
	return it, err
}
