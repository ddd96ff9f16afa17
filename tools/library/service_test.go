package library

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// clock ticks a minute on every reading, so items are ordered as created.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Minute)
	return c.t
}

type env struct {
	svc                   *Service
	admin, editor, viewer identity.Caller
	stranger              identity.Caller // an editor of another workspace
}

func setup(t *testing.T) *env {
	t.Helper()
	db := storetest.Open(t, store.SQLite, Schema)
	svc, err := New(Config{Store: NewStore(db), Now: (&clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}).Now})
	if err != nil {
		t.Fatal(err)
	}
	return envOf(svc)
}

// envOf is the callers of the test workspaces around svc.
func envOf(svc *Service) *env {
	caller := func(ws, user string, r identity.Role) identity.Caller {
		return identity.Caller{WorkspaceID: ws, UserID: user, Role: r, Door: identity.DoorAPI}
	}
	return &env{svc: svc, admin: caller("T1", "U-admin", identity.Admin), editor: caller("T1", "U-editor", identity.Editor),
		viewer: caller("T1", "U-viewer", identity.Viewer), stranger: caller("T2", "U-other", identity.Editor)}
}

func (e *env) create(t *testing.T, kind Kind, in Input) Item {
	t.Helper()
	it, err := e.svc.Create(context.Background(), e.editor, kind, in)
	if err != nil {
		t.Fatalf("create %+v: %v", in, err)
	}
	return it
}

func TestCreateNormalizesAndReadsBack(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	it := e.create(t, KindContent, Input{
		Body:      "  Our summer sale starts Friday. Everything in the shop is 30% off until Sunday night, online and in stores!\nSecond line",
		Variants:  map[platform.Name]string{"X": "Summer sale! 30% off", "linkedin": " ", "Instagram": "Sun's out #SummerSale"},
		MediaURLs: []string{" https://cdn.example/sale.png "},
		Tags:      []string{"#SummerSale", "summersale", "Deals", " "},
		Link:      "https://acme.example/sale", CampaignID: "camp-1",
	})
	if it.Title != "Our summer sale starts Friday. Everything in the shop is 30% off until Sunday…" {
		t.Errorf("derived title = %q", it.Title)
	}
	if len(it.Variants) != 2 || it.Variants[platform.Twitter] != "Summer sale! 30% off" || it.Variants[platform.Instagram] == "" {
		t.Errorf("variants = %v (x is twitter, blank ones dropped)", it.Variants)
	}
	if strings.Join(it.Tags, ",") != "SummerSale,Deals" || it.MediaURLs[0] != "https://cdn.example/sale.png" {
		t.Errorf("tags %v, media %v", it.Tags, it.MediaURLs)
	}
	if it.WorkspaceID != "T1" || it.CreatedBy != "U-editor" || it.Rev != 1 || it.Kind != KindContent || it.Variables != nil {
		t.Errorf("item = %+v", it)
	}
	got, err := e.svc.Get(ctx, e.viewer, KindContent, it.ID)
	if err != nil || got.Title != it.Title || got.Variants[platform.Instagram] != it.Variants[platform.Instagram] {
		t.Fatalf("viewer get = %+v, %v", got, err)
	}
	for name, call := range map[string]func() error{
		"another workspace": func() error { _, err := e.svc.Get(ctx, e.stranger, KindContent, it.ID); return err },
		"as a template":     func() error { _, err := e.svc.Get(ctx, e.viewer, KindTemplate, it.ID); return err },
		"update elsewhere": func() error {
			_, err := e.svc.Update(ctx, e.stranger, KindContent, it.ID, Patch{Title: ptr("x")})
			return err
		},
		"delete elsewhere": func() error { return e.svc.Delete(ctx, e.stranger, KindContent, it.ID) },
		"render content":   func() error { _, err := e.svc.Render(ctx, e.viewer, it.ID, nil); return err },
	} {
		if err := call(); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s: %v, want ErrNotFound", name, err)
		}
	}
}

func ptr[T any](v T) *T { return &v }

func TestRoles(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	it := e.create(t, KindContent, Input{Body: "hello"})
	for name, call := range map[string]func() error{
		"create": func() error { _, err := e.svc.Create(ctx, e.viewer, KindContent, Input{Body: "x"}); return err },
		"update": func() error {
			_, err := e.svc.Update(ctx, e.viewer, KindContent, it.ID, Patch{Body: ptr("y")})
			return err
		},
		"delete": func() error { return e.svc.Delete(ctx, e.viewer, KindContent, it.ID) },
		"list without a role": func() error {
			_, err := e.svc.List(ctx, identity.Caller{WorkspaceID: "T1", UserID: "U"}, Filter{})
			return err
		},
	} {
		if err := call(); !errors.Is(err, identity.ErrForbidden) {
			t.Errorf("viewer %s: %v, want forbidden", name, err)
		}
	}
	if _, err := e.svc.Create(ctx, e.admin, KindTemplate, Input{Body: "Hi {{name}}"}); err != nil {
		t.Fatalf("admin create: %v", err)
	}
	if _, err := e.svc.Create(ctx, e.editor, "draft", Input{Body: "x"}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("unknown kind: %v", err)
	}
}

func TestCreateRejects(t *testing.T) {
	t.Parallel()
	e := setup(t)
	long := strings.Repeat("word ", 60) // 300 characters
	hashtags := strings.Repeat("#tag ", 31)
	for _, tc := range []struct {
		name   string
		kind   Kind
		in     Input
		fields []string // the fields of every problem, in order
		says   string
	}{
		{"empty", KindContent, Input{Title: "Only a title"}, []string{"body"}, "give the text"},
		{"unknown platform", KindContent, Input{Body: "b", Variants: map[platform.Name]string{"tiktok": "hi"}}, []string{"variants.tiktok"}, `"tiktok" is not a platform`},
		{"X too long", KindContent, Input{Body: "b", Variants: map[platform.Name]string{"twitter": long}}, []string{"variants.twitter"}, "X allows 280"},
		{"Instagram hashtags", KindContent, Input{Body: "b", Variants: map[platform.Name]string{"instagram": hashtags}}, []string{"variants.instagram"}, "31 hashtags"},
		{"X images", KindContent, Input{Body: "b", Variants: map[platform.Name]string{"twitter": "hi"}, MediaURLs: []string{"https://a.example/1.png", "https://a.example/2.png", "https://a.example/3.png", "https://a.example/4.png", "https://a.example/5.png"}},
			[]string{"variants.twitter"}, "at most 4 images"},
		{"link", KindContent, Input{Body: "b", Link: "ftp://acme.example"}, []string{"link"}, "http or https"},
		{"media", KindContent, Input{Body: "b", MediaURLs: []string{"https://ok.example/a.png", "not a url"}}, []string{"media_urls"}, "media 2"},
		{"too many media", KindContent, Input{Body: "b", MediaURLs: strings.Split(strings.Repeat("https://a.example/x.png ", 21), " ")[:21]}, []string{"media_urls"}, "at most 20 media"},
		{"tag with a space", KindContent, Input{Body: "b", Tags: []string{"summer sale"}}, []string{"tags"}, "only letters, digits and _"},
		{"too many tags", KindContent, Input{Body: "b", Tags: strings.Fields("a b c d e f g h i j k l m n o p q r s t u v w x y z aa bb cc dd ee")}, []string{"tags"}, "at most 30 tags"},
		{"campaign id", KindContent, Input{Body: "b", CampaignID: "camp 1"}, []string{"campaign_id"}, "not a campaign id"},
		{"title", KindContent, Input{Body: "b", Title: strings.Repeat("t", 201)}, []string{"title"}, "201 characters"},
		{"body", KindContent, Input{Body: strings.Repeat("b", 63207)}, []string{"body"}, "63207 characters"},
		{"unclosed variable", KindTemplate, Input{Body: "Hi {{name, welcome"}, []string{"body"}, `"{{" at character 4 is never closed`},
		{"bad variable name", KindTemplate, Input{Body: "Hi {{first name}}"}, []string{"body"}, `"{{first name}}" at character 4 is not a variable`},
		{"stray braces", KindTemplate, Input{Body: "Hi name}}"}, []string{"body"}, `"}}" at character 8 closes no "{{"`},
		{"empty variable", KindTemplate, Input{Body: "ok", Title: "Hi {{ }}"}, []string{"title"}, `empty variable`},
		{"template variant too long before filling", KindTemplate, Input{Body: "b", Variants: map[platform.Name]string{"twitter": long + "{{name}}"}}, []string{"variants.twitter"}, "X allows 280"},
		{"template variant syntax", KindTemplate, Input{Body: "b", Variants: map[platform.Name]string{"linkedin": "{{oops"}}, []string{"variants.linkedin"}, "never closed"},
		{"every problem at once", KindContent, Input{Link: "acme", Tags: []string{"a-b"}, CampaignID: "c c", Variants: map[platform.Name]string{"myspace": "x"}},
			[]string{"variants.myspace", "body", "link", "tags", "campaign_id"}, "not a platform"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.Create(context.Background(), e.editor, tc.kind, tc.in)
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("err = %v, want a ValidationError", err)
			}
			var fields []string
			for _, p := range ve.Problems {
				fields = append(fields, p.Field)
			}
			if strings.Join(fields, ",") != strings.Join(tc.fields, ",") || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("problems %v (%v), want fields %v and %q", fields, err, tc.fields, tc.says)
			}
		})
	}
	// Nothing was saved by any of them.
	if page, err := e.svc.List(context.Background(), e.viewer, Filter{}); err != nil || len(page.Items) != 0 {
		t.Fatalf("after rejections: %d items, %v", len(page.Items), err)
	}
}

func TestInstagramVariantWithoutMediaIsKept(t *testing.T) {
	t.Parallel()
	e := setup(t)
	// Media may be added when the content is published.
	it := e.create(t, KindContent, Input{Body: "b", Variants: map[platform.Name]string{"instagram": "A caption"}})
	if it.Variants[platform.Instagram] != "A caption" {
		t.Fatalf("variants = %v", it.Variants)
	}
}

func TestUpdate(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	it := e.create(t, KindContent, Input{Title: "Draft", Body: "First words", Tags: []string{"draft"}})
	got, err := e.svc.Update(ctx, e.editor, KindContent, it.ID, Patch{Body: ptr("Second words"), Tags: ptr([]string{"#Final"})})
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "Draft" || got.Body != "Second words" || strings.Join(got.Tags, ",") != "Final" || got.Rev != 2 ||
		!got.UpdatedAt.After(it.UpdatedAt) || !got.CreatedAt.Equal(it.CreatedAt) {
		t.Fatalf("updated = %+v", got)
	}
	// A bad patch is refused whole and changes nothing.
	_, err = e.svc.Update(ctx, e.editor, KindContent, it.ID, Patch{Title: ptr("Fine"), Link: ptr("nope")})
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != 1 || ve.Problems[0].Field != "link" {
		t.Fatalf("bad patch: %v", err)
	}
	if _, err := e.svc.Update(ctx, e.editor, KindContent, it.ID, Patch{}); !errors.As(err, &ve) || !strings.Contains(err.Error(), "nothing to change") {
		t.Fatalf("empty patch: %v", err)
	}
	read, _ := e.svc.Get(ctx, e.viewer, KindContent, it.ID)
	if read.Title != "Draft" || read.Body != "Second words" || read.Rev != 2 {
		t.Fatalf("after refused patches = %+v", read)
	}
	// Searching follows the new words.
	page, _ := e.svc.List(ctx, e.viewer, Filter{Text: "second"})
	if len(page.Items) != 1 {
		t.Fatalf("search new words = %d items", len(page.Items))
	}
	if err := e.svc.Delete(ctx, e.editor, KindContent, it.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Update(ctx, e.editor, KindContent, it.ID, Patch{Body: ptr("x")}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("update after delete: %v", err)
	}
}

func TestListPagesAndFilters(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	var made []string
	for i, body := range []string{"Spring launch", "Summer launch", "Summer sale", "Autumn sale", "Winter launch"} {
		in := Input{Body: body, Tags: []string{strings.Fields(body)[1]}}
		if i%2 == 0 {
			in.CampaignID = "camp-even"
		}
		made = append(made, e.create(t, KindContent, in).ID)
	}
	tpl := e.create(t, KindTemplate, Input{Body: "Summer {{product}} launch"})
	var seen []string
	cursor := ""
	for pages := 0; ; pages++ {
		page, err := e.svc.List(ctx, e.viewer, Filter{Limit: 2, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, ids(page.Items)...)
		if cursor = page.NextCursor; cursor == "" {
			if pages != 2 {
				t.Fatalf("%d pages, want 3", pages+1)
			}
			break
		}
	}
	if strings.Join(seen, ",") != strings.Join([]string{made[4], made[3], made[2], made[1], made[0]}, ",") {
		t.Fatalf("paged = %v, want newest first %v", seen, made)
	}
	for _, tc := range []struct {
		name string
		f    Filter
		want []string
	}{
		{"text", Filter{Text: "summer"}, []string{made[2], made[1]}},
		{"two words", Filter{Text: "SUMMER laun"}, []string{made[1]}},
		{"tag, with #", Filter{Tag: "#Sale"}, []string{made[3], made[2]}},
		{"campaign and tag", Filter{CampaignID: "camp-even", Tag: "launch"}, []string{made[4], made[0]}},
		{"templates", Filter{Kind: KindTemplate, Text: "summer"}, []string{tpl.ID}},
	} {
		page, err := e.svc.List(ctx, e.viewer, tc.f)
		if err != nil || strings.Join(ids(page.Items), ",") != strings.Join(tc.want, ",") {
			t.Errorf("%s: %v, %v; want %v", tc.name, ids(page.Items), err, tc.want)
		}
	}
	if page, _ := e.svc.List(ctx, e.viewer, Filter{Kind: KindTemplate}); len(page.Items) != 1 || strings.Join(page.Items[0].Variables, ",") != "product" {
		t.Fatalf("template list = %+v", page.Items)
	}
	for _, tc := range []struct {
		name string
		f    Filter
		says string
	}{
		{"bad cursor", Filter{Cursor: "abc"}, "cursor"},
		{"limit", Filter{Limit: 101}, "limit must be from 1 to 100"},
		{"no words", Filter{Text: "!! ? a"}, "words of at least 2"},
		{"kind", Filter{Kind: "drafts"}, `kind "drafts"`},
	} {
		if _, err := e.svc.List(ctx, e.viewer, tc.f); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%s: %v, want ErrInvalid saying %q", tc.name, err, tc.says)
		}
	}
	if page, _ := e.svc.List(ctx, e.stranger, Filter{}); len(page.Items) != 0 {
		t.Fatalf("another workspace lists %d items", len(page.Items))
	}
}

// meddler is the real store with another writer changing the item just
// before each of the first `times` replaces.
type meddler struct {
	Store
	times int
}

func (m *meddler) Replace(ctx context.Context, it Item, rev int64) error {
	if m.times > 0 {
		m.times--
		cur, err := m.Store.Get(ctx, it.WorkspaceID, it.Kind, it.ID)
		if err != nil {
			return err
		}
		cur.Tags, cur.Rev = append(cur.Tags, "Meddled"), cur.Rev+1
		if err := m.Store.Replace(ctx, cur, cur.Rev-1); err != nil {
			return err
		}
	}
	return m.Store.Replace(ctx, it, rev)
}

func TestUpdateRetriesOverConcurrentWrites(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		meddles int
		err     error
		rev     int64
	}{
		{"one concurrent write", 1, nil, 3},
		{"keeps changing", updateAttempts, ErrConflict, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := storetest.Open(t, store.SQLite, Schema)
			m := &meddler{Store: NewStore(db)}
			svc, err := New(Config{Store: m})
			if err != nil {
				t.Fatal(err)
			}
			ed := identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Editor}
			it, err := svc.Create(context.Background(), ed, KindContent, Input{Body: "b", Tags: []string{"First"}})
			if err != nil {
				t.Fatal(err)
			}
			m.times = tc.meddles
			got, err := svc.Update(context.Background(), ed, KindContent, it.ID, Patch{Title: ptr("Mine")})
			if !errors.Is(err, tc.err) {
				t.Fatalf("update: %v, want %v", err, tc.err)
			}
			if tc.err != nil {
				return
			}
			// The patch went onto the other writer's version, not over it.
			if got.Title != "Mine" || strings.Join(got.Tags, ",") != "First,Meddled" || got.Rev != tc.rev {
				t.Fatalf("updated = %+v", got)
			}
		})
	}
}
