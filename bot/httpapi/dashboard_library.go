package httpapi

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/library"
)

// libraryForm is an item's editable fields as the form holds them.
type libraryForm struct {
	Title, Body, Link string
	Tags              string // comma separated
	MediaURLs         string // one per line
	// MediaIDs are the uploaded files ticked; Picker: the form offered
	// them (without it a change leaves the item's files as they are).
	MediaIDs []string
	Picker   bool
}

func formOf(it library.Item) libraryForm {
	return libraryForm{Title: it.Title, Body: it.Body, Link: it.Link, Tags: strings.Join(it.Tags, ", "), MediaURLs: strings.Join(it.MediaURLs, "\n"),
		MediaIDs: it.MediaIDs}
}

func readLibraryForm(r *http.Request) libraryForm {
	return libraryForm{Title: r.PostFormValue("title"), Body: r.PostFormValue("body"), Link: strings.TrimSpace(r.PostFormValue("link")),
		Tags: r.PostFormValue("tags"), MediaURLs: r.PostFormValue("media_urls"), MediaIDs: r.PostForm["media_ids"],
		Picker: r.PostFormValue("media_picker") != ""}
}

func splitList(s string, seps string) []string {
	out := []string{}
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(seps, r) }) {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (f libraryForm) input() library.Input {
	return library.Input{Title: f.Title, Body: f.Body, Link: f.Link, Tags: splitList(f.Tags, ","), MediaURLs: splitList(f.MediaURLs, "\n"),
		MediaIDs: f.MediaIDs}
}

func (f libraryForm) patch() library.Patch {
	tags, media := splitList(f.Tags, ","), splitList(f.MediaURLs, "\n")
	p := library.Patch{Title: &f.Title, Body: &f.Body, Link: &f.Link, Tags: &tags, MediaURLs: &media}
	if f.Picker {
		ids := append([]string{}, f.MediaIDs...)
		p.MediaIDs = &ids
	}
	return p
}

type libraryData struct {
	Kind     library.Kind
	Noun     string
	Query    string
	Tag      string
	Items    []library.Item
	NextHref string
	Form     libraryForm
	Errors   map[string][]string
	// Picker offers the workspace's media to the new item's form.
	Picker template.HTML
}

type libraryItemData struct {
	Kind     library.Kind
	Noun     string
	Item     library.Item
	Form     libraryForm
	Errors   map[string][]string
	Values   map[string]string
	Rendered *library.Rendered
	// Media are the item's thumbnails; Picker the form's choice of files.
	Media, Picker template.HTML
}

// libraryKind reads {kind} (content or template); false: a 404 was sent.
func (s *Server) dashLibraryKind(w http.ResponseWriter, r *http.Request, k string) (library.Kind, bool) {
	switch library.Kind(k) {
	case library.KindContent, library.KindTemplate:
		return library.Kind(k), true
	}
	s.renderError(w, r, http.StatusNotFound, "The library holds content and templates only.")
	return "", false
}

// libraryMessage is a library error as the dashboard shows it; the
// validation problems go next to their fields.
func libraryMessage(err error, errs map[string][]string) (int, string) {
	var ve *library.ValidationError
	var me *library.MissingError
	switch {
	case errors.As(err, &ve):
		for _, p := range ve.Problems {
			field := p.Field
			if i := strings.IndexAny(field, ".["); i > 0 {
				field = field[:i]
			}
			errs[field] = append(errs[field], p.Message)
		}
		return http.StatusUnprocessableEntity, "Nothing was saved: fix the fields marked below."
	case errors.As(err, &me):
		for _, n := range me.Names {
			errs["var."+n] = append(errs["var."+n], "give a value for "+n)
		}
		return http.StatusUnprocessableEntity, strings.TrimPrefix(err.Error(), "library: ")
	case errors.Is(err, identity.ErrForbidden):
		return http.StatusForbidden, err.Error()
	case errors.Is(err, library.ErrNotFound):
		return http.StatusNotFound, "No such item in this workspace."
	case errors.Is(err, library.ErrInvalid), errors.Is(err, library.ErrConflict):
		return http.StatusUnprocessableEntity, strings.TrimPrefix(err.Error(), "library: ")
	}
	return http.StatusInternalServerError, "That failed on our side; try again shortly."
}

func (s *Server) dashLibraryFailure(w http.ResponseWriter, r *http.Request, v *view, err error) {
	status, msg := libraryMessage(err, map[string][]string{})
	if status >= 500 {
		zerolog.Ctx(r.Context()).Error().Err(err).Msg("dashboard: library")
	}
	v.Title, v.Error, v.Data = http.StatusText(status), msg, nil
	s.render(w, r, status, "error", v)
}

// libraryList fills d with the list the query asks for.
func (s *Server) dashLibraryListData(r *http.Request, v *view, d *libraryData) (int, error) {
	q := r.URL.Query()
	d.Query, d.Tag = strings.TrimSpace(q.Get("q")), strings.TrimSpace(q.Get("tag"))
	page, err := s.deps.Library.List(r.Context(), v.Caller, library.Filter{Kind: d.Kind, Text: d.Query, Tag: d.Tag, Cursor: q.Get("cursor")})
	if errors.Is(err, library.ErrInvalid) {
		d.Errors["q"] = append(d.Errors["q"], strings.TrimPrefix(strings.TrimPrefix(err.Error(), "library: "), "invalid request: "))
		return http.StatusBadRequest, nil
	}
	if err != nil {
		return 0, err
	}
	d.Items = page.Items
	if page.NextCursor != "" {
		d.NextHref = "/dashboard/library/" + string(d.Kind) + "?" + url.Values{"q": {d.Query}, "tag": {d.Tag}, "cursor": {page.NextCursor}}.Encode()
	}
	return http.StatusOK, nil
}

func newLibraryData(kind library.Kind) *libraryData {
	return &libraryData{Kind: kind, Noun: namesOf(kind).noun, Errors: map[string][]string{}}
}

// libraryPage: GET /dashboard/library/{kind}?q=&tag=&cursor=
func (s *Server) dashLibraryPage(w http.ResponseWriter, r *http.Request, v *view) {
	kind, ok := s.dashLibraryKind(w, r, r.PathValue("kind"))
	if !ok {
		return
	}
	d := newLibraryData(kind)
	status, err := s.dashLibraryListData(r, v, d)
	if err == nil && v.CanEdit {
		d.Picker, err = s.libraryMediaView(r, v, d.Noun, nil, true)
	}
	if err != nil {
		s.dashLibraryFailure(w, r, v, err)
		return
	}
	if r.URL.Query().Get("deleted") != "" {
		v.Notice = "Deleted."
	}
	v.Title, v.Data = libraryTitle(kind), d
	s.render(w, r, status, "library", v)
}

func libraryTitle(kind library.Kind) string {
	if kind == library.KindTemplate {
		return "Templates"
	}
	return "Library"
}

// libraryCreate: POST /dashboard/library/{kind}
func (s *Server) dashLibraryCreate(w http.ResponseWriter, r *http.Request, v *view) {
	kind, ok := s.dashLibraryKind(w, r, r.PathValue("kind"))
	if !ok {
		return
	}
	f := readLibraryForm(r)
	it, err := s.deps.Library.Create(r.Context(), v.Caller, kind, f.input())
	if err != nil {
		d := newLibraryData(kind)
		d.Form = f
		status, msg := libraryMessage(err, d.Errors)
		_, lerr := s.dashLibraryListData(r, v, d)
		if lerr == nil {
			d.Picker, lerr = s.libraryMediaView(r, v, d.Noun, f.MediaIDs, true)
		}
		if lerr != nil {
			s.dashLibraryFailure(w, r, v, lerr)
			return
		}
		v.Title, v.Data, v.Error = libraryTitle(kind), d, msg
		s.render(w, r, status, "library", v)
		return
	}
	http.Redirect(w, r, "/dashboard/library/"+string(kind)+"/"+it.ID+"?done=created", http.StatusSeeOther)
}

// libraryItemPage: GET /dashboard/library/{kind}/{id}
func (s *Server) dashLibraryItemPage(w http.ResponseWriter, r *http.Request, v *view) {
	kind, ok := s.dashLibraryKind(w, r, r.PathValue("kind"))
	if !ok {
		return
	}
	it, err := s.deps.Library.Get(r.Context(), v.Caller, kind, r.PathValue("id"))
	if err != nil {
		s.dashLibraryFailure(w, r, v, err)
		return
	}
	switch r.URL.Query().Get("done") {
	case "created":
		v.Notice = "Saved."
	case "updated":
		v.Notice = "Changes saved."
	}
	d := &libraryItemData{Kind: kind, Noun: namesOf(kind).noun, Item: it, Form: formOf(it), Errors: map[string][]string{}, Values: map[string]string{}}
	s.learnNames(r.Context(), v, it.UpdatedBy)
	if err := s.withMedia(r, v, d); err != nil {
		s.dashLibraryFailure(w, r, v, err)
		return
	}
	v.Title, v.Data = it.Title, d
	s.render(w, r, http.StatusOK, "library_item", v)
}

// libraryUpdate: POST /dashboard/library/{kind}/{id}
func (s *Server) dashLibraryUpdate(w http.ResponseWriter, r *http.Request, v *view) {
	kind, ok := s.dashLibraryKind(w, r, r.PathValue("kind"))
	if !ok {
		return
	}
	id, f := r.PathValue("id"), readLibraryForm(r)
	if _, err := s.deps.Library.Update(r.Context(), v.Caller, kind, id, f.patch()); err != nil {
		it, gerr := s.deps.Library.Get(r.Context(), v.Caller, kind, id)
		if gerr != nil {
			s.dashLibraryFailure(w, r, v, gerr)
			return
		}
		d := &libraryItemData{Kind: kind, Noun: namesOf(kind).noun, Item: it, Form: f, Errors: map[string][]string{}, Values: map[string]string{}}
		if !f.Picker {
			d.Form.MediaIDs = it.MediaIDs
		}
		s.learnNames(r.Context(), v, it.UpdatedBy)
		if merr := s.withMedia(r, v, d); merr != nil {
			s.dashLibraryFailure(w, r, v, merr)
			return
		}
		status, msg := libraryMessage(err, d.Errors)
		v.Title, v.Data, v.Error = it.Title, d, msg
		s.render(w, r, status, "library_item", v)
		return
	}
	http.Redirect(w, r, "/dashboard/library/"+string(kind)+"/"+id+"?done=updated", http.StatusSeeOther)
}

// libraryDelete: POST /dashboard/library/{kind}/{id}/delete
func (s *Server) dashLibraryDelete(w http.ResponseWriter, r *http.Request, v *view) {
	kind, ok := s.dashLibraryKind(w, r, r.PathValue("kind"))
	if !ok {
		return
	}
	if err := s.deps.Library.Delete(r.Context(), v.Caller, kind, r.PathValue("id")); err != nil {
		s.dashLibraryFailure(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/dashboard/library/"+string(kind)+"?deleted=1", http.StatusSeeOther)
}

// templateRender: POST /dashboard/library/template/{id}/render with var.<name>
// fields; the rendering is shown on the template's page.
func (s *Server) dashTemplateRender(w http.ResponseWriter, r *http.Request, v *view) {
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, http.StatusBadRequest, "The form could not be read: "+err.Error())
		return
	}
	id := r.PathValue("id")
	it, err := s.deps.Library.Get(r.Context(), v.Caller, library.KindTemplate, id)
	if err != nil {
		s.dashLibraryFailure(w, r, v, err)
		return
	}
	d := &libraryItemData{Kind: library.KindTemplate, Noun: "template", Item: it, Form: formOf(it), Errors: map[string][]string{}, Values: map[string]string{}}
	s.learnNames(r.Context(), v, it.UpdatedBy)
	if err := s.withMedia(r, v, d); err != nil {
		s.dashLibraryFailure(w, r, v, err)
		return
	}
	v.Title, v.Data = it.Title, d
	for _, name := range it.Variables {
		if vals, ok := r.PostForm["var."+name]; ok && strings.TrimSpace(vals[0]) != "" {
			d.Values[name] = vals[0]
		}
	}
	out, err := s.deps.Library.Render(r.Context(), v.Caller, id, d.Values)
	if err != nil {
		status, msg := libraryMessage(err, d.Errors)
		v.Error = msg
		s.render(w, r, status, "library_item", v)
		return
	}
	d.Rendered = &out
	s.render(w, r, http.StatusOK, "library_item", v)
}

func (s *Server) libraryRoutes(mux *routeMux) {
	if s.deps.Library == nil {
		return
	}
	mux.Handle("GET /dashboard/library", http.RedirectHandler("/dashboard/library/content", http.StatusSeeOther))
	mux.Handle("GET /dashboard/library/{kind}", s.page(identity.Viewer, "library", s.dashLibraryPage))
	mux.Handle("POST /dashboard/library/{kind}", s.page(identity.Editor, "library", s.dashLibraryCreate))
	mux.Handle("GET /dashboard/library/{kind}/{id}", s.page(identity.Viewer, "library", s.dashLibraryItemPage))
	mux.Handle("POST /dashboard/library/{kind}/{id}", s.page(identity.Editor, "library", s.dashLibraryUpdate))
	mux.Handle("POST /dashboard/library/{kind}/{id}/delete", s.page(identity.Editor, "library", s.dashLibraryDelete))
	mux.Handle("POST /dashboard/library/template/{id}/render", s.page(identity.Viewer, "library", s.dashTemplateRender))
}
