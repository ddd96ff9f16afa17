package inbox

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// ErrBadSignature: a Meta webhook whose X-Hub-Signature-256 is missing or
// wrong (or no app secret is configured). Nothing of it is read.
var ErrBadSignature = errors.New("inbox: the webhook's signature does not match")

// MetaHandshake answers Meta's subscription check: the challenge when
// mode is "subscribe" and token is the configured verify token.
func (s *Service) MetaHandshake(mode, token, challenge string) (string, bool) {
	want := s.cfg.MetaVerifyToken
	if want == "" || mode != "subscribe" || subtle.ConstantTimeCompare([]byte(token), []byte(want)) != 1 {
		return "", false
	}
	return challenge, true
}

// VerifyMeta checks signature ("sha256=<hex>") against body, the raw
// bytes Meta sent, with the app secret, in constant time.
func (s *Service) VerifyMeta(body []byte, signature string) error {
	hexSig, found := strings.CutPrefix(signature, "sha256=")
	got, err := hex.DecodeString(hexSig)
	if s.cfg.MetaAppSecret == "" || !found || err != nil {
		return ErrBadSignature
	}
	mac := hmac.New(sha256.New, []byte(s.cfg.MetaAppSecret))
	mac.Write(body)
	if !hmac.Equal(got, mac.Sum(nil)) {
		return ErrBadSignature
	}
	return nil
}

// metaEnvelope is a Meta webhook body (platform-apis.md 8.3).
type metaEnvelope struct {
	Object string `json:"object"`
	Entry  []struct {
		ID      string `json:"id"`
		Changes []struct {
			Field string          `json:"field"`
			Value json.RawMessage `json:"value"`
		} `json:"changes"`
	} `json:"entry"`
}

type metaFeed struct {
	From struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"from"`
	Message     string `json:"message"`
	PostID      string `json:"post_id"`
	CommentID   string `json:"comment_id"`
	ParentID    string `json:"parent_id"`
	CreatedTime int64  `json:"created_time"`
	Item        string `json:"item"`
	Verb        string `json:"verb"`
}

type metaIGComment struct {
	ID        string `json:"id"`
	CommentID string `json:"comment_id"`
	Text      string `json:"text"`
	ParentID  string `json:"parent_id"`
	From      struct {
		ID       string `json:"id"`
		Username string `json:"username"`
	} `json:"from"`
	Media struct {
		ID string `json:"id"`
	} `json:"media"`
}

// MetaWebhook verifies a delivery's signature before reading anything,
// then stores the new comments it announces for every workspace that
// connected the Page or Instagram account; it returns how many were new.
func (s *Service) MetaWebhook(ctx context.Context, body []byte, signature string) (int, error) {
	if err := s.VerifyMeta(body, signature); err != nil {
		return 0, err
	}
	var env metaEnvelope
	if err := json.Unmarshal(body, &env); err != nil {
		return 0, fmt.Errorf("%w: the webhook body is not JSON: %w", ErrInvalid, err)
	}
	var p platform.Name
	switch env.Object {
	case "page":
		p = platform.Facebook
	case "instagram":
		p = platform.Instagram
	default:
		return 0, nil
	}
	accts, err := s.cfg.Directory.Accounts(ctx)
	if err != nil {
		return 0, err
	}
	owners := map[string][]Account{}
	for _, a := range accts {
		if a.Platform == p {
			owners[a.ExternalID] = append(owners[a.ExternalID], a)
		}
	}
	byWorkspace := map[string][]Item{}
	removed := map[string][]string{} // workspace → item ids
	for _, e := range env.Entry {
		for _, ch := range e.Changes {
			if id, ok := metaRemoval(ch.Field, ch.Value); ok {
				for _, a := range owners[e.ID] {
					removed[a.WorkspaceID] = append(removed[a.WorkspaceID], ItemID(a.WorkspaceID, p, id))
				}
				continue
			}
			if p == platform.Instagram && ch.Field == "mentions" {
				for _, a := range owners[e.ID] {
					if c, ok := s.fetchMention(ctx, a, ch.Value); ok {
						byWorkspace[a.WorkspaceID] = append(byWorkspace[a.WorkspaceID], fromComment(a, c))
					}
				}
				continue
			}
			c, ok := metaComment(e.ID, ch.Field, ch.Value, s.now())
			if !ok {
				continue
			}
			for _, a := range owners[e.ID] {
				byWorkspace[a.WorkspaceID] = append(byWorkspace[a.WorkspaceID], fromComment(a, c))
			}
		}
	}
	n := 0
	for ws, items := range byWorkspace {
		fresh, err := s.Ingest(ctx, ws, items)
		if err != nil {
			return n, err
		}
		n += len(fresh)
	}
	for ws, ids := range removed {
		if err := s.closeRemoved(ctx, ws, ids); err != nil {
			return n, err
		}
	}
	return n, nil
}

// metaRemoval reads a Page feed change saying a comment was removed.
func metaRemoval(field string, raw json.RawMessage) (string, bool) {
	var v metaFeed
	if field != "feed" || json.Unmarshal(raw, &v) != nil || v.Item != "comment" || v.Verb != "remove" || v.CommentID == "" {
		return "", false
	}
	return v.CommentID, true
}

// closeRemoved closes the items still waiting for an answer whose comment
// its author removed: there is nothing left to answer.
func (s *Service) closeRemoved(ctx context.Context, workspaceID string, ids []string) error {
	for _, id := range ids {
		it, err := s.cfg.Store.Get(ctx, workspaceID, id)
		if errors.Is(err, ErrNotFound) || (err == nil && it.State != StateNew) {
			continue
		}
		if err != nil {
			return err
		}
		if _, err := s.changed(s.cfg.Store.SetState(ctx, workspaceID, id, StateDone, "")); err != nil {
			return err
		}
	}
	return nil
}

// metaComment reads one change: a new comment by someone other than the
// account itself (entryID), or false. Instagram's carries no time: now.
func metaComment(entryID, field string, raw json.RawMessage, now time.Time) (platform.Comment, bool) {
	switch field {
	case "feed":
		var v metaFeed
		if json.Unmarshal(raw, &v) != nil || v.Item != "comment" || v.Verb != "add" || v.CommentID == "" || v.From.ID == entryID {
			return platform.Comment{}, false
		}
		c := platform.Comment{ExternalID: v.CommentID, Kind: platform.KindComment, PostExternalID: v.PostID, AuthorID: v.From.ID,
			AuthorName: v.From.Name, Text: v.Message, CreatedAt: time.Unix(v.CreatedTime, 0).UTC()}
		if v.ParentID != "" && v.ParentID != v.PostID {
			c.Kind, c.ParentExternalID = platform.KindReply, v.ParentID
		}
		return c, true
	case "comments":
		var v metaIGComment
		if json.Unmarshal(raw, &v) != nil || v.From.ID == entryID {
			return platform.Comment{}, false
		}
		id := v.ID
		if id == "" {
			id = v.CommentID
		}
		if id == "" {
			return platform.Comment{}, false
		}
		c := platform.Comment{ExternalID: id, Kind: platform.KindComment, PostExternalID: v.Media.ID, AuthorID: v.From.ID,
			AuthorName: v.From.Username, AuthorHandle: v.From.Username, Text: v.Text, CreatedAt: now}
		if v.ParentID != "" {
			c.Kind, c.ParentExternalID = platform.KindReply, v.ParentID
		}
		return c, true
	}
	return platform.Comment{}, false
}

// mentionFetcher reads a comment that mentions the account (Instagram).
type mentionFetcher interface {
	MentionedComment(ctx context.Context, t platform.Target, commentID, mediaID string) (platform.Comment, error)
}

// fetchMention reads the comment an Instagram "mentions" change names
// ({"comment_id","media_id"}; a caption mention has no comment and is
// skipped). A failure is logged: the webhook is still answered.
func (s *Service) fetchMention(ctx context.Context, a Account, raw json.RawMessage) (platform.Comment, bool) {
	var v struct {
		CommentID string `json:"comment_id"`
		MediaID   string `json:"media_id"`
	}
	f, ok := s.cfg.Adapters[a.Platform].(mentionFetcher)
	if json.Unmarshal(raw, &v) != nil || v.CommentID == "" || !ok {
		return platform.Comment{}, false
	}
	sys := identity.Caller{WorkspaceID: a.WorkspaceID, UserID: "system", Role: identity.Admin, Door: identity.DoorSystem}
	t, err := s.cfg.Accounts.ValidToken(ctx, sys, a.ID)
	if err == nil {
		var c platform.Comment
		if c, err = f.MentionedComment(ctx, t, v.CommentID, v.MediaID); err == nil {
			return c, true
		}
	}
	s.cfg.Log.Warn().Err(err).Str("account", a.ID).Str("comment", v.CommentID).Msg("inbox: read an Instagram mention")
	return platform.Comment{}, false
}
