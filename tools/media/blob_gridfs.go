package media

import (
	"context"
	"errors"
	"fmt"
	"io"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/marketingminds/marketingminds/integrations/store"
)

// bucket is the GridFS bucket's name: collections media.files and media.chunks.
const bucket = "media"

// GridFS keeps blobs in a GridFS bucket, so every replica serves every file.
// Uploads go through the driver's upload stream; reads go straight to the
// chunks collection, so that a seek (an HTTP range request into a video)
// starts at the chunk holding the offset rather than reading up to it.
type GridFS struct {
	db     *mongo.Database
	bucket *mongo.GridFSBucket
}

// NewGridFS returns the GridFS blob store of db.
func NewGridFS(db *mongo.Database) *GridFS {
	return &GridFS{db: db, bucket: db.GridFSBucket(options.GridFSBucket().SetName(bucket))}
}

// fileDoc is a GridFS files document, as far as reading needs it.
type fileDoc struct {
	ID        string `bson:"_id"`
	Length    int64  `bson:"length"`
	ChunkSize int64  `bson:"chunkSize"`
}

// Write streams r into the bucket under a new id, which is its key.
func (g *GridFS) Write(ctx context.Context, workspaceID string, r io.Reader, limit int64) (Written, error) {
	key := store.NewID()
	return g.upload(ctx, workspaceID, key, key, r, limit)
}

// Put streams r into the bucket under a new id and the file name
// <workspace>/<name>; Open reads the newest file of a name, so a Put
// racing another (two replicas making one thumbnail) never mixes their
// chunks, and Delete removes them all.
func (g *GridFS) Put(ctx context.Context, workspaceID, name string, r io.Reader, limit int64) (Written, error) {
	w, err := g.upload(ctx, workspaceID, store.NewID(), name, r, limit)
	w.Key = name
	return w, err
}

// upload writes r as the file id named <workspace>/<key>: Open and Delete
// find blobs by that name (a written blob's key is its id).
func (g *GridFS) upload(ctx context.Context, workspaceID, id, key string, r io.Reader, limit int64) (Written, error) {
	up, err := g.bucket.OpenUploadStreamWithID(ctx, id, workspaceID+"/"+key,
		options.GridFSUpload().SetMetadata(bson.D{{Key: "workspace_id", Value: workspaceID}}))
	if err != nil {
		return Written{}, fmt.Errorf("media: gridfs upload: %w", err)
	}
	src := newLimited(ctxReader{ctx: ctx, r: r}, limit)
	if _, err := io.Copy(up, src); err != nil {
		_ = up.Abort() // removes the chunks written so far
		return Written{}, fmt.Errorf("media: gridfs upload: %w", err)
	}
	if err := up.Close(); err != nil {
		return Written{}, fmt.Errorf("media: gridfs upload: %w", err)
	}
	return Written{Key: key, SHA256: src.sum(), Bytes: src.n}, nil
}

// named is the filter of workspaceID's files called key (the index on
// filename and uploadDate serves it).
func named(workspaceID, key string) bson.D {
	return bson.D{{Key: "filename", Value: workspaceID + "/" + key}, {Key: "metadata.workspace_id", Value: workspaceID}}
}

// file is the newest file called key.
func (g *GridFS) file(ctx context.Context, workspaceID, key string) (fileDoc, error) {
	var f fileDoc
	err := g.bucket.GetFilesCollection().FindOne(ctx, named(workspaceID, key),
		options.FindOne().SetSort(bson.D{{Key: "uploadDate", Value: -1}})).Decode(&f)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return fileDoc{}, fmt.Errorf("%w: blob %s", ErrNotFound, key)
	}
	if err != nil {
		return fileDoc{}, fmt.Errorf("media: gridfs open: %w", err)
	}
	return f, nil
}

// Open returns a seekable reader over the blob's chunks.
func (g *GridFS) Open(ctx context.Context, workspaceID, key string) (Blob, error) {
	f, err := g.file(ctx, workspaceID, key)
	if err != nil {
		return nil, err
	}
	if f.Length > 0 && f.ChunkSize <= 0 {
		return nil, fmt.Errorf("media: gridfs blob %s has no chunk size", key)
	}
	return &chunkReader{ctx: ctx, chunks: g.bucket.GetChunksCollection(), key: f.ID, file: f}, nil
}

// Delete removes every file called key, with its chunks.
func (g *GridFS) Delete(ctx context.Context, workspaceID, key string) error {
	cur, err := g.bucket.GetFilesCollection().Find(ctx, named(workspaceID, key), options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return fmt.Errorf("media: gridfs delete: %w", err)
	}
	var files []fileDoc
	if err := cur.All(ctx, &files); err != nil {
		return fmt.Errorf("media: gridfs delete: %w", err)
	}
	for _, f := range files {
		if err := g.bucket.Delete(ctx, f.ID); err != nil && !errors.Is(err, mongo.ErrFileNotFound) {
			return fmt.Errorf("media: gridfs delete: %w", err)
		}
	}
	return nil
}

// chunkReader reads a GridFS file chunk by chunk from a cursor that starts
// at the chunk of the current offset; a seek elsewhere starts a new cursor.
type chunkReader struct {
	ctx    context.Context
	chunks *mongo.Collection
	key    string
	file   fileDoc

	off  int64         // the reading position
	cur  *mongo.Cursor // yields chunks from next on
	next int64         // the chunk number cur yields next
	buf  []byte        // the chunk bufN, when buf != nil
	bufN int64
}

type chunkDoc struct {
	N    int64  `bson:"n"`
	Data []byte `bson:"data"`
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if c.off >= c.file.Length {
		return 0, io.EOF
	}
	n := c.off / c.file.ChunkSize
	if c.buf == nil || c.bufN != n {
		if err := c.load(n); err != nil {
			return 0, err
		}
	}
	start := c.off - n*c.file.ChunkSize
	if start >= int64(len(c.buf)) {
		return 0, fmt.Errorf("media: gridfs blob %s: chunk %d is short", c.key, n)
	}
	k := copy(p, c.buf[start:])
	c.off += int64(k)
	return k, nil
}

// load makes chunk n the buffer, from the open cursor when it is next.
func (c *chunkReader) load(n int64) error {
	if c.cur == nil || c.next != n {
		c.closeCursor()
		cur, err := c.chunks.Find(c.ctx, bson.D{{Key: "files_id", Value: c.key}, {Key: "n", Value: bson.D{{Key: "$gte", Value: n}}}},
			options.Find().SetSort(bson.D{{Key: "n", Value: 1}}))
		if err != nil {
			return fmt.Errorf("media: gridfs read %s: %w", c.key, err)
		}
		c.cur, c.next = cur, n
	}
	if !c.cur.Next(c.ctx) {
		if err := c.cur.Err(); err != nil {
			return fmt.Errorf("media: gridfs read %s: %w", c.key, err)
		}
		return fmt.Errorf("media: gridfs blob %s: chunk %d is missing", c.key, n)
	}
	var d chunkDoc
	if err := c.cur.Decode(&d); err != nil {
		return fmt.Errorf("media: gridfs read %s: %w", c.key, err)
	}
	if d.N != n {
		return fmt.Errorf("media: gridfs blob %s: chunk %d is missing", c.key, n)
	}
	c.buf, c.bufN, c.next = d.Data, n, n+1
	return nil
}

func (c *chunkReader) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekCurrent:
		offset += c.off
	case io.SeekEnd:
		offset += c.file.Length
	}
	if offset < 0 {
		return 0, errors.New("media: seek before the start")
	}
	c.off = offset
	return offset, nil
}

func (c *chunkReader) closeCursor() {
	if c.cur != nil {
		_ = c.cur.Close(context.WithoutCancel(c.ctx))
		c.cur = nil
	}
}

// Close ends the read.
func (c *chunkReader) Close() error {
	c.closeCursor()
	return nil
}
