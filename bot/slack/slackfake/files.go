package slackfake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Upload is a file uploaded through the external upload flow
// (files.getUploadURLExternal, the upload URL, files.completeUploadExternal).
type Upload struct {
	ID, Name, Title string
	Length          int
	Data            []byte
	// Channel and ThreadTS are where files.completeUploadExternal shared
	// it ("" until it was completed).
	Channel, ThreadTS string
}

// Uploads are the completed uploads, in order.
func (f *Fake) Uploads() []Upload {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Upload
	for _, id := range f.fileOrder {
		if u := f.files[id]; u.Channel != "" {
			out = append(out, *u)
		}
	}
	return out
}

// getUploadURL is files.getUploadURLExternal: a filename and a positive
// length are required.
func getUploadURL(f *Fake, a url.Values) map[string]any {
	n, err := strconv.Atoi(a.Get("length"))
	if a.Get("filename") == "" || err != nil || n <= 0 {
		return fail("invalid_arguments")
	}
	id := fmt.Sprintf("F%d", len(f.fileOrder)+1)
	f.files[id] = &Upload{ID: id, Name: a.Get("filename"), Length: n}
	f.fileOrder = append(f.fileOrder, id)
	return map[string]any{"ok": true, "file_id": id, "upload_url": f.srv.URL + "/upload/" + id}
}

// completeUpload is files.completeUploadExternal: every file must have
// been uploaded with the length announced, the channel must exist and the
// thread be known.
func completeUpload(f *Fake, a url.Values) map[string]any {
	var files []struct{ ID, Title string }
	if err := json.Unmarshal([]byte(a.Get("files")), &files); err != nil || len(files) == 0 {
		return fail("invalid_arguments")
	}
	ch := a.Get("channel_id")
	if ch == "" && a.Get("thread_ts") != "" {
		return fail("invalid_arguments")
	}
	if ch != "" {
		if r := f.needChannel(ch); r != nil {
			return r
		}
	}
	if t := a.Get("thread_ts"); t != "" && !f.exists(ch, t) {
		return fail("invalid_thread_ts")
	}
	var done []map[string]any
	for _, file := range files {
		u, ok := f.files[file.ID]
		if !ok || u.Data == nil || u.Channel != "" {
			return fail("file_not_found")
		}
		if len(u.Data) != u.Length {
			return fail("file_upload_size_mismatch")
		}
		u.Title, u.Channel, u.ThreadTS = file.Title, ch, a.Get("thread_ts")
		done = append(done, map[string]any{"id": u.ID, "title": u.Title})
	}
	return map[string]any{"ok": true, "files": done}
}

// upload receives a file's bytes at its upload URL (a multipart form's
// "file" part, or the raw body).
func (f *Fake) upload(w http.ResponseWriter, r *http.Request, id string) {
	if r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	var data []byte
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		file, _, ferr := r.FormFile("file")
		if ferr != nil {
			http.Error(w, "no file", http.StatusBadRequest)
			return
		}
		defer file.Close()
		data, err = io.ReadAll(file)
	} else {
		data, err = io.ReadAll(r.Body)
	}
	if err != nil {
		http.Error(w, "read", http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	u, ok := f.files[id]
	if ok && u.Data == nil {
		u.Data = data
	}
	f.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	fmt.Fprintf(w, "OK - %d", len(data))
}
