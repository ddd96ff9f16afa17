package sandbox

import (
	"net/http"
	"sort"
	"time"
)

// AdminPost is one post the sandbox holds, as GET /_sandbox/posts lists it:
// the truth a test (or a person) checks what was published against, on
// every platform, without the platform's own read permissions.
type AdminPost struct {
	Platform string `json:"platform"`
	// Account is the X user id, the LinkedIn author URN or the Facebook Page id.
	Account   string    `json:"account"`
	ID        string    `json:"id"`
	Text      string    `json:"text"`
	CreatedAt time.Time `json:"created_at"`
}

// Posts lists the posts on X, LinkedIn and Facebook Pages (deleted ones
// left out), oldest first.
func (s *Sandbox) Posts() []AdminPost {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []AdminPost
	for _, p := range s.st.X.Posts {
		if !p.Deleted {
			out = append(out, AdminPost{Platform: "twitter", Account: p.AuthorID, ID: p.ID, Text: p.Text, CreatedAt: p.CreatedAt})
		}
	}
	for _, p := range s.st.LinkedIn.Posts {
		out = append(out, AdminPost{Platform: "linkedin", Account: p.Author, ID: p.URN, Text: p.Commentary, CreatedAt: p.CreatedAt})
	}
	for _, p := range s.st.Facebook.Posts {
		out = append(out, AdminPost{Platform: "facebook", Account: p.PageID, ID: p.ID, Text: p.Message, CreatedAt: p.CreatedAt})
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].CreatedAt.Equal(out[j].CreatedAt) {
			return out[i].CreatedAt.Before(out[j].CreatedAt)
		}
		return out[i].ID < out[j].ID
	})
	return out
}

func (s *Sandbox) adminPosts(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"posts": s.Posts()})
}
