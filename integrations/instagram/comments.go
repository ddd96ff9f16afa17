package instagram

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/marketingminds/marketingminds/integrations/facebook"
	"github.com/marketingminds/marketingminds/integrations/platform"
)

// Engagement on Instagram media (platform-apis.md 8.2): comments read and
// answered with instagram_manage_comments; hidden with hide=true. The API
// has no like for comments, so the inbox offers none.
//
// https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-media/comments
// https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-comment

const commentFields = "id,text,timestamp,username,from,hidden,parent_id,replies{id,text,timestamp,username,from}"

type wireComment struct {
	ID        string `json:"id"`
	Text      string `json:"text"`
	Timestamp string `json:"timestamp"`
	Username  string `json:"username"`
	From      *struct {
		ID       string `json:"id"`
		Username string `json:"username"`
	} `json:"from"`
	Hidden bool `json:"hidden"`
}

// ListComments reads the comments on mediaID (and the replies under them)
// created at or after since. Top-level comments come newest first, 50 a
// page; the account's own comments are left out.
func (c *Client) ListComments(ctx context.Context, t platform.Target, mediaID string, since time.Time) ([]platform.Comment, error) {
	const op = "list comments"
	since = since.Truncate(time.Second) // Graph times are whole seconds
	q := url.Values{"fields": {commentFields}, "limit": {"50"}}
	var out []platform.Comment
	add := func(w wireComment, parent string) (bool, error) {
		created, err := facebook.ParseTime(w.Timestamp)
		if err != nil || w.ID == "" {
			return false, platform.Malformed(platform.Instagram, op, http.StatusOK, errors.New("comment without id or timestamp"))
		}
		if created.Before(since) {
			return false, nil
		}
		cm := platform.Comment{ExternalID: w.ID, Kind: platform.KindComment, PostExternalID: mediaID, ParentExternalID: parent,
			AuthorName: w.Username, AuthorHandle: w.Username, Text: w.Text, CreatedAt: created.UTC(), Hidden: w.Hidden}
		if w.From != nil {
			if w.From.ID == t.ExternalID {
				return true, nil
			}
			cm.AuthorID = w.From.ID
		}
		if parent != "" {
			cm.Kind = platform.KindReply
		}
		out = append(out, cm)
		return true, nil
	}
	for range 50 {
		var resp struct {
			Data []struct {
				wireComment
				Replies struct {
					Data []wireComment `json:"data"`
				} `json:"replies"`
			} `json:"data"`
			Paging struct {
				Cursors struct {
					After string `json:"after"`
				} `json:"cursors"`
				Next string `json:"next"`
			} `json:"paging"`
		}
		if err := c.graph.Get(ctx, op, t.AccessToken, "/"+url.PathEscape(mediaID)+"/comments", q, &resp); err != nil {
			return nil, err
		}
		older := false
		for _, d := range resp.Data {
			for _, r := range d.Replies.Data {
				if _, err := add(r, d.ID); err != nil {
					return nil, err
				}
			}
			recent, err := add(d.wireComment, "")
			if err != nil {
				return nil, err
			}
			older = older || !recent
		}
		after, more := facebook.NextCursor(resp.Paging.Next, resp.Paging.Cursors.After)
		if older || !more {
			break
		}
		q.Set("after", after)
	}
	return out, nil
}

// ReplyToComment answers the comment (a reply to a reply joins the
// top-level comment) and returns the answer's id.
func (c *Client) ReplyToComment(ctx context.Context, t platform.Target, ref platform.CommentRef, text string) (string, error) {
	const op = "reply to comment"
	if ref.Kind == platform.KindMention {
		return c.replyToMention(ctx, t, ref, text)
	}
	id := ref.ExternalID
	if ref.ParentExternalID != "" {
		id = ref.ParentExternalID
	}
	var resp struct {
		ID string `json:"id"`
	}
	if err := c.graph.Post(ctx, op, t.AccessToken, "/"+url.PathEscape(id)+"/replies", url.Values{"message": {text}}, &resp); err != nil {
		return "", err
	}
	if resp.ID == "" {
		return "", platform.Malformed(platform.Instagram, op, http.StatusOK, errors.New("no id"))
	}
	return resp.ID, nil
}

// HideComment hides the comment.
func (c *Client) HideComment(ctx context.Context, t platform.Target, ref platform.CommentRef) error {
	const op = "hide comment"
	var resp struct {
		Success bool `json:"success"`
	}
	if err := c.graph.Post(ctx, op, t.AccessToken, "/"+url.PathEscape(ref.ExternalID), url.Values{"hide": {"true"}}, &resp); err != nil {
		return err
	}
	if !resp.Success {
		return platform.Malformed(platform.Instagram, op, http.StatusOK, errors.New("success is not true"))
	}
	return nil
}

// MentionedComment reads a comment on someone else's media that mentions
// the account (the id comes from the "mentions" webhook; there is no list).
//
// https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/mentioned_comment
func (c *Client) MentionedComment(ctx context.Context, t platform.Target, commentID, mediaID string) (platform.Comment, error) {
	const op = "read mention"
	var resp struct {
		Mentioned *wireComment `json:"mentioned_comment"`
	}
	q := url.Values{"fields": {"mentioned_comment.comment_id(" + commentID + "){id,text,timestamp,username}"}}
	if err := c.graph.Get(ctx, op, t.AccessToken, "/"+url.PathEscape(t.ExternalID), q, &resp); err != nil {
		return platform.Comment{}, err
	}
	w := resp.Mentioned
	if w == nil || w.ID == "" {
		return platform.Comment{}, platform.Malformed(platform.Instagram, op, http.StatusOK, errors.New("no mentioned_comment"))
	}
	created, err := facebook.ParseTime(w.Timestamp)
	if err != nil {
		return platform.Comment{}, platform.Malformed(platform.Instagram, op, http.StatusOK, err)
	}
	return platform.Comment{ExternalID: w.ID, Kind: platform.KindMention, PostExternalID: mediaID, AuthorName: w.Username,
		AuthorHandle: w.Username, Text: w.Text, CreatedAt: created.UTC()}, nil
}

// replyToMention answers a comment that mentions the account, on someone
// else's media: POST /{ig-user-id}/mentions with media_id and comment_id.
func (c *Client) replyToMention(ctx context.Context, t platform.Target, ref platform.CommentRef, text string) (string, error) {
	const op = "reply to mention"
	var resp struct {
		ID string `json:"id"`
	}
	form := url.Values{"media_id": {ref.PostExternalID}, "comment_id": {ref.ExternalID}, "message": {text}}
	if err := c.graph.Post(ctx, op, t.AccessToken, "/"+url.PathEscape(t.ExternalID)+"/mentions", form, &resp); err != nil {
		return "", err
	}
	if resp.ID == "" {
		return "", platform.Malformed(platform.Instagram, op, http.StatusOK, errors.New("no id"))
	}
	return resp.ID, nil
}
