package facebook

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
)

// Engagement on a Page's posts (platform-apis.md 8.1): comments read with
// the Page token (pages_read_engagement, pages_read_user_content), answered,
// liked and hidden with pages_manage_engagement.
//
// https://developers.facebook.com/docs/graph-api/reference/object/comments
// https://developers.facebook.com/docs/graph-api/reference/comment

// maxCommentPages bounds ListComments: 20,000 comments since the last
// poll on one post (newest first, so a cap would lose the oldest).
const maxCommentPages = 200

// commentFields are the comment fields read.
const commentFields = "id,from{id,name},message,created_time,parent{id},permalink_url,is_hidden"

// ListComments reads the comments at every level on the Page's post
// postID created at or after since, newest first. The Page's own comments
// are left out; an author Graph withholds leaves AuthorName empty.
func (c *Client) ListComments(ctx context.Context, t platform.Target, postID string, since time.Time) ([]platform.Comment, error) {
	const op = "list comments"
	since = since.Truncate(time.Second) // Graph times are whole seconds
	q := url.Values{"fields": {commentFields}, "filter": {"stream"}, "order": {"reverse_chronological"}, "limit": {"100"}}
	if !since.IsZero() {
		q.Set("since", strconv.FormatInt(since.Unix(), 10))
	}
	var out []platform.Comment
	for range maxCommentPages {
		var resp struct {
			Data []struct {
				ID   string `json:"id"`
				From *struct {
					ID   string `json:"id"`
					Name string `json:"name"`
				} `json:"from"`
				Message     string `json:"message"`
				CreatedTime string `json:"created_time"`
				Parent      *struct {
					ID string `json:"id"`
				} `json:"parent"`
				Permalink string `json:"permalink_url"`
				Hidden    bool   `json:"is_hidden"`
			} `json:"data"`
			Paging paging `json:"paging"`
		}
		if err := c.graph.Get(ctx, op, t.AccessToken, "/"+url.PathEscape(postID)+"/comments", q, &resp); err != nil {
			return nil, err
		}
		for _, d := range resp.Data {
			created, err := ParseTime(d.CreatedTime)
			if err != nil || d.ID == "" {
				return nil, platform.Malformed(platform.Facebook, op, http.StatusOK, errors.New("comment without id or created_time"))
			}
			if created.Before(since) {
				return out, nil
			}
			cm := platform.Comment{ExternalID: d.ID, Kind: platform.KindComment, PostExternalID: postID, Text: d.Message,
				Permalink: d.Permalink, CreatedAt: created.UTC(), Hidden: d.Hidden}
			if d.From != nil {
				if d.From.ID == t.ExternalID {
					continue
				}
				cm.AuthorID, cm.AuthorName = d.From.ID, d.From.Name
			}
			if d.Parent != nil && d.Parent.ID != "" {
				cm.Kind, cm.ParentExternalID = platform.KindReply, d.Parent.ID
			}
			out = append(out, cm)
		}
		after, more := resp.Paging.nextCursor()
		if !more {
			break
		}
		q.Set("after", after)
	}
	return out, nil
}

// ReplyToComment answers the comment as the Page and returns the answer's id.
func (c *Client) ReplyToComment(ctx context.Context, t platform.Target, ref platform.CommentRef, text string) (string, error) {
	const op = "reply to comment"
	var resp struct {
		ID string `json:"id"`
	}
	if err := c.graph.Post(ctx, op, t.AccessToken, "/"+url.PathEscape(ref.ExternalID)+"/comments", url.Values{"message": {text}}, &resp); err != nil {
		return "", err
	}
	if resp.ID == "" {
		return "", platform.Malformed(platform.Facebook, op, http.StatusOK, errors.New("no id"))
	}
	return resp.ID, nil
}

// LikeComment likes the comment as the Page.
func (c *Client) LikeComment(ctx context.Context, t platform.Target, ref platform.CommentRef) error {
	return c.success(ctx, "like comment", t, "/"+url.PathEscape(ref.ExternalID)+"/likes", nil)
}

// HideComment hides the comment from everyone but its author and friends.
func (c *Client) HideComment(ctx context.Context, t platform.Target, ref platform.CommentRef) error {
	return c.success(ctx, "hide comment", t, "/"+url.PathEscape(ref.ExternalID), url.Values{"is_hidden": {"true"}})
}

// success POSTs form to path and expects {"success":true}.
func (c *Client) success(ctx context.Context, op string, t platform.Target, path string, form url.Values) error {
	var resp struct {
		Success bool `json:"success"`
	}
	if err := c.graph.Post(ctx, op, t.AccessToken, path, form, &resp); err != nil {
		return err
	}
	if !resp.Success {
		return platform.Malformed(platform.Facebook, op, http.StatusOK, errors.New("success is not true"))
	}
	return nil
}

// InstallWebhooks installs the app on the Page for its feed webhooks
// (new comments); Meta delivers nothing for a Page that has not
// (pages_manage_metadata).
//
// https://developers.facebook.com/docs/pages-api/webhooks-for-pages
func (c *Client) InstallWebhooks(ctx context.Context, t platform.Target) error {
	return c.success(ctx, "install webhooks", t, "/"+url.PathEscape(t.ExternalID)+"/subscribed_apps", url.Values{"subscribed_fields": {"feed"}})
}
