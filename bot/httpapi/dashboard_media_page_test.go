package httpapi

import (
	"bytes"
	"context"
	"errors"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/bot/present"
	"github.com/marketingminds/marketingminds/integrations/sandbox/testmedia"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/library"
	"github.com/marketingminds/marketingminds/tools/media"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// waitingApprovals answers the approvals list with the ones it holds,
// of the caller's workspace and the status asked; it decides nothing.
type waitingApprovals struct{ list []agents.Approval }

var errNoDecision = errors.New("this test decides no approval")

func (waitingApprovals) Approve(context.Context, identity.Caller, string) (agents.ApprovalResult, error) {
	return agents.ApprovalResult{}, errNoDecision
}

func (waitingApprovals) Reject(context.Context, identity.Caller, string, string) (agents.ApprovalResult, error) {
	return agents.ApprovalResult{}, errNoDecision
}

func (waitingApprovals) Choose(context.Context, identity.Caller, string, string, bool) (agents.ApprovalResult, error) {
	return agents.ApprovalResult{}, errNoDecision
}

func (w waitingApprovals) Approvals(_ context.Context, c identity.Caller, status string) ([]agents.Approval, error) {
	var out []agents.Approval
	for _, a := range w.list {
		if a.WorkspaceID == c.WorkspaceID && string(a.Status) == status {
			out = append(out, a)
		}
	}
	return out, nil
}

// mediaPageFixture is a workspace with one file of each kind of use.
type mediaPageFixture struct {
	f   *dashFixture
	med *media.Service
	// ids of the files; postID, itemID of what uses them.
	scheduled, published, inLibrary, waiting, fromSlack, unused, video string
	postID, publishedID, itemID                                        string
	at                                                                 time.Time
}

func setupMediaPage(t *testing.T) *mediaPageFixture {
	t.Helper()
	db := storetest.Open(t, store.SQLite, identity.Schema, identity.SessionSchema, publish.Schema, media.Schema, library.Schema)
	var posts Posts
	med, err := media.New(media.Config{Store: media.NewStore(db), Blobs: media.NewFiles(t.TempDir()), SigningKey: bytes.Repeat([]byte{5}, 32),
		PublicURL: "https://mm.example.com", Log: zerolog.Nop(),
		PostState: func(ctx context.Context, ws, id string) (bool, error) {
			p, err := posts.Get(ctx, identity.Caller{WorkspaceID: ws, Role: identity.Viewer}, id)
			if errors.Is(err, publish.ErrNotFound) {
				return false, nil
			}
			return err == nil && (p.Status == "scheduled" || p.Status == "pending"), err
		},
		ApprovalState: func(_ context.Context, _, id string) (bool, error) { return id == "appr-1", nil }})
	if err != nil {
		t.Fatal(err)
	}
	lib, err := library.New(library.Config{Store: library.NewStore(db), Media: med})
	if err != nil {
		t.Fatal(err)
	}
	appr := waitingApprovals{list: []agents.Approval{
		{ID: "appr-1", WorkspaceID: "T1", Channel: "C1", RequestedBy: "U-ana", Status: agents.ApprovalPending},
		{ID: "appr-old", WorkspaceID: "T1", Channel: "C1", RequestedBy: "U-ana", Status: agents.ApprovalDone},
	}}
	f := dashSetupOn(t, db, "https://mm.example.com", med, func(d *Deps) {
		d.Media, d.Library, d.Approvals = med, lib, appr
	})
	posts = f.posts
	ctx := context.Background()
	if _, err := f.ids.EnsureUser(ctx, identity.User{WorkspaceID: "T1", ID: "U-ana", DisplayName: "Ana", Role: identity.Editor}); err != nil {
		t.Fatal(err)
	}
	me := identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Editor, Door: identity.DoorDashboard}
	ana := identity.Caller{WorkspaceID: "T1", UserID: "U-ana", Role: identity.Editor, Door: identity.DoorSlack}
	up := func(c identity.Caller, source, name string, body []byte) string {
		t.Helper()
		m, err := med.Upload(ctx, c, media.Upload{Name: name, Source: source, Conversation: "C1:1.0", Body: bytes.NewReader(body)})
		if err != nil {
			t.Fatal(err)
		}
		return m.ID
	}
	p := &mediaPageFixture{f: f, med: med, at: time.Now().UTC().Add(50 * time.Hour).Truncate(time.Minute)}
	p.unused = up(me, media.SourceDashboard, "unused.jpg", testmedia.Photo(t, 16, 8, 1))
	p.scheduled = up(me, media.SourceDashboard, "scheduled.jpg", testmedia.Photo(t, 16, 8, 2))
	p.published = up(me, media.SourceDashboard, "published.jpg", testmedia.Photo(t, 16, 8, 3))
	p.inLibrary = up(me, media.SourceDashboard, "library.jpg", testmedia.Photo(t, 16, 8, 4))
	p.waiting = up(me, media.SourceDashboard, "waiting.jpg", testmedia.Photo(t, 16, 8, 5))
	p.fromSlack = up(ana, media.SourceSlack, "from-slack.jpg", testmedia.Photo(t, 16, 8, 6))
	p.video = up(ana, media.SourceSlack, "clip.mp4", testmedia.MP4(t, testmedia.Video{Seconds: 3}))

	sch, err := f.posts.Schedule(ctx, me, publish.Request{AccountIDs: []string{"x1"}, Content: publish.Content{Text: "Spring blend", MediaIDs: []string{p.scheduled}}}, p.at)
	if err != nil {
		t.Fatal(err)
	}
	p.postID = sch.PostID
	out, err := f.posts.PublishNow(ctx, me, publish.Request{AccountIDs: []string{"x1"}, Content: publish.Content{Text: "Out now", MediaIDs: []string{p.published}}})
	if err != nil {
		t.Fatal(err)
	}
	p.publishedID = out.PostID
	it, err := lib.Create(ctx, me, library.KindContent, library.Input{Title: "Autumn blend launch", Body: "Autumn is here", MediaIDs: []string{p.inLibrary}})
	if err != nil {
		t.Fatal(err)
	}
	p.itemID = it.ID
	// Uses that no longer resolve: a decided approval, a deleted post.
	for user, id := range map[string]string{"approval:appr-1": p.waiting, "approval:appr-old": p.fromSlack, "post:gone": p.fromSlack} {
		if _, err := med.Use(ctx, me, []string{id}, user); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

var (
	mediaCardRE = regexp.MustCompile(`(?s)<figure class="media-item" data-media-id="([^"]+)">(.*?)</figure>`)
	tagRE       = regexp.MustCompile(`(?s)<[^>]*>`)
)

// cards are the page's cards by media id.
func cards(page string) map[string]string {
	out := map[string]string{}
	for _, m := range mediaCardRE.FindAllStringSubmatch(page, -1) {
		out[m[1]] = m[2]
	}
	return out
}

// visible is the text a person reads on the page.
func visible(page string) string { return html.UnescapeString(tagRE.ReplaceAllString(page, " ")) }

// TestDashboardMediaPageSaysWhereEachFileIsUsed: each card says where its
// file is used in words with links (a scheduled post with its time, a
// published one, a library item by title, an approval still waiting), who
// shared it from where; uses that no longer resolve are left out; a file
// held by a waiting post or approval says why instead of offering Delete;
// "Post this" opens the composer with the file attached; no id is ever
// shown.
func TestDashboardMediaPageSaysWhereEachFileIsUsed(t *testing.T) {
	t.Parallel()
	p := setupMediaPage(t)
	b := p.f.browser(t)
	b.signIn("T1", "U1", identity.Editor)
	resp, page := b.do("GET", "/dashboard/media", nil, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("media page = %d\n%s", resp.StatusCode, page)
	}
	c := cards(page)
	if len(c) != 7 {
		t.Fatalf("%d cards, want 7:\n%s", len(c), page)
	}
	want := map[string][]string{
		p.scheduled: {`<a href="/dashboard/posts/` + p.postID + `">In a post scheduled for ` + present.When(present.Env{Now: time.Now()}, p.at) + `</a>`,
			`<p class="held">It can be deleted once its post is published or cancelled.</p>`},
		p.published: {`<a href="/dashboard/posts/` + p.publishedID + `">In a post published `, `class="danger">Delete</button>`},
		p.inLibrary: {`<a href="/dashboard/library/content/` + p.itemID + `">In the library: Autumn blend launch</a>`, `class="danger">Delete</button>`},
		p.waiting:   {`<li>Waiting for approval (asked by Ana)</li>`, `cannot be deleted while its post waits for approval: approve or reject the post first`},
		p.fromSlack: {`<li class="unused">Not used yet</li>`, `Shared by Ana in Slack, just now`},
		p.unused:    {`<li class="unused">Not used yet</li>`, `Uploaded by you on the dashboard, just now`, `class="danger">Delete</button>`},
		p.video:     {`<span class="mmeta">video · 0:03 · 640×360`, `Shared by Ana in Slack`},
	}
	for id, frags := range want {
		for _, frag := range frags {
			if !strings.Contains(c[id], frag) {
				t.Errorf("the card of %s lacks %q:\n%s", id, frag, c[id])
			}
		}
	}
	for _, id := range []string{p.scheduled, p.waiting} {
		if strings.Contains(c[id], "/delete") {
			t.Errorf("the held file %s offers Delete:\n%s", id, c[id])
		}
	}
	// A file nothing uses says when the cleanup removes it.
	expires := regexp.MustCompile(`<p class="expires">Removed after [A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2}( \d{4})? if nothing uses it</p>`)
	for id, want := range map[string]bool{p.unused: true, p.video: true, p.scheduled: false, p.inLibrary: false, p.fromSlack: false} {
		if got := expires.MatchString(c[id]); got != want {
			t.Errorf("the card of %s says when it is removed: %v, want %v:\n%s", id, got, want, c[id])
		}
	}
	if strings.Contains(c[p.fromSlack], "approval") || strings.Contains(c[p.fromSlack], "/dashboard/posts/") {
		t.Errorf("uses that no longer resolve are shown:\n%s", c[p.fromSlack])
	}
	text := visible(page[strings.Index(page, `<main`):])
	for _, id := range []string{p.postID, p.publishedID, p.itemID, "appr-1", "appr-old", "U-ana", "U1", p.unused, p.video} {
		if strings.Contains(text, id) {
			t.Errorf("the page shows the id %q:\n%s", id, text)
		}
	}
	for _, raw := range []string{"post:" + p.postID, "library:" + p.itemID, "approval:appr", "post:gone"} {
		if strings.Contains(page, raw) {
			t.Errorf("the page holds a raw use %q", raw)
		}
	}
	if !strings.Contains(page, `id="media-summary">7 files, 2 not used yet</p>`) {
		t.Errorf("no summary of 7 files, 2 not used yet:\n%s", page)
	}

	// Post this: the composer with the file attached.
	m := regexp.MustCompile(`<a href="([^"]+)" class="post-this">Post this</a>`).FindStringSubmatch(c[p.unused])
	if m == nil {
		t.Fatalf("no Post this link:\n%s", c[p.unused])
	}
	href := html.UnescapeString(m[1])
	if u, err := url.Parse(href); err != nil || u.Path != "/dashboard/compose" || u.Query().Get("media_ids") != p.unused {
		t.Fatalf("Post this = %q", href)
	}
	_, compose := b.do("GET", href, nil, nil)
	if got := attachedID.FindAllStringSubmatch(compose, -1); len(got) != 1 || got[0][1] != p.unused {
		t.Fatalf("the composer attached %v", got)
	}

	// The service still refuses what the card says.
	if resp, _ := b.do("POST", "/dashboard/media/"+p.waiting+"/delete", url.Values{"csrf": {b.csrf()}}, nil); resp.StatusCode != http.StatusConflict {
		t.Errorf("deleting a file held by an approval = %d", resp.StatusCode)
	}

	// A viewer reads the same, with nothing to do.
	viewer := p.f.browser(t)
	viewer.signIn("T1", "U-viewer", identity.Viewer)
	_, vpage := viewer.do("GET", "/dashboard/media", nil, nil)
	vc := cards(vpage)
	if !strings.Contains(vc[p.unused], "Uploaded by a teammate on the dashboard, just now") || strings.Contains(vpage, "Post this") ||
		strings.Contains(vpage, "/delete") || strings.Contains(vpage, `id="dropzone"`) {
		t.Errorf("the viewer's page:\n%s", vc[p.unused])
	}
	// Another workspace sees none of it.
	other := p.f.browser(t)
	other.signIn("T2", "U9", identity.Admin)
	if _, opage := other.do("GET", "/dashboard/media", nil, nil); len(cards(opage)) != 0 || !strings.Contains(opage, `id="no-media"`) {
		t.Errorf("another workspace's media page:\n%s", opage)
	}
}

// TestDashboardMediaPageFilters: all, not used yet, images and videos,
// each with its count, newest first; a filter with nothing says so; a
// forged cursor is refused in words.
func TestDashboardMediaPageFilters(t *testing.T) {
	t.Parallel()
	p := setupMediaPage(t)
	b := p.f.browser(t)
	b.signIn("T1", "U1", identity.Editor)
	order := func(page string) []string {
		var ids []string
		for _, m := range mediaCardRE.FindAllStringSubmatch(page, -1) {
			ids = append(ids, m[1])
		}
		return ids
	}
	for _, c := range []struct {
		show    string
		want    []string
		current string
	}{
		{"", []string{p.video, p.fromSlack, p.waiting, p.inLibrary, p.published, p.scheduled, p.unused}, `aria-current="page">All <span class="n">7</span>`},
		// A file whose uses no longer resolve reads "Not used yet" on its card
		// but is not listed here: its uses are still recorded.
		{"unused", []string{p.video, p.unused}, `aria-current="page">Not used yet <span class="n">2</span>`},
		{"images", []string{p.fromSlack, p.waiting, p.inLibrary, p.published, p.scheduled, p.unused}, `aria-current="page">Images <span class="n">6</span>`},
		{"videos", []string{p.video}, `aria-current="page">Videos <span class="n">1</span>`},
	} {
		_, page := b.do("GET", mediaPageHref(c.show, ""), nil, nil)
		if got := order(page); strings.Join(got, ",") != strings.Join(c.want, ",") {
			t.Errorf("show=%q lists %v, want %v", c.show, got, c.want)
		}
		if !strings.Contains(page, c.current) || strings.Count(page, `aria-current="page"`) != 2 { // the nav's and the filter's
			t.Errorf("show=%q: the filter is not marked %q:\n%s", c.show, c.current, page)
		}
	}
	for _, id := range []string{p.unused, p.video} {
		if err := p.med.Delete(context.Background(), identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Editor}, id); err != nil {
			t.Fatal(err)
		}
	}
	_, page := b.do("GET", "/dashboard/media?show=unused", nil, nil)
	if !strings.Contains(page, "Every file is used in a post, the library or an approval.") || !strings.Contains(page, "5 files, all in use") {
		t.Errorf("no unused files:\n%s", page)
	}
	if resp, page := b.do("GET", "/dashboard/media?cursor=forged", nil, nil); resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "That page of files does not exist") {
		t.Errorf("a forged cursor = %d:\n%s", resp.StatusCode, page)
	}
}

// TestDashboardMediaPageEmpty: a workspace without media is told how to
// add some: drop here, or share in a Slack thread with the bot.
func TestDashboardMediaPageEmpty(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite, identity.Schema, identity.SessionSchema, publish.Schema, media.Schema)
	med, err := media.New(media.Config{Store: media.NewStore(db), Blobs: media.NewFiles(t.TempDir()), SigningKey: bytes.Repeat([]byte{6}, 32), Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	f := dashSetupOn(t, db, "https://mm.example.com", med, func(d *Deps) { d.Media = med })
	b := f.browser(t)
	b.signIn("T1", "U1", identity.Editor)
	_, page := b.do("GET", "/dashboard/media", nil, nil)
	for _, frag := range []string{`id="no-media"`, "No media yet.", "Drag images or videos onto the box above", "share a file in a thread with @Marketing Minds", `id="dropzone"`} {
		if !strings.Contains(page, frag) {
			t.Errorf("the empty page lacks %q:\n%s", frag, page)
		}
	}
	if strings.Contains(page, "media-summary") || strings.Contains(page, "media-filters") {
		t.Errorf("the empty page counts and filters nothing:\n%s", page)
	}
	// The first upload from the page comes back as a card.
	resp, item := b.upload("/dashboard/media/upload", "first.png", pngFile(t, 20, 10), b.csrf())
	if resp.StatusCode != http.StatusCreated || !strings.Contains(item, "Not used yet") || !strings.Contains(item, "Uploaded by you on the dashboard, just now") ||
		!strings.Contains(item, "Post this") {
		t.Errorf("upload = %d %s", resp.StatusCode, item)
	}
}

// TestDashboardMediaPageRetentionPassed: a file nothing uses, older than
// the retention, is removed at the next weekly cleanup, and says so rather
// than naming a day gone by.
func TestDashboardMediaPageRetentionPassed(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite, identity.Schema, identity.SessionSchema, publish.Schema, media.Schema)
	med, err := media.New(media.Config{Store: media.NewStore(db), Blobs: media.NewFiles(t.TempDir()), SigningKey: bytes.Repeat([]byte{6}, 32), Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	f := dashSetupOn(t, db, "https://mm.example.com", med, func(d *Deps) {
		d.Media, d.Now = med, func() time.Time { return time.Now().Add(media.Retention + time.Hour) }
	})
	if _, err := med.Upload(context.Background(), identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Editor},
		media.Upload{Name: "old.png", Source: media.SourceAPI, Body: bytes.NewReader(pngFile(t, 8, 8))}); err != nil {
		t.Fatal(err)
	}
	b := f.browser(t)
	b.signIn("T1", "U1", identity.Viewer)
	_, page := b.do("GET", "/dashboard/media", nil, nil)
	for _, frag := range []string{`<p class="expires">Removed at the next weekly cleanup if nothing uses it</p>`, "Uploaded by you through the API, 30 days ago"} {
		if !strings.Contains(page, frag) {
			t.Errorf("the page lacks %q:\n%s", frag, page)
		}
	}
}
