package linkedin_test

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"testing"

	"github.com/marketingminds/marketingminds/integrations/linkedin"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/safehttp"
)

// noSuchHost answers every lookup as a DNS server does for a name that
// does not exist.
type noSuchHost struct{}

func (noSuchHost) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

// TestLinkedInMediaHostThatDoesNotResolveIsPermanent (issue 20, point 4): a
// media URL whose host does not exist fails the post for good, as on X,
// instead of being retried as a network hiccup; nothing is registered.
func TestLinkedInMediaHostThatDoesNotResolveIsPermanent(t *testing.T) {
	t.Parallel()
	b := setup(t, linkedin.Config{})
	c := linkedin.NewClient(b.sb.Client, platform.Hosts{Sandbox: b.sb.URL}, linkedin.Config{ClientID: "li-client"},
		safehttp.New(safehttp.Options{Resolver: noSuchHost{}}))
	for _, p := range []platform.Post{
		{Text: "image", ImageURLs: []string{"https://media.gone.example/a.jpg"}},
		{Text: "video", VideoURL: "https://media.gone.example/a.mp4"},
	} {
		_, err := c.Publish(context.Background(), b.coffee, p)
		wantKind(t, err, platform.KindPermanent, "")
	}
	if n := b.sb.Calls(http.MethodPost, "/api.linkedin.com/rest/"); n != 0 {
		t.Errorf("%d LinkedIn calls for media that could not be fetched", n)
	}
}
