package twitter

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
)

// Engagement on X (platform-apis.md 8.5): mentions of the account (which
// include replies to its posts), replies, likes and hidden replies. Pay-per-
// use limits per user: mentions 300 / 15 min, likes 50 / 15 min, hide 50 / 15
// min; under the legacy tiers mentions needed Basic or above.
//
// https://docs.x.com/x-api/users/get-mentions
// https://docs.x.com/x-api/posts/hide-replies/introduction

// maxMentionPages bounds Mentions: X keeps the 800 most recent mentions reachable.
const maxMentionPages = 8

// Mentions reads the posts mentioning the target user newer than sinceID
// ("" for the most recent ones), newest first, and returns the newest id
// seen (sinceID when there is nothing new) for the next call. A reply to
// one of the user's posts is a KindReply on that conversation.
func (c *Client) Mentions(ctx context.Context, t platform.Target, sinceID string) ([]platform.Comment, string, error) {
	const op = "list mentions"
	q := url.Values{
		"max_results":  {"100"},
		"tweet.fields": {"created_at,author_id,conversation_id,in_reply_to_user_id,referenced_tweets"},
		"expansions":   {"author_id"},
		"user.fields":  {"username,name"},
	}
	if sinceID != "" {
		q.Set("since_id", sinceID)
	}
	newest := sinceID
	var out []platform.Comment
	for page := 0; page < maxMentionPages; page++ {
		var resp struct {
			Data []struct {
				ID             string    `json:"id"`
				Text           string    `json:"text"`
				CreatedAt      time.Time `json:"created_at"`
				AuthorID       string    `json:"author_id"`
				ConversationID string    `json:"conversation_id"`
				InReplyToUser  string    `json:"in_reply_to_user_id"`
				Referenced     []struct {
					Type string `json:"type"`
					ID   string `json:"id"`
				} `json:"referenced_tweets"`
			} `json:"data"`
			Includes struct {
				Users []user `json:"users"`
			} `json:"includes"`
			Meta struct {
				NewestID  string `json:"newest_id"`
				NextToken string `json:"next_token"`
			} `json:"meta"`
		}
		path := "/2/users/" + url.PathEscape(t.ExternalID) + "/mentions?" + q.Encode()
		if err := c.call(ctx, op, http.MethodGet, path, t.AccessToken, nil, http.StatusOK, &resp); err != nil {
			return nil, "", err
		}
		if page == 0 && resp.Meta.NewestID != "" {
			newest = resp.Meta.NewestID
		}
		authors := map[string]user{}
		for _, u := range resp.Includes.Users {
			authors[u.ID] = u
		}
		for _, d := range resp.Data {
			if d.ID == "" {
				return nil, "", platform.Malformed(platform.Twitter, op, http.StatusOK, fmt.Errorf("post without id"))
			}
			a := authors[d.AuthorID]
			cm := platform.Comment{ExternalID: d.ID, Kind: platform.KindMention, AuthorID: d.AuthorID, AuthorName: a.Name,
				AuthorHandle: a.Username, Text: d.Text, Permalink: c.permalink(d.ID), CreatedAt: d.CreatedAt.UTC()}
			for _, r := range d.Referenced {
				if r.Type == "replied_to" && d.InReplyToUser == t.ExternalID {
					cm.Kind, cm.ParentExternalID, cm.PostExternalID = platform.KindReply, r.ID, d.ConversationID
				}
			}
			out = append(out, cm)
		}
		if resp.Meta.NextToken == "" {
			break
		}
		q.Set("pagination_token", resp.Meta.NextToken)
	}
	return out, newest, nil
}

// ReplyToComment answers the post as the target user and returns the
// answer's id. X refuses (403) a reply to an author who did not mention or
// quote the user.
func (c *Client) ReplyToComment(ctx context.Context, t platform.Target, ref platform.CommentRef, text string) (string, error) {
	const op = "reply"
	var resp struct {
		Data struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	body := createPostRequest{Text: text, Reply: &postReplyRef{InReplyToTweetID: ref.ExternalID}}
	if err := c.call(ctx, op, http.MethodPost, "/2/tweets", t.AccessToken, body, http.StatusCreated, &resp); err != nil {
		return "", err
	}
	if resp.Data.ID == "" {
		return "", platform.Malformed(platform.Twitter, op, http.StatusCreated, fmt.Errorf("no id"))
	}
	return resp.Data.ID, nil
}

// LikeComment likes the post as the target user (like.write).
func (c *Client) LikeComment(ctx context.Context, t platform.Target, ref platform.CommentRef) error {
	var resp struct {
		Data struct {
			Liked bool `json:"liked"`
		} `json:"data"`
	}
	body := map[string]string{"tweet_id": ref.ExternalID}
	return c.call(ctx, "like", http.MethodPost, "/2/users/"+url.PathEscape(t.ExternalID)+"/likes", t.AccessToken, body, http.StatusOK, &resp)
}

// HideComment hides a reply to one of the target user's posts
// (tweet.moderate.write); X refuses other posts.
func (c *Client) HideComment(ctx context.Context, t platform.Target, ref platform.CommentRef) error {
	var resp struct {
		Data struct {
			Hidden bool `json:"hidden"`
		} `json:"data"`
	}
	return c.call(ctx, "hide reply", http.MethodPut, "/2/tweets/"+url.PathEscape(ref.ExternalID)+"/hidden", t.AccessToken,
		map[string]bool{"hidden": true}, http.StatusOK, &resp)
}
