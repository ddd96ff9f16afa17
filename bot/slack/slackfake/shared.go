package slackfake

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// sharedFile is a file a person shared in Slack, served at its
// url_private_download.
type sharedFile struct {
	id, name, mimetype, user string
	data                     []byte
}

// Shared describes a file the way Slack's events and files.info do.
func (s *sharedFile) object(base string) map[string]any {
	priv := base + "/files-pri/T1-" + s.id + "/" + url.PathEscape(s.name)
	return map[string]any{
		"id": s.id, "name": s.name, "title": s.name, "mimetype": s.mimetype, "filetype": strings.TrimPrefix(s.mimetype, "image/"),
		"user": s.user, "size": len(s.data), "mode": "hosted", "is_public": false,
		"url_private":          priv,
		"url_private_download": base + "/files-pri/T1-" + s.id + "/download/" + url.PathEscape(s.name),
		"permalink":            "https://fake.slack.com/files/" + s.user + "/" + s.id + "/" + url.PathEscape(s.name),
	}
}

// ShareFile keeps a file a person (user) shares and returns its object for
// a message event's "files": its url_private_download on the fake answers
// with the bytes only to a request carrying a valid bot token, as Slack's
// file host does (files:read).
func (f *Fake) ShareFile(user, name, mimetype string, data []byte) map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := &sharedFile{id: fmt.Sprintf("FS%d", len(f.shared)+1), name: name, mimetype: mimetype, user: user, data: data}
	f.shared[s.id] = s
	return s.object(f.srv.URL)
}

// Downloads are how many times each shared file's bytes were handed out.
func (f *Fake) Downloads(fileID string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.downloads[fileID]
}

// filesInfo is files.info: the file's object, or file_not_found.
func filesInfo(f *Fake, a url.Values) map[string]any {
	s, ok := f.shared[a.Get("file")]
	if !ok {
		return fail("file_not_found")
	}
	return map[string]any{"ok": true, "file": s.object(f.srv.URL)}
}

// serveFile answers GET /files-pri/{team}-{id}/[download/]{name}. Slack's
// file host does not answer JSON: without a valid token (a missing one, a
// wrong one, an app-level one) it redirects to the workspace's sign-in
// page, which is HTML (platform-apis.md §10.1).
func (f *Fake) serveFile(w http.ResponseWriter, r *http.Request, rest string) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	teamFile, _, _ := strings.Cut(rest, "/")
	_, id, _ := strings.Cut(teamFile, "-")
	token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	f.mu.Lock()
	s, ok := f.shared[id]
	valid := f.tokens[token] && strings.HasPrefix(token, "xoxb-")
	if ok && valid {
		f.downloads[id]++
	}
	f.mu.Unlock()
	switch {
	case !valid:
		http.Redirect(w, r, f.srv.URL+"/signin?redir="+url.QueryEscape(r.URL.Path), http.StatusFound)
	case !ok:
		http.NotFound(w, r)
	default:
		w.Header().Set("Content-Type", s.mimetype)
		w.Header().Set("Content-Length", strconv.Itoa(len(s.data)))
		_, _ = w.Write(s.data)
	}
}

// signIn is the sign-in page Slack redirects an unauthenticated file
// request to.
func signIn(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprint(w, "<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in to your workspace</body></html>")
}
