package check_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/marketingminds/marketingminds/integrations/instagram"
	"github.com/marketingminds/marketingminds/integrations/linkedin"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/safehttp"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/integrations/sandbox/sandboxtest"
	"github.com/marketingminds/marketingminds/integrations/sandbox/testmedia"
	"github.com/marketingminds/marketingminds/integrations/twitter"
	"github.com/marketingminds/marketingminds/tools/media/check"
)

// publisher is what this test needs of an adapter.
type publisher interface {
	AuthCodeURL(state, redirectURL, verifier string) string
	Exchange(ctx context.Context, code, redirectURL, verifier string) (*oauth2.Token, error)
	Accounts(ctx context.Context, tok *oauth2.Token) ([]platform.Account, error)
	Publish(ctx context.Context, t platform.Target, p platform.Post) (platform.Published, error)
}

// TestRulesAgreeWithTheSandbox: for each limit of DefaultRules the sandbox
// enforces, a file just inside it passes both Check and the platform's
// adapter publishing to the sandbox, and a file just over it is refused by
// both (docs/reference/media-limits.md). Sizes are tested on images, where
// files stay small; videos on their duration, container, codec and frame.
func TestRulesAgreeWithTheSandbox(t *testing.T) {
	mb := func(n int) int { return n * 1_000_000 }
	mp4 := func(v testmedia.Video) []byte {
		if v.Bytes == 0 {
			v.Bytes = 80_000 // LinkedIn's 75 KB minimum
		}
		return testmedia.MP4(t, v)
	}
	cases := []struct {
		platform platform.Name
		name     string
		file     []byte
		ok       bool
	}{
		{platform.Instagram, "JPEG of 8 MB", testmedia.Image(t, "jpeg", 1080, 1080, mb(8)), true},
		{platform.Instagram, "JPEG over 8 MB", testmedia.Image(t, "jpeg", 1080, 1080, mb(8)+1), false},
		{platform.Instagram, "PNG", testmedia.Image(t, "png", 1080, 1080, 0), false},
		{platform.Instagram, "JPEG at 4:5", testmedia.Image(t, "jpeg", 1080, 1350, 0), true},
		{platform.Instagram, "JPEG taller than 4:5", testmedia.Image(t, "jpeg", 1080, 1360, 0), false},
		{platform.Instagram, "JPEG at 1.91:1", testmedia.Image(t, "jpeg", 1146, 600, 0), true},
		{platform.Instagram, "JPEG wider than 1.91:1", testmedia.Image(t, "jpeg", 1160, 600, 0), false},
		{platform.Instagram, "Reel of 3 s", mp4(testmedia.Video{Seconds: 3, Audio: testmedia.AAC}), true},
		{platform.Instagram, "Reel of 2.9 s", mp4(testmedia.Video{Seconds: 2.9}), false},
		{platform.Instagram, "HEVC MOV Reel of 15 min", mp4(testmedia.Video{Brand: "qt  ", Codec: "hvc1", Seconds: 15 * 60}), true},
		{platform.Instagram, "Reel of 15 min 1 s", mp4(testmedia.Video{Seconds: 15*60 + 1}), false},
		{platform.Instagram, "VP9 Reel", mp4(testmedia.Video{Codec: "vp09", Seconds: 30}), false},
		{platform.Instagram, "Reel 1920 wide", mp4(testmedia.Video{Seconds: 30, Width: 1920, Height: 1080}), true},
		{platform.Instagram, "Reel 1921 wide", mp4(testmedia.Video{Seconds: 30, Width: 1921, Height: 1080}), false},

		{platform.Twitter, "PNG of 5 MB", testmedia.Image(t, "png", 64, 64, mb(5)), true},
		{platform.Twitter, "PNG over 5 MB", testmedia.Image(t, "png", 64, 64, mb(5)+1), false},
		{platform.Twitter, "video of 0.5 s", mp4(testmedia.Video{Seconds: 0.5}), true},
		{platform.Twitter, "video of 0.4 s", mp4(testmedia.Video{Seconds: 0.4}), false},
		{platform.Twitter, "video of 140 s", mp4(testmedia.Video{Seconds: 140, Audio: testmedia.AAC}), true},
		{platform.Twitter, "video of 141 s", mp4(testmedia.Video{Seconds: 141}), false},
		{platform.Twitter, "HEVC video", mp4(testmedia.Video{Codec: "hvc1", Seconds: 30}), false},
		{platform.Twitter, "video at 1:3", mp4(testmedia.Video{Seconds: 30, Width: 300, Height: 900}), true},
		{platform.Twitter, "video taller than 1:3", mp4(testmedia.Video{Seconds: 30, Width: 300, Height: 931}), false},

		{platform.LinkedIn, "PNG under 36,152,320 pixels", testmedia.PNGHeader(7360, 4911), true},
		{platform.LinkedIn, "PNG of 36,152,320 pixels", testmedia.PNGHeader(7360, 4912), false},
		{platform.LinkedIn, "GIF of 5 MB", testmedia.Image(t, "gif", 64, 64, mb(5)), true},
		{platform.LinkedIn, "GIF over 5 MB", testmedia.Image(t, "gif", 64, 64, mb(5)+1), false},
		{platform.LinkedIn, "video of 3 s", mp4(testmedia.Video{Seconds: 3}), true},
		{platform.LinkedIn, "video of 2.9 s", mp4(testmedia.Video{Seconds: 2.9}), false},
		{platform.LinkedIn, "video of 30 min", mp4(testmedia.Video{Seconds: 30 * 60}), true},
		{platform.LinkedIn, "video of 30 min 1 s", mp4(testmedia.Video{Seconds: 30*60 + 1}), false},
		{platform.LinkedIn, "video of 75 KB", mp4(testmedia.Video{Seconds: 30, Bytes: 75_000}), true},
		{platform.LinkedIn, "video under 75 KB", mp4(testmedia.Video{Seconds: 30, Bytes: 74_999}), false},
		{platform.LinkedIn, "MOV", mp4(testmedia.Video{Brand: "qt  ", Seconds: 30}), false},
		{platform.LinkedIn, "video at 2.4:1", mp4(testmedia.Video{Seconds: 30, Width: 1200, Height: 500}), true},
		{platform.LinkedIn, "video wider than 2.4:1", mp4(testmedia.Video{Seconds: 30, Width: 1260, Height: 500}), false},
	}

	type file struct {
		contentType string
		data        []byte
	}
	files := map[string]file{}
	host := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", f.contentType)
		_, _ = w.Write(f.data)
	}))
	t.Cleanup(host.Close)
	clock := sandboxtest.NewClock(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC), time.Millisecond)
	sb := sandboxtest.Start(t, sandbox.Options{Now: clock.Now, ContainerDelay: 5 * time.Millisecond, MediaClient: host.Client()})
	fetch := safehttp.New(safehttp.Options{AllowPrivate: true})
	adapters := map[platform.Name]publisher{
		platform.Instagram: instagram.NewClient(sb.Client, sb.Hosts, instagram.Config{ClientID: "ig", ClientSecret: "s",
			PollInterval: time.Millisecond, PollTimeout: 5 * time.Second}),
		platform.Twitter: twitter.NewClient(sb.Client, sb.Hosts, twitter.Config{ClientID: "x", ClientSecret: "s", Now: clock.Now,
			Wait: func(_ context.Context, d time.Duration) error { clock.Add(d); return nil }}, fetch),
		platform.LinkedIn: linkedin.NewClient(sb.Client, sb.Hosts, linkedin.Config{ClientID: "li", ClientSecret: "s", Now: clock.Now}, fetch),
	}
	targets := map[platform.Name]platform.Target{}
	for p, a := range adapters {
		targets[p] = connect(t, a)
	}

	for i, c := range cases {
		info, err := check.Probe(bytes.NewReader(c.file))
		if err != nil {
			t.Fatalf("%s %s: probe: %v", c.platform, c.name, err)
		}
		problems := check.Check(c.platform, []check.Info{info})
		path := "/" + strings.ReplaceAll(c.name, " ", "-")
		files[path] = file{info.ContentType, c.file}
		post := platform.Post{Text: c.name + " " + string(rune('a'+i))}
		if info.IsVideo() {
			post.VideoURL = host.URL + path
		} else {
			post.ImageURLs = []string{host.URL + path}
		}
		_, perr := adapters[c.platform].Publish(context.Background(), targets[c.platform], post)
		switch {
		case c.ok && (len(problems) > 0 || perr != nil):
			t.Errorf("%s, %s: want it taken; Check says %v, the sandbox %v", c.platform, c.name, problems, perr)
		case !c.ok && len(problems) == 0:
			t.Errorf("%s, %s: Check takes it", c.platform, c.name)
		case !c.ok && platform.KindOf(perr) != platform.KindPermanent:
			t.Errorf("%s, %s: the sandbox answers %v, want a refusal", c.platform, c.name, perr)
		}
	}
}

// connect grants a through the sandbox's consent page and returns its first account.
func connect(t *testing.T, a publisher) platform.Target {
	t.Helper()
	const redirect = "https://app.example.com/api/social/callback"
	verifier := oauth2.GenerateVerifier()
	code := sandboxtest.Consent(t, a.AuthCodeURL("st", redirect, verifier)).Get("code")
	ctx := context.Background()
	tok, err := a.Exchange(ctx, code, redirect, verifier)
	if err != nil {
		t.Fatal(err)
	}
	accts, err := a.Accounts(ctx, tok)
	if err != nil || len(accts) == 0 {
		t.Fatalf("accounts %v: %v", accts, err)
	}
	tk := accts[0].AccessToken
	if tk == "" {
		tk = tok.AccessToken
	}
	return platform.Target{ExternalID: accts[0].ExternalID, AccessToken: tk}
}
