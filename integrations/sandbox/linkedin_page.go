package sandbox

import (
	"html/template"
	"net/http"
	"strings"
)

var liPostPage = template.Must(template.New("li-post").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Author}} on LinkedIn (sandbox)</title></head>
<body style="font-family:sans-serif;max-width:36em;margin:4em auto">
<p style="background:#fde68a;padding:.5em">SANDBOX: this post lives in the Marketing Minds platform emulator, not on linkedin.com.</p>
<p><strong>{{.Author}}</strong></p>
<p style="white-space:pre-wrap;font-size:1.2em">{{.Text}}</p>
<p style="color:#666">{{.Created}}</p>
</body></html>`))

// liPermalink shows a post as its www.linkedin.com/feed/update/{urn} page
// would to a visitor, so a published link opens in sandbox mode. As on
// LinkedIn, only a published PUBLIC post shows without signing in; any
// other (or a deleted one) is not found.
func (s *Sandbox) liPermalink(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	st := s.st.LinkedIn
	var p *liPost
	if st != nil {
		p = st.Posts[r.PathValue("urn")]
	}
	if p == nil || p.Visibility != "PUBLIC" || p.Lifecycle != "PUBLISHED" {
		s.mu.Unlock()
		http.Error(w, "This post cannot be displayed: it may have been deleted, or you need to sign in to see it.", http.StatusNotFound)
		return
	}
	author := p.Author
	if id, ok := strings.CutPrefix(author, "urn:li:organization:"); ok && st.Orgs[id] != nil {
		author = st.Orgs[id].Name
	} else if sub, ok := strings.CutPrefix(author, "urn:li:person:"); ok && st.Members[sub] != nil {
		author = st.Members[sub].GivenName + " " + st.Members[sub].FamilyName
	}
	data := map[string]any{"Author": author, "Text": p.Commentary, "Created": p.CreatedAt.Format("Jan 2, 2006, 3:04 PM")}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = liPostPage.Execute(w, data)
}
