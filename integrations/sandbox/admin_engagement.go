package sandbox

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// The admin API for engagement:
//
//	POST /_sandbox/webhooks/meta {"object":"page","callback_url","verify_token","app_secret"}: subscribe, after Meta's handshake
//	POST /_sandbox/comments      {"platform":"facebook","post_id","count":3,"text"?,"parent_id"?} → {"ids","webhooks"}
//	POST /_sandbox/x/mentions    {"user_id","count":3,"text"?,"reply_to"?} → {"ids"}
func (s *Sandbox) routesAdminEngagement() {
	s.mux.HandleFunc("POST /_sandbox/webhooks/meta", func(w http.ResponseWriter, r *http.Request) {
		var req struct{ Object, CallbackURL, VerifyToken, AppSecret string }
		if err := decodeAdmin(r, &req); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		if err := s.SubscribeMeta(r.Context(), req.Object, req.CallbackURL, req.VerifyToken, req.AppSecret); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	s.mux.HandleFunc("POST /_sandbox/comments", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Platform, PostID, Text, ParentID string
			Count                            int
		}
		if err := decodeAdmin(r, &req); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		ids, deliveries, err := s.AddComments(r.Context(), CommentSpec{Platform: req.Platform, PostID: req.PostID, ParentID: req.ParentID, Text: req.Text, Count: req.Count})
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		writeJSON(w, http.StatusCreated, map[string]any{"ids": ids, "webhooks": deliveries})
	})
	s.mux.HandleFunc("POST /_sandbox/x/mentions", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			UserID, Text, ReplyTo string
			Count                 int
		}
		if err := decodeAdmin(r, &req); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		ids, err := s.AddMentions(req.UserID, req.ReplyTo, req.Text, req.Count)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		writeJSON(w, http.StatusCreated, map[string]any{"ids": ids})
	})
}

// decodeAdmin reads an admin body whose keys are snake_case field names.
func decodeAdmin(r *http.Request, v any) error {
	var raw map[string]json.RawMessage
	if err := json.NewDecoder(r.Body).Decode(&raw); err != nil {
		return fmt.Errorf("malformed body: %w", err)
	}
	fixed := map[string]json.RawMessage{}
	for k, val := range raw {
		fixed[strings.ReplaceAll(k, "_", "")] = val
	}
	b, _ := json.Marshal(fixed)
	return json.Unmarshal(b, v)
}

// CommentSpec asks for Count comments by generated people on a post.
type CommentSpec struct {
	Platform string // facebook, instagram, linkedin
	PostID   string // the post id, media id or post URN
	ParentID string // answer this comment instead of the post
	Text     string // default "Comment n"
	Count    int    // default 1, at most 20,000
}

// AddComments creates the comments and delivers Meta's webhook for them
// when the app subscribed; it returns their ids and the deliveries.
func (s *Sandbox) AddComments(ctx context.Context, sp CommentSpec) ([]string, []MetaDelivery, error) {
	sp.Count = max(sp.Count, 1)
	if sp.Count > 20000 {
		return nil, nil, fmt.Errorf("count is at most 20000")
	}
	s.mu.Lock()
	var ids []string
	var changes []metaChange
	var sub metaSub
	e := s.eng()
	if sp.ParentID != "" && (e.Comments[sp.ParentID] == nil || e.Comments[sp.ParentID].PostID != sp.PostID) {
		s.mu.Unlock()
		return nil, nil, fmt.Errorf("no comment %q on %q", sp.ParentID, sp.PostID)
	}
	for i := range sp.Count {
		n := s.nextID()
		text := sp.Text
		if text == "" {
			text = "Comment " + strconv.Itoa(i+1)
		}
		c := &engComment{Platform: sp.Platform, PostID: sp.PostID, ParentID: sp.ParentID, Text: text, CreatedAt: s.now(),
			FromName: fmt.Sprintf("Fan %d", n), FromUsername: fmt.Sprintf("fan_%d", n)}
		switch sp.Platform {
		case "facebook":
			post := s.st.Facebook.Posts[sp.PostID]
			if post == nil {
				s.mu.Unlock()
				return nil, nil, fmt.Errorf("no Facebook post %q", sp.PostID)
			}
			_, num, _ := strings.Cut(post.ID, "_")
			c.ID, c.FromID = num+"_"+s.fbID(), fmt.Sprintf("7%014d", n)
			s.addComment(c)
			if m := e.Meta["page"]; m != nil && s.installed(post.PageID, "feed") {
				sub = *m
				changes = append(changes, s.fbFeedChange(c))
			}
		case "instagram":
			if s.st.Facebook.Media[sp.PostID] == nil {
				s.mu.Unlock()
				return nil, nil, fmt.Errorf("no Instagram media %q", sp.PostID)
			}
			c.ID, c.FromID = s.igID(), fmt.Sprintf("178%014d", n)
			s.addComment(c)
			if m := e.Meta["instagram"]; m != nil {
				sub = *m
				changes = append(changes, s.igCommentsChange(c))
			}
		case "linkedin":
			if s.st.LinkedIn.Posts[sp.PostID] == nil {
				s.mu.Unlock()
				return nil, nil, fmt.Errorf("no LinkedIn post %q", sp.PostID)
			}
			c.ID, c.FromID = strconv.FormatInt(7100000000000000000+n, 10), "urn:li:person:fan"+strconv.FormatInt(n, 10)
			s.addComment(c)
		default:
			s.mu.Unlock()
			return nil, nil, fmt.Errorf("platform is facebook, instagram or linkedin, not %q", sp.Platform)
		}
		ids = append(ids, c.ID)
	}
	s.mu.Unlock()
	if len(changes) == 0 {
		return ids, nil, nil
	}
	return ids, s.deliverMeta(ctx, sub, changes), nil
}

// AddMentions has Count generated X users post "@<user> text" (as replies
// to replyTo when set); it returns the posts' ids.
func (s *Sandbox) AddMentions(userID, replyTo, text string, count int) ([]string, error) {
	count = max(count, 1)
	if count > 20000 {
		return nil, fmt.Errorf("count is at most 20000")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.xs()
	u := st.Users[userID]
	if u == nil {
		return nil, fmt.Errorf("no X user %q", userID)
	}
	var parent *xPost
	if replyTo != "" {
		if parent = st.Posts[replyTo]; parent == nil || parent.Deleted {
			return nil, fmt.Errorf("no X post %q", replyTo)
		}
	}
	var ids []string
	for i := range count {
		n := s.nextID()
		fan := &xUser{ID: strconv.FormatInt(xUserIDBase+n, 10), Name: fmt.Sprintf("Fan %d", n), Username: fmt.Sprintf("fan_%d", n), CreatedAt: s.now()}
		st.Users[fan.ID] = fan
		st.ByUsername[strings.ToLower(fan.Username)] = fan.ID
		body := text
		if body == "" {
			body = "Mention " + strconv.Itoa(i+1)
		}
		id := strconv.FormatInt(xPostIDBase+s.nextID(), 10)
		p := &xPost{ID: id, AuthorID: fan.ID, Text: "@" + u.Username + " " + body, CreatedAt: s.now(), Convo: id}
		if parent != nil {
			p.ReplyTo, p.ReplyUser, p.Convo = parent.ID, parent.AuthorID, parent.Convo
		}
		st.Posts[id] = p
		st.Timelines[fan.ID] = append(st.Timelines[fan.ID], id)
		ids = append(ids, id)
	}
	s.touch()
	return ids, nil
}
