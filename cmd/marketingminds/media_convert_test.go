package main

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/marketingminds/marketingminds/integrations/sandbox/testmedia"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/bot/httpapi"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/integrations/sandbox/sandboxtest"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/schedule"
)

// TestConvertOfferedThenPublished is issue 21's "a PNG for Instagram is
// offered a conversion; a 20 MB image for X is refused or converted before
// approval with the limit named", over REST and the sandbox (which fetches
// Instagram's media and checks its bytes as Meta does): the PNG post is
// refused with a convert offer, the offer taken (POST /api/media/convert),
// and the post with the converted media published.
func TestConvertOfferedThenPublished(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sb := sandboxtest.Start(t, sandbox.Options{MediaClient: &http.Client{}})
	srv := httptest.NewUnstartedServer(nil)
	srv.Start()
	t.Cleanup(srv.Close)
	env := map[string]string{"MM_DATA_DIR": t.TempDir(), "MM_SANDBOX_URL": sb.URL}
	cfg, err := loadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	cfg.PublicURL = srv.URL
	db, err := openStore(ctx, cfg, zerolog.Nop(), nil, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close(ctx) })
	a, err := newApp(cfg, db, zerolog.Nop(), sb.URL, schedule.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = httpapi.New(a.httpDeps(zerolog.Nop(), prometheus.NewRegistry())).Handler()
	editor := identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Editor, Door: identity.DoorAPI}
	ids := map[platform.Name]string{}
	for _, p := range []platform.Name{platform.Instagram, platform.Twitter} {
		ids[p] = connectInSandbox(t, ctx, a, editor, p)[0].ID
	}
	tok, err := a.identity.CreateToken(ctx, "T1", "U1", identity.Editor, "")
	if err != nil {
		t.Fatal(err)
	}
	upload := func(name string, b []byte) string {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("file", name)
		_, _ = fw.Write(b)
		_ = mw.Close()
		var up struct{ Media []struct{ ID string } }
		if code := apiCall(t, "POST", srv.URL+"/api/media", tok.Token, mw.FormDataContentType(), body.Bytes(), &up); code != 201 || len(up.Media) != 1 {
			t.Fatalf("upload %s = %d %+v", name, code, up)
		}
		return up.Media[0].ID
	}
	type answer struct {
		Problems []struct {
			Message string
			Convert *struct {
				MediaID  string `json:"media_id"`
				Platform string
				Reframe  bool
			}
		}
		Results []struct{ Platform, Status, Error string }
	}
	post := func(account, mediaID string, out *answer) int {
		body, _ := json.Marshal(map[string]any{"account_ids": []string{account}, "content": map[string]any{"text": "Fresh roast today", "media_ids": []string{mediaID}}})
		return apiCall(t, "POST", srv.URL+"/api/social/post/multiple", tok.Token, "application/json", body, out)
	}

	var pngFile bytes.Buffer
	if err := png.Encode(&pngFile, image.NewRGBA(image.Rect(0, 0, 1080, 1080))); err != nil {
		t.Fatal(err)
	}
	var refused answer
	if code := post(ids[platform.Instagram], upload("square.png", pngFile.Bytes()), &refused); code != 400 || len(refused.Problems) != 1 || refused.Problems[0].Convert == nil {
		t.Fatalf("a PNG for Instagram = %d %+v, want 400 with a convert offer", code, refused)
	}
	offer, _ := json.Marshal(refused.Problems[0].Convert)
	var conv struct {
		Converted struct{ Media struct{ ID, URL string } }
	}
	if code := apiCall(t, "POST", srv.URL+"/api/media/convert", tok.Token, "application/json", offer, &conv); code != 200 || conv.Converted.Media.ID == "" {
		t.Fatalf("convert %s = %d %+v", offer, code, conv)
	}
	var ok answer
	if code := post(ids[platform.Instagram], conv.Converted.Media.ID, &ok); code != 200 || len(ok.Results) != 1 || ok.Results[0].Status != "published" {
		t.Fatalf("the converted post = %d %+v", code, ok)
	}

	// 20 MB for X: refused before anything is sent, naming X's 5 MB.
	huge := testmedia.Photo(t, 320, 240, 0)
	huge = append(huge, make([]byte, 20_400_000-len(huge))...)
	var big answer
	if code := post(ids[platform.Twitter], upload("huge.jpg", huge), &big); code != 400 || len(big.Problems) != 1 ||
		!strings.Contains(big.Problems[0].Message, "is 20.4 MB; X takes images up to 5 MB") || big.Problems[0].Convert == nil {
		t.Fatalf("20 MB for X = %d %+v", code, big)
	}
	if n := sb.Sandbox.Calls("POST", "/api.x.com/2/media/upload"); n != 0 {
		t.Errorf("X media uploads = %d, want none", n)
	}
}
