package twitter_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/safehttp"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/integrations/sandbox/sandboxtest"
	"github.com/marketingminds/marketingminds/integrations/sandbox/testmedia"
	"github.com/marketingminds/marketingminds/integrations/twitter"
)

const redirectURL = "https://app.example/api/social/callback/twitter"

type env struct {
	sb     *sandboxtest.Server
	media  *httptest.Server
	clock  *sandboxtest.Clock
	http   *http.Client
	spec   *specTransport
	client *twitter.Client
	cfg    twitter.Config
}

// Media the tests publish: bytes whose sniffed types are image/png and
// image/jpeg; videos are real MP4 headers (testmedia), as X reads them.
var (
	pngBytes = append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{7}, 2048)...)
	jpgBytes = append([]byte("\xff\xd8\xff\xe0"), bytes.Repeat([]byte{9}, 4096)...)
)

func setup(t *testing.T) *env {
	t.Helper()
	clock := sandboxtest.NewClock(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC), 0)
	sb := sandboxtest.Start(t, sandbox.Options{Now: clock.Now})
	mux := http.NewServeMux()
	serve := func(path, ct string, data []byte) {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ct)
			_, _ = w.Write(data)
		})
	}
	serve("/photo.png", "image/png", pngBytes)
	serve("/photo.jpg", "image/jpeg", jpgBytes)
	serve("/clip.mp4", "application/octet-stream", testmedia.MP4(t, testmedia.Video{Brand: "mp42", Seconds: 30, Audio: testmedia.AAC, Bytes: 200_000}))
	serve("/long.mp4", "video/mp4", testmedia.MP4(t, testmedia.Video{Seconds: 141, Audio: testmedia.AAC, Bytes: 100_000}))
	serve("/hevc.mp4", "video/mp4", testmedia.MP4(t, testmedia.Video{Codec: "hvc1", Seconds: 30, Bytes: 100_000}))
	media := httptest.NewServer(mux)
	t.Cleanup(media.Close)

	spec := newSpecTransport(t, sb.URL, nil)
	hc := &http.Client{Transport: spec, Timeout: 10 * time.Second}
	e := &env{sb: sb, media: media, clock: clock, http: hc, spec: spec}
	e.cfg = twitter.Config{
		ClientID: "mm-test", ClientSecret: "s3cret", Now: clock.Now,
		Wait:      func(_ context.Context, d time.Duration) error { clock.Add(d); return nil },
		ChunkSize: 64 << 10,
	}
	e.client = twitter.NewClient(hc, sb.Hosts, e.cfg, safehttp.New(safehttp.Options{AllowPrivate: true}))
	return e
}

// authorize follows the consent page and returns the code it redirects with.
func (e *env) authorize(t *testing.T, verifier string) string {
	t.Helper()
	u := e.client.AuthCodeURL("st4te", redirectURL, verifier)
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("consent page: HTTP %d", resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || !strings.HasPrefix(loc.String(), redirectURL) || loc.Query().Get("state") != "st4te" || loc.Query().Get("code") == "" {
		t.Fatalf("consent redirect %q", resp.Header.Get("Location"))
	}
	return loc.Query().Get("code")
}

// connect runs the whole OAuth flow and returns the grant and its account.
func (e *env) connect(t *testing.T) (*oauth2.Token, platform.Target) {
	t.Helper()
	ctx := context.Background()
	verifier := oauth2.GenerateVerifier()
	tok, err := e.client.Exchange(ctx, e.authorize(t, verifier), redirectURL, verifier)
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	accts, err := e.client.Accounts(ctx, tok)
	if err != nil {
		t.Fatalf("accounts: %v", err)
	}
	return tok, platform.Target{ExternalID: accts[0].ExternalID, AccessToken: tok.AccessToken}
}

func wantKind(t *testing.T, err error, kind platform.Kind) *platform.Error {
	t.Helper()
	var pe *platform.Error
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T) is not a *platform.Error", err, err)
	}
	if pe.Kind != kind || pe.Platform != platform.Twitter || pe.Op == "" {
		t.Fatalf("error %v: kind %v platform %q op %q, want kind %v", pe, pe.Kind, pe.Platform, pe.Op, kind)
	}
	return pe
}

func TestContractOAuthAndAccounts(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	u, _ := url.Parse(e.client.AuthCodeURL("s", redirectURL, oauth2.GenerateVerifier()))
	q := u.Query()
	if !strings.HasSuffix(u.Path, "/x.com/i/oauth2/authorize") || q.Get("code_challenge_method") != "S256" ||
		q.Get("scope") != "tweet.read tweet.write users.read offline.access media.write like.write tweet.moderate.write" || q.Get("response_type") != "code" {
		t.Fatalf("authorize URL %s", u)
	}

	tok, target := e.connect(t)
	if tok.RefreshToken == "" || tok.Expiry.IsZero() {
		t.Fatalf("token without refresh token or expiry: %+v", tok)
	}
	accts, err := e.client.Accounts(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	want := platform.Account{ExternalID: "1500000000000000001", Name: "Acme Coffee", Handle: "@acme_sandbox", Kind: "user"}
	if len(accts) != 1 || accts[0].ExternalID != want.ExternalID || accts[0].Handle != want.Handle || accts[0].Kind != "user" ||
		accts[0].Name != want.Name || accts[0].AvatarURL == "" {
		t.Fatalf("accounts = %+v", accts)
	}
	if target.ExternalID != want.ExternalID {
		t.Fatalf("target %+v", target)
	}

	// Refresh rotates: the new refresh token works, the old one is spent.
	next, err := e.client.Refresh(ctx, tok.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	if next.RefreshToken == "" || next.RefreshToken == tok.RefreshToken || next.AccessToken == tok.AccessToken {
		t.Fatalf("refresh did not rotate: %+v", next)
	}
	_, err = e.client.Refresh(ctx, tok.RefreshToken)
	if pe := wantKind(t, err, platform.KindAuth); pe.Code != "invalid_request" || !errors.Is(err, platform.ErrTokenExpired) {
		t.Fatalf("reused refresh token: %v", err)
	}
	if _, err := e.client.Refresh(ctx, next.RefreshToken); err != nil {
		t.Fatalf("refresh with the rotated token: %v", err)
	}

	// A code is single-use.
	verifier := oauth2.GenerateVerifier()
	code := e.authorize(t, verifier)
	if _, err := e.client.Exchange(ctx, code, redirectURL, verifier); err != nil {
		t.Fatal(err)
	}
	_, err = e.client.Exchange(ctx, code, redirectURL, verifier)
	wantKind(t, err, platform.KindAuth)
	// The verifier must match the challenge.
	code = e.authorize(t, oauth2.GenerateVerifier())
	_, err = e.client.Exchange(ctx, code, redirectURL, oauth2.GenerateVerifier())
	wantKind(t, err, platform.KindAuth)

	// Revoked tokens stop working.
	if err := e.client.Revoke(ctx, next.AccessToken); err != nil {
		t.Fatal(err)
	}
	_, err = e.client.Accounts(ctx, next)
	wantKind(t, err, platform.KindAuth)
}

func TestContractClientSecret(t *testing.T) {
	e := setup(t)
	e.sb.RegisterApp("twitter", "mm-test", "the-real-secret")
	verifier := oauth2.GenerateVerifier()
	code := e.authorize(t, verifier)
	_, err := e.client.Exchange(context.Background(), code, redirectURL, verifier)
	if pe := wantKind(t, err, platform.KindPermanent); pe.Code != "unauthorized_client" || pe.Status != 401 {
		t.Fatalf("wrong secret: %v", pe)
	}
	err = e.client.Revoke(context.Background(), "whatever")
	wantKind(t, err, platform.KindPermanent)
}

func TestContractConsentDenied(t *testing.T) {
	e := setup(t)
	e.sb.SetConsent("twitter", false)
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(e.client.AuthCodeURL("st4te", redirectURL, oauth2.GenerateVerifier()))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || loc.Query().Get("error") != "access_denied" || loc.Query().Get("state") != "st4te" || loc.Query().Get("code") != "" {
		t.Fatalf("denied consent: %d %s", resp.StatusCode, loc)
	}
}

func TestContractExpiredTokenRefresh(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	tok, target := e.connect(t)
	e.sb.ExpireTokens("twitter")
	_, err := e.client.Publish(ctx, target, platform.Post{Text: "before refresh"})
	if pe := wantKind(t, err, platform.KindAuth); pe.Status != 401 {
		t.Fatalf("expired token: %v", pe)
	}
	next, err := e.client.Refresh(ctx, tok.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	target.AccessToken = next.AccessToken
	pub, err := e.client.Publish(ctx, target, platform.Post{Text: "after refresh"})
	if err != nil || pub.ID == "" {
		t.Fatalf("publish after refresh: %+v %v", pub, err)
	}
}

func TestContractPublishReadAndMetrics(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	tok, target := e.connect(t)
	// advance moves the clock on and refreshes the two-hour access token.
	advance := func(d time.Duration) {
		t.Helper()
		e.clock.Add(d)
		next, err := e.client.Refresh(ctx, tok.RefreshToken)
		if err != nil {
			t.Fatal(err)
		}
		tok, target.AccessToken = next, next.AccessToken
	}
	start := e.clock.Now()
	pub, err := e.client.Publish(ctx, target, platform.Post{Text: "Fresh roast today", Link: "https://acme.example/roast"})
	if err != nil {
		t.Fatal(err)
	}
	if pub.ID == "" || pub.URL != e.sb.URL+"/x.com/i/web/status/"+pub.ID || len(pub.PartIDs) != 0 {
		t.Fatalf("published %+v", pub)
	}
	page, err := http.Get(pub.URL)
	if err != nil {
		t.Fatal(err)
	}
	page.Body.Close()
	if page.StatusCode != http.StatusOK {
		t.Fatalf("permalink: HTTP %d", page.StatusCode)
	}

	recent, err := e.client.RecentPosts(ctx, target, start.Add(-time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if len(recent) != 1 || recent[0].ID != pub.ID || recent[0].Text != "Fresh roast today\n\nhttps://acme.example/roast" ||
		!recent[0].CreatedAt.Equal(start) || recent[0].URL != pub.URL {
		t.Fatalf("recent posts %+v", recent)
	}
	if later, err := e.client.RecentPosts(ctx, target, start.Add(time.Minute)); err != nil || len(later) != 0 {
		t.Fatalf("posts since after publishing: %+v %v", later, err)
	}

	first, err := e.client.PostMetrics(ctx, target, pub.ID)
	if err != nil {
		t.Fatal(err)
	}
	advance(6 * time.Hour)
	m, err := e.client.PostMetrics(ctx, target, pub.ID)
	if err != nil {
		t.Fatal(err)
	}
	if m.Impressions == nil || *m.Impressions <= *first.Impressions || m.Likes == nil || m.Comments == nil ||
		m.Shares == nil || m.Clicks == nil || *m.Clicks == 0 || m.Saves == nil {
		t.Fatalf("metrics after 6 h: %+v", m)
	}
	if m.Reach != nil || m.VideoViews != nil || m.Followers != nil {
		t.Fatalf("figures X does not give must stay unknown: %+v", m)
	}
	// Past 30 days X withholds the non-public metrics; public ones remain.
	advance(31 * 24 * time.Hour)
	old, err := e.client.PostMetrics(ctx, target, pub.ID)
	if err != nil || old.Impressions == nil || old.Clicks != nil {
		t.Fatalf("metrics of an old post: %+v %v", old, err)
	}

	_, err = e.client.PostMetrics(ctx, target, "1900000000000009999")
	if pe := wantKind(t, err, platform.KindPermanent); pe.Code != "resource-not-found" || pe.Status != 200 {
		t.Fatalf("unknown post: %v", pe)
	}

	am, err := e.client.AccountMetrics(ctx, target)
	if err != nil || am.Followers == nil || *am.Followers != 4210 {
		t.Fatalf("account metrics %+v %v", am, err)
	}
}

func TestContractPublishImagesAndThread(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	_, target := e.connect(t)
	pub, err := e.client.Publish(ctx, target, platform.Post{
		Thread:    []string{"1/3 our new beans", "2/3 roasted Tuesday", "3/3 in shops Friday"},
		ImageURLs: []string{e.media.URL + "/photo.png", e.media.URL + "/photo.jpg"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(pub.PartIDs) != 3 || pub.PartIDs[0] != pub.ID {
		t.Fatalf("thread %+v", pub)
	}
	if n := e.sb.Calls("POST", "/api.x.com/2/media/upload"); n != 2 {
		t.Fatalf("%d image uploads, want 2", n)
	}
	// The chain as X shows it: one conversation, each part replying to the
	// one before, the images on the first part.
	req, _ := http.NewRequest(http.MethodGet, e.sb.URL+"/api.x.com/2/tweets?ids="+strings.Join(pub.PartIDs, ",")+
		"&tweet.fields=conversation_id,in_reply_to_user_id,attachments", nil)
	req.Header.Set("Authorization", "Bearer "+target.AccessToken)
	var out struct {
		Data []struct {
			ID          string `json:"id"`
			Convo       string `json:"conversation_id"`
			ReplyUser   string `json:"in_reply_to_user_id"`
			Attachments *struct {
				MediaKeys []string `json:"media_keys"`
			} `json:"attachments"`
		} `json:"data"`
	}
	doJSON(t, e.http, req, http.StatusOK, &out)
	if len(out.Data) != 3 {
		t.Fatalf("lookup %+v", out)
	}
	for i, d := range out.Data {
		if d.Convo != pub.ID || (i > 0) != (d.ReplyUser == target.ExternalID) || (i == 0) != (d.Attachments != nil) {
			t.Fatalf("part %d: %+v", i, d)
		}
	}
	if len(out.Data[0].Attachments.MediaKeys) != 2 {
		t.Fatalf("media keys %+v", out.Data[0].Attachments)
	}

	// A failing part returns what was published before it.
	_, err = e.client.Publish(ctx, target, platform.Post{Thread: []string{"a fresh start", "2/3 roasted Tuesday"}})
	wantKind(t, err, platform.KindPermanent)
	partial, _ := e.client.Publish(ctx, target, platform.Post{Thread: []string{"another start", "2/3 roasted Tuesday"}})
	if partial.ID == "" || len(partial.PartIDs) != 1 {
		t.Fatalf("partial thread %+v", partial)
	}
}

func TestContractPublishVideo(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	_, target := e.connect(t)
	start := e.clock.Now()
	pub, err := e.client.Publish(ctx, target, platform.Post{Text: "Roastery tour", VideoURL: e.media.URL + "/clip.mp4"})
	if err != nil {
		t.Fatal(err)
	}
	if pub.ID == "" {
		t.Fatalf("published %+v", pub)
	}
	if n := e.sb.Calls("POST", "/api.x.com/2/media/upload/"); n != 1+4+1 {
		t.Fatalf("%d chunked upload calls, want initialize + 4 appends + finalize", n)
	}
	if n := e.sb.Calls("GET", "/api.x.com/2/media/upload"); n < 2 {
		t.Fatalf("%d STATUS polls, want at least 2", n)
	}
	if waited := e.clock.Now().Sub(start); waited < 3*time.Second || waited > 10*time.Second {
		t.Fatalf("waited %v for processing", waited)
	}

	// Processing that outlasts MaxProcessingWait is a clear timeout.
	cfg := e.cfg
	cfg.MaxProcessingWait = time.Second
	short := twitter.NewClient(e.http, platform.Hosts{Sandbox: e.sb.URL}, cfg, safehttp.New(safehttp.Options{AllowPrivate: true}))
	_, err = short.Publish(ctx, target, platform.Post{Text: "Roastery tour, take 2", VideoURL: e.media.URL + "/clip.mp4"})
	if pe := wantKind(t, err, platform.KindTransient); pe.Code != "processing_timeout" {
		t.Fatalf("processing timeout: %v", pe)
	}
}

// TestContractVideoRefusalsNameTheLimit: a video X's processing fails
// (another codec) and one POST /2/tweets refuses for its duration (403)
// are permanent errors whose message names X's limit.
func TestContractVideoRefusalsNameTheLimit(t *testing.T) {
	e := setup(t)
	_, target := e.connect(t)
	for _, c := range []struct {
		file, code, want string
	}{
		{"/hevc.mp4", "processing_failed", "X takes MP4 or MOV videos with H.264 video and AAC sound, from 0.5 seconds to 2 minutes 20 seconds long"},
		{"/long.mp4", "", "not allowed to post a video longer than 2 minutes 20 seconds"},
	} {
		_, err := e.client.Publish(context.Background(), target, platform.Post{Text: "tour " + c.file, VideoURL: e.media.URL + c.file})
		pe := wantKind(t, err, platform.KindPermanent)
		if (c.code != "" && pe.Code != c.code) || !strings.Contains(pe.Message, c.want) {
			t.Errorf("%s: %v (code %q), want code %q and a message naming %q", c.file, err, pe.Code, c.code, c.want)
		}
	}
}

func TestContractPostLimitAndPagination(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	_, target := e.connect(t)
	start := e.clock.Now()
	for i := range 100 {
		if _, err := e.client.Publish(ctx, target, platform.Post{Text: "post number " + string(rune('A'+i/26)) + string(rune('a'+i%26))}); err != nil {
			t.Fatalf("post %d: %v", i, err)
		}
	}
	_, err := e.client.Publish(ctx, target, platform.Post{Text: "one too many"})
	pe := wantKind(t, err, platform.KindRateLimit)
	if pe.RetryAfter != 15*time.Minute {
		t.Fatalf("retry after %v, want the 15-minute window", pe.RetryAfter)
	}
	e.clock.Add(15 * time.Minute)
	if _, err := e.client.Publish(ctx, target, platform.Post{Text: "one too many"}); err != nil {
		t.Fatalf("after the window: %v", err)
	}
	recent, err := e.client.RecentPosts(ctx, target, start)
	if err != nil {
		t.Fatal(err)
	}
	if len(recent) != 101 || recent[0].Text != "one too many" || recent[100].Text != "post number Aa" {
		t.Fatalf("%d recent posts, first %+v", len(recent), recent[0])
	}
	if n := e.sb.Calls("GET", "/api.x.com/2/users/"+target.ExternalID+"/tweets"); n != 2 {
		t.Fatalf("%d timeline pages, want 2", n)
	}
}

func TestContractBlockedMediaURL(t *testing.T) {
	e := setup(t)
	_, target := e.connect(t)
	strict := twitter.NewClient(e.http, platform.Hosts{Sandbox: e.sb.URL}, e.cfg, safehttp.New(safehttp.Options{}))
	_, err := strict.Publish(context.Background(), target, platform.Post{Text: "x", ImageURLs: []string{e.media.URL + "/photo.png"}})
	pe := wantKind(t, err, platform.KindPermanent)
	if !errors.Is(err, safehttp.ErrBlocked) || e.sb.Calls("POST", "/api.x.com/2/media") != 0 {
		t.Fatalf("loopback media URL: %v", pe)
	}
}
