package media

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

var t0 = time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)

func rec(ws, id, sha string, at time.Time) Record {
	return Record{BlobKey: "k" + sha, Conversations: []string{}, Media: Media{ID: id, WorkspaceID: ws, UploadedBy: "U1", Name: id + ".jpg",
		ContentType: "image/jpeg", SHA256: sha, Source: SourceAPI, Bytes: 10, Width: 4, Height: 3, Duration: 1500 * time.Millisecond,
		UsedBy: []string{}, CreatedAt: at}, SharedAt: at}
}

func TestStoreConformance(t *testing.T) {
	storetest.Run(t, []store.Schema{Schema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		st := NewStore(db)
		a := rec("T1", "a", "sha-a", t0)
		if err := st.Insert(ctx, a); err != nil {
			t.Fatal(err)
		}
		if got, err := st.Get(ctx, "T1", "a"); err != nil || !reflect.DeepEqual(got, a) {
			t.Fatalf("get = %+v, %v; want %+v", got, err, a)
		}
		if _, err := st.Get(ctx, "T2", "a"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("another workspace reads it: %v", err)
		}
		dup := rec("T1", "a2", "sha-a", t0)
		if err := st.Insert(ctx, dup); !errors.Is(err, ErrDuplicate) {
			t.Fatalf("same bytes twice in a workspace: %v", err)
		}
		if err := st.Insert(ctx, rec("T2", "a", "sha-a", t0)); err != nil {
			t.Fatalf("same bytes in another workspace: %v", err)
		}
		if got, err := st.BySHA(ctx, "T1", "sha-a"); err != nil || got.ID != "a" {
			t.Fatalf("by sha = %+v, %v", got, err)
		}
		if _, err := st.BySHA(ctx, "T3", "sha-a"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("by sha across workspaces: %v", err)
		}
		for i, id := range []string{"b", "c", "d"} {
			if err := st.Insert(ctx, rec("T1", id, "sha-"+id, t0.Add(time.Duration(i+1)*time.Minute))); err != nil {
				t.Fatal(err)
			}
		}
		// Links and uses are sets.
		for range 2 {
			if err := st.Link(ctx, "T1", "b", "C1:1.0", t0.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			if err := st.Use(ctx, "T1", []string{"c", "missing"}, "post:p1"); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.Link(ctx, "T2", "b", "C9:9.0", t0); err != nil { // none there: nothing happens
			t.Fatal(err)
		}
		if err := st.Update(ctx, "T1", "b", "b2.jpg", "a dog"); err != nil {
			t.Fatal(err)
		}
		if err := st.Update(ctx, "T2", "b", "x", "y"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("update across workspaces: %v", err)
		}
		b, _ := st.Get(ctx, "T1", "b")
		if !reflect.DeepEqual(b.Conversations, []string{"C1:1.0"}) || b.Name != "b2.jpg" || b.Alt != "a dog" {
			t.Fatalf("b = %+v", b)
		}
		if c, _ := st.Get(ctx, "T1", "c"); !reflect.DeepEqual(c.UsedBy, []string{"post:p1"}) {
			t.Fatalf("c used by %v", c.UsedBy)
		}
		ids := func(rs []Record, err error) string {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, r := range rs {
				out = append(out, r.ID)
			}
			return strings.Join(out, ",")
		}
		if got := ids(st.List(ctx, "T1", Query{Limit: 10})); got != "d,c,b,a" {
			t.Fatalf("list = %s", got)
		}
		if got := ids(st.List(ctx, "T1", Query{Limit: 2, After: store.Cursor{CreatedAt: t0.Add(2 * time.Minute), ID: "c"}})); got != "b,a" {
			t.Fatalf("list after c = %s", got)
		}
		if got := ids(st.List(ctx, "T1", Query{Limit: 10, Conversation: "C1:1.0"})); got != "b" {
			t.Fatalf("list of the conversation = %s", got)
		}
		// A conversation lists its media last shared first: d, uploaded
		// after b, shared into it after b was; then b again, last.
		if err := st.Link(ctx, "T1", "d", "C1:1.0", t0.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if got := ids(st.List(ctx, "T1", Query{Limit: 10, Conversation: "C1:1.0"})); got != "d,b" {
			t.Fatalf("list of the conversation = %s, want d,b", got)
		}
		if got := ids(st.List(ctx, "T1", Query{Limit: 10, Conversation: "C1:1.0", After: store.Cursor{CreatedAt: t0.Add(2 * time.Hour), ID: "d"}})); got != "b" {
			t.Fatalf("the conversation's list after d = %s", got)
		}
		if err := st.Link(ctx, "T1", "b", "C1:1.0", t0.Add(3*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if got := ids(st.List(ctx, "T1", Query{Limit: 10, Conversation: "C1:1.0"})); got != "b,d" {
			t.Fatalf("list of the conversation after b is shared again = %s, want b,d", got)
		}
		if got := ids(st.List(ctx, "T1", Query{Limit: 10})); got != "d,c,b,a" {
			t.Fatalf("the workspace's list is by upload: %s", got)
		}
		if got := ids(st.List(ctx, "T1", Query{Limit: 10, Unused: true, CreatedBefore: t0.Add(2 * time.Minute)})); got != "b,a" {
			t.Fatalf("unused before = %s", got)
		}
		if got, err := st.UnusedWorkspaces(ctx, t0.Add(time.Second)); err != nil || !reflect.DeepEqual(got, []string{"T1", "T2"}) {
			t.Fatalf("unused workspaces = %v, %v", got, err)
		}
		if got, err := st.UnusedWorkspaces(ctx, t0); err != nil || len(got) != 0 {
			t.Fatalf("unused workspaces before anything = %#v, %v", got, err)
		}
		// Release takes one user off, in its workspace only; c, used by
		// nothing else then, is listed as unused.
		if err := st.Use(ctx, "T1", []string{"c", "d"}, "library:l1"); err != nil {
			t.Fatal(err)
		}
		for _, ws := range []string{"T2", "T1"} {
			if err := st.Release(ctx, ws, "post:p1", nil); err != nil {
				t.Fatal(err)
			}
		}
		if c, _ := st.Get(ctx, "T1", "c"); !reflect.DeepEqual(c.UsedBy, []string{"library:l1"}) {
			t.Fatalf("c used by %v after releasing post:p1", c.UsedBy)
		}
		// Released but for what it keeps: c stays used, d is free.
		if err := st.Release(ctx, "T1", "library:l1", []string{"c", "missing"}); err != nil {
			t.Fatal(err)
		}
		if got := ids(st.List(ctx, "T1", Query{Limit: 10, Unused: true})); got != "d,b,a" {
			t.Fatalf("unused after a release keeping c = %s", got)
		}
		if err := st.Release(ctx, "T1", "library:l1", []string{}); err != nil {
			t.Fatal(err)
		}
		if got := ids(st.List(ctx, "T1", Query{Limit: 10, Unused: true})); got != "d,c,b,a" {
			t.Fatalf("unused after release = %s", got)
		}
		if ok, err := st.Delete(ctx, "T2", "b"); ok || err != nil {
			t.Fatalf("deleted across workspaces: %v %v", ok, err)
		}
		if ok, err := st.Delete(ctx, "T1", "b"); !ok || err != nil {
			t.Fatalf("delete = %v %v", ok, err)
		}
		if got := ids(st.List(ctx, "T9", Query{Limit: 10})); got != "" {
			t.Fatalf("nobody's list = %s", got)
		}
	})
}

// newBlobs is the blob store that goes with db's backend.
func newBlobs(t testing.TB, db *store.DB) Blobs {
	if db.Backend == store.Mongo {
		return NewGridFS(db.Mongo)
	}
	return NewFiles(t.TempDir())
}

func TestBlobConformance(t *testing.T) {
	storetest.Run(t, []store.Schema{Schema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		bs := newBlobs(t, db)
		// Three GridFS chunks and a bit, so reads cross chunk boundaries.
		data := bytes.Repeat([]byte("0123456789abcdef"), 3*255*1024/16+100)
		w, err := bs.Write(ctx, "T1", bytes.NewReader(data), MaxBytes)
		if err != nil {
			t.Fatal(err)
		}
		if w.Bytes != int64(len(data)) || w.SHA256 != sha(data) {
			t.Fatalf("written = %+v", w)
		}
		if _, err := bs.Open(ctx, "T2", w.Key); !errors.Is(err, ErrNotFound) {
			t.Fatalf("another workspace opens it: %v", err)
		}
		b, err := bs.Open(ctx, "T1", w.Key)
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		if got, err := io.ReadAll(b); err != nil || !bytes.Equal(got, data) {
			t.Fatalf("read %d bytes, %v", len(got), err)
		}
		for _, off := range []int64{0, 255*1024 - 3, 2*255*1024 + 7, int64(len(data)) - 5} {
			if _, err := b.Seek(off, io.SeekStart); err != nil {
				t.Fatal(err)
			}
			buf := make([]byte, 10)
			n, err := io.ReadFull(b, buf)
			want := data[off:min(off+10, int64(len(data)))]
			if !bytes.Equal(buf[:n], want) || (err != nil && n != len(want)) {
				t.Fatalf("at %d read %q, %v; want %q", off, buf[:n], err, want)
			}
		}
		if end, err := b.Seek(0, io.SeekEnd); err != nil || end != int64(len(data)) {
			t.Fatalf("size = %d, %v", end, err)
		}
		if err := bs.Delete(ctx, "T2", w.Key); err != nil {
			t.Fatal(err)
		}
		if _, err := bs.Open(ctx, "T1", w.Key); err != nil {
			t.Fatalf("another workspace deleted it: %v", err)
		}
		if err := bs.Delete(ctx, "T1", w.Key); err != nil {
			t.Fatal(err)
		}
		if _, err := bs.Open(ctx, "T1", w.Key); !errors.Is(err, ErrNotFound) {
			t.Fatalf("deleted blob opens: %v", err)
		}
		if err := bs.Delete(ctx, "T1", w.Key); err != nil {
			t.Fatalf("second delete: %v", err)
		}
	})
}

func TestBlobTooLargeKeepsNothing(t *testing.T) {
	storetest.Run(t, []store.Schema{Schema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		bs := newBlobs(t, db)
		if _, err := bs.Write(ctx, "T1", bytes.NewReader(make([]byte, 300*1024)), 256*1024); !errors.Is(err, ErrTooLarge) {
			t.Fatalf("write past the limit: %v", err)
		}
		switch b := bs.(type) {
		case *Files:
			if left, _ := os.ReadDir(filepath.Join(b.dir, "T1")); len(left) != 0 {
				t.Fatalf("left behind: %v", left)
			}
		case *GridFS:
			for _, coll := range []string{"media.files", "media.chunks"} {
				if n, err := db.Mongo.Collection(coll).CountDocuments(ctx, bson.D{}); err != nil || n != 0 {
					t.Fatalf("%s holds %d, %v", coll, n, err)
				}
			}
		}
	})
}

// TestBlobPutConformance: a blob put under a name is read and deleted by
// that name, a second Put of the name replaces it, and another workspace
// neither reads nor deletes it; on files and GridFS.
func TestBlobPutConformance(t *testing.T) {
	storetest.Run(t, []store.Schema{Schema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		bs := newBlobs(t, db)
		read := func(ws, key string) (string, error) {
			t.Helper()
			b, err := bs.Open(ctx, ws, key)
			if err != nil {
				return "", err
			}
			defer b.Close()
			got, err := io.ReadAll(b)
			return string(got), err
		}
		orig, err := bs.Write(ctx, "T1", strings.NewReader("the original"), MaxBytes)
		if err != nil {
			t.Fatal(err)
		}
		name := orig.Key + "-thumb"
		for _, body := range []string{"first thumbnail", "second thumbnail"} {
			w, err := bs.Put(ctx, "T1", name, strings.NewReader(body), MaxBytes)
			if err != nil || w.Key != name || w.Bytes != int64(len(body)) || w.SHA256 != sha([]byte(body)) {
				t.Fatalf("put = %+v, %v", w, err)
			}
		}
		if got, err := read("T1", name); err != nil || got != "second thumbnail" {
			t.Fatalf("read %q, %v; want the second thumbnail", got, err)
		}
		if got, err := read("T1", orig.Key); err != nil || got != "the original" {
			t.Fatalf("the original reads %q, %v", got, err)
		}
		if _, err := read("T2", name); !errors.Is(err, ErrNotFound) {
			t.Fatalf("another workspace reads it: %v", err)
		}
		if _, err := bs.Put(ctx, "T1", "x", strings.NewReader(strings.Repeat("x", 100)), 10); !errors.Is(err, ErrTooLarge) {
			t.Fatalf("put past the limit: %v", err)
		}
		if _, err := read("T1", "x"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("a refused put is kept: %v", err)
		}
		if err := bs.Delete(ctx, "T2", name); err != nil {
			t.Fatal(err)
		}
		if err := bs.Delete(ctx, "T1", name); err != nil {
			t.Fatal(err)
		}
		if _, err := read("T1", name); !errors.Is(err, ErrNotFound) {
			t.Fatalf("deleted put blob opens: %v", err)
		}
		if got, err := read("T1", orig.Key); err != nil || got != "the original" {
			t.Fatalf("deleting the thumbnail took the original: %q, %v", got, err)
		}
		if db.Backend == store.Mongo { // both puts' files are gone, the original's stays
			if n, err := db.Mongo.Collection("media.files").CountDocuments(ctx, bson.D{}); err != nil || n != 1 {
				t.Fatalf("media.files holds %d, %v; want 1", n, err)
			}
		}
	})
}
