package inbox

import (
	"slices"
	"time"
)

// The reply bookkeeping both stores share: they read the item, apply one
// of these and write it back when it says so.

func beginReply(it *Item, r Reply) bool {
	if slices.ContainsFunc(it.Replies, func(x Reply) bool { return x.Key == r.Key }) {
		return false
	}
	it.Replies = append(it.Replies, r)
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
