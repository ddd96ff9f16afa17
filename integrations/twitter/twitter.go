// Package twitter is the X (Twitter) API v2 adapter: OAuth 2.0 Authorization
// Code with PKCE, the authenticated user as the one connectable account,
// posts (text, link, up to four images or one video, reply-chain threads),
// the user's timeline, and post and account metrics.
//
// Reference: https://docs.x.com/x-api/introduction and the OpenAPI document
// at https://api.x.com/2/openapi.json (a copy is validated against in tests).
package twitter

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/safehttp"
)

// The real origins; Hosts maps them to a sandbox.
const (
	apiOrigin = "https://api.x.com"
	webOrigin = "https://x.com"
)

// Scopes are the OAuth 2.0 scopes the adapter asks for: read and write posts,
// read the user, upload media, and offline.access for a refresh token.
var Scopes = []string{"tweet.read", "tweet.write", "users.read", "offline.access", "media.write", "like.write", "tweet.moderate.write"}

// Config is the X app's credentials and the adapter's tuning.
type Config struct {
	// ClientID and ClientSecret of the X app. With a secret the app is a
	// confidential client and authenticates to the token endpoint with HTTP
	// Basic; without one it is a public client and sends client_id in the body.
	ClientID, ClientSecret string
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Wait sleeps d or until ctx is done, between media STATUS polls; default
	// a timer. Tests replace it to advance a fake clock.
	Wait func(ctx context.Context, d time.Duration) error
	// MaxProcessingWait bounds how long Publish waits for X to process a
	// video (the sum of check_after_secs); default 5 minutes.
	MaxProcessingWait time.Duration
	// ChunkSize is the size of a video upload segment; default 4 MiB (X takes
	// at most 5 MB per APPEND).
	ChunkSize int
}

// Client talks to X API v2 as one app.
type Client struct {
	http  *http.Client
	media *safehttp.Client
	hosts platform.Hosts
	cfg   Config
}

// NewClient returns a Client sending its API calls through httpClient to the
// hosts' X origins, and fetching the media of posts through media (an
// SSRF-safe client: the URLs come from people).
func NewClient(httpClient *http.Client, hosts platform.Hosts, cfg Config, media *safehttp.Client) *Client {
	if httpClient == nil {
		httpClient = http.DefaultClient
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Wait == nil {
		cfg.Wait = sleep
	}
	if cfg.MaxProcessingWait <= 0 {
		cfg.MaxProcessingWait = 5 * time.Minute
	}
	if cfg.ChunkSize <= 0 {
		cfg.ChunkSize = 4 << 20
	}
	return &Client{http: httpClient, media: media, hosts: hosts, cfg: cfg}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c *Client) api(path string) string { return c.hosts.Origin(apiOrigin) + path }

func (c *Client) oauthConfig(redirectURL string) *oauth2.Config {
	style := oauth2.AuthStyleInHeader
	if c.cfg.ClientSecret == "" {
		style = oauth2.AuthStyleInParams
	}
	return &oauth2.Config{
		ClientID:     c.cfg.ClientID,
		ClientSecret: c.cfg.ClientSecret,
		RedirectURL:  redirectURL,
		Scopes:       Scopes,
		Endpoint: oauth2.Endpoint{
			AuthURL:   c.hosts.Origin(webOrigin) + "/i/oauth2/authorize",
			TokenURL:  c.api("/2/oauth2/token"),
			AuthStyle: style,
		},
	}
}

// AuthCodeURL is where to send the person to grant access. X requires PKCE:
// verifier (from oauth2.GenerateVerifier) is sent as its S256 challenge and
// must be given again to Exchange.
//
// https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code
func (c *Client) AuthCodeURL(state, redirectURL, verifier string) string {
	var opts []oauth2.AuthCodeOption
	if verifier != "" {
		opts = append(opts, oauth2.S256ChallengeOption(verifier))
	}
	return c.oauthConfig(redirectURL).AuthCodeURL(state, opts...)
}

// Exchange trades an authorization code for tokens. The access token lives
// two hours; the refresh token (offline.access) is single-use, see Refresh.
//
// https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code
func (c *Client) Exchange(ctx context.Context, code, redirectURL, verifier string) (*oauth2.Token, error) {
	ctx = context.WithValue(ctx, oauth2.HTTPClient, c.http)
	tok, err := c.oauthConfig(redirectURL).Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, mapOAuthError("exchange code", err, c.cfg.Now())
	}
	return tok, nil
}

// Refresh gets a new access token. X rotates refresh tokens: the returned
// token carries a NEW refresh token and the one passed in stops working, so
// the caller must store the returned RefreshToken in place of the old one
// before anything else (a second refresh with the old one fails with
// KindAuth and the grant is lost).
//
// https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code
func (c *Client) Refresh(ctx context.Context, refreshToken string) (*oauth2.Token, error) {
	ctx = context.WithValue(ctx, oauth2.HTTPClient, c.http)
	tok, err := c.oauthConfig("").TokenSource(ctx, &oauth2.Token{RefreshToken: refreshToken}).Token()
	if err != nil {
		return nil, mapOAuthError("refresh token", err, c.cfg.Now())
	}
	if tok.RefreshToken == refreshToken {
		// x/oauth2 keeps the old refresh token when the answer has none; X
		// always rotates, so an answer without one cannot be relied on.
		return nil, &platform.Error{Platform: platform.Twitter, Op: "refresh token", Kind: platform.KindTransient,
			Message: "token endpoint returned no new refresh token"}
	}
	return tok, nil
}

// Revoke revokes an access or a refresh token (POST /2/oauth2/revoke). To end
// a grant, revoke its refresh token and its access token.
//
// https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code
func (c *Client) Revoke(ctx context.Context, token string) error {
	const op = "revoke token"
	form := url.Values{"token": {token}}
	if c.cfg.ClientSecret == "" {
		form.Set("client_id", c.cfg.ClientID)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.api("/2/oauth2/revoke"), strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("%s: %s: %w", platform.Twitter, op, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if c.cfg.ClientSecret != "" {
		req.SetBasicAuth(url.QueryEscape(c.cfg.ClientID), url.QueryEscape(c.cfg.ClientSecret))
	}
	resp, body, err := platform.Do(c.http, req, platform.Twitter, op)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return mapTokenEndpoint(op, resp.StatusCode, resp.Header, body, "", "", c.cfg.Now(), nil)
	}
	var out struct {
		Revoked *bool `json:"revoked"`
	}
	if err := json.Unmarshal(body, &out); err != nil || out.Revoked == nil {
		return platform.Malformed(platform.Twitter, op, resp.StatusCode, fmt.Errorf("no revoked field in %.200q", body))
	}
	if !*out.Revoked {
		return &platform.Error{Platform: platform.Twitter, Op: op, Kind: platform.KindPermanent, Status: resp.StatusCode, Message: "token not revoked"}
	}
	return nil
}

type user struct {
	ID              string `json:"id"`
	Name            string `json:"name"`
	Username        string `json:"username"`
	ProfileImageURL string `json:"profile_image_url"`
	PublicMetrics   *struct {
		FollowersCount *int64 `json:"followers_count"`
	} `json:"public_metrics"`
}

// Accounts returns the one account an X grant reveals: the user who granted
// it (GET /2/users/me).
//
// https://docs.x.com/x-api/users/get-my-user
func (c *Client) Accounts(ctx context.Context, tok *oauth2.Token) ([]platform.Account, error) {
	const op = "get accounts"
	if tok == nil || tok.AccessToken == "" {
		return nil, &platform.Error{Platform: platform.Twitter, Op: op, Kind: platform.KindAuth, Message: "no access token"}
	}
	var out struct {
		Data *user `json:"data"`
	}
	q := url.Values{"user.fields": {"profile_image_url,public_metrics"}}
	if err := c.call(ctx, op, http.MethodGet, "/2/users/me?"+q.Encode(), tok.AccessToken, nil, http.StatusOK, &out); err != nil {
		return nil, err
	}
	if out.Data == nil || out.Data.ID == "" || out.Data.Username == "" {
		return nil, platform.Malformed(platform.Twitter, op, http.StatusOK, fmt.Errorf("no user id or username"))
	}
	return []platform.Account{{
		ExternalID: out.Data.ID,
		Name:       out.Data.Name,
		Handle:     "@" + out.Data.Username,
		AvatarURL:  out.Data.ProfileImageURL,
		Kind:       "user",
	}}, nil
}

// permalink is the post's web address; x.com redirects /i/web/status/<id> to
// /<username>/status/<id>, so no extra call is needed to learn the username.
func (c *Client) permalink(id string) string {
	return c.hosts.Origin(webOrigin) + "/i/web/status/" + id
}

// call sends one API request with the user's bearer token and decodes a
// want-status JSON answer into out (want 0: any 2xx). body is marshalled to
// JSON unless it is a rawBody.
func (c *Client) call(ctx context.Context, op, method, path, token string, body any, want int, out any) error {
	var rd io.Reader
	contentType := ""
	switch b := body.(type) {
	case nil:
	case rawBody:
		rd, contentType = bytes.NewReader(b.data), b.contentType
	default:
		data, err := json.Marshal(b)
		if err != nil {
			return fmt.Errorf("%s: %s: %w", platform.Twitter, op, err)
		}
		rd, contentType = bytes.NewReader(data), "application/json"
	}
	req, err := http.NewRequestWithContext(ctx, method, c.api(path), rd)
	if err != nil {
		return fmt.Errorf("%s: %s: %w", platform.Twitter, op, err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, data, err := platform.Do(c.http, req, platform.Twitter, op)
	if err != nil {
		return err
	}
	if resp.StatusCode != want && (want != 0 || resp.StatusCode/100 != 2) {
		return mapError(op, resp.StatusCode, resp.Header, data, c.cfg.Now())
	}
	if out == nil {
		return nil
	}
	// A success status with errors[] and no data is a failure (X answers 200
	// with only errors[] for an unknown or forbidden id).
	var env struct {
		Data   json.RawMessage `json:"data"`
		Errors []apiError      `json:"errors"`
	}
	if err := json.Unmarshal(data, &env); err != nil {
		return platform.Malformed(platform.Twitter, op, resp.StatusCode, err)
	}
	if len(env.Errors) > 0 && (len(env.Data) == 0 || string(env.Data) == "null") {
		return mapError(op, resp.StatusCode, resp.Header, data, c.cfg.Now())
	}
	if err := json.Unmarshal(data, out); err != nil {
		return platform.Malformed(platform.Twitter, op, resp.StatusCode, err)
	}
	return nil
}

// rawBody is a request body sent as is.
type rawBody struct {
	data        []byte
	contentType string
}
