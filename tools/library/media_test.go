package library

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/media"
)

// mediaClock is the media service's clock, moved by the test.
type mediaClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *mediaClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *mediaClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type mediaEnv struct {
	*env
	media *media.Service
	store media.Store
	clock *mediaClock
}

// setupMedia is setup with a real media service (tools/media) on db.
func setupMedia(t *testing.T, db *store.DB) *mediaEnv {
	t.Helper()
	var blobs media.Blobs = media.NewFiles(t.TempDir())
	if db.Backend == store.Mongo {
		blobs = media.NewGridFS(db.Mongo)
	}
	mc := &mediaClock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	ms := media.NewStore(db)
	med, err := media.New(media.Config{Store: ms, Blobs: blobs, SigningKey: []byte("0123456789abcdef0123456789abcdef"),
		PublicURL: "https://mm.example.com/", Log: zerolog.Nop(), Now: mc.now})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := New(Config{Store: NewStore(db), Now: (&clock{t: mc.t}).Now, Media: med})
	if err != nil {
		t.Fatal(err)
	}
	return &mediaEnv{env: envOf(svc), media: med, store: ms, clock: mc}
}

// upload stores a small JPEG (distinct per seed) in c's workspace.
func (e *mediaEnv) upload(t *testing.T, c identity.Caller, seed uint8) media.Media {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := range img.Pix {
		img.Pix[i] = seed + uint8(i)
	}
	img.Set(0, 0, color.RGBA{seed, 0, 0, 255})
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	m, err := e.media.Upload(context.Background(), c, media.Upload{Name: "pic.jpg", Source: media.SourceAPI, Body: &b})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// video records a video's metadata in c's workspace (its bytes are never
// read by the library).
func (e *mediaEnv) video(t *testing.T, c identity.Caller, id string) string {
	t.Helper()
	r := media.Record{BlobKey: id, Media: media.Media{ID: id, WorkspaceID: c.WorkspaceID, UploadedBy: c.UserID, Name: id + ".mp4",
		ContentType: "video/mp4", SHA256: id, Source: media.SourceAPI, Bytes: 1000, CreatedAt: e.clock.now()}}
	if err := e.store.Insert(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	return id
}

func problemsOf(t *testing.T, err error) []Problem {
	t.Helper()
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v, want a ValidationError", err)
	}
	return ve.Problems
}

func TestItemMediaIDsAreTheWorkspaces(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite, Schema, media.Schema)
	e := setupMedia(t, db)
	ctx := context.Background()
	mine, theirs := e.upload(t, e.editor, 1), e.upload(t, e.stranger, 2)

	_, err := e.svc.Create(ctx, e.editor, KindContent, Input{Body: "Launch", MediaIDs: []string{mine.ID, theirs.ID}})
	ps := problemsOf(t, err)
	if len(ps) != 1 || ps[0].Field != "media_ids" || !strings.Contains(ps[0].Message, "media_ids[1]") || strings.Contains(ps[0].Message, theirs.ID) {
		t.Fatalf("another workspace's media = %+v, want one problem naming media_ids[1], never the id", ps)
	}
	if page, _ := e.svc.List(ctx, e.viewer, Filter{}); len(page.Items) != 0 {
		t.Fatalf("an invalid item was saved: %+v", page.Items)
	}
	for _, tc := range []struct {
		who identity.Caller
		id  string
	}{{e.editor, mine.ID}, {e.stranger, theirs.ID}} {
		if got, _ := e.media.Get(ctx, tc.who, tc.id); len(got.UsedBy) != 0 {
			t.Fatalf("media of a refused item was marked used: %v", got.UsedBy)
		}
	}

	v1, v2 := e.video(t, e.editor, "v1"), e.video(t, e.editor, "v2")
	many := make([]string, 11)
	for i := range many {
		many[i] = e.upload(t, e.editor, uint8(10+i)).ID
	}
	for _, tc := range []struct {
		name, want string
		ids        []string
	}{
		{"two videos", "an item carries one video at most, this one has 2", []string{v1, mine.ID, v2}},
		{"eleven media", "at most 10 uploaded media per item, this one has 11", many},
		{"the same twice", "media_ids[1]: the same media as media_ids[0]", []string{mine.ID, mine.ID}},
		{"an empty id", "media_ids[0]: is empty", []string{" "}},
	} {
		_, err := e.svc.Create(ctx, e.editor, KindTemplate, Input{Body: "Hi {{name}}", MediaIDs: tc.ids})
		if ps := problemsOf(t, err); len(ps) != 1 || ps[0].Field != "media_ids" || !strings.Contains(ps[0].Message, tc.want) {
			t.Errorf("%s: problems %+v, want %q", tc.name, ps, tc.want)
		}
	}

	// A template carries them too, and its rendering passes them on.
	it, err := e.svc.Create(ctx, e.editor, KindTemplate, Input{Body: "Hi {{name}}", MediaIDs: []string{" " + v1 + " ", mine.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(it.MediaIDs, []string{v1, mine.ID}) || it.MediaVideos != 1 {
		t.Fatalf("template media = %v (%d videos)", it.MediaIDs, it.MediaVideos)
	}
	out, err := e.svc.Render(ctx, e.viewer, it.ID, map[string]string{"name": "Ada"})
	if err != nil || !slices.Equal(out.MediaIDs, it.MediaIDs) {
		t.Fatalf("rendered = %+v, %v", out, err)
	}
	// A patch replaces them, checked the same way.
	_, err = e.svc.Update(ctx, e.editor, KindTemplate, it.ID, Patch{MediaIDs: &[]string{theirs.ID}})
	if ps := problemsOf(t, err); len(ps) != 1 || !strings.Contains(ps[0].Message, "media_ids[0]") {
		t.Fatalf("patch with another workspace's media = %+v", ps)
	}
	got, err := e.svc.Update(ctx, e.editor, KindTemplate, it.ID, Patch{MediaIDs: &[]string{mine.ID}})
	if err != nil || !slices.Equal(got.MediaIDs, []string{mine.ID}) || got.MediaVideos != 0 {
		t.Fatalf("patched = %+v, %v", got, err)
	}
}

func TestItemMediaWithoutAMediaLibrary(t *testing.T) {
	t.Parallel()
	e := setup(t)
	_, err := e.svc.Create(context.Background(), e.editor, KindContent, Input{Body: "b", MediaIDs: []string{"m1"}})
	if ps := problemsOf(t, err); len(ps) != 1 || ps[0].Field != "media_ids" || !strings.Contains(ps[0].Message, "give media_urls instead") {
		t.Fatalf("problems = %+v", ps)
	}
}

// The weekly cleanup keeps what an item carries, past the retention, and
// removes it once the item lets it go (a patch or a deletion).
func TestCleanupKeepsAnItemsMediaUntilItGoes(t *testing.T) {
	storetest.Run(t, []store.Schema{Schema, media.Schema}, func(t *testing.T, db *store.DB) {
		e := setupMedia(t, db)
		ctx := context.Background()
		a, b, loose := e.upload(t, e.editor, 1), e.upload(t, e.editor, 2), e.upload(t, e.editor, 3)
		it, err := e.svc.Create(ctx, e.editor, KindContent, Input{Body: "Launch", MediaIDs: []string{a.ID, b.ID}})
		if err != nil {
			t.Fatal(err)
		}
		exists := func(id string) bool {
			_, err := e.media.Get(ctx, e.viewer, id)
			if err != nil && !errors.Is(err, media.ErrNotFound) {
				t.Fatal(err)
			}
			return err == nil
		}
		e.clock.add(media.Retention + time.Hour)
		if n, err := e.media.Cleanup(ctx); err != nil || n != 1 || !exists(a.ID) || !exists(b.ID) || exists(loose.ID) {
			t.Fatalf("cleanup removed %d (%v): a %v, b %v, loose %v; want only the loose one gone", n, err, exists(a.ID), exists(b.ID), exists(loose.ID))
		}
		if got, _ := e.media.Get(ctx, e.viewer, a.ID); !slices.Equal(got.UsedBy, []string{"library:" + it.ID}) {
			t.Fatalf("used by %v", got.UsedBy)
		}
		if _, err := e.svc.Update(ctx, e.editor, KindContent, it.ID, Patch{MediaIDs: &[]string{b.ID}}); err != nil {
			t.Fatal(err)
		}
		if n, err := e.media.Cleanup(ctx); err != nil || n != 1 || exists(a.ID) || !exists(b.ID) {
			t.Fatalf("after the patch cleanup removed %d (%v): a %v, b %v; want a gone", n, err, exists(a.ID), exists(b.ID))
		}
		if err := e.svc.Delete(ctx, e.editor, KindContent, it.ID); err != nil {
			t.Fatal(err)
		}
		if n, err := e.media.Cleanup(ctx); err != nil || n != 1 || exists(b.ID) {
			t.Fatalf("after the deletion cleanup removed %d (%v): b %v; want it gone", n, err, exists(b.ID))
		}
	})
}

// A variant is checked with the uploaded media too: X takes 4 images, and
// images or one video, not both.
func TestVariantsCountUploadedMedia(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite, Schema, media.Schema)
	e := setupMedia(t, db)
	ctx := context.Background()
	var five []string
	for i := range 5 {
		five = append(five, e.upload(t, e.editor, uint8(i+1)).ID)
	}
	x := map[platform.Name]string{platform.Twitter: "Autumn blend is here", platform.Instagram: "Autumn blend #coffee"}
	_, err := e.svc.Create(ctx, e.editor, KindContent, Input{Body: "Autumn", Variants: x, MediaIDs: five})
	if ps := problemsOf(t, err); len(ps) != 1 || ps[0].Field != "variants.twitter" || !strings.Contains(ps[0].Message, "at most 4 images, this one has 5") {
		t.Fatalf("five images for X = %+v", ps)
	}
	mixed := []string{e.video(t, e.editor, "v1"), five[0]}
	_, err = e.svc.Create(ctx, e.editor, KindContent, Input{Body: "Autumn", Variants: x, MediaIDs: mixed})
	if ps := problemsOf(t, err); len(ps) != 1 || ps[0].Field != "variants.twitter" || !strings.Contains(ps[0].Message, "images or one video, not both") {
		t.Fatalf("a video and an image for X = %+v", ps)
	}
	// Four images suit both; Instagram's need for media is met by them.
	if _, err := e.svc.Create(ctx, e.editor, KindContent, Input{Body: "Autumn", Variants: x, MediaIDs: five[:4]}); err != nil {
		t.Fatal(err)
	}
}
