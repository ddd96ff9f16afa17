package publish

import (
	"context"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
)

// PublishedDelivery is a delivery that reached its platform, as the
// analytics sync reads it: which post went to which account, under which
// platform id, and when.
type PublishedDelivery struct {
	WorkspaceID string
	DeliveryID  string
	PostID      string
	// CampaignID is the post's campaign; "" is none.
	CampaignID     string
	AccountID      string
	Platform       platform.Name
	PlatformPostID string
	PublishedAt    time.Time
}

// PublishedSince lists the workspace's deliveries published at or after
// since that carry a platform post id, oldest first. It is for system jobs
// (the analytics sync runs it for every workspace); a door goes through
// Get and List, which check the caller's role.
func (s *Service) PublishedSince(ctx context.Context, workspaceID string, since time.Time) ([]PublishedDelivery, error) {
	return s.store.PublishedSince(ctx, workspaceID, since)
}
