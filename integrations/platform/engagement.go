package platform

import "time"

// The kinds of engagement an inbox collects.
const (
	KindComment = "comment" // a comment on one of our posts
	KindReply   = "reply"   // an answer to a comment, or a reply to our post (X)
	KindMention = "mention" // someone names our account elsewhere
)

// Comment is a comment, reply or mention read from a platform, in the
// platform's own ids.
type Comment struct {
	ExternalID string // the comment's id (LinkedIn: its URN)
	Kind       string // KindComment, KindReply or KindMention
	// PostExternalID is the post it is on (X: the conversation's first post).
	PostExternalID string
	PostText       string
	// ParentExternalID is the comment it answers, empty for a top-level one.
	ParentExternalID string
	AuthorID         string // empty when the platform withholds it
	AuthorName       string
	AuthorHandle     string
	Text             string
	Permalink        string
	CreatedAt        time.Time
	Hidden           bool
}

// CommentRef names a comment to act on: its id and, where the platform
// needs them, the post and the comment it answers.
type CommentRef struct {
	ExternalID       string
	PostExternalID   string
	ParentExternalID string
	// Kind is the comment's kind (an Instagram mention is answered through
	// the account's mentions edge).
	Kind string
	// AccountExternalID is the account acting (X: the user id that likes;
	// LinkedIn: the organization URN that answers).
	AccountExternalID string
}
