package inbox

import (
	"slices"
	"time"
)

// The reply bookkeeping both stores share: they read the item, apply one
// of these and write it back when it says so.

// ReplyLease is how long a reply being sent holds off the same reply. A
// send takes at most the adapters' timeout; a reply still pending after
// this was cut off (a crash mid-send) and may be sent again. The platforms
// take no idempotency key for comments, so a reply the platform received
// just before the crash can then appear twice: rarer than a reply that can
// never be retried.
const ReplyLease = 2 * time.Minute

func beginReply(it *Item, r Reply) bool {
	i := slices.IndexFunc(it.Replies, func(x Reply) bool { return x.Key == r.Key })
	switch {
	case i < 0:
		it.Replies = append(it.Replies, r)
	case it.Replies[i].ExternalID == "" && r.At.Sub(it.Replies[i].At) >= ReplyLease:
		it.Replies[i] = r
	default:
		return false
	}
	return true
}

func endReply(it *Item, key, externalID string, at time.Time) bool {
	i := slices.IndexFunc(it.Replies, func(x Reply) bool { return x.Key == key })
	if i < 0 {
		return false
	}
	it.Replies[i].ExternalID, it.Replies[i].At = externalID, at
	it.State, it.HandledBy = StateAnswered, it.Replies[i].By
	if it.AnsweredAt.IsZero() {
		it.AnsweredAt = at
	}
	return true
}

func dropReply(it *Item, key string) bool {
	n := len(it.Replies)
	it.Replies = slices.DeleteFunc(it.Replies, func(x Reply) bool { return x.Key == key && x.ExternalID == "" })
	return len(it.Replies) != n
}

func sortOldest(items []Item) {
	slices.SortFunc(items, func(a, b Item) int {
		if c := a.ReceivedAt.Compare(b.ReceivedAt); c != 0 {
			return c
		}
		if a.ID < b.ID {
			return -1
		}
		return 1
	})
}
