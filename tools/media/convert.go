package media

import (
	"context"
	"io"

	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/media/check"
)

// Save keeps a converted file (tools/media/check.Service's store) and gives
// its signed URL, the preview and what a post carries instead of the original.
func (s *Service) Save(ctx context.Context, c identity.Caller, name string, body io.Reader) (check.Stored, error) {
	m, err := s.Upload(ctx, c, Upload{Name: name, Source: SourceAPI, Body: body})
	if err != nil {
		return check.Stored{}, err
	}
	return check.Stored{ID: m.ID, URL: s.URL(c.WorkspaceID, m.ID, DefaultTTL)}, nil
}

// OpenMedia reads an uploaded file's bytes for the media checks
// (check.Prober.Open); the workspace comes from a trusted caller.
func (s *Service) OpenMedia(ctx context.Context, workspaceID, id string) (io.ReadSeekCloser, error) {
	b, _, err := s.Open(ctx, workspaceID, id)
	return b, err
}
