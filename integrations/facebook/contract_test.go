package facebook_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/marketingminds/marketingminds/integrations/facebook"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/integrations/sandbox/sandboxtest"
)

type bundle struct {
	sb     *sandboxtest.Server
	client *facebook.Client
	clock  *sandboxtest.Clock
}

const redirect = "https://app.example.com/api/social/callback/facebook"

func setup(t *testing.T) *bundle {
	t.Helper()
	clk := sandboxtest.NewClock(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC), 0)
	sb := sandboxtest.Start(t, sandbox.Options{Now: clk.Now})
	sb.RegisterApp("facebook", "app-1", "secret-1")
	c := facebook.NewClient(sb.Client, sb.Hosts, facebook.Config{ClientID: "app-1", ClientSecret: "secret-1"})
	return &bundle{sb: sb, client: c, clock: clk}
}

// login runs the consent page and returns the redirect's query.
func (b *bundle) consent(t *testing.T, authURL string) url.Values {
	t.Helper()
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("consent: status %d, want 302", resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(loc.String(), redirect+"?") {
		t.Fatalf("redirected to %s", loc)
	}
	return loc.Query()
}

func (b *bundle) login(t *testing.T) *oauth2.Token {
	t.Helper()
	q := b.consent(t, b.client.AuthCodeURL("st-1", redirect, ""))
	if q.Get("state") != "st-1" || q.Get("code") == "" {
		t.Fatalf("callback query %v", q)
	}
	tok, err := b.client.Exchange(context.Background(), q.Get("code"), redirect, "")
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func (b *bundle) page(t *testing.T, tok *oauth2.Token, name string) platform.Target {
	t.Helper()
	accts, err := b.client.Accounts(context.Background(), tok)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range accts {
		if a.Name == name {
			return platform.Target{ExternalID: a.ExternalID, AccessToken: a.AccessToken}
		}
	}
	t.Fatalf("no page %q in %+v", name, accts)
	return platform.Target{}
}

func kindOf(t *testing.T, err error) platform.Kind {
	t.Helper()
	var pe *platform.Error
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T) is not a *platform.Error", err, err)
	}
	if pe.Platform != platform.Facebook || pe.Op == "" {
		t.Fatalf("error %+v lacks platform or op", pe)
	}
	return pe.Kind
}

func TestAuthCodeURL(t *testing.T) {
	b := setup(t)
	u, err := url.Parse(b.client.AuthCodeURL("xyz", redirect, ""))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(u.Path, "/www.facebook.com/v26.0/dialog/oauth") {
		t.Errorf("path %s", u.Path)
	}
	q := u.Query()
	if got := q.Get("scope"); got != "pages_show_list,pages_read_engagement,pages_manage_posts,read_insights,publish_video,pages_read_user_content,pages_manage_engagement,pages_manage_metadata" {
		t.Errorf("scope %q", got)
	}
	if q.Get("client_id") != "app-1" || q.Get("redirect_uri") != redirect || q.Get("state") != "xyz" || q.Get("response_type") != "code" {
		t.Errorf("query %v", q)
	}
}

func TestLoginAccountsAndPageTokens(t *testing.T) {
	b := setup(t)
	tok := b.login(t)
	if tok.AccessToken == "" || tok.RefreshToken != tok.AccessToken {
		t.Fatalf("token %+v: want long-lived token kept as refresh token", tok)
	}
	if d := time.Until(tok.Expiry); d < 50*24*time.Hour {
		t.Errorf("long-lived token expires in %s, want ~60 days", d)
	}
	if n := b.sb.Calls("", "/graph.facebook.com/v26.0/oauth/access_token"); n != 2 {
		t.Errorf("token endpoint called %d times, want code exchange + fb_exchange_token", n)
	}
	accts, err := b.client.Accounts(context.Background(), tok)
	if err != nil {
		t.Fatal(err)
	}
	if len(accts) != 2 || accts[0].Name != "Acme Coffee" || accts[1].Name != "Acme Outdoor" {
		t.Fatalf("accounts %+v", accts)
	}
	for _, a := range accts {
		if a.Kind != "page" || a.AccessToken == "" || a.AccessToken == tok.AccessToken || a.AvatarURL == "" {
			t.Errorf("account %+v: want a page with its own page token", a)
		}
	}
}

func TestExchangeFailures(t *testing.T) {
	b := setup(t)
	q := b.consent(t, b.client.AuthCodeURL("s", redirect, ""))
	ctx := context.Background()
	if _, err := b.client.Exchange(ctx, q.Get("code"), redirect+"/other", ""); kindOf(t, err) != platform.KindAuth {
		t.Errorf("redirect mismatch: %v", err)
	}
	if _, err := b.client.Exchange(ctx, q.Get("code"), redirect, ""); err != nil {
		t.Fatal(err)
	}
	_, err := b.client.Exchange(ctx, q.Get("code"), redirect, "")
	if kindOf(t, err) != platform.KindAuth || !strings.Contains(err.Error(), "has been used") {
		t.Errorf("reused code: %v", err)
	}
	bad := facebook.NewClient(b.sb.Client, platform.Hosts{Sandbox: b.sb.URL}, facebook.Config{ClientID: "app-1", ClientSecret: "wrong"})
	q = b.consent(t, bad.AuthCodeURL("s", redirect, ""))
	if _, err := bad.Exchange(ctx, q.Get("code"), redirect, ""); kindOf(t, err) != platform.KindPermanent || !strings.Contains(err.Error(), "client secret") {
		t.Errorf("wrong secret: %v", err)
	}
}

func TestConsentDenied(t *testing.T) {
	b := setup(t)
	b.sb.SetConsent("facebook", false)
	q := b.consent(t, b.client.AuthCodeURL("s-9", redirect, ""))
	if q.Get("error") != "access_denied" || q.Get("error_reason") != "user_denied" || q.Get("state") != "s-9" || q.Get("code") != "" {
		t.Errorf("denied callback %v", q)
	}
}

func TestRefreshExtendsUntilExpiry(t *testing.T) {
	b := setup(t)
	tok := b.login(t)
	ctx := context.Background()
	b.clock.Add(50 * 24 * time.Hour)
	fresh, err := b.client.Refresh(ctx, tok.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	if fresh.AccessToken == tok.AccessToken || fresh.RefreshToken != fresh.AccessToken {
		t.Fatalf("refresh gave %+v", fresh)
	}
	b.clock.Add(30 * 24 * time.Hour) // the first token is now past its 60 days
	if _, err := b.client.Accounts(ctx, tok); kindOf(t, err) != platform.KindAuth {
		t.Errorf("expired token: %v", err)
	}
	if _, err := b.client.Refresh(ctx, tok.RefreshToken); kindOf(t, err) != platform.KindAuth {
		t.Errorf("refresh of an expired token: %v", err)
	}
	if _, err := b.client.Accounts(ctx, fresh); err != nil {
		t.Errorf("refreshed token: %v", err)
	}
	if _, err := b.client.Refresh(ctx, ""); kindOf(t, err) != platform.KindAuth {
		t.Errorf("empty refresh token: %v", err)
	}
}

func TestRevoke(t *testing.T) {
	b := setup(t)
	tok := b.login(t)
	target := b.page(t, tok, "Acme Coffee")
	ctx := context.Background()
	if err := b.client.Revoke(ctx, tok.AccessToken); err != nil {
		t.Fatal(err)
	}
	if _, err := b.client.Accounts(ctx, tok); kindOf(t, err) != platform.KindAuth {
		t.Errorf("user token after revoke: %v", err)
	}
	if _, err := b.client.Publish(ctx, target, platform.Post{Text: "after revoke"}); kindOf(t, err) != platform.KindAuth {
		t.Errorf("page token after revoke: %v", err)
	}
}

func TestPublishKinds(t *testing.T) {
	b := setup(t)
	tok := b.login(t)
	target := b.page(t, tok, "Acme Coffee")
	ctx := context.Background()
	cases := []struct {
		name string
		post platform.Post
		path string
	}{
		{"text", platform.Post{Text: "Fresh beans today"}, "/feed"},
		{"link", platform.Post{Text: "Read our story", Link: "https://example.com/story"}, "/feed"},
		{"image", platform.Post{Text: "Latte art", ImageURLs: []string{"https://example.com/a.jpg"}}, "/photos"},
		{"images", platform.Post{Text: "Gallery", ImageURLs: []string{"https://example.com/a.jpg", "https://example.com/b.jpg"}}, "/feed"},
		{"video", platform.Post{Text: "Behind the bar", VideoURL: "https://example.com/v.mp4"}, "/videos"},
	}
	since := b.clock.Now().Add(-time.Minute)
	var ids []string
	for _, tc := range cases {
		before := b.sb.Calls("POST", "/graph.facebook.com/v26.0/"+target.ExternalID+tc.path)
		pub, err := b.client.Publish(ctx, target, tc.post)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		// In sandbox mode the permalink points into the sandbox.
		if pub.ID == "" || !strings.HasPrefix(pub.URL, b.sb.URL+"/www.facebook.com/") {
			t.Errorf("%s: published %+v", tc.name, pub)
		}
		if tc.name == "text" {
			resp, err := b.sb.Client.Get(pub.URL)
			if err != nil {
				t.Fatal(err)
			}
			page, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), "SANDBOX") {
				t.Errorf("permalink page %s: %d\n%s", pub.URL, resp.StatusCode, page)
			}
		}
		if b.sb.Calls("POST", "/graph.facebook.com/v26.0/"+target.ExternalID+tc.path) <= before {
			t.Errorf("%s: %s not called", tc.name, tc.path)
		}
		ids = append(ids, pub.ID)
	}
	recent, err := b.client.RecentPosts(ctx, target, since)
	if err != nil {
		t.Fatal(err)
	}
	if len(recent) != len(cases) {
		t.Fatalf("recent posts %+v, want %d", recent, len(cases))
	}
	if recent[len(recent)-1].Text != "Fresh beans today" || recent[0].ID != ids[len(ids)-1] {
		t.Errorf("recent order/content %+v", recent)
	}
	if _, err := b.client.Publish(ctx, target, platform.Post{Text: "Fresh beans today"}); err != nil {
		t.Errorf("same text again but not consecutive: %v", err)
	}
	_, err = b.client.Publish(ctx, target, platform.Post{Text: "Fresh beans today"})
	if kindOf(t, err) != platform.KindPermanent || !strings.Contains(err.Error(), "identical") {
		t.Errorf("duplicate: %v", err)
	}
	if _, err := b.client.Publish(ctx, target, platform.Post{}); kindOf(t, err) != platform.KindPermanent {
		t.Errorf("empty post: %v", err)
	}
	if _, err := b.client.Publish(ctx, target, platform.Post{Text: strings.Repeat("a", facebook.MaxMessageRunes+1)}); kindOf(t, err) != platform.KindPermanent {
		t.Errorf("too long: %v", err)
	}
}

func TestPublishWithUserTokenRejected(t *testing.T) {
	b := setup(t)
	tok := b.login(t)
	target := b.page(t, tok, "Acme Coffee")
	target.AccessToken = tok.AccessToken
	_, err := b.client.Publish(context.Background(), target, platform.Post{Text: "as the user"})
	if kindOf(t, err) != platform.KindPermanent || !strings.Contains(err.Error(), "(#200)") {
		t.Errorf("user token on page feed: %v", err)
	}
}

func TestMetricsGrowWithAge(t *testing.T) {
	b := setup(t)
	tok := b.login(t)
	target := b.page(t, tok, "Acme Coffee")
	ctx := context.Background()
	pub, err := b.client.Publish(ctx, target, platform.Post{Text: "Metrics please"})
	if err != nil {
		t.Fatal(err)
	}
	b.clock.Add(6 * time.Hour)
	m1, err := b.client.PostMetrics(ctx, target, pub.ID)
	if err != nil {
		t.Fatal(err)
	}
	if m1.Impressions == nil || m1.Reach == nil || m1.Likes == nil || m1.Comments == nil || m1.Shares == nil || m1.Clicks == nil {
		t.Fatalf("metrics %+v: want every Facebook figure known", m1)
	}
	if m1.Saves != nil || m1.Followers != nil {
		t.Errorf("figures Facebook does not give must stay unknown: %+v", m1)
	}
	b.clock.Add(48 * time.Hour)
	m2, err := b.client.PostMetrics(ctx, target, pub.ID)
	if err != nil {
		t.Fatal(err)
	}
	if *m2.Impressions <= *m1.Impressions || *m2.Likes < *m1.Likes {
		t.Errorf("metrics did not grow: %d → %d", *m1.Impressions, *m2.Impressions)
	}
	acct, err := b.client.AccountMetrics(ctx, target)
	if err != nil || acct.Followers == nil || *acct.Followers < 12480 {
		t.Errorf("account metrics %+v, %v", acct, err)
	}
	if _, err := b.client.PostMetrics(ctx, target, target.ExternalID+"_999"); kindOf(t, err) != platform.KindPermanent {
		t.Errorf("unknown post: %v", err)
	}
}

func TestInsightsUnavailableIsUnknown(t *testing.T) {
	b := setup(t)
	tok := b.login(t)
	target := b.page(t, tok, "Acme Coffee")
	ctx := context.Background()
	pub, err := b.client.Publish(ctx, target, platform.Post{Text: "No insights"})
	if err != nil {
		t.Fatal(err)
	}
	b.sb.InjectFault(sandbox.Fault{Platform: "facebook", Method: "GET", Path: "/" + pub.ID + "/insights", Status: 400,
		Body: `{"error":{"message":"(#100) The value must be a valid insights metric","type":"OAuthException","code":100,"fbtrace_id":"x"}}`})
	m, err := b.client.PostMetrics(ctx, target, pub.ID)
	if err != nil {
		t.Fatal(err)
	}
	if m.Impressions != nil || m.Reach != nil || m.Clicks != nil || m.Likes == nil {
		t.Errorf("metrics %+v: insights unknown, engagement known", m)
	}
}

func TestFaults(t *testing.T) {
	b := setup(t)
	tok := b.login(t)
	target := b.page(t, tok, "Acme Coffee")
	ctx := context.Background()
	feed := "/" + target.ExternalID + "/feed"

	b.sb.InjectFault(sandbox.Fault{Platform: "facebook", Method: "POST", Path: feed, Kind: sandbox.FaultRateLimit, RetryAfter: 3 * time.Minute, Times: 1})
	_, err := b.client.Publish(ctx, target, platform.Post{Text: "rate limited"})
	if kindOf(t, err) != platform.KindRateLimit {
		t.Fatalf("rate limit: %v", err)
	}
	if d, _ := platform.RetryAfter(err); d != 3*time.Minute {
		t.Errorf("retry after %s, want 3m from estimated_time_to_regain_access", d)
	}

	b.sb.InjectFault(sandbox.Fault{Platform: "facebook", Method: "POST", Path: feed, Kind: sandbox.FaultServerError, Times: 1})
	if _, err := b.client.Publish(ctx, target, platform.Post{Text: "server error"}); kindOf(t, err) != platform.KindTransient {
		t.Errorf("server error: %v", err)
	}

	b.sb.InjectFault(sandbox.Fault{Platform: "facebook", Path: "/me/accounts", Kind: sandbox.FaultTokenExpired, Times: 1})
	if _, err := b.client.Accounts(ctx, tok); !errors.Is(err, platform.ErrTokenExpired) {
		t.Errorf("token expired: %v", err)
	}

	b.sb.InjectFault(sandbox.Fault{Platform: "facebook", Method: "POST", Path: feed, Mode: sandbox.ModeAcceptThenDrop, Times: 1})
	if _, err := b.client.Publish(ctx, target, platform.Post{Text: "dropped"}); kindOf(t, err) != platform.KindTransient {
		t.Errorf("dropped connection: %v", err)
	}
	recent, err := b.client.RecentPosts(ctx, target, b.clock.Now().Add(-time.Minute))
	if err != nil || len(recent) != 1 || recent[0].Text != "dropped" {
		t.Errorf("accept-then-drop post must be readable back: %+v %v", recent, err)
	}

	b.sb.InjectFault(sandbox.Fault{Platform: "facebook", Method: "GET", Path: "/" + target.ExternalID, Status: 502, Body: "<html>Bad Gateway</html>", Times: 1})
	if _, err := b.client.AccountMetrics(ctx, target); kindOf(t, err) != platform.KindTransient {
		t.Errorf("non-JSON 502: %v", err)
	}
	b.sb.InjectFault(sandbox.Fault{Platform: "facebook", Method: "GET", Path: "/" + target.ExternalID, Status: 200, Body: `{"followers_count":`, Times: 1})
	if _, err := b.client.AccountMetrics(ctx, target); kindOf(t, err) != platform.KindTransient {
		t.Errorf("truncated body: %v", err)
	}
}
