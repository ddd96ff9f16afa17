package sandbox

import (
	"slices"
	"time"
)

// Engagement: comments on Facebook posts, Instagram media and LinkedIn
// posts (one store, each platform's shapes in its own file), mentions on X
// (posts by other users in the X state), and the Meta webhooks that announce
// new comments (meta_webhook.go). People's comments are generated through the
// admin API (admin_engagement.go).

// engState holds the comments of every platform.
type engState struct {
	Comments map[string]*engComment `json:"comments"`
	// ByObject lists the comment ids on a post, media or comment, oldest first.
	ByObject map[string][]string `json:"by_object"`
	// Meta is the app's webhook subscription per object ("page",
	// "instagram"). Not persisted: it holds the app secret, and the state
	// file keeps no secret.
	Meta map[string]*metaSub `json:"-"`
	// Installed holds the webhook fields each Page installed the app for
	// (POST /{page-id}/subscribed_apps): Meta delivers only for those.
	Installed map[string][]string `json:"installed,omitempty"`
	// XLikes holds "user/post" likes; XHidden the hidden replies on X.
	XLikes  map[string]bool `json:"x_likes,omitempty"`
	XHidden map[string]bool `json:"x_hidden,omitempty"`
}

// engComment is one comment, in the platform-neutral form the handlers render.
type engComment struct {
	ID       string `json:"id"`
	Platform string `json:"platform"` // facebook, instagram, linkedin
	PostID   string `json:"post_id"`  // the post or media it is on (LinkedIn: the post URN)
	ParentID string `json:"parent_id,omitempty"`
	// Author: a person (FromID, FromName, FromUsername) or the account
	// itself (ByOwner) answering.
	FromID       string    `json:"from_id"`
	FromName     string    `json:"from_name"`
	FromUsername string    `json:"from_username,omitempty"`
	ByOwner      bool      `json:"by_owner,omitempty"`
	Text         string    `json:"text"`
	CreatedAt    time.Time `json:"created_at"`
	Hidden       bool      `json:"hidden,omitempty"`
	Likes        int64     `json:"likes,omitempty"`
	OwnerLiked   bool      `json:"owner_liked,omitempty"`
}

// eng returns the engagement state, ready to use; callers hold s.mu.
func (s *Sandbox) eng() *engState {
	if s.st.Engagement == nil {
		s.st.Engagement = &engState{}
	}
	e := s.st.Engagement
	if e.Comments == nil {
		e.Comments = map[string]*engComment{}
	}
	if e.ByObject == nil {
		e.ByObject = map[string][]string{}
	}
	if e.Meta == nil {
		e.Meta = map[string]*metaSub{}
	}
	return e
}

// addComment stores c under its post (and its parent); callers hold s.mu.
func (s *Sandbox) addComment(c *engComment) *engComment {
	e := s.eng()
	e.Comments[c.ID] = c
	e.ByObject[c.PostID] = append(e.ByObject[c.PostID], c.ID)
	if c.ParentID != "" {
		e.ByObject[c.ParentID] = append(e.ByObject[c.ParentID], c.ID)
	}
	s.touch()
	return c
}

// commentsOn lists the comments on object: top-level ones only, or every
// level (stream), oldest first; callers hold s.mu.
func (s *Sandbox) commentsOn(object string, stream bool) []*engComment {
	e := s.eng()
	var out []*engComment
	for _, id := range e.ByObject[object] {
		c := e.Comments[id]
		if c == nil {
			continue
		}
		if stream || c.ParentID == "" || c.ParentID == object {
			out = append(out, c)
		}
	}
	slices.SortStableFunc(out, func(a, b *engComment) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return out
}

// replyCount counts the answers to a comment; callers hold s.mu.
func (s *Sandbox) replyCount(id string) int { return len(s.eng().ByObject[id]) }
