package httpapi

import (
	"bytes"
	"context"
	_ "embed" // the media item partial
	"errors"
	"fmt"
	"html/template"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/bot/present"
	"github.com/marketingminds/marketingminds/tools/fault"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/media"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// The dashboard's media: the media page (newest first, filtered to the
// files not used yet, images or videos; each file's card says where it is
// used and who shared it, dashboard_media_card.go; upload by drag and drop
// or by picking files, alt text, delete), the composer's uploads, and each file
// served to the signed-in browser from this origin (the CSP allows nothing
// else). Every route calls the same tools/media functions as /api/media.

//go:embed web/partials/media_item.html
var mediaItemHTML string

// mediaItemTmpl is one uploaded file as the composer and the media page
// show it: its preview, its alt text field and, in the composer, the
// hidden media_ids field that attaches it to the post.
var mediaItemTmpl = template.Must(template.New("media_item").Funcs(templateFuncs).Parse(mediaItemHTML))

// mediaItem is the partial's data.
type mediaItem struct {
	media.Media
	// Attach: in the composer, the item is attached to the post.
	Attach bool
	// Card: on the media page, where the file is used, who shared it.
	Card *mediaCard
	// CanEdit: the reader may post, describe and delete the file.
	CanEdit bool
	CSRF    string
}

func (m mediaItem) IsVideo() bool { return strings.HasPrefix(m.ContentType, "video/") }

// Length is a video's duration as a player shows it, "1:05"; "" for an
// image.
func (m mediaItem) Length() string {
	if m.Duration <= 0 {
		return ""
	}
	sec := int((m.Duration + time.Second/2) / time.Second)
	return fmt.Sprintf("%d:%02d", sec/60, sec%60)
}

// Size is the file's size in words: "1.2 MB".
func (m mediaItem) Size() string {
	switch n := float64(m.Bytes); {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", n/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", n/(1<<10))
	}
	return fmt.Sprintf("%d bytes", m.Bytes)
}

func renderMediaItem(it mediaItem) (template.HTML, error) {
	var b bytes.Buffer
	if err := mediaItemTmpl.Execute(&b, it); err != nil {
		return "", fmt.Errorf("dashboard: media item: %w", err)
	}
	return template.HTML(b.String()), nil //nolint:gosec // escaped by html/template
}

func (s *Server) mediaPageRoutes(mux *routeMux) {
	if s.deps.Media == nil {
		return
	}
	mux.Handle("GET /dashboard/media", s.page(identity.Viewer, "media", s.mediaPage))
	mux.Handle("POST /dashboard/media/upload", s.page(identity.Editor, "media", s.mediaPageUpload))
	mux.Handle("GET /dashboard/media/{id}/file", s.page(identity.Viewer, "media", s.mediaPageFile))
	mux.Handle("GET /dashboard/media/{id}/thumb", s.page(identity.Viewer, "media", s.mediaPageThumb))
	mux.Handle("POST /dashboard/media/{id}/alt", s.page(identity.Editor, "media", s.mediaPageAlt))
	mux.Handle("POST /dashboard/media/{id}/delete", s.page(identity.Editor, "media", s.mediaPageDelete))
}

// mediaShows are the media page's filters: the query's show= value, its
// label, and what it lists.
var mediaShows = []struct {
	key, label string
	filter     media.Filter
	count      func(media.Counts) int
	empty      string
}{
	{"", "All", media.Filter{}, func(n media.Counts) int { return n.Files }, ""},
	{"unused", "Not used yet", media.Filter{Unused: true}, func(n media.Counts) int { return n.Unused }, "Every file is used in a post, the library or an approval."},
	{"images", "Images", media.Filter{Kind: media.KindImage}, func(n media.Counts) int { return n.Images }, "No images yet."},
	{"videos", "Videos", media.Filter{Kind: media.KindVideo}, func(n media.Counts) int { return n.Videos }, "No videos yet."},
}

// mediaFilterLink is one of the page's filters.
type mediaFilterLink struct {
	Label, Href string
	N           int
	Current     bool
}

type mediaPageData struct {
	Items []template.HTML
	// Summary: "12 files, 3 not used yet".
	Summary string
	Filters []mediaFilterLink
	// None: the workspace has no files; Empty is what a filter that lists
	// none says.
	None  bool
	Empty string
	// Next is the link to the next page; "" on the last.
	Next string
}

// mediaPage: GET /dashboard/media[?show=unused|images|videos][&cursor=],
// newest first.
func (s *Server) mediaPage(w http.ResponseWriter, r *http.Request, v *view) {
	q := r.URL.Query()
	show := mediaShows[0]
	for _, f := range mediaShows {
		if f.key == q.Get("show") {
			show = f
		}
	}
	n, err := s.deps.Media.Count(r.Context(), v.Caller)
	if err != nil {
		s.dashboardError(w, r, v, err)
		return
	}
	f := show.filter
	f.Cursor, f.Limit = q.Get("cursor"), 30
	page, err := s.deps.Media.List(r.Context(), v.Caller, f)
	if errors.Is(err, media.ErrInvalid) { // a cursor not from this page
		v.Title, v.Error = "Not found", "That page of files does not exist; the media page starts from the newest."
		s.render(w, r, http.StatusBadRequest, "error", v)
		return
	}
	if err != nil {
		s.dashboardError(w, r, v, err)
		return
	}
	d := &mediaPageData{Summary: mediaSummary(n), None: n.Files == 0, Empty: show.empty}
	for _, f := range mediaShows {
		d.Filters = append(d.Filters, mediaFilterLink{Label: f.label, Href: mediaPageHref(f.key, ""), N: f.count(n), Current: f.key == show.key})
	}
	if page.Next != "" {
		d.Next = mediaPageHref(show.key, page.Next)
	}
	cards := s.mediaCards(r, v)
	cards.learn(page.Items...)
	for _, m := range page.Items {
		card, err := cards.card(m)
		if err != nil {
			s.dashboardError(w, r, v, err)
			return
		}
		h, err := renderMediaItem(mediaItem{Media: m, Card: card, CanEdit: v.CanEdit, CSRF: v.CSRF})
		if err != nil {
			s.dashboardError(w, r, v, err)
			return
		}
		d.Items = append(d.Items, h)
	}
	switch q.Get("done") {
	case "deleted":
		v.Notice = "Deleted."
	case "alt":
		v.Notice = "Alt text saved."
	}
	v.Title, v.Data = "Media", d
	s.render(w, r, http.StatusOK, "media", v)
}

// mediaSummary: "12 files, 3 not used yet"; "1 file, in use".
func mediaSummary(n media.Counts) string {
	switch {
	case n.Files == 0:
		return ""
	case n.Unused == 0 && n.Files == 1:
		return "1 file, in use"
	case n.Unused == 0:
		return present.Count(n.Files, "file") + ", all in use"
	}
	return present.Count(n.Files, "file") + ", " + present.Number(int64(n.Unused)) + " not used yet"
}

// mediaPageHref is the media page with a filter and a cursor.
func mediaPageHref(show, cursor string) string {
	q := url.Values{}
	if show != "" {
		q.Set("show", show)
	}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	if len(q) == 0 {
		return "/dashboard/media"
	}
	return "/dashboard/media?" + q.Encode()
}

// mediaPageUpload: POST /dashboard/media/upload, one file per request (the
// browser sends each with its own progress bar), multipart with an
// optional "alt" part before the "file" part, the CSRF token in the
// X-CSRF-Token header. It answers the file's item (HTML) for the page to
// insert, or the problem in words with its status.
func (s *Server) mediaPageUpload(w http.ResponseWriter, r *http.Request, v *view) {
	refuse := func(status int, msg string) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, msg)
	}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "multipart/form-data" {
		refuse(http.StatusUnsupportedMediaType, "Send the file from the page's upload field.")
		return
	}
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(mediaReadTimeout))
	r.Body = http.MaxBytesReader(w, r.Body, media.MaxBytes+1<<20)
	mr, err := r.MultipartReader()
	if err != nil {
		refuse(http.StatusBadRequest, "The upload could not be read; try again.")
		return
	}
	alt := ""
	for {
		part, err := mr.NextPart()
		if err != nil {
			refuse(http.StatusBadRequest, "No file arrived; try again.")
			return
		}
		switch part.FormName() {
		case "alt":
			b, _ := io.ReadAll(io.LimitReader(part, 4*media.MaxAlt+1))
			alt = string(b)
			continue
		case "file":
		default:
			continue
		}
		m, err := s.deps.Media.Upload(r.Context(), v.Caller, media.Upload{Name: part.FileName(), Alt: alt, Source: media.SourceDashboard, Body: part})
		if err != nil {
			status, msg := mediaWords(r, part.FileName(), err)
			refuse(status, msg)
			return
		}
		it := mediaItem{Media: m, Attach: r.URL.Query().Get("attach") == "1", CanEdit: v.CanEdit, CSRF: v.CSRF}
		if !it.Attach {
			cards := s.mediaCards(r, v)
			cards.learn(m)
			it.Card, err = cards.card(m)
		}
		var h template.HTML
		if err == nil {
			h, err = renderMediaItem(it)
		}
		if err != nil {
			zerolog.Ctx(r.Context()).Error().Err(err).Msg("dashboard: an uploaded media's item")
			refuse(http.StatusInternalServerError, "The file was kept but cannot be shown; reload the page.")
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, string(h))
		return
	}
}

// mediaWords is an upload's failure in words for the person, with its status.
func mediaWords(r *http.Request, name string, err error) (int, string) {
	var mbe *http.MaxBytesError
	switch {
	case errors.Is(err, media.ErrTooLarge) || errors.As(err, &mbe):
		return http.StatusRequestEntityTooLarge, fmt.Sprintf("%s is too large: files of up to %d MB can be uploaded.", name, media.MaxBytes>>20)
	case errors.Is(err, media.ErrInvalid):
		return http.StatusBadRequest, fmt.Sprintf("%s cannot be used: only images (JPEG, PNG, GIF, WebP) and videos (MP4, MOV) can go into posts.", name)
	case errors.Is(err, identity.ErrForbidden):
		return http.StatusForbidden, "Your role cannot upload media; ask an admin for the editor role."
	}
	ref := fault.NewRef()
	zerolog.Ctx(r.Context()).Error().Err(err).Str("ref", ref).Msg("dashboard: media upload")
	return http.StatusInternalServerError, fmt.Sprintf("Something went wrong keeping %s (ref %s); try again.", name, ref)
}

// mediaPageFile: GET /dashboard/media/{id}/file, the file for previews
// from this origin; another workspace's id is a 404.
func (s *Server) mediaPageFile(w http.ResponseWriter, r *http.Request, v *view) {
	blob, m, err := s.deps.Media.Open(r.Context(), v.Caller.WorkspaceID, r.PathValue("id"))
	if err != nil {
		if !errors.Is(err, media.ErrNotFound) {
			zerolog.Ctx(r.Context()).Error().Err(err).Msg("dashboard: media file")
		}
		http.NotFound(w, r)
		return
	}
	defer blob.Close()
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(mediaWriteTimeout))
	h := w.Header()
	h.Set("Content-Type", m.ContentType)
	h.Set("Cache-Control", "private, max-age=3600")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("ETag", `"`+m.SHA256+`"`)
	http.ServeContent(w, r, "", m.CreatedAt, blob)
}

// mediaPageThumb: GET /dashboard/media/{id}/thumb, the thumbnail the
// media page, the composer and the chat's cards show (a video's poster);
// another workspace's id is a 404.
func (s *Server) mediaPageThumb(w http.ResponseWriter, r *http.Request, v *view) {
	blob, th, err := s.deps.Media.Thumbnail(r.Context(), v.Caller.WorkspaceID, r.PathValue("id"))
	if err != nil {
		if !errors.Is(err, media.ErrNotFound) {
			zerolog.Ctx(r.Context()).Error().Err(err).Msg("dashboard: media thumbnail")
		}
		http.NotFound(w, r)
		return
	}
	serveThumb(w, r, blob, th)
}

// mediaPageAlt: POST /dashboard/media/{id}/alt {alt}
func (s *Server) mediaPageAlt(w http.ResponseWriter, r *http.Request, v *view) {
	alt := r.PostFormValue("alt")
	if _, err := s.deps.Media.Update(r.Context(), v.Caller, r.PathValue("id"), media.Patch{Alt: &alt}); err != nil {
		s.mediaPageError(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/dashboard/media?done=alt", http.StatusSeeOther)
}

// mediaPageDelete: POST /dashboard/media/{id}/delete
func (s *Server) mediaPageDelete(w http.ResponseWriter, r *http.Request, v *view) {
	if err := s.deps.Media.Delete(r.Context(), v.Caller, r.PathValue("id")); err != nil {
		s.mediaPageError(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/dashboard/media?done=deleted", http.StatusSeeOther)
}

// mediaPageError renders a media failure as a page, in words.
func (s *Server) mediaPageError(w http.ResponseWriter, r *http.Request, v *view, err error) {
	switch {
	case errors.Is(err, media.ErrNotFound):
		v.Title, v.Error = "Not found", "No such file in this workspace."
		s.render(w, r, http.StatusNotFound, "error", v)
	case errors.Is(err, media.ErrAwaitingApproval):
		v.Title, v.Error = "In use", "This file is in a post waiting for approval: approve or reject it first."
		s.render(w, r, http.StatusConflict, "error", v)
	case errors.Is(err, media.ErrInUse):
		v.Title, v.Error = "In use", "This file is attached to a scheduled post: it can be deleted once the post is published or cancelled."
		s.render(w, r, http.StatusConflict, "error", v)
	case errors.Is(err, media.ErrInvalid):
		v.Title, v.Error = "Not saved", "The alt text is too long (at most 1,000 characters)."
		s.render(w, r, http.StatusBadRequest, "error", v)
	default:
		s.dashboardError(w, r, v, err)
	}
}

// attachMedia reads the composer's attached files again (the form shows
// them if it comes back) and saves the alt text written for each; a file
// that is not the workspace's any more is a problem of the media field.
func (s *Server) attachMedia(r *http.Request, v *view, d *composeData) error {
	if len(d.Form.MediaIDs) == 0 || s.deps.Media == nil {
		return nil
	}
	var problems []publish.Problem
	for i, id := range d.Form.MediaIDs {
		m, err := s.deps.Media.Get(r.Context(), v.Caller, id)
		if errors.Is(err, media.ErrNotFound) {
			problems = append(problems, publish.Problem{Field: "media_ids", Message: fmt.Sprintf("Attached file %d was deleted; remove it or upload it again.", i+1)})
			continue
		}
		if err != nil {
			return err
		}
		if alt := d.Form.Alts[id]; alt != m.Alt {
			updated, err := s.deps.Media.Update(r.Context(), v.Caller, id, media.Patch{Alt: &alt})
			if errors.Is(err, media.ErrInvalid) {
				problems = append(problems, publish.Problem{Field: "media_ids", Message: fmt.Sprintf("The alt text of %s is too long (at most 1,000 characters).", m.Name)})
				continue
			}
			if err != nil {
				return err
			}
			m = updated
		}
		h, err := renderMediaItem(mediaItem{Media: m, Attach: true, CSRF: v.CSRF})
		if err != nil {
			return err
		}
		d.Attached = append(d.Attached, h)
	}
	if len(problems) > 0 {
		return &publish.ValidationError{Problems: problems}
	}
	return nil
}

// webEnv is how results read on the dashboard: stored media are shown as
// thumbnails from this origin (the CSP allows no other), with their alt
// text read for v's caller under ctx (the turn's, which outlives the
// request).
func (s *Server) webEnv(ctx context.Context, v *view) present.Env {
	env := present.Env{Loc: v.Loc, Now: s.deps.Now(), PublicURL: s.deps.PublicURL}
	if s.deps.Media != nil {
		env.MediaURL = func(id string) string { return "/dashboard/media/" + url.PathEscape(id) + "/thumb" }
		env.Media = func(id string) (media.Media, bool) {
			m, err := s.deps.Media.Get(ctx, v.Caller, id)
			if err != nil && !errors.Is(err, media.ErrNotFound) {
				zerolog.Ctx(ctx).Warn().Err(err).Msg("dashboard: a card's media; its image is described by its place")
			}
			return m, err == nil
		}
	}
	return env
}
