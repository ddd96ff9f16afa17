package instagram_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/marketingminds/marketingminds/integrations/instagram"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/integrations/sandbox/sandboxtest"
)

type bundle struct {
	sb     *sandboxtest.Server
	client *instagram.Client
	clock  *sandboxtest.Clock
	tok    *oauth2.Token
	target platform.Target
}

const redirect = "https://app.example.com/api/social/callback/instagram"

// setup logs in as the seeded user and picks @acmecoffee. Containers stay
// IN_PROGRESS for delay of sandbox time, which moves 1 ms per clock reading.
func setup(t *testing.T, delay time.Duration, cfg instagram.Config) *bundle {
	t.Helper()
	return setupWith(t, sandbox.Options{ContainerDelay: delay}, cfg)
}

// setupWith is setup with more sandbox options (a media client).
func setupWith(t *testing.T, opts sandbox.Options, cfg instagram.Config) *bundle {
	t.Helper()
	// Sandbox time moves 1 ms per reading: containers finish after a known
	// number of status reads, without the test sleeping.
	clk := sandboxtest.NewClock(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC), time.Millisecond)
	opts.Now = clk.Now
	sb := sandboxtest.Start(t, opts)
	cfg.ClientID, cfg.ClientSecret = "app-ig", "secret"
	c := instagram.NewClient(sb.Client, sb.Hosts, cfg)
	b := &bundle{sb: sb, client: c, clock: clk}
	code := sandboxtest.Consent(t, c.AuthCodeURL("st", redirect, "")).Get("code")
	if code == "" {
		t.Fatal("consent gave no code")
	}
	var err error
	if b.tok, err = c.Exchange(context.Background(), code, redirect, ""); err != nil {
		t.Fatal(err)
	}
	accts, err := c.Accounts(context.Background(), b.tok)
	if err != nil {
		t.Fatal(err)
	}
	if len(accts) != 1 || accts[0].Handle != "acmecoffee" || accts[0].Kind != "instagram_business" || accts[0].AccessToken == "" {
		t.Fatalf("accounts %+v: want only @acmecoffee (the other Page has no Instagram)", accts)
	}
	b.target = platform.Target{ExternalID: accts[0].ExternalID, AccessToken: accts[0].AccessToken}
	return b
}

func kindOf(t *testing.T, err error) platform.Kind {
	t.Helper()
	var pe *platform.Error
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T) is not a *platform.Error", err, err)
	}
	if pe.Platform != platform.Instagram || pe.Op == "" {
		t.Fatalf("error %+v lacks platform or op", pe)
	}
	return pe.Kind
}

func TestAuthCodeURLScopes(t *testing.T) {
	c := instagram.NewClient(nil, platform.Hosts{}, instagram.Config{ClientID: "x"})
	u, _ := url.Parse(c.AuthCodeURL("s", redirect, ""))
	if u.Host != "www.facebook.com" || u.Path != "/v26.0/dialog/oauth" {
		t.Errorf("auth url %s", u)
	}
	if got := u.Query().Get("scope"); got != "instagram_basic,instagram_content_publish,instagram_manage_insights,pages_show_list,pages_read_engagement,instagram_manage_comments,pages_manage_metadata" {
		t.Errorf("scope %q", got)
	}
}

func TestPublishImageReelCarousel(t *testing.T) {
	b := setup(t, 20*time.Millisecond, instagram.Config{PollInterval: time.Millisecond, PollTimeout: 5 * time.Second})
	ctx := context.Background()
	since := b.clock.Now().Add(-time.Minute)
	cases := []struct {
		name string
		post platform.Post
		kind string
	}{
		{"image", platform.Post{Text: "Morning pour #coffee", ImageURLs: []string{"https://example.com/a.jpg"}}, "/p/"},
		{"reel", platform.Post{Text: "Watch the roast", VideoURL: "https://example.com/roast.mp4"}, "/reel/"},
		{"carousel", platform.Post{Text: "Three cups", ImageURLs: []string{"https://example.com/1.jpg", "https://example.com/2.jpg", "https://example.com/3.jpg"}}, "/p/"},
		{"link in caption", platform.Post{Text: "Menu", Link: "https://example.com/menu", ImageURLs: []string{"https://example.com/m.jpeg"}}, "/p/"},
	}
	for _, tc := range cases {
		polls := b.sb.Calls("GET", "/graph.facebook.com/v26.0/179")
		pub, err := b.client.Publish(ctx, b.target, tc.post)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		// In sandbox mode the permalink opens the sandbox's page of the post.
		if pub.ID == "" || !strings.HasPrefix(pub.URL, b.sb.URL+"/www.instagram.com"+tc.kind) {
			t.Errorf("%s: published %+v", tc.name, pub)
		} else if resp, err := b.sb.Client.Get(pub.URL); err != nil || resp.StatusCode != http.StatusOK {
			t.Errorf("%s: permalink page %s: %v %v", tc.name, pub.URL, resp, err)
		} else {
			resp.Body.Close()
		}
		// Each container was read IN_PROGRESS before FINISHED.
		if n := b.sb.Calls("GET", "/graph.facebook.com/v26.0/179") - polls; n < 3 {
			t.Errorf("%s: %d container reads, want polling through IN_PROGRESS", tc.name, n)
		}
	}
	if n := b.sb.Calls("POST", "/graph.facebook.com/v26.0/"+b.target.ExternalID+"/media_publish"); n != len(cases) {
		t.Errorf("media_publish called %d times, want %d", n, len(cases))
	}
	recent, err := b.client.RecentPosts(ctx, b.target, since)
	if err != nil {
		t.Fatal(err)
	}
	if len(recent) != len(cases) || recent[0].Text != "Menu\n\nhttps://example.com/menu" || recent[1].Text != "Three cups" {
		t.Errorf("recent %+v", recent)
	}
	used, total, err := b.client.PublishingLimit(ctx, b.target)
	if err != nil || used != len(cases) || total != 50 {
		t.Errorf("publishing limit %d/%d %v", used, total, err)
	}
}

func TestPublishRefusedBeforeSending(t *testing.T) {
	b := setup(t, time.Millisecond, instagram.Config{PollInterval: time.Millisecond})
	before := b.sb.Calls("POST", "/graph.facebook.com/")
	for _, p := range []platform.Post{
		{Text: "no media"},
		{Text: strings.Repeat("x", instagram.MaxCaptionRunes+1), ImageURLs: []string{"https://example.com/a.jpg"}},
		{Text: strings.Repeat("#tag ", 31), ImageURLs: []string{"https://example.com/a.jpg"}},
		{ImageURLs: strings.Split(strings.Repeat("https://example.com/a.jpg,", 11), ",")[:11]},
	} {
		if _, err := b.client.Publish(context.Background(), b.target, p); kindOf(t, err) != platform.KindPermanent {
			t.Errorf("post %.40q: %v", p.Text, err)
		}
	}
	if n := b.sb.Calls("POST", "/graph.facebook.com/") - before; n != 0 {
		t.Errorf("%d requests sent for invalid posts", n)
	}
}

func TestContainerFailures(t *testing.T) {
	b := setup(t, 5*time.Millisecond, instagram.Config{PollInterval: time.Millisecond, PollTimeout: 5 * time.Second})
	ctx := context.Background()
	_, err := b.client.Publish(ctx, b.target, platform.Post{VideoURL: "https://example.com/clip.avi"})
	var pe *platform.Error
	if kindOf(t, err) != platform.KindPermanent || !errors.As(err, &pe) || pe.Code != "ERROR/2207026" || !strings.Contains(pe.Message, "takes MOV or MP4 videos") {
		t.Errorf("video ending in ERROR: %v", err)
	}
	_, err = b.client.Publish(ctx, b.target, platform.Post{ImageURLs: []string{"https://example.com/a.png"}})
	if kindOf(t, err) != platform.KindPermanent || !strings.Contains(err.Error(), "36001/2207005") {
		t.Errorf("PNG image: %v", err)
	}
	_, err = b.client.Publish(ctx, b.target, platform.Post{ImageURLs: []string{"ftp://example.com/a.jpg"}})
	if kindOf(t, err) != platform.KindPermanent || !strings.Contains(err.Error(), "could not be fetched") {
		t.Errorf("unfetchable image: %v", err)
	}
}

func TestContainerStillInProgressTimesOut(t *testing.T) {
	b := setup(t, time.Hour, instagram.Config{PollInterval: time.Millisecond, PollTimeout: 30 * time.Millisecond})
	_, err := b.client.Publish(context.Background(), b.target, platform.Post{ImageURLs: []string{"https://example.com/a.jpg"}})
	if kindOf(t, err) != platform.KindTransient || !strings.Contains(err.Error(), "still IN_PROGRESS") {
		t.Errorf("timeout: %v", err)
	}
	if n := b.sb.Calls("POST", "/graph.facebook.com/v26.0/"+b.target.ExternalID+"/media_publish"); n != 0 {
		t.Errorf("published %d times an unfinished container", n)
	}
}

func TestPublishNotReadyRetriedOnce(t *testing.T) {
	b := setup(t, time.Millisecond, instagram.Config{PollInterval: time.Millisecond, PollTimeout: 5 * time.Second})
	notReady := `{"error":{"message":"Media ID is not available","type":"OAuthException","code":9007,"error_subcode":2207027,"is_transient":false,"error_user_title":"Media Not Ready For Publishing","error_user_msg":"The media is not ready for publishing, please wait for a moment","fbtrace_id":"x"}}`
	b.sb.InjectFault(sandbox.Fault{Platform: "instagram", Method: "POST", Path: "/" + b.target.ExternalID + "/media_publish", Status: 400, Body: notReady, Times: 1})
	pub, err := b.client.Publish(context.Background(), b.target, platform.Post{ImageURLs: []string{"https://example.com/a.jpg"}})
	if err != nil || pub.ID == "" {
		t.Fatalf("publish after one 9007: %+v %v", pub, err)
	}
	b.sb.InjectFault(sandbox.Fault{Platform: "instagram", Method: "POST", Path: "/" + b.target.ExternalID + "/media_publish", Status: 400, Body: notReady, Times: 2})
	_, err = b.client.Publish(context.Background(), b.target, platform.Post{ImageURLs: []string{"https://example.com/b.jpg"}})
	if kindOf(t, err) != platform.KindTransient || !strings.Contains(err.Error(), "9007/2207027") {
		t.Errorf("two 9007 in a row: %v", err)
	}
}

func TestPublishingLimitEnforced(t *testing.T) {
	b := setup(t, time.Millisecond, instagram.Config{PollInterval: time.Millisecond})
	ctx := context.Background()
	for i := range 50 {
		if _, err := b.client.Publish(ctx, b.target, platform.Post{Text: "n" + string(rune('a'+i%26)), ImageURLs: []string{"https://example.com/a.jpg"}}); err != nil {
			t.Fatalf("publish %d: %v", i, err)
		}
	}
	_, err := b.client.Publish(ctx, b.target, platform.Post{ImageURLs: []string{"https://example.com/a.jpg"}})
	if kindOf(t, err) != platform.KindRateLimit {
		t.Fatalf("51st publish: %v", err)
	}
	if d, _ := platform.RetryAfter(err); d < time.Minute {
		t.Errorf("retry after %s", d)
	}
	b.clock.Add(25 * time.Hour)
	if used, _, err := b.client.PublishingLimit(ctx, b.target); err != nil || used != 0 {
		t.Errorf("after 24 h: used %d %v", used, err)
	}
}

func TestMetrics(t *testing.T) {
	b := setup(t, time.Millisecond, instagram.Config{PollInterval: time.Millisecond})
	ctx := context.Background()
	pub, err := b.client.Publish(ctx, b.target, platform.Post{ImageURLs: []string{"https://example.com/a.jpg"}})
	if err != nil {
		t.Fatal(err)
	}
	b.clock.Add(3 * time.Hour)
	m1, err := b.client.PostMetrics(ctx, b.target, pub.ID)
	if err != nil {
		t.Fatal(err)
	}
	if m1.Impressions == nil || m1.Reach == nil || m1.Likes == nil || m1.Comments == nil || m1.Shares == nil || m1.Saves == nil {
		t.Fatalf("metrics %+v", m1)
	}
	if m1.Clicks != nil || m1.Followers != nil {
		t.Errorf("figures Instagram does not give must stay unknown: %+v", m1)
	}
	b.clock.Add(72 * time.Hour)
	m2, err := b.client.PostMetrics(ctx, b.target, pub.ID)
	if err != nil || *m2.Impressions <= *m1.Impressions {
		t.Errorf("metrics did not grow: %v", err)
	}
	b.sb.InjectFault(sandbox.Fault{Platform: "instagram", Path: "/" + pub.ID + "/insights", Status: 200, Body: `{"data":[]}`, Times: 1})
	if m, err := b.client.PostMetrics(ctx, b.target, pub.ID); err != nil || m.Impressions != nil || m.Likes != nil {
		t.Errorf("empty insights must be unknown: %+v %v", m, err)
	}
	acct, err := b.client.AccountMetrics(ctx, b.target)
	if err != nil || acct.Followers == nil || *acct.Followers < 8342 {
		t.Errorf("account metrics %+v %v", acct, err)
	}
}

func TestFaults(t *testing.T) {
	b := setup(t, time.Millisecond, instagram.Config{PollInterval: time.Millisecond})
	ctx := context.Background()
	media := "/" + b.target.ExternalID + "/media"
	b.sb.InjectFault(sandbox.Fault{Platform: "instagram", Method: "POST", Path: media, Kind: sandbox.FaultRateLimit, RetryAfter: 2 * time.Minute, Times: 1})
	_, err := b.client.Publish(ctx, b.target, platform.Post{ImageURLs: []string{"https://example.com/a.jpg"}})
	if d, _ := platform.RetryAfter(err); kindOf(t, err) != platform.KindRateLimit || d != 2*time.Minute {
		t.Errorf("rate limit: %v", err)
	}
	b.sb.InjectFault(sandbox.Fault{Platform: "instagram", Method: "POST", Path: media, Kind: sandbox.FaultServerError, Times: 1})
	if _, err := b.client.Publish(ctx, b.target, platform.Post{ImageURLs: []string{"https://example.com/a.jpg"}}); kindOf(t, err) != platform.KindTransient {
		t.Errorf("server error: %v", err)
	}
	b.sb.InjectFault(sandbox.Fault{Platform: "instagram", Kind: sandbox.FaultTokenExpired, Times: 1})
	if _, err := b.client.AccountMetrics(ctx, b.target); !errors.Is(err, platform.ErrTokenExpired) {
		t.Errorf("token expired: %v", err)
	}
	// The Facebook fault does not hit Instagram paths' platform filter.
	b.sb.InjectFault(sandbox.Fault{Platform: "facebook", Path: "/me/accounts", Kind: sandbox.FaultServerError, Times: 1})
	if _, err := b.client.Accounts(ctx, b.tok); kindOf(t, err) != platform.KindTransient {
		t.Errorf("page listing fault: %v", err)
	}
}

func TestRefreshAndRevoke(t *testing.T) {
	b := setup(t, time.Millisecond, instagram.Config{PollInterval: time.Millisecond})
	ctx := context.Background()
	b.clock.Add(59 * 24 * time.Hour)
	fresh, err := b.client.Refresh(ctx, b.tok.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	b.clock.Add(2 * 24 * time.Hour)
	if _, err := b.client.Accounts(ctx, b.tok); kindOf(t, err) != platform.KindAuth {
		t.Errorf("expired token: %v", err)
	}
	if _, err := b.client.Accounts(ctx, fresh); err != nil {
		t.Errorf("refreshed token: %v", err)
	}
	if err := b.client.Revoke(ctx, fresh.AccessToken); err != nil {
		t.Fatal(err)
	}
	if _, err := b.client.AccountMetrics(ctx, b.target); kindOf(t, err) != platform.KindAuth {
		t.Errorf("page token after revoke: %v", err)
	}
}
