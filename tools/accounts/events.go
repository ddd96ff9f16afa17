package accounts

import (
	"context"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
)

// EventKind names what happened to an account.
type EventKind string

// The events the Slack and dashboard layers show.
const (
	EventConnected     EventKind = "account.connected"
	EventConnectFailed EventKind = "account.connect_failed"
	EventNeedsReauth   EventKind = "account.needs_reauth"
	EventDisconnected  EventKind = "account.disconnected"
)

// ReturnTo says where a connect flow started, to report back there: a Slack
// channel (and thread), or a dashboard page (a path on this server).
type ReturnTo struct {
	Kind     string `json:"kind,omitempty"` // "slack" or "dashboard"
	Channel  string `json:"channel,omitempty"`
	ThreadTS string `json:"thread_ts,omitempty"`
	Page     string `json:"page,omitempty"`
}

// Event is one thing that happened to a workspace's accounts.
type Event struct {
	Kind        EventKind     `json:"kind"`
	WorkspaceID string        `json:"workspace_id"`
	UserID      string        `json:"user_id,omitempty"`
	Platform    platform.Name `json:"platform"`
	Accounts    []Account     `json:"accounts,omitempty"`
	Reason      string        `json:"reason,omitempty"`
	ReturnTo    ReturnTo      `json:"return_to"`
	At          time.Time     `json:"at"`
}

// Events receives events; it must not block.
type Events interface {
	Publish(ctx context.Context, e Event)
}

// EventFunc adapts a function to Events.
type EventFunc func(ctx context.Context, e Event)

// Publish calls f.
func (f EventFunc) Publish(ctx context.Context, e Event) { f(ctx, e) }

// Channel is an Events that queues up to its capacity and drops
// beyond: a slow consumer never stalls a refresh or a callback.
type Channel struct {
	C chan Event
}

// NewChannel returns a Channel holding up to n events.
func NewChannel(n int) *Channel { return &Channel{C: make(chan Event, n)} }

// Publish queues e, or drops it when the queue is full.
func (c *Channel) Publish(_ context.Context, e Event) {
	select {
	case c.C <- e:
	default:
	}
}
