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
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/media"
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
	prober := check.Prober{Fetcher: safehttp.New(safehttp.Options{AllowPrivate: true})}
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

// TestUploadedMediaLimitsCheckedBeforeApproval: media_ids are read from the
// media store and checked like linked media; the offer names the media id.
func TestUploadedMediaLimitsCheckedBeforeApproval(t *testing.T) {
	t.Parallel()
	mdb := storetest.Open(t, store.SQLite, media.Schema)
	lib, err := media.New(media.Config{Store: media.NewStore(mdb), Blobs: media.NewFiles(t.TempDir()), SigningKey: bytes.Repeat([]byte("k"), 32), PublicURL: "http://mm.example"})
	if err != nil {
		t.Fatal(err)
	}
	b := setup(t, func(c *Config) {
		c.Uploaded = lib
		c.Media = check.Prober{Fetcher: safehttp.New(safehttp.Options{AllowPrivate: true}), Open: lib.OpenMedia}
	})
	up, err := lib.Upload(ctx, b.editor, media.Upload{Name: "launch.png", Source: media.SourceAPI, Body: bytes.NewReader(encodeImage(t, 1000, 2000, true))})
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.svc.Preflight(ctx, b.editor, Request{Content: Content{Text: "hi", MediaIDs: []string{up.ID}}, AccountIDs: []string{"ig1"}}, time.Time{})
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != 2 {
		t.Fatalf("an uploaded 1:2 PNG for Instagram: %v, want two problems", err)
	}
	want := []string{
		"the image is a PNG; Instagram takes only JPEG images: we can convert it to a JPEG for you",
		"the image is a tall 1:2 frame (1000 × 2000); Instagram takes images from 4:5 to 1.91:1: we can add borders to fit it; look at the preview before you accept it",
	}
	for i, p := range ve.Problems {
		if p.Message != want[i] || p.Field != "media_ids" || p.Convert == nil || p.Convert.MediaID != up.ID || p.Convert.MediaURL != "" || p.Convert.Reframe != (i == 1) {
			t.Errorf("problem %d = %+v (offer %+v)", i, p, p.Convert)
		}
	}
}

// TestMediaLimitsCheckedOnEdit: media changed on a scheduled post, or an
// account added to it, are checked for every target's platform; nothing
// changes when they break a limit.
func TestMediaLimitsCheckedOnEdit(t *testing.T) {
	t.Parallel()
	host := newMediaHost(t)
	b := setup(t, func(c *Config) { c.Media = check.Prober{Fetcher: safehttp.New(safehttp.Options{AllowPrivate: true})} })
	jpegURL := host.put("/ok.jpg", encodeImage(t, 1080, 1080, false))
	pngURL := host.put("/logo.png", encodeImage(t, 1080, 1080, true))
	s, err := b.svc.Schedule(ctx, b.editor, Request{Content: Content{Text: "launch", ImageURLs: []string{jpegURL}}, AccountIDs: []string{"ig1"}}, t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	var ve *ValidationError
	_, err = b.svc.Update(ctx, b.editor, s.PostID, Patch{ImageURLs: &[]string{pngURL}})
	if !errors.As(err, &ve) || len(ve.Problems) != 1 || ve.Problems[0].AccountID != "ig1" || ve.Problems[0].Convert == nil || ve.Problems[0].Convert.MediaURL != pngURL {
		t.Fatalf("a PNG edited into an Instagram post: %v", err)
	}
	// An account added is checked on the media already there: X takes the
	// PNG, Instagram does not.
	onX, err := b.svc.Schedule(ctx, b.editor, Request{Content: Content{Text: "logo", ImageURLs: []string{pngURL}}, AccountIDs: []string{"x1"}}, t0.Add(time.Hour))
	if err != nil {
		t.Fatalf("a PNG for X: %v", err)
	}
	_, err = b.svc.Update(ctx, b.editor, onX.PostID, Patch{AccountIDs: &[]string{"x1", "ig1"}})
	if !errors.As(err, &ve) || len(ve.Problems) != 1 || ve.Problems[0].AccountID != "ig1" || ve.Problems[0].Convert == nil {
		t.Fatalf("Instagram added to a PNG post: %v", err)
	}
	p, err := b.svc.Get(ctx, b.editor, s.PostID)
	if err != nil || len(p.Content.ImageURLs) != 1 || p.Content.ImageURLs[0] != jpegURL {
		t.Fatalf("the refused edit changed the post: %+v, %v", p.Content, err)
	}
}
