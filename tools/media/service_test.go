package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/marketingminds/marketingminds/integrations/sandbox/testmedia"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/fault"
	"github.com/marketingminds/marketingminds/tools/identity"
)

var (
	editor = identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Editor, Door: identity.DoorAPI}
	viewer = identity.Caller{WorkspaceID: "T1", UserID: "U2", Role: identity.Viewer, Door: identity.DoorAPI}
	other  = identity.Caller{WorkspaceID: "T2", UserID: "U9", Role: identity.Admin, Door: identity.DoorAPI}
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type bundle struct {
	svc   *Service
	db    *store.DB
	clock *clock
	// pending are the post ids PostState calls pending.
	pending map[string]bool
}

func setup(t testing.TB, db *store.DB) *bundle {
	t.Helper()
	b := &bundle{db: db, clock: &clock{t: t0}, pending: map[string]bool{}}
	svc, err := New(Config{Store: NewStore(db), Blobs: newBlobs(t, db), SigningKey: []byte("0123456789abcdef0123456789abcdef"),
		PublicURL: "https://mm.example.com/", MaxBytes: 1 << 20, Log: zerolog.Nop(), Now: b.clock.now,
		PostState: func(_ context.Context, ws, id string) (bool, error) { return ws == "T1" && b.pending[id], nil }})
	if err != nil {
		t.Fatal(err)
	}
	b.svc = svc
	return b
}

func TestUploadStoresIdenticalBytesOnce(t *testing.T) {
	storetest.Run(t, []store.Schema{Schema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		b := setup(t, db)
		pic := testmedia.Photo(t, 64, 48, 1)
		m, err := b.svc.Upload(ctx, editor, Upload{Name: "../../dog.png", Alt: " a dog ", Source: SourceSlack, Conversation: "C1:1.0", Body: bytes.NewReader(pic)})
		if err != nil {
			t.Fatal(err)
		}
		// The type comes from the bytes, not the name; the path is dropped.
		if m.ContentType != "image/jpeg" || m.Width != 64 || m.Height != 48 || m.Bytes != int64(len(pic)) || m.Name != "dog.png" ||
			m.Alt != "a dog" || m.SHA256 != sha(pic) || m.Conversation != "C1:1.0" || m.UploadedBy != "U1" || m.Source != SourceSlack {
			t.Fatalf("uploaded = %+v", m)
		}
		again, err := b.svc.Upload(ctx, editor, Upload{Name: "copy.jpg", Source: SourceDashboard, Conversation: "C2:2.0", Body: bytes.NewReader(pic)})
		if err != nil || again.ID != m.ID || again.Conversation != "C2:2.0" {
			t.Fatalf("same bytes again = %+v, %v", again, err)
		}
		for _, conv := range []string{"C1:1.0", "C2:2.0"} {
			p, err := b.svc.List(ctx, viewer, Filter{Conversation: conv})
			if err != nil || len(p.Items) != 1 || p.Items[0].ID != m.ID || p.Items[0].Conversation != conv {
				t.Fatalf("list of %s = %+v, %v", conv, p, err)
			}
		}
		// Another workspace's identical bytes are its own media.
		theirs, err := b.svc.Upload(ctx, other, Upload{Source: SourceAPI, Body: bytes.NewReader(pic)})
		if err != nil || theirs.ID == m.ID || theirs.Name != "upload.jpg" {
			t.Fatalf("other workspace = %+v, %v", theirs, err)
		}
		blob, got, err := b.svc.Open(ctx, "T1", m.ID)
		if err != nil {
			t.Fatal(err)
		}
		defer blob.Close()
		if body, _ := io.ReadAll(blob); !bytes.Equal(body, pic) || got.ID != m.ID {
			t.Fatalf("open read %d bytes of %s", len(body), got.ID)
		}
		if db.Backend == store.Mongo { // one GridFS file per workspace's bytes
			if n, _ := db.Mongo.Collection("media.files").CountDocuments(ctx, map[string]any{}); n != 2 {
				t.Fatalf("%d GridFS files, want 2", n)
			}
		}
	})
}

// "This" is the image shared last in a conversation: three files shared in
// one message within the same millisecond keep their order, and old bytes
// shared again come last, though uploaded first.
func TestConversationMediaInTheOrderShared(t *testing.T) {
	storetest.Run(t, []store.Schema{Schema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		b := setup(t, db)
		old, err := b.svc.Upload(ctx, editor, Upload{Name: "logo.jpg", Source: SourceDashboard, Body: bytes.NewReader(testmedia.Photo(t, 8, 8, 9))})
		if err != nil {
			t.Fatal(err)
		}
		b.clock.add(24 * time.Hour)
		var want []string
		for i := range 3 { // the clock stands still
			m, err := b.svc.Upload(ctx, editor, Upload{Name: fmt.Sprintf("p%d.jpg", i), Source: SourceSlack, Conversation: "C1:1.0",
				Body: bytes.NewReader(testmedia.Photo(t, 8, 8, uint8(i)))})
			if err != nil {
				t.Fatal(err)
			}
			want = append([]string{m.ID}, want...)
		}
		if _, err := b.svc.Upload(ctx, editor, Upload{Name: "logo.jpg", Source: SourceSlack, Conversation: "C1:1.0",
			Body: bytes.NewReader(testmedia.Photo(t, 8, 8, 9))}); err != nil {
			t.Fatal(err)
		}
		want = append([]string{old.ID}, want...)
		var got []string
		for cursor := ""; ; {
			p, err := b.svc.List(ctx, viewer, Filter{Conversation: "C1:1.0", Limit: 3, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range p.Items {
				got = append(got, m.ID)
			}
			if cursor = p.Next; cursor == "" {
				break
			}
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("the conversation lists %v, want %v (last shared first)", got, want)
		}
	})
}

func TestUploadRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, storetest.Open(t, store.SQLite, Schema))
	pic := testmedia.Photo(t, 8, 8, 2)
	for _, tc := range []struct {
		name string
		c    identity.Caller
		in   Upload
		want error
	}{
		{"viewer", viewer, Upload{Source: SourceAPI, Body: bytes.NewReader(pic)}, identity.ErrForbidden},
		{"not media, named as an image", editor, Upload{Name: "x.jpg", Source: SourceAPI, Body: strings.NewReader("<html>hello</html>")}, ErrInvalid},
		{"empty", editor, Upload{Source: SourceAPI, Body: strings.NewReader("")}, ErrInvalid},
		{"too large", editor, Upload{Source: SourceAPI, Body: io.MultiReader(bytes.NewReader(pic), bytes.NewReader(make([]byte, 1<<20)))}, ErrTooLarge},
		{"unknown source", editor, Upload{Source: "fax", Body: bytes.NewReader(pic)}, ErrInvalid},
		{"alt too long", editor, Upload{Source: SourceAPI, Alt: strings.Repeat("a", MaxAlt+1), Body: bytes.NewReader(pic)}, ErrInvalid},
		{"bad UTF-8", editor, Upload{Source: SourceAPI, Name: "\xff.jpg", Body: bytes.NewReader(pic)}, ErrInvalid},
	} {
		_, err := b.svc.Upload(ctx, tc.c, tc.in)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
		if errors.Is(err, ErrInvalid) && fault.Of(err, t0).Kind != fault.Validation {
			t.Errorf("%s: a %s failure, want validation", tc.name, fault.Of(err, t0).Kind)
		}
	}
	if p, _ := b.svc.List(ctx, viewer, Filter{}); len(p.Items) != 0 {
		t.Fatalf("refused uploads stored: %+v", p.Items)
	}
}

func TestAnotherWorkspacesMediaIsNotFound(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, storetest.Open(t, store.SQLite, Schema))
	m, err := b.svc.Upload(ctx, editor, Upload{Source: SourceAPI, Body: bytes.NewReader(testmedia.Photo(t, 8, 8, 3))})
	if err != nil {
		t.Fatal(err)
	}
	alt := "x"
	if _, err := b.svc.Get(ctx, other, m.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("get: %v", err)
	}
	if _, err := b.svc.Update(ctx, other, m.ID, Patch{Alt: &alt}); !errors.Is(err, ErrNotFound) {
		t.Errorf("update: %v", err)
	}
	if err := b.svc.Delete(ctx, other, m.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("delete: %v", err)
	}
	if _, _, err := b.svc.Open(ctx, "T2", m.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("open: %v", err)
	}
	_, err = b.svc.Use(ctx, other, []string{m.ID}, "post:p9")
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "media_ids[0]") || strings.Contains(err.Error(), m.ID) {
		t.Errorf("use across workspaces: %v", err)
	}
	if got, _ := b.svc.Get(ctx, editor, m.ID); len(got.UsedBy) != 0 {
		t.Errorf("used by %v after a refused use", got.UsedBy)
	}
}

func TestSignedURL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, storetest.Open(t, store.SQLite, Schema))
	pic := testmedia.Photo(t, 8, 8, 4)
	m, err := b.svc.Upload(ctx, editor, Upload{Source: SourceAPI, Body: bytes.NewReader(pic)})
	if err != nil {
		t.Fatal(err)
	}
	u := b.svc.URL("T1", m.ID, time.Hour)
	token, ok := strings.CutPrefix(u, "https://mm.example.com/media/")
	if !ok {
		t.Fatalf("url = %s", u)
	}
	blob, got, err := b.svc.OpenSigned(ctx, token)
	if err != nil || got.ID != m.ID {
		t.Fatalf("open signed: %+v, %v", got, err)
	}
	blob.Close()
	forged := []byte(token)
	forged[3] ^= 1
	other := b.svc.signer.token("T2", m.ID, t0.Add(time.Hour))
	wrongKey := signer{key: []byte("another key, 32 bytes long......")}.token("T1", m.ID, t0.Add(time.Hour))
	for name, tok := range map[string]string{"forged": string(forged), "another workspace": other, "another key": wrongKey,
		"garbage": "!!", "empty": "", "short": "AAAA"} {
		if _, _, err := b.svc.OpenSigned(ctx, tok); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s: %v", name, err)
		}
	}
	b.clock.add(time.Hour + time.Second)
	if _, _, err := b.svc.OpenSigned(ctx, token); !errors.Is(err, ErrNotFound) {
		t.Errorf("expired: %v", err)
	}
	if def := b.svc.URL("T1", m.ID, 0); def == u {
		t.Error("the default TTL gave the same token as an hour ago")
	}
}

func FuzzSignerOpen(f *testing.F) {
	s := signer{key: []byte("0123456789abcdef")}
	f.Add(s.token("T1", "abc", t0))
	f.Add("")
	f.Fuzz(func(t *testing.T, tok string) {
		ws, id, ok := s.open(tok, t0.Add(-time.Hour))
		if ok && s.token(ws, id, t0) != tok && (ws == "" || id == "") {
			t.Fatalf("opened %q to %q %q", tok, ws, id)
		}
	})
}

func TestDeleteRefusedWhilePostPending(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, storetest.Open(t, store.SQLite, Schema))
	m, err := b.svc.Upload(ctx, editor, Upload{Source: SourceAPI, Body: bytes.NewReader(testmedia.Photo(t, 8, 8, 5))})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.Use(ctx, editor, []string{m.ID}, "post:p1"); err != nil {
		t.Fatal(err)
	}
	b.pending["p1"] = true
	if err := b.svc.Delete(ctx, viewer, m.ID); !errors.Is(err, identity.ErrForbidden) {
		t.Fatalf("viewer deleted: %v", err)
	}
	if err := b.svc.Delete(ctx, editor, m.ID); !errors.Is(err, ErrInUse) {
		t.Fatalf("delete while scheduled: %v", err)
	}
	b.pending["p1"] = false // published
	if err := b.svc.Delete(ctx, editor, m.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := b.svc.Open(ctx, "T1", m.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted media opens: %v", err)
	}
}

func TestUpdateAndPages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, storetest.Open(t, store.SQLite, Schema))
	var ids []string
	for i := range 5 {
		m, err := b.svc.Upload(ctx, editor, Upload{Source: SourceAPI, Body: bytes.NewReader(testmedia.Photo(t, 8, 8, uint8(10+i)))})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
		b.clock.add(time.Second)
	}
	var seen []string
	cursor := ""
	for range 3 {
		p, err := b.svc.List(ctx, viewer, Filter{Limit: 2, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range p.Items {
			seen = append(seen, m.ID)
		}
		if cursor = p.Next; cursor == "" {
			break
		}
	}
	if strings.Join(seen, ",") != strings.Join([]string{ids[4], ids[3], ids[2], ids[1], ids[0]}, ",") {
		t.Fatalf("pages = %v", seen)
	}
	if _, err := b.svc.List(ctx, viewer, Filter{Cursor: "nope"}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad cursor: %v", err)
	}
	alt, name := "a red square", "square.jpg"
	m, err := b.svc.Update(ctx, editor, ids[0], Patch{Alt: &alt, Name: &name})
	if err != nil || m.Alt != alt || m.Name != name {
		t.Fatalf("update = %+v, %v", m, err)
	}
	empty := " "
	if _, err := b.svc.Update(ctx, editor, ids[0], Patch{Name: &empty}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("empty name: %v", err)
	}
	if _, err := b.svc.Update(ctx, viewer, ids[0], Patch{Alt: &alt}); !errors.Is(err, identity.ErrForbidden) {
		t.Fatalf("viewer updated: %v", err)
	}
}

func TestCleanupRemovesUnusedMediaPastTheRetention(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, storetest.Open(t, store.SQLite, Schema))
	old, _ := b.svc.Upload(ctx, editor, Upload{Source: SourceAPI, Body: bytes.NewReader(testmedia.Photo(t, 8, 8, 20))})
	used, _ := b.svc.Upload(ctx, editor, Upload{Source: SourceAPI, Body: bytes.NewReader(testmedia.Photo(t, 8, 8, 21))})
	if _, err := b.svc.Use(ctx, editor, []string{used.ID}, "library:i1"); err != nil {
		t.Fatal(err)
	}
	b.clock.add(Retention - time.Hour)
	fresh, _ := b.svc.Upload(ctx, editor, Upload{Source: SourceAPI, Body: bytes.NewReader(testmedia.Photo(t, 8, 8, 22))})
	b.clock.add(2 * time.Hour)
	n, err := b.svc.Cleanup(ctx)
	if err != nil || n != 1 {
		t.Fatalf("cleanup = %d, %v", n, err)
	}
	if _, _, err := b.svc.Open(ctx, "T1", old.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("old unused media stays: %v", err)
	}
	if _, err := b.svc.blobs.Open(ctx, "T1", old.SHA256); !errors.Is(err, ErrNotFound) {
		t.Fatalf("old unused blob stays: %v", err)
	}
	for _, id := range []string{used.ID, fresh.ID} {
		if _, err := b.svc.Get(ctx, viewer, id); err != nil {
			t.Fatalf("%s removed: %v", id, err)
		}
	}
}

func TestReadURL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, storetest.Open(t, store.SQLite, Schema))
	pic := testmedia.Photo(t, 8, 8, 30)
	m, err := b.svc.Upload(ctx, editor, Upload{Source: SourceAPI, Body: bytes.NewReader(pic)})
	if err != nil {
		t.Fatal(err)
	}
	u := b.svc.URL("T1", m.ID, 0)
	if data, ct, ok, err := b.svc.ReadURL(ctx, u, 1<<20); !ok || err != nil || !bytes.Equal(data, pic) || ct != "image/jpeg" {
		t.Fatalf("read our URL: %d bytes %q %v %v", len(data), ct, ok, err)
	}
	if _, _, ok, err := b.svc.ReadURL(ctx, u, 10); !ok || !errors.Is(err, ErrTooLarge) {
		t.Fatalf("past the limit: %v %v", ok, err)
	}
	if _, _, ok, _ := b.svc.ReadURL(ctx, "https://elsewhere.example/media/"+strings.TrimPrefix(u, "https://mm.example.com/media/"), 1<<20); ok {
		t.Fatal("another host's URL read as ours")
	}
	if _, _, ok, err := b.svc.ReadURL(ctx, "https://mm.example.com/media/forged", 1<<20); !ok || !errors.Is(err, ErrNotFound) {
		t.Fatalf("forged: %v %v", ok, err)
	}
}
