package main

import (
	"bytes"
	"context"
	"github.com/marketingminds/marketingminds/integrations/sandbox/testmedia"
	"image"
	_ "image/jpeg" // decodes the thumbnails Slack would fetch
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/bot/httpapi"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/media"
)

// TestSlackApprovalThumbs: the images of a Slack approval card are the
// media's thumbnails (a video's poster card too) at signed thumbnail URLs
// Slack can fetch, each at most media.ThumbSize, with the stored alt text
// or, without one, what the media is; a media deleted since is left out.
func TestSlackApprovalThumbs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite, media.Schema)
	srv := httptest.NewUnstartedServer(nil)
	srv.Start()
	t.Cleanup(srv.Close)
	blobs := media.NewFiles(t.TempDir())
	svc, err := media.New(media.Config{Store: media.NewStore(db), Blobs: blobs, SigningKey: bytes.Repeat([]byte{9}, 32),
		PublicURL: srv.URL, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = httpapi.New(httpapi.Deps{Log: zerolog.Nop(), Media: svc}).Handler()
	editor := identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Editor, Door: identity.DoorSlack}
	big, err := svc.Upload(ctx, editor, media.Upload{Name: "launch.jpg", Alt: "A tent at dawn", Source: media.SourceSlack, Body: bytes.NewReader(testmedia.Photo(t, 1080, 1350, 0))})
	if err != nil {
		t.Fatal(err)
	}
	w, err := blobs.Write(ctx, "T1", strings.NewReader("a video's bytes: never decoded"), media.MaxBytes)
	if err != nil {
		t.Fatal(err)
	}
	clip := media.Record{BlobKey: w.Key, Media: media.Media{ID: "clip1", WorkspaceID: "T1", UploadedBy: "U1", Name: "teaser.mp4", ContentType: "video/mp4",
		SHA256: w.SHA256, Source: media.SourceSlack, Bytes: w.Bytes, Width: 1080, Height: 1920, Duration: 32 * time.Second, CreatedAt: time.Now().UTC().Truncate(time.Millisecond)}}
	if err := media.NewStore(db).Insert(ctx, clip); err != nil {
		t.Fatal(err)
	}

	got := slackApprovals{a: &app{media: svc}}.thumbs(ctx, editor, []string{big.ID, "deleted-since", "clip1"})
	if len(got) != 2 || got[0].Alt != "A tent at dawn" || got[1].Alt != "teaser.mp4, video 3 of 3" {
		t.Fatalf("thumbs = %+v", got)
	}
	for i, want := range []image.Point{{384, 480}, {270, 480}} {
		if !strings.HasPrefix(got[i].URL, srv.URL+"/media/thumb/") {
			t.Fatalf("thumb %d at %s, not a signed thumbnail URL", i, got[i].URL)
		}
		resp, err := http.Get(got[i].URL)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		cfg, format, err := image.DecodeConfig(bytes.NewReader(body))
		if resp.StatusCode != 200 || err != nil || format != "jpeg" || (image.Point{cfg.Width, cfg.Height}) != want {
			t.Fatalf("thumb %d = %d, a %s of %d×%d (%v); want a %v JPEG", i, resp.StatusCode, format, cfg.Width, cfg.Height, err, want)
		}
	}
}
