package check_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/marketingminds/marketingminds/integrations/sandbox/testmedia"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/safehttp"
	"github.com/marketingminds/marketingminds/tools/fault"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/media/check"
)

// host is a media host and a media store in one: Save keeps a file and
// serves it back at its URL, as the media store's signed URLs do.
type host struct {
	srv   *httptest.Server
	mu    sync.Mutex
	files map[string][]byte
	saved []string // workspace/name of each Save
}

func newHost(t *testing.T) *host {
	h := &host{files: map[string][]byte{}}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		b, ok := h.files[r.URL.Path]
		h.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(b)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *host) put(path string, b []byte) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.files[path] = b
	return h.srv.URL + path
}

func (h *host) Save(_ context.Context, c identity.Caller, name string, body io.Reader) (check.Stored, error) {
	b, err := io.ReadAll(body)
	if err != nil {
		return check.Stored{}, err
	}
	h.mu.Lock()
	h.saved = append(h.saved, c.WorkspaceID+"/"+name)
	id := fmt.Sprintf("m%d", len(h.saved))
	h.mu.Unlock()
	return check.Stored{ID: id, URL: h.put("/media/"+id, b)}, nil
}

// open reads a saved file as the media store does for uploaded media.
func (h *host) open(_ context.Context, _, id string) (io.ReadSeekCloser, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	b, ok := h.files["/media/"+id]
	if !ok {
		return nil, errors.New("no such media")
	}
	return nopCloser{bytes.NewReader(b)}, nil
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

func TestConvertMedia(t *testing.T) {
	t.Parallel()
	h := newHost(t)
	svc := check.NewService(check.Prober{Fetcher: safehttp.New(safehttp.Options{AllowPrivate: true}), Open: h.open}, h)
	editor := identity.Caller{WorkspaceID: "W1", UserID: "U1", Role: identity.Editor}
	ctx := context.Background()

	src := h.put("/launch.png", pngBytes(t, 400, 800))
	got, err := svc.ConvertMedia(ctx, editor, check.ConvertRequest{MediaURL: src, Platform: platform.Instagram, Reframe: true})
	if err != nil {
		t.Fatal(err)
	}
	if got.Before.Container != "png" || got.After.Container != "jpeg" || got.After.Width*5 != got.After.Height*4 || !got.Review || len(got.Remaining) > 0 {
		t.Errorf("converted = %+v", got)
	}
	if len(h.saved) != 1 || h.saved[0] != "W1/converted-for-instagram.jpg" {
		t.Errorf("saved %v", h.saved)
	}
	// The stored file is what the signed URL serves: a JPEG that fits.
	resp, err := http.Get(got.Media.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	info, err := check.Probe(bytes.NewReader(b))
	if err != nil || len(check.Check(platform.Instagram, []check.Info{info})) > 0 {
		t.Errorf("stored %+v, %v", info, err)
	}

	// Without reframing, the aspect problem stays and is said.
	got, err = svc.ConvertMedia(ctx, editor, check.ConvertRequest{MediaURL: src, Platform: platform.Instagram})
	if err != nil || len(got.Remaining) != 1 || got.Remaining[0].Fix != check.FixReframe {
		t.Errorf("not reframed: %+v, %v", got.Remaining, err)
	}

	// Uploaded media are read from the store: the converted one again, for X.
	again, err := svc.ConvertMedia(ctx, editor, check.ConvertRequest{MediaID: got.Media.ID, Platform: platform.Twitter})
	if err != nil || again.Before.Container != "jpeg" || len(again.Remaining) > 0 {
		t.Errorf("uploaded media: %+v, %v", again, err)
	}

	viewer := editor
	viewer.Role = identity.Viewer
	if _, err := svc.ConvertMedia(ctx, viewer, check.ConvertRequest{MediaURL: src, Platform: platform.Twitter}); !errors.Is(err, identity.ErrForbidden) {
		t.Errorf("viewer: %v", err)
	}
	video := h.put("/clip.mp4", testmedia.MP4(t, testmedia.Video{Brand: "isom", Codec: "hvc1", Width: 640, Height: 360, Seconds: 5}))
	for name, r := range map[string]check.ConvertRequest{
		"a video":          {MediaURL: video, Platform: platform.Twitter},
		"an HTML page":     {MediaURL: h.put("/page.jpg", []byte("<html>")), Platform: platform.Twitter},
		"no such platform": {MediaURL: src, Platform: "myspace"},
		"no media named":   {Platform: platform.Twitter},
		"both named":       {MediaURL: src, MediaID: "m1", Platform: platform.Twitter},
	} {
		_, err := svc.ConvertMedia(ctx, editor, r)
		if !errors.Is(err, check.ErrNotConvertible) || fault.Of(err, t0()).Kind != fault.Validation || fault.Of(err, t0()).Message == "" {
			t.Errorf("%s: %v (%+v)", name, err, fault.Of(err, t0()))
		}
	}
	if len(h.saved) != 3 {
		t.Errorf("refusals stored files: %v", h.saved)
	}
}

func t0() time.Time { return time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC) }
