package linkedin

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
)

// Comments on organization posts (platform-apis.md 8.4), Community
// Management API: read with r_organization_social, written as the
// organization with w_organization_social. LinkedIn offers no hiding; the
// inbox does not offer it there.
//
// https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/comments-api

// maxCommentPages bounds ListComments (100 comments a page).
const maxCommentPages = 20

type wireComment struct {
	URN     string `json:"$URN"`
	ID      string `json:"id"`
	Actor   string `json:"actor"`
	Message struct {
		Text string `json:"text"`
	} `json:"message"`
	Created struct {
		Time int64 `json:"time"`
	} `json:"created"`
	ParentComment string `json:"parentComment"`
}

// ListComments reads the comments on the post postURN created at or after
// since, leaving out the organization's own. The author is the actor URN:
// LinkedIn gives no name without more permissions.
func (c *Client) ListComments(ctx context.Context, t platform.Target, postURN string, since time.Time) ([]platform.Comment, error) {
	const op = "list comments"
	var out []platform.Comment
	for page := range maxCommentPages {
		var resp struct {
			Paging struct {
				Total int `json:"total"`
			} `json:"paging"`
			Elements []wireComment `json:"elements"`
		}
		path := "/rest/socialActions/" + escURN(postURN) + "/comments?" + url.Values{"start": {strconv.Itoa(page * 100)}, "count": {"100"}}.Encode()
		if _, err := c.call(ctx, op, http.MethodGet, path, t.AccessToken, nil, &resp, nil); err != nil {
			return nil, err
		}
		for _, e := range resp.Elements {
			if e.URN == "" || e.Created.Time == 0 {
				return nil, platform.Malformed(platform.LinkedIn, op, http.StatusOK, errors.New("comment without $URN or created time"))
			}
			created := time.UnixMilli(e.Created.Time).UTC()
			if created.Before(since) || e.Actor == t.ExternalID {
				continue
			}
			cm := platform.Comment{ExternalID: e.URN, Kind: platform.KindComment, PostExternalID: postURN, AuthorID: e.Actor,
				Text: e.Message.Text, Permalink: c.permalink(postURN), CreatedAt: created}
			if e.ParentComment != "" {
				cm.Kind, cm.ParentExternalID = platform.KindReply, e.ParentComment
			}
			out = append(out, cm)
		}
		if len(resp.Elements) < 100 || (page+1)*100 >= resp.Paging.Total {
			break
		}
	}
	return out, nil
}

// ReplyToComment answers the comment as the organization (a reply to a
// reply joins its top-level comment) and returns the answer's URN.
func (c *Client) ReplyToComment(ctx context.Context, t platform.Target, ref platform.CommentRef, text string) (string, error) {
	const op = "reply to comment"
	parent := ref.ExternalID
	if ref.ParentExternalID != "" {
		parent = ref.ParentExternalID
	}
	in := map[string]any{"actor": t.ExternalID, "object": ref.PostExternalID, "parentComment": parent, "message": map[string]string{"text": text}}
	var out wireComment
	resp, err := c.call(ctx, op, http.MethodPost, "/rest/socialActions/"+escURN(parent)+"/comments", t.AccessToken, in, &out, nil)
	if err != nil {
		return "", err
	}
	if out.URN != "" {
		return out.URN, nil
	}
	if id, err := url.QueryUnescape(resp.Header.Get("X-Restli-Id")); err == nil && id != "" {
		return id, nil
	}
	return "", platform.Malformed(platform.LinkedIn, op, resp.StatusCode, errors.New("no comment URN"))
}

// ReadsEngagement says whether the inbox can read t's comments: an
// organization's, yes; a member's own posts need r_member_social, which
// LinkedIn grants to approved partners only (platform-apis.md §8).
func (c *Client) ReadsEngagement(t platform.Target) bool { return isOrg(t.ExternalID) }
