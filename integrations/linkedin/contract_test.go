package linkedin_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/marketingminds/marketingminds/integrations/linkedin"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/safehttp"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/integrations/sandbox/sandboxtest"
	"github.com/marketingminds/marketingminds/integrations/sandbox/testmedia"
)

const redirectURI = "https://app.example.com/api/social/callback/linkedin"

type bundle struct {
	sb       *sandboxtest.Server
	clock    *sandboxtest.Clock
	client   *linkedin.Client
	tok      *oauth2.Token
	accounts []platform.Account
	member   platform.Target
	coffee   platform.Target
	outdoor  platform.Target
}

// setup starts a sandbox, connects the default member through the consent
// page and the code exchange, and lists the accounts.
func setup(t *testing.T, cfg linkedin.Config) *bundle {
	t.Helper()
	clk := sandboxtest.NewClock(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC), 0)
	sb := sandboxtest.Start(t, sandbox.Options{Now: clk.Now})
	if cfg.ClientID == "" {
		cfg.ClientID, cfg.ClientSecret = "li-client", "li-secret"
	}
	cfg.Now = clk.Now
	c := linkedin.NewClient(sb.Client, sb.Hosts, cfg, safehttp.New(safehttp.Options{AllowPrivate: true}))
	b := &bundle{sb: sb, clock: clk, client: c}
	code := authorize(t, b, "st-1")
	ctx := context.Background()
	var err error
	b.tok, err = c.Exchange(ctx, code, redirectURI, "")
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	b.accounts, err = c.Accounts(ctx, b.tok)
	if err != nil {
		t.Fatalf("accounts: %v", err)
	}
	for _, a := range b.accounts {
		tg := platform.Target{ExternalID: a.ExternalID, AccessToken: b.tok.AccessToken}
		switch a.Name {
		case "Sam Sandbox":
			b.member = tg
		case "Acme Coffee Co.":
			b.coffee = tg
		case "Acme Outdoor":
			b.outdoor = tg
		}
	}
	return b
}

// authorize follows the consent page and returns the code it redirects with.
func authorize(t *testing.T, b *bundle, state string) string {
	t.Helper()
	loc := consent(t, b, state)
	if loc.Query().Get("state") != state || loc.Query().Get("code") == "" {
		t.Fatalf("consent redirected to %s", loc)
	}
	return loc.Query().Get("code")
}

func consent(t *testing.T, b *bundle, state string) *url.URL {
	t.Helper()
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(b.client.AuthCodeURL(state, redirectURI, ""))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("consent page answered %d", resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || !strings.HasPrefix(loc.String(), redirectURI) {
		t.Fatalf("redirect to %q", resp.Header.Get("Location"))
	}
	return loc
}

func wantKind(t *testing.T, err error, kind platform.Kind, code string) *platform.Error {
	t.Helper()
	var pe *platform.Error
	if !errors.As(err, &pe) {
		t.Fatalf("error %v is not a *platform.Error", err)
	}
	if pe.Kind != kind || (code != "" && pe.Code != code) || pe.Platform != platform.LinkedIn || pe.Op == "" {
		t.Fatalf("got %v (kind %v, code %q), want kind %v code %q", err, pe.Kind, pe.Code, kind, code)
	}
	return pe
}

// getPost reads a post back with the real read endpoint, as a person with curl would.
func getPost(t *testing.T, b *bundle, urn string) map[string]any {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.sb.URL+"/api.linkedin.com/rest/posts/"+url.QueryEscape(urn), nil)
	req.Header.Set("Authorization", "Bearer "+b.tok.AccessToken)
	req.Header.Set("LinkedIn-Version", "202608")
	req.Header.Set("X-Restli-Protocol-Version", "2.0.0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&out) != nil {
		t.Fatalf("GET post %s: %d", urn, resp.StatusCode)
	}
	return out
}

func TestLinkedInAccounts(t *testing.T) {
	t.Parallel()
	b := setup(t, linkedin.Config{})
	if len(b.accounts) != 3 {
		t.Fatalf("accounts %+v, want the member and the two organizations Sam administers", b.accounts)
	}
	m := b.accounts[0]
	if m.Kind != "member" || m.ExternalID != "urn:li:person:sAmSbx01" || m.Name != "Sam Sandbox" || m.AvatarURL == "" {
		t.Errorf("member %+v", m)
	}
	for _, a := range b.accounts[1:] {
		if a.Kind != "organization" || !strings.HasPrefix(a.ExternalID, "urn:li:organization:") || a.Handle == "" || a.AvatarURL == "" {
			t.Errorf("organization %+v", a)
		}
	}
	if b.coffee.ExternalID != "urn:li:organization:90210001" || b.outdoor.ExternalID != "urn:li:organization:90210002" {
		t.Errorf("organizations %+v %+v", b.coffee, b.outdoor)
	}
	// A member-only grant (no rw_organization_admin) reveals the member alone.
	only := setup(t, linkedin.Config{Scopes: []string{"openid", "profile", "w_member_social"}})
	if len(only.accounts) != 1 || only.accounts[0].Kind != "member" {
		t.Errorf("member-only grant gave %+v", only.accounts)
	}
}

func TestLinkedInOAuth(t *testing.T) {
	t.Parallel()
	b := setup(t, linkedin.Config{})
	ctx := context.Background()

	u, _ := url.Parse(b.client.AuthCodeURL("s", redirectURI, ""))
	if u.Query().Get("scope") != strings.Join(linkedin.DefaultScopes, " ") || u.Query().Get("response_type") != "code" {
		t.Errorf("authorize URL %s", u)
	}

	code := authorize(t, b, "st-2")
	if _, err := b.client.Exchange(ctx, code, redirectURI, ""); err != nil {
		t.Fatal(err)
	}
	_, err := b.client.Exchange(ctx, code, redirectURI, "")
	pe := wantKind(t, err, platform.KindPermanent, "invalid_request")
	if !strings.Contains(pe.Message, "authorization code not found") {
		t.Errorf("reused code: %v", err)
	}

	b.sb.SetConsent("linkedin", false)
	loc := consent(t, b, "st-3")
	if q := loc.Query(); q.Get("error") != "user_cancelled_authorize" || q.Get("state") != "st-3" || q.Get("code") != "" {
		t.Errorf("denied consent redirected to %s", loc)
	}

	// A registered app must present its secret.
	b.sb.RegisterApp("linkedin", "li-client", "right-secret")
	b.sb.SetConsent("linkedin", true)
	code = authorize(t, b, "st-4")
	_, err = b.client.Exchange(ctx, code, redirectURI, "")
	wantKind(t, err, platform.KindPermanent, "invalid_client")
}

func TestLinkedInRefreshAndRevoke(t *testing.T) {
	t.Parallel()
	b := setup(t, linkedin.Config{})
	ctx := context.Background()
	if b.tok.RefreshToken == "" || b.tok.Expiry.Sub(b.clock.Now()) < 59*24*time.Hour {
		t.Fatalf("token %+v: want a refresh token and a 60-day access token", b.tok)
	}
	b.sb.ExpireTokens("linkedin")
	_, err := b.client.Publish(ctx, b.coffee, platform.Post{Text: "after expiry"})
	if pe := wantKind(t, err, platform.KindAuth, "EXPIRED_ACCESS_TOKEN"); !errors.Is(pe, platform.ErrTokenExpired) {
		t.Fatal("not ErrTokenExpired")
	}
	tok, err := b.client.Refresh(ctx, b.tok.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken == b.tok.AccessToken || tok.RefreshToken != b.tok.RefreshToken {
		t.Fatalf("refresh: new access token and the same (not rotated) refresh token expected, got %+v", tok)
	}
	target := platform.Target{ExternalID: b.coffee.ExternalID, AccessToken: tok.AccessToken}
	if _, err := b.client.Publish(ctx, target, platform.Post{Text: "after refresh"}); err != nil {
		t.Fatal(err)
	}
	// The refresh token still works: it is not single-use.
	if _, err := b.client.Refresh(ctx, b.tok.RefreshToken); err != nil {
		t.Fatal(err)
	}
	_, err = b.client.Refresh(ctx, "not-a-refresh-token")
	wantKind(t, err, platform.KindAuth, "invalid_grant")

	if err := b.client.Revoke(ctx, tok.AccessToken); err != nil {
		t.Fatal(err)
	}
	_, err = b.client.Accounts(ctx, tok)
	wantKind(t, err, platform.KindAuth, "REVOKED_ACCESS_TOKEN")
}

// withMemberReads adds r_member_social (partners only) so tests can read the member's posts back.
var withMemberReads = linkedin.Config{Scopes: append([]string{"r_member_social"}, linkedin.DefaultScopes...)}

func TestLinkedInPublishText(t *testing.T) {
	t.Parallel()
	b := setup(t, withMemberReads)
	ctx := context.Background()
	text := `New roast (limited) [batch #7]: 50% off *today* for @team_members ~ {promo} <3 | C:\beans #coffee`
	for _, tg := range []platform.Target{b.member, b.coffee} {
		pub, err := b.client.Publish(ctx, tg, platform.Post{Text: text})
		if err != nil {
			t.Fatal(err)
		}
		// In sandbox mode the permalink opens the sandbox's page of the post.
		if !strings.HasPrefix(pub.ID, "urn:li:share:") || pub.URL != b.sb.URL+"/www.linkedin.com/feed/update/"+pub.ID {
			t.Fatalf("published %+v", pub)
		}
		if code, page := getPage(t, b, pub.URL); code != http.StatusOK || !strings.Contains(page, "#coffee") || !strings.Contains(page, "SANDBOX") {
			t.Errorf("permalink page %s: %d\n%s", pub.URL, code, page)
		}
		got := getPost(t, b, pub.ID)
		if got["author"] != tg.ExternalID || got["visibility"] != "PUBLIC" || got["lifecycleState"] != "PUBLISHED" {
			t.Errorf("post %v", got)
		}
		if linkedin.UnescapeLittleText(got["commentary"].(string)) != text {
			t.Errorf("commentary stored as %q: escaping lost text", got["commentary"])
		}
	}
	recent, err := b.client.RecentPosts(ctx, b.coffee, b.clock.Now().Add(-time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if len(recent) != 1 || recent[0].Text != text || !recent[0].CreatedAt.Equal(b.clock.Now()) {
		t.Fatalf("recent posts %+v", recent)
	}
	if later, _ := b.client.RecentPosts(ctx, b.coffee, b.clock.Now().Add(time.Minute)); len(later) != 0 {
		t.Errorf("posts since the future: %+v", later)
	}

	_, err = b.client.Publish(ctx, b.coffee, platform.Post{Text: text})
	wantKind(t, err, platform.KindPermanent, "DUPLICATE_POST")

	_, err = b.client.Publish(ctx, b.coffee, platform.Post{Text: strings.Repeat("a", 3001)})
	wantKind(t, err, platform.KindPermanent, "")
	holdings := platform.Target{ExternalID: "urn:li:organization:90210003", AccessToken: b.tok.AccessToken}
	_, err = b.client.Publish(ctx, holdings, platform.Post{Text: "not an admin here"})
	wantKind(t, err, platform.KindPermanent, "ACCESS_DENIED")
}

func TestLinkedInPublishMedia(t *testing.T) {
	t.Parallel()
	b := setup(t, withMemberReads)
	ctx := context.Background()
	img := b.sb.URL + "/media.licdn.com/dms/image/sample"

	pub, err := b.client.Publish(ctx, b.coffee, platform.Post{Text: "one image", ImageURLs: []string{img}, Link: "https://acme.example/shop"})
	if err != nil {
		t.Fatal(err)
	}
	content := getPost(t, b, pub.ID)["content"].(map[string]any)
	if id, _ := content["media"].(map[string]any)["id"].(string); !strings.HasPrefix(id, "urn:li:image:") {
		t.Errorf("content %v", content)
	}

	pub, err = b.client.Publish(ctx, b.outdoor, platform.Post{Text: "three images", ImageURLs: []string{img, img, img}})
	if err != nil {
		t.Fatal(err)
	}
	content = getPost(t, b, pub.ID)["content"].(map[string]any)
	if imgs := content["multiImage"].(map[string]any)["images"].([]any); len(imgs) != 3 {
		t.Errorf("content %v", content)
	}

	pub, err = b.client.Publish(ctx, b.member, platform.Post{Text: "read this", Link: "https://acme.example/blog/post-1"})
	if err != nil {
		t.Fatal(err)
	}
	art := getPost(t, b, pub.ID)["content"].(map[string]any)["article"].(map[string]any)
	if art["source"] != "https://acme.example/blog/post-1" || art["title"] == "" {
		t.Errorf("article %v", art)
	}

	video := testmedia.MP4(t, testmedia.Video{Seconds: 10, Audio: testmedia.AAC, Bytes: 4<<20 + 1234}) // two parts
	vsrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "video/mp4")
		_, _ = w.Write(video)
	}))
	t.Cleanup(vsrv.Close)
	pub, err = b.client.Publish(ctx, b.coffee, platform.Post{Text: "a video", VideoURL: vsrv.URL + "/clip.mp4"})
	if err != nil {
		t.Fatal(err)
	}
	if id := getPost(t, b, pub.ID)["content"].(map[string]any)["media"].(map[string]any)["id"].(string); !strings.HasPrefix(id, "urn:li:video:") {
		t.Errorf("video post content id %q", id)
	}
	if n := b.sb.Calls(http.MethodPut, "/www.linkedin.com/dms-uploads/"); n != 1+3+2 {
		t.Errorf("%d uploads, want 6 (1 + 3 images, 2 video parts)", n)
	}
}

func TestLinkedInMediaFetchIsSSRFSafe(t *testing.T) {
	t.Parallel()
	b := setup(t, linkedin.Config{})
	strict := linkedin.NewClient(b.sb.Client, platform.Hosts{Sandbox: b.sb.URL}, linkedin.Config{ClientID: "li-client"}, safehttp.New(safehttp.Options{}))
	_, err := strict.Publish(context.Background(), b.coffee, platform.Post{Text: "internal", ImageURLs: []string{b.sb.URL + "/media.licdn.com/dms/image/x"}})
	wantKind(t, err, platform.KindPermanent, "")
	if n := b.sb.Calls(http.MethodPost, "/api.linkedin.com/rest/images"); n != 0 {
		t.Errorf("%d image uploads registered for a refused URL", n)
	}
}

func TestLinkedInFaults(t *testing.T) {
	t.Parallel()
	b := setup(t, linkedin.Config{})
	ctx := context.Background()
	post := func(text string) error {
		_, err := b.client.Publish(ctx, b.coffee, platform.Post{Text: text})
		return err
	}

	b.sb.InjectFault(sandbox.Fault{Platform: "linkedin", Method: "POST", Path: "/rest/posts", Kind: sandbox.FaultRateLimit, Times: 1})
	pe := wantKind(t, post("rate limited"), platform.KindRateLimit, "TOO_MANY_REQUESTS")
	if pe.RetryAfter != 12*time.Hour {
		t.Errorf("RetryAfter %v, want 12h (until midnight UTC)", pe.RetryAfter)
	}
	b.sb.InjectFault(sandbox.Fault{Platform: "linkedin", Path: "/rest/posts", Kind: sandbox.FaultServerError, Times: 1})
	wantKind(t, post("server error"), platform.KindTransient, "")
	b.sb.InjectFault(sandbox.Fault{Platform: "linkedin", Path: "/rest/posts", Kind: sandbox.FaultTokenExpired, Times: 1})
	wantKind(t, post("expired"), platform.KindAuth, "EXPIRED_ACCESS_TOKEN")

	// Created, but the answer is lost: transient, and the post is there to reconcile.
	b.sb.InjectFault(sandbox.Fault{Platform: "linkedin", Path: "/rest/posts", Mode: sandbox.ModeAcceptThenDrop, Times: 1})
	wantKind(t, post("dropped"), platform.KindTransient, "")
	recent, err := b.client.RecentPosts(ctx, b.coffee, b.clock.Now().Add(-time.Hour))
	if err != nil || len(recent) != 1 || recent[0].Text != "dropped" {
		t.Fatalf("recent %+v, %v", recent, err)
	}

	// A 201 without x-restli-id is not a success.
	b.sb.InjectFault(sandbox.Fault{Platform: "linkedin", Path: "/rest/posts", Status: 201, Times: 1})
	pe = wantKind(t, post("no id"), platform.KindTransient, "")
	if !strings.Contains(pe.Message, "without a post id") {
		t.Errorf("message %q", pe.Message)
	}

	// An unparseable success body is an error, not a panic.
	b.sb.InjectFault(sandbox.Fault{Platform: "linkedin", Path: "/rest/networkSizes", Status: 200, Body: `{"firstDegreeSize":`, Times: 1})
	_, err = b.client.AccountMetrics(ctx, b.coffee)
	wantKind(t, err, platform.KindTransient, "")

	old := linkedin.NewClient(b.sb.Client, platform.Hosts{Sandbox: b.sb.URL}, linkedin.Config{ClientID: "li-client", APIVersion: "202401"}, nil)
	_, err = old.Publish(ctx, b.coffee, platform.Post{Text: "old version"})
	pe = wantKind(t, err, platform.KindPermanent, "NONEXISTENT_VERSION")
	if !strings.Contains(pe.Message, `"202401" is no longer active`) {
		t.Errorf("message %q", pe.Message)
	}
}

func TestLinkedInMetrics(t *testing.T) {
	t.Parallel()
	b := setup(t, withMemberReads)
	ctx := context.Background()
	orgPost, err := b.client.Publish(ctx, b.coffee, platform.Post{Text: "metrics please"})
	if err != nil {
		t.Fatal(err)
	}
	memberPost, err := b.client.Publish(ctx, b.member, platform.Post{Text: "member metrics"})
	if err != nil {
		t.Fatal(err)
	}
	b.clock.Add(time.Hour)
	first, err := b.client.PostMetrics(ctx, b.coffee, orgPost.ID)
	if err != nil {
		t.Fatal(err)
	}
	b.clock.Add(48 * time.Hour)
	later, err := b.client.PostMetrics(ctx, b.coffee, orgPost.ID)
	if err != nil {
		t.Fatal(err)
	}
	if first.Impressions == nil || first.Reach == nil || first.Clicks == nil || first.Likes == nil || first.Comments == nil || first.Shares == nil {
		t.Fatalf("organization post metrics %+v", first)
	}
	if *later.Impressions <= *first.Impressions || *later.Likes < *first.Likes || *later.Reach > *later.Impressions {
		t.Errorf("metrics do not grow: %d → %d", *first.Impressions, *later.Impressions)
	}
	if later.Saves != nil || later.VideoViews != nil || later.Followers != nil {
		t.Errorf("unknown figures must be nil: %+v", later)
	}

	m, err := b.client.PostMetrics(ctx, b.member, memberPost.ID)
	if err != nil {
		t.Fatal(err)
	}
	if m.Likes == nil || m.Comments == nil || *m.Likes == 0 || m.Impressions != nil || m.Reach != nil {
		t.Errorf("member post metrics %+v", m)
	}
	recent, err := b.client.RecentPosts(ctx, b.member, time.Time{})
	if err != nil || len(recent) != 1 {
		t.Errorf("member's recent posts with r_member_social: %+v, %v", recent, err)
	}

	followers, err := b.client.AccountMetrics(ctx, b.coffee)
	if err != nil || followers.Followers == nil || *followers.Followers != 1842 {
		t.Fatalf("followers %+v, %v", followers, err)
	}
	mm, err := b.client.AccountMetrics(ctx, b.member)
	if err != nil || mm != (platform.Metrics{}) {
		t.Errorf("member account metrics %+v, %v: want all unknown", mm, err)
	}
}

func TestLinkedInMemberReadsNeedPartnerScope(t *testing.T) {
	t.Parallel()
	b := setup(t, linkedin.Config{})
	ctx := context.Background()
	pub, err := b.client.Publish(ctx, b.member, platform.Post{Text: "mine"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.client.RecentPosts(ctx, b.member, time.Time{})
	wantKind(t, err, platform.KindPermanent, "ACCESS_DENIED")
	_, err = b.client.PostMetrics(ctx, b.member, pub.ID)
	wantKind(t, err, platform.KindPermanent, "ACCESS_DENIED")
}

// The upload URL LinkedIn hands out gets the bearer token only on LinkedIn's hosts.
func TestLinkedInUploadURLMustBeLinkedIn(t *testing.T) {
	t.Parallel()
	var leaked sync.Map
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked.Store("auth", r.Header.Get("Authorization"))
	}))
	t.Cleanup(evil.Close)
	b := setup(t, linkedin.Config{})
	b.sb.InjectFault(sandbox.Fault{Platform: "linkedin", Path: "/rest/images", Status: 200, Times: 1,
		Body: `{"value":{"uploadUrl":"` + evil.URL + `/steal","image":"urn:li:image:X","uploadUrlExpiresAt":1}}`})
	_, err := b.client.Publish(context.Background(), b.coffee, platform.Post{Text: "x", ImageURLs: []string{b.sb.URL + "/media.licdn.com/dms/image/a"}})
	wantKind(t, err, platform.KindTransient, "")
	if v, ok := leaked.Load("auth"); ok {
		t.Fatalf("token sent to a foreign host: %v", v)
	}
}

// getPage reads a web page of the sandbox.
func getPage(t *testing.T, b *bundle, u string) (int, string) {
	t.Helper()
	resp, err := b.sb.Client.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}
