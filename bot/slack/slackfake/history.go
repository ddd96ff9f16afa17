package slackfake

import (
	"encoding/base64"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// posted is a message in a channel's history, as conversations.replies
// lists it; its text is the fake's current text of it (f.messages).
type posted struct {
	ts, thread, user, botID string
	files                   []string // shared file ids
}

// Said is a person's message a test puts in a channel's history.
type Said struct {
	User, Text string
	// TS is the message's timestamp ("": a new one); ThreadTS its thread's
	// parent ("": a message of the channel itself).
	TS, ThreadTS string
	// Files are objects ShareFile returned.
	Files []map[string]any
}

// Say puts a person's message in channel's history (which must exist) and
// returns its ts: conversations.replies lists it, and the app may answer in
// its thread.
func (f *Fake) Say(channel string, s Said) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if s.TS == "" {
		s.TS = f.nextTS()
	}
	p := posted{ts: s.TS, thread: s.ThreadTS, user: s.User}
	for _, o := range s.Files {
		if id, _ := o["id"].(string); id != "" {
			p.files = append(p.files, id)
		}
	}
	f.messages[channel+"/"+s.TS] = s.Text
	f.history[channel] = append(f.history[channel], p)
	return s.TS
}

// Leave takes the app out of channels: reading their history and writing
// in them fail with not_in_channel, as in Slack.
func (f *Fake) Leave(ids ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, id := range ids {
		f.outside[id] = true
	}
}

// Revoke takes scopes off the bot token: the methods needing one of them
// fail with missing_scope, naming it.
func (f *Fake) Revoke(scopes ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, s := range scopes {
		f.revoked[s] = true
	}
}

// wrote records a message the app posted (user UBOT, bot BBOT, as
// auth.test says) in channel's history.
func (f *Fake) wrote(channel, ts, thread string) {
	f.history[channel] = append(f.history[channel], posted{ts: ts, thread: thread, user: "UBOT", botID: "BBOT"})
}

// member is not_in_channel for a channel the app was taken out of.
func (f *Fake) member(channel string) map[string]any {
	if f.outside[channel] {
		return fail("not_in_channel")
	}
	return nil
}

// historyScope is the scope reading channel's history needs: channels
// (C…), private channels (G…) and DMs (D…) each have theirs.
func historyScope(channel string) string {
	switch {
	case strings.HasPrefix(channel, "G"):
		return "groups:history"
	case strings.HasPrefix(channel, "D"):
		return "im:history"
	}
	return "channels:history"
}

// maxReplies is conversations.replies' largest and default page.
const maxReplies = 1000

// replies is conversations.replies: the parent message at ts and its
// replies, oldest first, a page of limit at a time with Slack's
// next_cursor; thread_not_found for a ts the channel does not hold. The
// time window (oldest, latest) is not emulated: it is refused rather than
// ignored, so no test leans on a guess.
func replies(f *Fake, a url.Values) map[string]any {
	ch := a.Get("channel")
	if r := f.needChannel(ch); r != nil {
		return r
	}
	if s := historyScope(ch); f.revoked[s] {
		return map[string]any{"ok": false, "error": "missing_scope", "needed": s, "provided": "chat:write,files:read"}
	}
	if r := f.member(ch); r != nil {
		return r
	}
	ts := a.Get("ts")
	if ts == "" || a.Get("oldest") != "" || a.Get("latest") != "" {
		return fail("invalid_arguments")
	}
	limit := maxReplies
	if l := a.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 {
			return fail("invalid_limit")
		}
		limit = min(n, maxReplies)
	}
	var thread []posted
	for _, p := range f.history[ch] {
		if p.ts == ts || p.thread == ts {
			thread = append(thread, p)
		}
	}
	if !slices.ContainsFunc(thread, func(p posted) bool { return p.ts == ts }) {
		return fail("thread_not_found")
	}
	slices.SortStableFunc(thread, func(x, y posted) int { return compareTS(x.ts, y.ts) })
	start := 0
	if c := a.Get("cursor"); c != "" {
		after, err := base64.StdEncoding.DecodeString(c)
		next, ok := strings.CutPrefix(string(after), "next_ts:")
		if err != nil || !ok {
			return fail("invalid_cursor")
		}
		start = slices.IndexFunc(thread, func(p posted) bool { return compareTS(p.ts, next) >= 0 })
		if start < 0 {
			start = len(thread)
		}
	}
	page := thread[start:min(start+limit, len(thread))]
	parent := thread[slices.IndexFunc(thread, func(p posted) bool { return p.ts == ts })]
	msgs := make([]map[string]any, 0, len(page))
	for _, p := range page {
		msgs = append(msgs, f.listed(ch, p, parent.user, len(thread)-1))
	}
	out := map[string]any{"ok": true, "messages": msgs, "has_more": false}
	if end := start + len(page); end < len(thread) {
		out["has_more"] = true
		out["response_metadata"] = map[string]any{"next_cursor": base64.StdEncoding.EncodeToString([]byte("next_ts:" + thread[end].ts))}
	}
	return out
}

// listed is p as conversations.replies shows it: a reply names its
// parent's author, a parent counts its replies.
func (f *Fake) listed(channel string, p posted, parentUser string, replies int) map[string]any {
	m := map[string]any{"type": "message", "user": p.user, "text": f.messages[channel+"/"+p.ts], "ts": p.ts}
	if p.botID != "" {
		m["bot_id"] = p.botID
	}
	switch {
	case p.thread != "" && p.thread != p.ts:
		m["thread_ts"], m["parent_user_id"] = p.thread, parentUser
	case replies > 0:
		m["thread_ts"], m["reply_count"] = p.ts, replies
	}
	var files []map[string]any
	for _, id := range p.files {
		if s := f.shared[id]; s != nil {
			files = append(files, s.object(f.srv.URL))
		}
	}
	if len(files) > 0 {
		m["files"], m["upload"] = files, true
	}
	return m
}

// compareTS orders message timestamps ("1700000000.000100") by time.
func compareTS(x, y string) int {
	xs, xf, _ := strings.Cut(x, ".")
	ys, yf, _ := strings.Cut(y, ".")
	if c := compareDigits(xs, ys); c != 0 {
		return c
	}
	return strings.Compare(xf+strings.Repeat("0", max(0, len(yf)-len(xf))), yf+strings.Repeat("0", max(0, len(xf)-len(yf))))
}

func compareDigits(x, y string) int {
	if len(x) != len(y) {
		return len(x) - len(y)
	}
	return strings.Compare(x, y)
}
