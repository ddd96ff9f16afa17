package sandbox

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// X engagement (platform-apis.md 8.5): mentions of a user, likes, hidden
// replies. Mentions are posts by other users naming @username; replies to
// a post that does not summon the replying account are refused in
// xCreatePost.

var (
	xScopesLike     = []string{"like.write", "tweet.read", "users.read"}
	xScopesModerate = []string{"tweet.moderate.write", "tweet.read", "users.read"}
	// xExpansions are the expansions a mentions read accepts.
	xExpansions = fieldSet("article.cover_media article.media_entities attachments.media_keys attachments.media_source_tweet attachments.poll_ids author_id edit_history_tweet_ids entities.mentions.username geo.place_id in_reply_to_user_id entities.note.mentions.username referenced_tweets.id referenced_tweets.id.attachments.media_keys referenced_tweets.id.author_id")
)

func (s *Sandbox) routesXEngagement(p string) {
	s.mux.HandleFunc("GET "+p+"/2/users/{id}/mentions", s.xAPI("GET /2/users/:id/mentions", xScopesRead, s.xMentions))
	s.mux.HandleFunc("POST "+p+"/2/users/{id}/likes", s.xAPI("POST /2/users/:id/likes", xScopesLike, s.xLike))
	s.mux.HandleFunc("PUT "+p+"/2/tweets/{id}/hidden", s.xAPI("PUT /2/tweets/:id/hidden", xScopesModerate, s.xHide))
}

// xMentions mentions reports whether text names @username.
func xMentions(text, username string) bool {
	low, at := strings.ToLower(text), "@"+strings.ToLower(username)
	for i := strings.Index(low, at); i >= 0; {
		end := i + len(at)
		if end == len(low) || !isHandleByte(low[end]) {
			return true
		}
		j := strings.Index(low[end:], at)
		if j < 0 {
			break
		}
		i = end + j
	}
	return false
}

func isHandleByte(b byte) bool { return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' }

// xMentions serves GET /2/users/:id/mentions: newest first, since_id and
// until_id, start_time and end_time, pages of 5 to 100, author expansion;
// only the 800 most recent are reachable.
func (s *Sandbox) xMentions(w http.ResponseWriter, r *http.Request, c xCaller) {
	id := r.PathValue("id")
	q := r.URL.Query()
	if !xValidID(id) {
		xInvalid(w, "The `id` query parameter value ["+id+"] does not match ^[0-9]{1,19}$", map[string][]string{"id": {id}})
		return
	}
	fields, ok := xFields(w, r, []string{"tweet.fields", "post.fields"}, xPostFields)
	if !ok {
		return
	}
	ufields, ok := xFields(w, r, []string{"user.fields"}, xUserFields)
	if !ok {
		return
	}
	exp, ok := xFields(w, r, []string{"expansions"}, xExpansions)
	if !ok {
		return
	}
	limit := 10
	if v := q.Get("max_results"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 5 || n > 100 {
			xInvalid(w, "The `max_results` query parameter value ["+v+"] is not between 5 and 100", map[string][]string{"max_results": {v}})
			return
		}
		limit = n
	}
	var ids [2]uint64
	for i, name := range []string{"since_id", "until_id"} {
		v := q.Get(name)
		if v == "" {
			continue
		}
		if !xValidID(v) {
			xInvalid(w, "The `"+name+"` query parameter value ["+v+"] does not match ^[0-9]{1,19}$", map[string][]string{name: {v}})
			return
		}
		ids[i], _ = strconv.ParseUint(v, 10, 64)
	}
	var bounds [2]time.Time
	for i, name := range []string{"start_time", "end_time"} {
		v := q.Get(name)
		if v == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil || t.Before(time.Date(2010, 11, 6, 0, 0, 0, 0, time.UTC)) {
			xInvalid(w, "Invalid '"+name+"':'"+v+"'. '"+name+"' must be on or after 2010-11-06T00:00Z", map[string][]string{name: {v}})
			return
		}
		bounds[i] = t
	}
	st := s.xs()
	u := st.Users[id]
	if u == nil {
		writeJSON(w, http.StatusOK, map[string]any{"errors": []any{xNotFound("user", "id", id)}})
		return
	}
	var all []*xPost
	for _, p := range st.Posts {
		if !p.Deleted && p.AuthorID != id && xMentions(p.Text, u.Username) {
			all = append(all, p)
		}
	}
	slices.SortFunc(all, func(a, b *xPost) int { return -xCompareIDs(a.ID, b.ID) })
	all = all[:min(len(all), 800)]
	start := 0
	if tok := q.Get("pagination_token"); tok != "" {
		b, err := xTimelinePage.DecodeString(tok)
		n, err2 := strconv.Atoi(string(b))
		if err != nil || err2 != nil || n < 0 || n > len(all) {
			xInvalid(w, "The `pagination_token` query parameter value ["+tok+"] is not valid", map[string][]string{"pagination_token": {tok}})
			return
		}
		start = n
	}
	var data, errs, users []any
	seenUser := map[string]bool{}
	var newest, oldest, next string
	for i := start; i < len(all); i++ {
		p := all[i]
		n, _ := strconv.ParseUint(p.ID, 10, 64)
		if (ids[0] != 0 && n <= ids[0]) || (ids[1] != 0 && n >= ids[1]) ||
			(!bounds[0].IsZero() && p.CreatedAt.Before(bounds[0])) || (!bounds[1].IsZero() && !p.CreatedAt.Before(bounds[1])) {
			continue
		}
		if len(data) == limit {
			next = xTimelinePage.EncodeToString([]byte(strconv.Itoa(i)))
			break
		}
		m := s.xPostJSON(p, fields, c.user.ID, &errs)
		if fields["referenced_tweets"] && p.ReplyTo != "" {
			m["referenced_tweets"] = []any{map[string]string{"type": "replied_to", "id": p.ReplyTo}}
		}
		data = append(data, m)
		if exp["author_id"] && !seenUser[p.AuthorID] {
			seenUser[p.AuthorID] = true
			users = append(users, s.xUserJSON(st.Users[p.AuthorID], ufields))
		}
		if newest == "" {
			newest = p.ID
		}
		oldest = p.ID
	}
	out := xPageBody(data, newest, oldest, next)
	if len(users) > 0 {
		out["includes"] = map[string]any{"users": users}
	}
	if len(errs) > 0 {
		out["errors"] = errs
	}
	writeJSON(w, http.StatusOK, out)
}

// xCompareIDs orders numeric ids.
func xCompareIDs(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}

// xLike serves POST /2/users/:id/likes {"tweet_id"} for the caller's own id.
func (s *Sandbox) xLike(w http.ResponseWriter, r *http.Request, c xCaller) {
	if r.PathValue("id") != c.user.ID {
		xForbidden(w, "You are not allowed to like Tweets on behalf of this user.")
		return
	}
	var req struct {
		TweetID string `json:"tweet_id"`
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil || !xValidID(req.TweetID) {
		xInvalid(w, "$.tweet_id: is missing but it is required", map[string][]string{"tweet_id": {req.TweetID}})
		return
	}
	if p := s.xs().Posts[req.TweetID]; p == nil || p.Deleted {
		xForbidden(w, "You cannot like a Tweet that is deleted or not visible to you.")
		return
	}
	e := s.eng()
	if e.XLikes == nil {
		e.XLikes = map[string]bool{}
	}
	e.XLikes[c.user.ID+"/"+req.TweetID] = true
	s.touch()
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]bool{"liked": true}})
}

// xHide serves PUT /2/tweets/:id/hidden: only replies in a conversation the
// caller started can be hidden.
func (s *Sandbox) xHide(w http.ResponseWriter, r *http.Request, c xCaller) {
	id := r.PathValue("id")
	var req struct {
		Hidden *bool `json:"hidden"`
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil || req.Hidden == nil {
		xInvalid(w, "$.hidden: is missing but it is required", map[string][]string{"hidden": {""}})
		return
	}
	st := s.xs()
	p := st.Posts[id]
	if p == nil || p.Deleted {
		writeJSON(w, http.StatusOK, map[string]any{"errors": []any{xNotFound("tweet", "id", id)}})
		return
	}
	root := st.Posts[p.Convo]
	if p.ReplyTo == "" || root == nil || root.AuthorID != c.user.ID || p.AuthorID == c.user.ID {
		xForbidden(w, "You can only hide or unhide replies to conversations you authored.")
		return
	}
	e := s.eng()
	if e.XHidden == nil {
		e.XHidden = map[string]bool{}
	}
	e.XHidden[id] = *req.Hidden
	s.touch()
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]bool{"hidden": *req.Hidden}})
}
