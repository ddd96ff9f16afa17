package main

import (
	"context"
	"errors"
	"path/filepath"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/integrations/oauth"
	"github.com/marketingminds/marketingminds/integrations/safehttp"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/tools/media"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// newMedia wires tools/media: blobs as files under MM_DATA_DIR/media with
// SQLite, in GridFS with MongoDB (every replica serves every file); URLs
// signed with a key derived from the encryption key. A media that a post
// still waiting to be published, or an approval request still waiting for
// a person, uses cannot be deleted.
func newMedia(cfg config, db *store.DB, ring oauth.Keyring, log zerolog.Logger) (*media.Service, error) {
	var blobs media.Blobs = media.NewFiles(filepath.Join(dataDir(cfg), "media"))
	if db.Backend == store.Mongo {
		blobs = media.NewGridFS(db.Mongo)
	}
	key, err := media.SigningKey(ring.Current[:])
	if err != nil {
		return nil, err
	}
	posts, approvals := publish.NewStore(db), agents.NewStore(db)
	return media.New(media.Config{Store: media.NewStore(db), Blobs: blobs, SigningKey: key, PublicURL: cfg.PublicURL, Log: log,
		ApprovalState: func(ctx context.Context, workspaceID, id string) (bool, error) {
			a, err := approvals.GetApproval(ctx, workspaceID, id)
			if errors.Is(err, agents.ErrNotFound) {
				return false, nil
			}
			if err != nil {
				return false, err
			}
			switch a.Status {
			case agents.ApprovalAsking, agents.ApprovalPending, agents.ApprovalRunning:
				return true, nil
			}
			return false, nil
		},
		PostState: func(ctx context.Context, workspaceID, postID string) (bool, error) {
			p, err := posts.GetPost(ctx, workspaceID, postID)
			if errors.Is(err, publish.ErrNotFound) {
				return false, nil
			}
			if err != nil {
				return false, err
			}
			for _, d := range p.Targets {
				if !d.Status.Settled() {
					return true, nil
				}
			}
			return false, nil
		}})
}

func dataDir(cfg config) string {
	if cfg.DataDir == "" {
		return "data"
	}
	return cfg.DataDir
}

// localMedia lets the adapters that upload bytes (X, LinkedIn) read our
// own signed URLs from the media store, with no HTTP request to ourselves.
func localMedia(m *media.Service, limit int64) func(ctx context.Context, rawURL string) (safehttp.Media, bool, error) {
	return func(ctx context.Context, rawURL string) (safehttp.Media, bool, error) {
		data, ct, ok, err := m.ReadURL(ctx, rawURL, limit)
		return safehttp.Media{Data: data, ContentType: ct}, ok, err
	}
}
