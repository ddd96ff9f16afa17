package publish

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/safehttp"
	"github.com/marketingminds/marketingminds/tools/media/check"
)

// mediaHost serves files at paths, as a media host does; put adds one.
type mediaHost struct {
	*httptest.Server
	mu    sync.Mutex
	files map[string][]byte
}

func newMediaHost(t *testing.T) *mediaHost {
	t.Helper()
	h := &mediaHost{files: map[string][]byte{}}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		b, ok := h.files[r.URL.Path]
		h.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(b)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *mediaHost) put(path string, b []byte) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.files[path] = b
	return h.URL + path
}

func encodeImage(t *testing.T, w, hgt int, asPNG bool) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, hgt))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	var b bytes.Buffer
	var err error
	if asPNG {
		err = png.Encode(&b, img)
	} else {
		err = jpeg.Encode(&b, img, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestMediaLimitsCheckedBeforeApproval (issue 21, point 4): the post's media
// are downloaded and checked against each target platform's documented
// limits when the post is made. A PNG for Instagram is refused with an offer
// to convert it; once converted (and swapped in) the post goes out. A 20 MB
// image for X is refused naming X's 5 MB limit. Nothing is stored or sent.
func TestMediaLimitsCheckedBeforeApproval(t *testing.T) {
	t.Parallel()
	host := newMediaHost(t)
	prober := check.URLProber{Fetcher: safehttp.New(safehttp.Options{AllowPrivate: true})}
	b := setup(t, func(c *Config) { c.Media = prober })

	pngURL := host.put("/launch.png", encodeImage(t, 1080, 1080, true))
	req := Request{Content: Content{Text: "Autumn blend is back", ImageURLs: []string{pngURL}}, AccountIDs: []string{"ig1"}}
	_, err := b.svc.Preflight(ctx, b.editor, req, time.Time{})
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != 1 {
		t.Fatalf("a PNG for Instagram: %v, want one problem", err)
	}
	p := ve.Problems[0]
	if p.Platform != platform.Instagram || p.Field != "image_urls" || p.AccountID != "ig1" ||
		p.Message != "the image is a PNG; Instagram takes only JPEG images: we can convert it to a JPEG for you" {
		t.Errorf("problem = %+v", p)
	}
	if p.Convert == nil || p.Convert.MediaURL != pngURL || p.Convert.Platform != platform.Instagram || p.Convert.Reframe {
		t.Fatalf("offer = %+v, want a conversion of %s for Instagram", p.Convert, pngURL)
	}
	if _, err := b.svc.PublishNow(ctx, b.editor, req); !errors.As(err, &ve) || b.ig.calls() != 0 {
		t.Fatalf("publishing the PNG anyway: %v, %d sent", err, b.ig.calls())
	}

	// The offer taken: converted for Instagram, swapped into the post, published.
	fetched, err := http.Get(p.Convert.MediaURL)
	if err != nil {
		t.Fatal(err)
	}
	defer fetched.Body.Close()
	out, info, err := check.Convert(ctx, fetched.Body, check.TargetFor(p.Convert.Platform, p.Convert.Reframe))
	if err != nil || info.ContentType != "image/jpeg" {
		t.Fatalf("convert: %+v, %v", info, err)
	}
	req.Content.ImageURLs = []string{host.put("/launch.jpg", out)}
	if _, err := b.svc.Preflight(ctx, b.editor, req, time.Time{}); err != nil {
		t.Fatalf("converted: %v", err)
	}
	if o, err := b.svc.PublishNow(ctx, b.editor, req); err != nil || len(o.Results) != 1 || o.Results[0].Status != StatusPublished {
		t.Fatalf("publish the converted post: %+v, %v", o, err)
	}

	// 20 MB for X: refused, naming the limit, with the offer to shrink it.
	huge := append(encodeImage(t, 64, 64, false), make([]byte, 20_400_000)...)
	xreq := Request{Content: Content{Text: "big", ImageURLs: []string{host.put("/huge.jpg", huge)}}, AccountIDs: []string{"x1"}}
	_, err = b.svc.Schedule(ctx, b.editor, xreq, t0.Add(time.Hour))
	if !errors.As(err, &ve) || len(ve.Problems) != 1 || !strings.Contains(ve.Problems[0].Message, "is 20.4 MB; X takes images up to 5 MB") || ve.Problems[0].Convert == nil {
		t.Fatalf("20 MB image for X: %v", err)
	}
	if b.x.calls() != 0 || len(b.jobs.specs) != 1 {
		t.Errorf("sent %d, jobs %d: only the converted Instagram post may have gone", b.x.calls(), len(b.jobs.specs))
	}

	// Bytes that are no media are refused on every platform, naming the item.
	html := host.put("/page.jpg", []byte("<!doctype html><p>not an image"))
	_, err = b.svc.PublishNow(ctx, b.editor, Request{Content: Content{Text: "x", ImageURLs: []string{html}}, AccountIDs: []string{"x1"}})
	if !errors.As(err, &ve) || !strings.HasPrefix(ve.Problems[0].Message, "image 1 is not an image or a video we can read") {
		t.Fatalf("HTML behind a .jpg: %v", err)
	}
}
