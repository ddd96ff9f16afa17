package sandbox

import (
	"context"
	"fmt"
	"regexp"
	"strings"
)

// Instagram mentions (platform-apis.md 8.2, 8.3): someone names
// @username in a comment on another account's media. There is no list of
// mentions: the "mentions" webhook gives the comment and media ids, and
// GET /{ig-user-id}?fields=mentioned_comment.comment_id(<id>){…} reads it.

// mentionedComment matches the field expansion "mentioned_comment.comment_id(<id>){<fields>}".
var mentionedComment = regexp.MustCompile(`^mentioned_comment\.comment_id\(([0-9]+)\)(?:\{([a-z_,]*)\})?$`)

func (c *gctx) igMentionedComment(u *igUser) gresp {
	if e := c.igNeedComments(); e != nil {
		return fail(e)
	}
	m := mentionedComment.FindStringSubmatch(c.p.Get("fields"))
	if m == nil {
		return fail(&graphError{Code: 100, Message: "(#100) mentioned_comment requires comment_id"})
	}
	x := c.s.eng().Comments[m[1]]
	if x == nil || x.Platform != "instagram_mention" || x.FromID == "" || !xMentions(x.Text, u.Username) {
		return fail(&graphError{Code: 100, Subcode: 2207032, Message: "(#100) The comment does not mention this account"})
	}
	all := map[string]any{"id": x.ID, "text": x.Text, "timestamp": graphTime(x.CreatedAt), "like_count": x.Likes,
		"media": map[string]string{"id": x.PostID}, "username": x.FromUsername}
	out := map[string]any{"id": x.ID}
	fields := "id,text,timestamp"
	if m[2] != "" {
		fields = m[2]
	}
	for _, f := range strings.Split(fields, ",") {
		v, known := all[f]
		if !known {
			return fail(&graphError{Code: 100, Message: fmt.Sprintf("(#100) Tried accessing nonexisting field (%s) on node type (IGComment)", f)})
		}
		out[f] = v
	}
	return ok(map[string]any{"mentioned_comment": out, "id": u.ID})
}

// igAnswerMention serves POST /{ig-user-id}/mentions: media_id and message
// required; with comment_id, an answer to that comment (which must mention
// the account).
func (c *gctx) igAnswerMention(u *igUser) gresp {
	if e := c.igNeedComments(); e != nil {
		return fail(e)
	}
	media, msg, cid := c.p.Get("media_id"), c.p.Get("message"), c.p.Get("comment_id")
	if media == "" || strings.TrimSpace(msg) == "" {
		return fail(&graphError{Code: 100, Message: "(#100) The parameters media_id and message are required"})
	}
	x := c.s.eng().Comments[cid]
	if cid != "" && (x == nil || x.Platform != "instagram_mention" || x.PostID != media || !xMentions(x.Text, u.Username)) {
		return fail(&graphError{Code: 100, Subcode: 2207032, Message: "(#100) The comment does not mention this account"})
	}
	a := c.s.addComment(&engComment{ID: c.s.igID(), Platform: "instagram_mention", PostID: media, ParentID: cid, FromID: u.ID,
		FromUsername: u.Username, ByOwner: true, Text: msg, CreatedAt: c.s.now()})
	return ok(map[string]string{"id": a.ID})
}

// AddIGMentions has count generated people mention the Instagram account
// igUserID in comments on other accounts' media, and delivers Meta's
// "mentions" webhook when the app subscribed to "instagram"; it returns
// the comments' ids.
func (s *Sandbox) AddIGMentions(ctx context.Context, igUserID, text string, count int) ([]string, []MetaDelivery, error) {
	count = max(count, 1)
	s.mu.Lock()
	u := s.st.Facebook.IGUsers[igUserID]
	if u == nil {
		s.mu.Unlock()
		return nil, nil, fmt.Errorf("no Instagram account %q", igUserID)
	}
	var ids []string
	var changes []metaChange
	var sub *metaSub
	if m := s.eng().Meta["instagram"]; m != nil {
		copied := *m
		sub = &copied
	}
	for range count {
		n := s.nextID()
		media := s.igID() // someone else's media: not served
		x := s.addComment(&engComment{ID: s.igID(), Platform: "instagram_mention", PostID: media, FromID: fmt.Sprintf("178%014d", n),
			FromUsername: fmt.Sprintf("fan_%d", n), Text: "@" + u.Username + " " + strings.TrimSpace(text), CreatedAt: s.now()})
		ids = append(ids, x.ID)
		changes = append(changes, metaChange{entryID: u.ID, field: "mentions", value: map[string]any{"comment_id": x.ID, "media_id": media}})
	}
	s.mu.Unlock()
	if sub == nil {
		return ids, nil, nil
	}
	return ids, s.deliverMeta(ctx, *sub, changes), nil
}
