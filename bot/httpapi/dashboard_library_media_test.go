package httpapi

import (
	"bytes"
	"context"
	"github.com/marketingminds/marketingminds/integrations/sandbox/testmedia"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/library"
	"github.com/marketingminds/marketingminds/tools/media"
	"github.com/marketingminds/marketingminds/tools/publish"
)

var (
	attachedThumbs = regexp.MustCompile(`id="lib-attached">(.*?)</div>`)
	postThis       = regexp.MustCompile(`href="([^"]*)" id="compose-item"`)
)

// The library form offers the workspace's media as ticked thumbnails and
// a link to upload more; an item shows its files' thumbnails; another
// workspace's file is refused next to the field; a form that did not offer
// the files leaves them; "Post this" opens the composer with them attached.
func TestDashboardLibraryAttachesMedia(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite, identity.Schema, identity.SessionSchema, publish.Schema, media.Schema, library.Schema)
	med, err := media.New(media.Config{Store: media.NewStore(db), Blobs: media.NewFiles(t.TempDir()), SigningKey: bytes.Repeat([]byte{4}, 32),
		PublicURL: "https://mm.example.com", Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	lib, err := library.New(library.Config{Store: library.NewStore(db), Media: med})
	if err != nil {
		t.Fatal(err)
	}
	f := dashSetupOn(t, db, "https://mm.example.com", med, func(d *Deps) { d.Library, d.Media = lib, med })
	ctx := context.Background()
	t1 := identity.Caller{WorkspaceID: "T1", UserID: "U-e", Role: identity.Editor}
	upload := func(c identity.Caller, name, alt string, seed uint8) string {
		m, err := med.Upload(ctx, c, media.Upload{Name: name, Alt: alt, Source: media.SourceDashboard, Body: bytes.NewReader(testmedia.Photo(t, 16, 8, seed))})
		if err != nil {
			t.Fatal(err)
		}
		return m.ID
	}
	a, b := upload(t1, "beans.jpg", "Roasted beans", 1), upload(t1, "cup.jpg", "", 2)
	theirs := upload(identity.Caller{WorkspaceID: "T2", UserID: "U-o", Role: identity.Editor}, "secret.jpg", "", 3)
	thumb := func(id string) string { return `src="/dashboard/media/` + id + `/thumb"` }
	box := func(id string, checked bool) string {
		s := `<input type="checkbox" name="media_ids" value="` + id + `"`
		if checked {
			s += " checked"
		}
		return s + ">"
	}

	ed := f.browser(t)
	ed.signIn("T1", "U-e", identity.Editor)
	csrf := ed.csrf()
	_, page := ed.do("GET", "/dashboard/library/content", nil, nil)
	for _, want := range []string{box(a, false), box(b, false), thumb(a), `alt="Roasted beans"`, `href="/dashboard/media" id="lib-media-upload"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the new item's form lacks %q", want)
		}
	}
	if strings.Contains(page, theirs) {
		t.Fatal("the form offers another workspace's file")
	}
	if resp, _ := ed.do("GET", "/dashboard/media/"+a+"/thumb", nil, nil); resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "image/") {
		t.Fatalf("the offered thumbnail = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}

	resp, _ := ed.do("POST", "/dashboard/library/content", url.Values{"csrf": {csrf}, "body": {"Autumn blend is here"}, "link": {"https://acme.example/autumn"},
		"media_picker": {"1"}, "media_ids": {b, a}}, nil)
	item := strings.Split(resp.Header.Get("Location"), "?")[0]
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(item, "/dashboard/library/content/") {
		t.Fatalf("create = %d to %q", resp.StatusCode, item)
	}
	id := strings.TrimPrefix(item, "/dashboard/library/content/")
	if it, err := lib.Get(ctx, t1, library.KindContent, id); err != nil || !slices.Equal(it.MediaIDs, []string{b, a}) {
		t.Fatalf("saved media = %v, %v", it.MediaIDs, err)
	}
	if _, page := ed.do("GET", "/dashboard/library/content", nil, nil); !strings.Contains(page, "· 2 attached files") {
		t.Errorf("the list does not say the item carries 2 files")
	}
	_, page = ed.do("GET", item, nil, nil)
	shown := attachedThumbs.FindStringSubmatch(page)
	if shown == nil || !strings.Contains(shown[1], thumb(b)) || strings.Index(shown[1], thumb(b)) > strings.Index(shown[1], thumb(a)) {
		t.Fatalf("the item does not show its thumbnails in order:\n%s", page)
	}
	if !strings.Contains(page, box(b, true)) || !strings.Contains(page, box(a, true)) {
		t.Errorf("the edit form does not tick the item's files")
	}

	// Another workspace's file: refused next to the field, never named.
	resp, page = ed.do("POST", item, url.Values{"csrf": {csrf}, "body": {"Autumn blend is here"}, "media_picker": {"1"}, "media_ids": {a, theirs}}, nil)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="err-media_ids"><li>media_ids[1]: no such media in this workspace`) ||
		strings.Contains(page, theirs) {
		t.Fatalf("another workspace's file = %d\n%s", resp.StatusCode, page)
	}
	// A change from a form without the picker keeps the files.
	if resp, _ := ed.do("POST", item, url.Values{"csrf": {csrf}, "body": {"Autumn blend is here!"}, "link": {"https://acme.example/autumn"}}, nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("update = %d", resp.StatusCode)
	}
	if it, _ := lib.Get(ctx, t1, library.KindContent, id); !slices.Equal(it.MediaIDs, []string{b, a}) {
		t.Fatalf("media after a change without the picker = %v", it.MediaIDs)
	}

	// Post this: the composer with the text, the link and the files attached.
	_, page = ed.do("GET", item, nil, nil)
	post := postThis.FindStringSubmatch(page)
	if post == nil {
		t.Fatalf("no Post this link:\n%s", page)
	}
	href := html.UnescapeString(post[1])
	_, compose := ed.do("GET", href, nil, nil)
	for _, want := range []string{">Autumn blend is here!</textarea>", `value="https://acme.example/autumn"`, `name="media_ids" value="` + b + `"`,
		`name="media_ids" value="` + a + `"`, ">Roasted beans</textarea>"} {
		if !strings.Contains(compose, want) {
			t.Errorf("the composer from %q lacks %q", href, want)
		}
	}

	// Unticking every file lets them go.
	if resp, _ := ed.do("POST", item, url.Values{"csrf": {csrf}, "body": {"Autumn blend is here!"}, "media_picker": {"1"}}, nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("untick = %d", resp.StatusCode)
	}
	if m, _ := med.Get(ctx, t1, a); len(m.UsedBy) != 0 {
		t.Fatalf("an unticked file is still used by %v", m.UsedBy)
	}
}
