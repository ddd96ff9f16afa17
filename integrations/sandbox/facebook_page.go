package sandbox

import (
	"html/template"
	"net/http"
)

var fbPostPage = template.Must(template.New("fb-post").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Page}} on Facebook (sandbox)</title></head>
<body style="font-family:sans-serif;max-width:36em;margin:4em auto">
<p style="background:#fde68a;padding:.5em">SANDBOX: this post lives in the Marketing Minds platform emulator, not on facebook.com.</p>
<p><strong>{{.Page}}</strong></p>
<p style="white-space:pre-wrap;font-size:1.2em">{{.Text}}</p>
<p style="color:#666">{{.Created}}</p>
</body></html>`))

// fbPermalink shows a Page post as its www.facebook.com/{page}/posts/{n}
// page (the permalink_url Graph gives) would, so a published link opens
// in sandbox mode. A post that does not exist (or was deleted) is not found.
func (s *Sandbox) fbPermalink(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	fb := s.st.Facebook
	var p *fbPost
	if fb != nil {
		p = fb.Posts[r.PathValue("page")+"_"+r.PathValue("num")]
	}
	var pg *fbPage
	if p != nil {
		pg = fb.Pages[p.PageID]
	}
	if pg == nil {
		s.mu.Unlock()
		http.Error(w, "This content isn't available right now.", http.StatusNotFound)
		return
	}
	data := map[string]any{"Page": pg.Name, "Text": p.Message, "Created": p.CreatedAt.Format("January 2, 2006 at 3:04 PM")}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = fbPostPage.Execute(w, data)
}

// igPermalink shows a media as its www.instagram.com/{p|reel}/{shortcode}/
// page (the permalink Graph gives) would, so a published link opens in
// sandbox mode. Unknown media are not found.
func (s *Sandbox) igPermalink(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	var m *igMedia
	var u *igUser
	if fb := s.st.Facebook; fb != nil {
		for _, cand := range fb.Media {
			if cand.Shortcode == r.PathValue("code") {
				m, u = cand, fb.IGUsers[cand.UserID]
				break
			}
		}
	}
	if m == nil || u == nil {
		s.mu.Unlock()
		http.Error(w, "Sorry, this page isn't available.", http.StatusNotFound)
		return
	}
	data := map[string]any{"Page": "@" + u.Username, "Text": m.Caption, "Created": m.CreatedAt.Format("January 2, 2006")}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = igPostPage.Execute(w, data)
}

var igPostPage = template.Must(template.New("ig-post").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Page}} on Instagram (sandbox)</title></head>
<body style="font-family:sans-serif;max-width:36em;margin:4em auto">
<p style="background:#fde68a;padding:.5em">SANDBOX: this post lives in the Marketing Minds platform emulator, not on instagram.com.</p>
<p><strong>{{.Page}}</strong></p>
<p style="white-space:pre-wrap;font-size:1.2em">{{.Text}}</p>
<p style="color:#666">{{.Created}}</p>
</body></html>`))
