package media

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
)

// Written is a blob just stored.
type Written struct {
	// Key names the blob in its store.
	Key    string
	SHA256 string
	Bytes  int64
}

// Blobs holds media bytes: files under the data directory (SQLite) or a
// GridFS bucket (MongoDB).
type Blobs interface {
	// Write streams r into a new blob of workspaceID while hashing it, at
	// most limit bytes (ErrTooLarge beyond, nothing kept); it is durable
	// when Write returns.
	Write(ctx context.Context, workspaceID string, r io.Reader, limit int64) (Written, error)
	// Put stores r as workspaceID's blob called name (a file made from
	// another blob, named after its key: a thumbnail), at most limit bytes,
	// in place of any blob of that name; concurrent Puts of one name leave
	// one whole blob. Open and Delete take name as the key.
	Put(ctx context.Context, workspaceID, name string, r io.Reader, limit int64) (Written, error)
	// Open reads workspaceID's blob key.
	Open(ctx context.Context, workspaceID, key string) (Blob, error)
	// Delete removes workspaceID's blob key; a missing one is no error.
	Delete(ctx context.Context, workspaceID, key string) error
}

// limited reads r up to max bytes and fails with ErrTooLarge past it,
// hashing what it reads.
type limited struct {
	r    io.Reader
	n    int64
	max  int64
	hash interface {
		io.Writer
		Sum([]byte) []byte
	}
}

func newLimited(r io.Reader, limit int64) *limited {
	return &limited{r: r, max: limit, hash: sha256.New()}
}

func (l *limited) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	l.n += int64(n)
	_, _ = l.hash.Write(p[:n]) // a hash never fails
	if l.n > l.max {
		return n, ErrTooLarge
	}
	return n, err
}

func (l *limited) sum() string { return hex.EncodeToString(l.hash.Sum(nil)) }

// Files keeps blobs as files: <dir>/<workspace>/<sha256>, identical bytes
// of one workspace in one file.
type Files struct{ dir string }

// NewFiles returns the file blob store under dir (MM_DATA_DIR/media).
func NewFiles(dir string) *Files { return &Files{dir: dir} }

// safeName is what a workspace id or a key may be to name a path.
var safeName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)

func (f *Files) path(workspaceID, key string) (string, error) {
	if !safeName.MatchString(workspaceID) || !safeName.MatchString(key) {
		return "", fmt.Errorf("%w: blob %q of %q", ErrNotFound, key, workspaceID)
	}
	return filepath.Join(f.dir, workspaceID, key), nil
}

// Write writes r to a temporary file in the workspace's directory, syncs
// it, and renames it to its SHA-256.
func (f *Files) Write(ctx context.Context, workspaceID string, r io.Reader, limit int64) (Written, error) {
	return f.write(ctx, workspaceID, "", r, limit)
}

// Put writes r to a temporary file and renames it to name, replacing any
// file of that name at once.
func (f *Files) Put(ctx context.Context, workspaceID, name string, r io.Reader, limit int64) (Written, error) {
	if _, err := f.path(workspaceID, name); err != nil {
		return Written{}, err
	}
	return f.write(ctx, workspaceID, name, r, limit)
}

// write streams r into the workspace's directory under name, or under its
// SHA-256 when name is "".
func (f *Files) write(ctx context.Context, workspaceID, name string, r io.Reader, limit int64) (Written, error) {
	dir, err := f.path(workspaceID, "tmp")
	if err != nil {
		return Written{}, err
	}
	dir = filepath.Dir(dir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Written{}, fmt.Errorf("media: blob dir: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".upload-*")
	if err != nil {
		return Written{}, fmt.Errorf("media: blob: %w", err)
	}
	defer func() { _ = os.Remove(tmp.Name()) }() // after the rename, nothing is there
	src := newLimited(ctxReader{ctx: ctx, r: r}, limit)
	_, err = io.Copy(tmp, src)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return Written{}, fmt.Errorf("media: write blob: %w", err)
	}
	w := Written{Key: name, SHA256: src.sum(), Bytes: src.n}
	if w.Key == "" {
		w.Key = w.SHA256
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, w.Key)); err != nil {
		return Written{}, fmt.Errorf("media: write blob: %w", err)
	}
	return w, syncDir(dir)
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("media: sync %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("media: sync %s: %w", dir, err)
	}
	return nil
}

// Open opens the blob's file.
func (f *Files) Open(_ context.Context, workspaceID, key string) (Blob, error) {
	p, err := f.path(workspaceID, key)
	if err != nil {
		return nil, err
	}
	file, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: blob %s", ErrNotFound, key)
	}
	if err != nil {
		return nil, fmt.Errorf("media: open blob: %w", err)
	}
	return file, nil
}

// Delete removes the blob's file.
func (f *Files) Delete(_ context.Context, workspaceID, key string) error {
	p, err := f.path(workspaceID, key)
	if err != nil {
		return nil
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("media: delete blob: %w", err)
	}
	return nil
}

// ctxReader stops reading when ctx is done: an upload abandoned by its
// client stops writing.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
