package check

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/marketingminds/marketingminds/integrations/safehttp"
)

// Fetcher downloads a URL people gave (*safehttp.Client: public addresses
// only, bounded in size and time).
type Fetcher interface {
	Fetch(ctx context.Context, rawURL string) (safehttp.Media, error)
}

// Prober reads what a post's media really are, the way the platforms will:
// linked media by downloading them, uploaded media from the media store.
// The publishing checks call it before approval.
type Prober struct {
	Fetcher Fetcher
	// Open reads an uploaded media's bytes from the media store
	// (tools/media.Service.Open, through the wiring); nil: uploaded media
	// are not inspected.
	Open func(ctx context.Context, workspaceID, id string) (io.ReadSeekCloser, error)
}

// Inspect downloads rawURL and probes its bytes. A download that fails is
// returned as the fetcher's error (*safehttp.FetchError); bytes that are no
// image or video we read give ErrUnknownFormat.
func (p Prober) Inspect(ctx context.Context, workspaceID, rawURL string) (Info, error) {
	m, err := p.Fetcher.Fetch(ctx, rawURL)
	if err != nil {
		return Info{}, fmt.Errorf("check: inspect media for %s: %w", workspaceID, err)
	}
	return Probe(bytes.NewReader(m.Data))
}

// InspectUploaded probes the bytes of the workspace's uploaded media id
// (a seekable file: only the headers an image or a video needs are read).
func (p Prober) InspectUploaded(ctx context.Context, workspaceID, id string) (Info, error) {
	if p.Open == nil {
		return Info{}, fmt.Errorf("check: inspect uploaded media %s: no media store", id)
	}
	f, err := p.Open(ctx, workspaceID, id)
	if err != nil {
		return Info{}, fmt.Errorf("check: inspect uploaded media %s: %w", id, err)
	}
	defer f.Close()
	return Probe(f)
}
