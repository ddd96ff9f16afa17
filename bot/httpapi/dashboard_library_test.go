package httpapi

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/library"
)

func dashLibrary(t *testing.T) *library.Service {
	t.Helper()
	db := storetest.Open(t, store.SQLite, library.Schema)
	lib, err := library.New(library.Config{Store: library.NewStore(db)})
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

func TestDashboardLibraryAndTemplates(t *testing.T) {
	lib := dashLibrary(t)
	f := dashSetup(t, "http://127.0.0.1", func(d *Deps) { d.Library = lib })
	ed := f.browser(t)
	ed.signIn("T1", "U-e", identity.Editor)
	csrf := ed.csrf()
	if _, page := ed.do("GET", "/dashboard/library/content", nil, nil); !strings.Contains(page, `id="library-empty">Nothing saved yet`) {
		t.Fatalf("empty library:\n%s", page)
	}
	if resp, _ := ed.do("GET", "/dashboard/library/secrets", nil, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown kind = %d, want 404", resp.StatusCode)
	}

	// Bad input: problems next to their fields, the form kept, nothing saved.
	resp, page := ed.do("POST", "/dashboard/library/content", url.Values{"csrf": {csrf}, "title": {"Kept title"}, "body": {"  "},
		"tags": {"launch, two words"}, "link": {"ftp://example.com"}}, nil)
	for _, want := range []string{`id="err-body"><li>body: give the text`, `id="err-tags"><li>tags: &#34;two words&#34; may hold only`,
		`id="err-link"><li>link: the link`, `value="Kept title"`} {
		if !strings.Contains(page, want) {
			t.Errorf("invalid create (%d) lacks %q", resp.StatusCode, want)
		}
	}
	t1 := identity.Caller{WorkspaceID: "T1", UserID: "U-e", Role: identity.Editor}
	if got, _ := lib.List(context.Background(), t1, library.Filter{}); resp.StatusCode != http.StatusUnprocessableEntity || len(got.Items) != 0 {
		t.Fatalf("invalid create = %d, %d saved", resp.StatusCode, len(got.Items))
	}

	resp, _ = ed.do("POST", "/dashboard/library/content", url.Values{"csrf": {csrf}, "body": {"Launch day is here"}, "tags": {"launch, promo"}}, nil)
	item := strings.Split(resp.Header.Get("Location"), "?")[0]
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(item, "/dashboard/library/content/") {
		t.Fatalf("create = %d to %q", resp.StatusCode, item)
	}
	resp, _ = ed.do("POST", item, url.Values{"csrf": {csrf}, "title": {"Launch post"}, "body": {"Launch day is here!"}, "tags": {"launch"}}, nil)
	if _, page := ed.do("GET", item, nil, nil); resp.StatusCode != http.StatusSeeOther || !strings.Contains(page, "<h1>Launch post</h1>") || !strings.Contains(page, "rev 2") {
		t.Fatalf("update = %d\n%s", resp.StatusCode, page)
	}
	resp, page = ed.do("POST", item, url.Values{"csrf": {csrf}, "title": {"Launch post"}, "body": {""}}, nil)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="err-body"`) {
		t.Errorf("invalid update = %d", resp.StatusCode)
	}
	for _, tc := range []struct{ query, want string }{{"q=launch", "Launch post"}, {"tag=launch", "Launch post"}, {"q=nothing-like-it", "Nothing matches"}} {
		if _, page := ed.do("GET", "/dashboard/library/content?"+tc.query, nil, nil); !strings.Contains(page, tc.want) {
			t.Errorf("search %s lacks %q", tc.query, tc.want)
		}
	}

	// Templates: variables listed, a missing value named next to its field,
	// a rendering shown with a link to the composer.
	resp, _ = ed.do("POST", "/dashboard/library/template", url.Values{"csrf": {csrf}, "title": {"Webinar"},
		"body": {"Join {{speaker}} on {{date}}!"}}, nil)
	tpl := strings.Split(resp.Header.Get("Location"), "?")[0]
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(tpl, "/dashboard/library/template/") {
		t.Fatalf("create template = %d to %q", resp.StatusCode, tpl)
	}
	viewer := f.browser(t)
	viewer.signIn("T1", "U-v", identity.Viewer)
	vt := viewer.csrf()
	id := strings.TrimPrefix(tpl, "/dashboard/library/template/")
	resp, page = viewer.do("POST", "/dashboard/library/template/"+id+"/render", url.Values{"csrf": {vt}, "var.speaker": {"Ada"}}, nil)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="err-var-date"><li>give a value for date`) || !strings.Contains(page, `value="Ada"`) {
		t.Errorf("render without date = %d\n%s", resp.StatusCode, page)
	}
	resp, page = viewer.do("POST", "/dashboard/library/template/"+id+"/render", url.Values{"csrf": {vt}, "var.speaker": {"Ada"}, "var.date": {"Friday"}}, nil)
	if resp.StatusCode != 200 || !strings.Contains(page, "Join Ada on Friday!") || !strings.Contains(page, `href="/dashboard/compose?text=Join%20Ada%20on%20Friday%21"`) {
		t.Errorf("render = %d\n%s", resp.StatusCode, page)
	}
	// A viewer reads but cannot change or delete.
	if resp, _ := viewer.do("POST", item+"/delete", url.Values{"csrf": {vt}}, nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("viewer delete = %d, want 403", resp.StatusCode)
	}
	if resp, _ := ed.do("POST", item+"/delete", url.Values{}, nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("delete without CSRF = %d, want 403", resp.StatusCode)
	}
	// Another workspace: 404 on every item route.
	other := f.browser(t)
	other.signIn("T2", "U-o", identity.Admin)
	ot := other.csrf()
	for _, tc := range []struct {
		method, path string
		form         url.Values
	}{
		{"GET", item, nil},
		{"POST", item, url.Values{"csrf": {ot}, "body": {"hijack"}}},
		{"POST", item + "/delete", url.Values{"csrf": {ot}}},
		{"POST", "/dashboard/library/template/" + id + "/render", url.Values{"csrf": {ot}}},
	} {
		if resp, _ := other.do(tc.method, tc.path, tc.form, nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("another workspace %s %s = %d, want 404", tc.method, tc.path, resp.StatusCode)
		}
	}
	resp, _ = ed.do("POST", item+"/delete", url.Values{"csrf": {csrf}}, nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete = %d", resp.StatusCode)
	}
	if resp, _ := ed.do("GET", item, nil, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("deleted item = %d, want 404", resp.StatusCode)
	}
}
