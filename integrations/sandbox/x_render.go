package sandbox

import (
	"hash/fnv"
	"html/template"
	"math"
	"net/http"
	"strings"
	"time"
)

// How X renders users and posts: the JSON objects with their requested
// fields, the synthetic metrics, and the x.com permalink page.

func (s *Sandbox) xUserJSON(u *xUser, fields map[string]bool) map[string]any {
	m := map[string]any{"id": u.ID, "name": u.Name, "username": u.Username}
	if fields["created_at"] {
		m["created_at"] = u.CreatedAt.Format("2006-01-02T15:04:05.000Z")
	}
	if fields["description"] {
		m["description"] = u.Description
	}
	if fields["profile_image_url"] {
		m["profile_image_url"] = u.ProfileImageURL
	}
	if fields["protected"] {
		m["protected"] = false
	}
	if fields["verified"] {
		m["verified"] = false
	}
	if fields["public_metrics"] {
		m["public_metrics"] = map[string]int64{"followers_count": u.Followers, "following_count": u.Following,
			"tweet_count": u.Posts, "post_count": u.Posts, "listed_count": u.Listed, "like_count": 0, "media_count": 0}
	}
	return m
}

// xPostJSON renders a post with the requested fields. Non-public and
// organic metrics exist only for the author, for posts under 30 days old;
// otherwise a not-authorized-for-field partial error is added.
func (s *Sandbox) xPostJSON(p *xPost, fields map[string]bool, viewer string, errs *[]any) map[string]any {
	m := map[string]any{"id": p.ID, "text": p.Text,
		"edit_history_tweet_ids": []string{p.ID}, "edit_history_post_ids": []string{p.ID}}
	if fields["created_at"] {
		m["created_at"] = p.CreatedAt.Format("2006-01-02T15:04:05.000Z")
	}
	if fields["author_id"] {
		m["author_id"] = p.AuthorID
	}
	if fields["conversation_id"] {
		m["conversation_id"] = p.Convo
	}
	if fields["in_reply_to_user_id"] && p.ReplyUser != "" {
		m["in_reply_to_user_id"] = p.ReplyUser
	}
	if fields["attachments"] && len(p.MediaIDs) > 0 {
		keys := make([]string, 0, len(p.MediaIDs))
		for _, id := range p.MediaIDs {
			if md := s.xs().Media[id]; md != nil {
				keys = append(keys, md.Key)
			}
		}
		m["attachments"] = map[string]any{"media_keys": keys}
	}
	mt := xMetricsAt(p, s.now())
	if fields["public_metrics"] {
		m["public_metrics"] = map[string]int64{"retweet_count": mt.reposts, "repost_count": mt.reposts,
			"reply_count": mt.replies, "like_count": mt.likes, "quote_count": mt.quotes,
			"bookmark_count": mt.bookmarks, "impression_count": mt.impressions}
	}
	private := p.AuthorID == viewer && s.now().Sub(p.CreatedAt) < 30*24*time.Hour
	for _, f := range []string{"non_public_metrics", "organic_metrics"} {
		if !fields[f] {
			continue
		}
		if !private {
			*errs = append(*errs, map[string]any{"value": p.ID, "detail": "Sorry, you are not authorized to access '" + f + "' on the Tweet with ids: [" + p.ID + "].",
				"title": "Field Authorization Error", "resource_type": "tweet", "parameter": "tweet.fields", "field": f,
				"resource_id": p.ID, "section": "data", "type": xProblemsBase + "not-authorized-for-field"})
			continue
		}
		if f == "non_public_metrics" {
			m[f] = map[string]int64{"impression_count": mt.impressions, "url_link_clicks": mt.linkClicks, "user_profile_clicks": mt.profileClicks}
		} else {
			m[f] = map[string]int64{"impression_count": mt.impressions, "like_count": mt.likes, "reply_count": mt.replies,
				"retweet_count": mt.reposts, "url_link_clicks": mt.linkClicks, "user_profile_clicks": mt.profileClicks}
		}
	}
	return m
}

type xMetrics struct {
	impressions, likes, replies, reposts, quotes, bookmarks, linkClicks, profileClicks int64
}

// xMetricsAt is a post's synthetic engagement: a deterministic function of
// its age (growing fast at first, flattening after a week) and its id.
func xMetricsAt(p *xPost, now time.Time) xMetrics {
	age := min(now.Sub(p.CreatedAt), 7*24*time.Hour)
	if age < 0 {
		age = 0
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(p.ID))
	spread := 0.6 + float64(h.Sum32()%80)/100 // 0.6 .. 1.39, stable per post
	imp := int64(60 * math.Sqrt(age.Minutes()) * spread)
	m := xMetrics{impressions: imp, likes: imp / 25, replies: imp / 180, reposts: imp / 110, quotes: imp / 700,
		bookmarks: imp / 260, profileClicks: imp / 150}
	if strings.Contains(p.Text, "http://") || strings.Contains(p.Text, "https://") {
		m.linkClicks = imp / 70
	}
	return m
}

var xPostPage = template.Must(template.New("x-post").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Name}} on X (sandbox)</title></head>
<body style="font-family:sans-serif;max-width:36em;margin:4em auto">
<p style="background:#fde68a;padding:.5em">SANDBOX: this post lives in the Marketing Minds platform emulator, not on x.com.</p>
<p><strong>{{.Name}}</strong> @{{.Username}}</p>
<p style="white-space:pre-wrap;font-size:1.2em">{{.Text}}</p>
<p style="color:#666">{{.Created}}{{if .Media}} · {{.Media}} media attached{{end}}</p>
</body></html>`))

// xPermalink shows a post as its x.com page would, so a published link
// opens in sandbox mode.
func (s *Sandbox) xPermalink(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	st := s.xs()
	p := st.Posts[r.PathValue("id")]
	var u *xUser
	if p != nil && !p.Deleted {
		u = st.Users[p.AuthorID]
	}
	if u == nil || (r.PathValue("username") != "" && !strings.EqualFold(r.PathValue("username"), u.Username)) {
		s.mu.Unlock()
		http.Error(w, "Hmm...this page doesn't exist. Try searching for something else.", http.StatusNotFound)
		return
	}
	data := map[string]any{"Name": u.Name, "Username": u.Username, "Text": p.Text,
		"Created": p.CreatedAt.Format("3:04 PM · Jan 2, 2006"), "Media": len(p.MediaIDs)}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = xPostPage.Execute(w, data)
}
