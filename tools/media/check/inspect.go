package check

import (
	"bytes"
	"context"
	"fmt"

	"github.com/marketingminds/marketingminds/integrations/safehttp"
)

// Fetcher downloads a URL people gave (*safehttp.Client: public addresses
// only, bounded in size and time).
type Fetcher interface {
	Fetch(ctx context.Context, rawURL string) (safehttp.Media, error)
}

// URLProber reads what the media at a URL really is by downloading it, the
// way the platforms will; the publishing checks call it before approval.
type URLProber struct {
	Fetcher Fetcher
}

// Inspect downloads rawURL and probes its bytes. A download that fails is
// returned as the fetcher's error (*safehttp.FetchError); bytes that are no
// image or video we read give ErrUnknownFormat.
func (p URLProber) Inspect(ctx context.Context, workspaceID, rawURL string) (Info, error) {
	m, err := p.Fetcher.Fetch(ctx, rawURL)
	if err != nil {
		return Info{}, fmt.Errorf("check: inspect media for %s: %w", workspaceID, err)
	}
	return Probe(bytes.NewReader(m.Data))
}
