package httpapi

import (
	"bytes"
	_ "embed" // the library media partial
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/marketingminds/marketingminds/tools/media"
)

// The library's media on the dashboard: an item's attached files shown as
// thumbnails, and the form's picker (the attached files ticked, in order,
// then the workspace's most recent others) with a link to the media page
// to upload more. Thumbnails (a video's poster) are served from this
// origin like the media page's.

//go:embed web/partials/library_media.html
var libraryMediaHTML string

var libraryMediaTmpl = template.Must(template.New("library_media").Funcs(templateFuncs).Parse(libraryMediaHTML))

// pickerSize is how many recent media the library form offers.
const pickerSize = 24

// libraryMedia is one file the library shows or offers.
type libraryMedia struct {
	media.Media
	Checked bool
}

func (m libraryMedia) IsVideo() bool { return strings.HasPrefix(m.ContentType, "video/") }

// libraryMediaData is the partial's data.
type libraryMediaData struct {
	// Edit: the form's picker; else the attached files only.
	Edit bool
	Noun string
	// Attached are the item's (or the form's) files still in the workspace,
	// in order; Missing counts those since deleted.
	Attached []libraryMedia
	Missing  int
	// Recent are the workspace's newest other files (Edit only).
	Recent []libraryMedia
}

// libraryMediaView renders ids as the partial shows them: their thumbnails,
// or (edit) the picker. Without a media service it is empty.
func (s *Server) libraryMediaView(r *http.Request, v *view, noun string, ids []string, edit bool) (template.HTML, error) {
	if s.deps.Media == nil {
		return "", nil
	}
	d := libraryMediaData{Edit: edit, Noun: noun}
	seen := map[string]bool{}
	for _, id := range ids {
		m, err := s.deps.Media.Get(r.Context(), v.Caller, id)
		if errors.Is(err, media.ErrNotFound) {
			d.Missing++
			continue
		}
		if err != nil {
			return "", err
		}
		seen[m.ID] = true
		d.Attached = append(d.Attached, libraryMedia{Media: m, Checked: true})
	}
	if edit {
		page, err := s.deps.Media.List(r.Context(), v.Caller, media.Filter{Limit: pickerSize})
		if err != nil {
			return "", err
		}
		for _, m := range page.Items {
			if !seen[m.ID] {
				d.Recent = append(d.Recent, libraryMedia{Media: m})
			}
		}
	}
	var b bytes.Buffer
	if err := libraryMediaTmpl.Execute(&b, d); err != nil {
		return "", fmt.Errorf("dashboard: library media: %w", err)
	}
	return template.HTML(b.String()), nil //nolint:gosec // escaped by html/template
}

// composeHref opens the composer prefilled with what the library gives a
// post: the text, the link, the media URLs and the uploaded media.
func composeHref(text, link string, mediaURLs, mediaIDs []string) string {
	q := url.Values{"text": {text}}
	if link != "" {
		q.Set("link", link)
	}
	q["image_urls"] = mediaURLs
	q["media_ids"] = mediaIDs
	return "/dashboard/compose?" + strings.ReplaceAll(q.Encode(), "+", "%20")
}

// ComposeHref posts the item: the composer with its text, link and media.
func (d *libraryItemData) ComposeHref() string {
	return composeHref(d.Item.Body, d.Item.Link, d.Item.MediaURLs, d.Item.MediaIDs)
}

// RenderedHref posts the rendered template.
func (d *libraryItemData) RenderedHref() string {
	if d.Rendered == nil {
		return ""
	}
	return composeHref(d.Rendered.Body, d.Rendered.Link, d.Rendered.MediaURLs, d.Rendered.MediaIDs)
}

// withMedia fills the item page's thumbnails and, for an editor, the
// form's picker with the files the form holds.
func (s *Server) withMedia(r *http.Request, v *view, d *libraryItemData) error {
	var err error
	if d.Media, err = s.libraryMediaView(r, v, d.Noun, d.Item.MediaIDs, false); err != nil {
		return err
	}
	if v.CanEdit {
		d.Picker, err = s.libraryMediaView(r, v, d.Noun, d.Form.MediaIDs, true)
	}
	return err
}

// prefillMedia attaches ids (a library item's files) to a new post in the
// composer, each with its alt text; a file since deleted is left out.
func (s *Server) prefillMedia(r *http.Request, v *view, d *composeData, ids []string) error {
	if s.deps.Media == nil {
		return nil
	}
	d.Form.Alts = map[string]string{}
	for _, id := range ids {
		m, err := s.deps.Media.Get(r.Context(), v.Caller, id)
		if errors.Is(err, media.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		h, err := renderMediaItem(mediaItem{Media: m, Attach: true, CSRF: v.CSRF})
		if err != nil {
			return err
		}
		d.Form.MediaIDs, d.Form.Alts[m.ID] = append(d.Form.MediaIDs, m.ID), m.Alt
		d.Attached = append(d.Attached, h)
	}
	return nil
}
