package httpapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/limit"
	"github.com/marketingminds/marketingminds/tools/media"
)

// Media is what the media routes need of tools/media (*media.Service).
type Media interface {
	Upload(ctx context.Context, c identity.Caller, in media.Upload) (media.Media, error)
	Get(ctx context.Context, c identity.Caller, id string) (media.Media, error)
	List(ctx context.Context, c identity.Caller, f media.Filter) (media.Page, error)
	// Count gives the media page its figures ("12 files, 3 not used yet").
	Count(ctx context.Context, c identity.Caller) (media.Counts, error)
	Update(ctx context.Context, c identity.Caller, id string, p media.Patch) (media.Media, error)
	Delete(ctx context.Context, c identity.Caller, id string) error
	OpenSigned(ctx context.Context, token string) (media.Blob, media.Media, error)
	// Open serves the dashboard's full-size files (bot/httpapi/dashboard_media.go).
	Open(ctx context.Context, workspaceID, id string) (media.Blob, media.Media, error)
	// Thumbnail serves the dashboard's previews; OpenThumbSigned the signed
	// thumbnail URLs of Slack's approval cards.
	Thumbnail(ctx context.Context, workspaceID, id string) (media.Blob, media.Thumb, error)
	OpenThumbSigned(ctx context.Context, token string) (media.Blob, media.Thumb, error)
}

// Uploads and downloads of media take longer than the server's default
// read and write timeouts: a 512 MB video over a slow link.
const (
	mediaReadTimeout  = 30 * time.Minute
	mediaWriteTimeout = 30 * time.Minute
	// maxUploadFiles bounds the files of one upload request.
	maxUploadFiles = 20
)

func (s *Server) mediaRoutes(mux *routeMux) {
	mux.Handle("POST /api/media", s.auth(identity.Editor, s.mediaUpload))
	mux.Handle("GET /api/media", s.auth(identity.Viewer, s.mediaList))
	mux.Handle("GET /api/media/{id}", s.auth(identity.Viewer, s.mediaGet))
	mux.Handle("PATCH /api/media/{id}", s.auth(identity.Editor, s.mediaUpdate))
	mux.Handle("DELETE /api/media/{id}", s.auth(identity.Editor, s.mediaDelete))
	mux.HandleFunc("GET /media/{token}", s.mediaServe)            // public: the signature is the credential
	mux.HandleFunc("GET /media/thumb/{token}", s.mediaThumbServe) // public, as above
}

// mediaUpload: POST /api/media, multipart/form-data: one or more "file"
// parts, each after an optional "alt" part holding its alt text. Streamed:
// each file goes to the blob store as it arrives.
func (s *Server) mediaUpload(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "multipart/form-data" {
		writeError(w, http.StatusUnsupportedMediaType, "unsupported_media_type",
			"send the files as multipart/form-data, one \"file\" part each (curl -F file=@photo.jpg -F alt='…')")
		return
	}
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(mediaReadTimeout))
	r.Body = http.MaxBytesReader(w, r.Body, media.MaxBytes*maxUploadFiles)
	mr, err := r.MultipartReader()
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request", "the multipart body could not be read")
		return
	}
	out := []media.Media{}
	alt, altSet := "", false
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			mediaError(w, r, "", fmt.Errorf("%w: the multipart body is malformed", media.ErrInvalid))
			return
		}
		switch part.FormName() {
		case "alt":
			if altSet {
				writeError(w, http.StatusBadRequest, "invalid_request", fmt.Sprintf("two alt fields before files[%d]; send each file's alt text just before it", len(out)))
				return
			}
			b := make([]byte, 4*media.MaxAlt+1)
			n, _ := io.ReadFull(part, b)
			if n > 4*media.MaxAlt {
				writeError(w, http.StatusBadRequest, "invalid_request", fmt.Sprintf("alt text has at most %d characters", media.MaxAlt))
				return
			}
			alt, altSet = string(b[:n]), true
		case "file":
			if len(out) == maxUploadFiles {
				writeError(w, http.StatusBadRequest, "invalid_request", fmt.Sprintf("at most %d files in one upload", maxUploadFiles))
				return
			}
			m, err := s.deps.Media.Upload(r.Context(), c, media.Upload{Name: part.FileName(), Alt: alt, Source: media.SourceAPI, Body: part})
			if err != nil {
				mediaError(w, r, fmt.Sprintf("files[%d]: ", len(out)), err)
				return
			}
			out = append(out, m)
			alt, altSet = "", false
		default:
			writeError(w, http.StatusBadRequest, "invalid_request", "unknown field "+limit.Clip(part.FormName())+"; send \"file\" parts, each after an optional \"alt\"")
			return
		}
	}
	if len(out) == 0 {
		writeError(w, http.StatusBadRequest, "invalid_request", "no \"file\" part in the upload")
		return
	}
	if altSet {
		writeError(w, http.StatusBadRequest, "invalid_request", "an alt field after the last file; send each file's alt text just before it")
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"success": true, "media": out})
}

// mediaList: GET /api/media [?unused=true&limit=&cursor=]
func (s *Server) mediaList(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	q := r.URL.Query()
	f := media.Filter{Cursor: q.Get("cursor"), Unused: q.Get("unused") == "true", Kind: q.Get("kind")}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > media.MaxList {
			writeError(w, http.StatusBadRequest, "invalid_request", fmt.Sprintf("limit must be a number from 1 to %d", media.MaxList))
			return
		}
		f.Limit = n
	}
	page, err := s.deps.Media.List(r.Context(), c, f)
	if err != nil {
		mediaError(w, r, "", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "media": page.Items, "next_cursor": page.Next})
}

// mediaGet: GET /api/media/{id}
func (s *Server) mediaGet(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	m, err := s.deps.Media.Get(r.Context(), c, r.PathValue("id"))
	if err != nil {
		mediaError(w, r, "", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "media": m})
}

// mediaPatchBody changes a media's alt text or name.
type mediaPatchBody struct {
	Alt  *string `json:"alt"`
	Name *string `json:"name"`
}

// mediaUpdate: PATCH /api/media/{id} {"alt", "name"}
func (s *Server) mediaUpdate(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	var b mediaPatchBody
	if !decodeJSON(w, r, &b) {
		return
	}
	m, err := s.deps.Media.Update(r.Context(), c, r.PathValue("id"), media.Patch{Alt: b.Alt, Name: b.Name})
	if err != nil {
		mediaError(w, r, "", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "media": m})
}

// mediaDelete: DELETE /api/media/{id}
func (s *Server) mediaDelete(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	id := r.PathValue("id")
	if err := s.deps.Media.Delete(r.Context(), c, id); err != nil {
		mediaError(w, r, "", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "deleted": id})
}

// mediaServe: GET /media/{token}, the signed URL platforms fetch: the
// file with its type and length, ranges for video; a bad, expired or
// forged token and a deleted file are the same plain 404.
func (s *Server) mediaServe(w http.ResponseWriter, r *http.Request) {
	blob, m, err := s.deps.Media.OpenSigned(r.Context(), r.PathValue("token"))
	if err != nil {
		if !errors.Is(err, media.ErrNotFound) {
			zerolog.Ctx(r.Context()).Error().Err(err).Msg("http: media serve")
		}
		http.Error(w, "404 page not found", http.StatusNotFound)
		return
	}
	defer blob.Close()
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(mediaWriteTimeout))
	h := w.Header()
	h.Set("Content-Type", m.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, max-age=3600")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	// ETag from the bytes' hash: ServeContent answers If-None-Match and If-Range.
	h.Set("ETag", `"`+m.SHA256+`"`)
	http.ServeContent(w, r, "", m.CreatedAt, blob)
}

// mediaThumbServe: GET /media/thumb/{token}, a thumbnail's signed URL
// (what Slack fetches to show an approval card's images); anything bad is
// the same plain 404 as a file's.
func (s *Server) mediaThumbServe(w http.ResponseWriter, r *http.Request) {
	blob, th, err := s.deps.Media.OpenThumbSigned(r.Context(), r.PathValue("token"))
	if err != nil {
		if !errors.Is(err, media.ErrNotFound) {
			zerolog.Ctx(r.Context()).Error().Err(err).Msg("http: media thumbnail")
		}
		http.Error(w, "404 page not found", http.StatusNotFound)
		return
	}
	serveThumb(w, r, blob, th)
}

// serveThumb writes a thumbnail with its type and length. Its bytes never
// change for a media, so it may be kept for as long as a URL lasts.
func serveThumb(w http.ResponseWriter, r *http.Request, blob media.Blob, th media.Thumb) {
	defer blob.Close()
	h := w.Header()
	h.Set("Content-Type", th.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", fmt.Sprintf("private, max-age=%d, immutable", int(media.DefaultTTL.Seconds())))
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("ETag", `"`+th.ETag+`"`)
	http.ServeContent(w, r, "", th.ModTime, blob)
}

// mediaError maps the media errors to statuses; at prefixes a validation
// message with the file it is about.
func mediaError(w http.ResponseWriter, r *http.Request, at string, err error) {
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, identity.ErrForbidden):
		writeError(w, http.StatusForbidden, "forbidden", err.Error())
	case errors.Is(err, media.ErrNotFound):
		writeError(w, http.StatusNotFound, "not_found", "no such media in this workspace")
	case errors.Is(err, media.ErrTooLarge):
		writeError(w, http.StatusRequestEntityTooLarge, "too_large", at+strings.TrimPrefix(err.Error(), media.ErrInvalid.Error()+": "))
	case errors.Is(err, media.ErrInvalid):
		writeError(w, http.StatusBadRequest, "invalid_media", at+strings.TrimPrefix(err.Error(), media.ErrInvalid.Error()+": "))
	case errors.Is(err, media.ErrInUse):
		writeError(w, http.StatusConflict, "in_use", err.Error())
	case errors.As(err, &tooBig):
		writeError(w, http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("the upload is larger than %d MB", tooBig.Limit>>20))
	default:
		zerolog.Ctx(r.Context()).Error().Err(err).Msg("http: media")
		writeError(w, http.StatusInternalServerError, "internal", "the media request failed; try again")
	}
}

// mediaOps are the OpenAPI entries of the media routes; see apiOp.
var mediaOps = func() []apiOp {
	one := object{"success": false, "media": media.Media{}}
	return []apiOp{
		{Method: "POST", Path: "/api/media", Summary: fmt.Sprintf("Upload images or videos (multipart: up to %d \"file\" parts of at most %d MB, each after an optional \"alt\" part with its alt text); identical bytes are stored once", maxUploadFiles, media.MaxBytes>>20),
			Auth: "editor", Status: 201, Response: object{"success": false, "media": []media.Media{}},
			Form: map[string]any{
				"file": map[string]any{"type": "array", "items": map[string]any{"type": "string", "format": "binary"}, "minItems": 1, "maxItems": maxUploadFiles},
				"alt":  map[string]any{"type": "array", "items": map[string]any{"type": "string", "maxLength": media.MaxAlt}},
			}},
		{Method: "GET", Path: "/api/media", Summary: "List the workspace's media, newest first", Auth: "viewer",
			Query: map[string]string{"unused": "true: only media no post or library item uses", "kind": "image or video: only those",
				"limit": "how many", "cursor": "next_cursor of the previous page"},
			Response: object{"success": false, "media": []media.Media{}, "next_cursor": ""}},
		{Method: "GET", Path: "/api/media/{id}", Summary: "One media", Auth: "viewer", Response: one},
		{Method: "PATCH", Path: "/api/media/{id}", Summary: "Change a media's alt text or name", Auth: "editor", Request: mediaPatchBody{}, Response: one},
		{Method: "DELETE", Path: "/api/media/{id}", Summary: "Delete a media (refused while a scheduled post uses it)", Auth: "editor",
			Response: object{"success": false, "deleted": ""}},
	}
}()
