// Package linkedin is the adapter for LinkedIn: Sign In with LinkedIn (OpenID
// Connect) and the Community Management APIs of the versioned REST API
// (https://api.linkedin.com/rest/, LinkedIn-Version YYYYMM,
// X-Restli-Protocol-Version 2.0.0). A grant reveals the member and every
// organization the member administers; each can author posts.
//
// Media is downloaded by the service itself (LinkedIn takes bytes, not URLs)
// through an SSRF-safe *safehttp.Client, then uploaded with the Images or
// Videos API before the post is created.
package linkedin

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

// DefaultAPIVersion is the LinkedIn-Version sent when Config.APIVersion is
// empty. LinkedIn supports each monthly version for about a year and then
// answers 426 NONEXISTENT_VERSION: keep it configured.
const DefaultAPIVersion = "202608"

// DefaultScopes are requested when Config.Scopes is empty: OpenID Connect
// sign-in, posting as the member and as organizations, reading organization
// posts and statistics. Reading a member's own posts and their social
// actions needs r_member_social, which LinkedIn grants to approved partners
// only; add it to Config.Scopes when the app has it.
var DefaultScopes = []string{"openid", "profile", "email", "w_member_social", "w_organization_social", "r_organization_social", "rw_organization_admin"}

// Real origins; platform.Hosts maps them to a sandbox.
const (
	apiOrigin = "https://api.linkedin.com"
	wwwOrigin = "https://www.linkedin.com"
)

// Config is an app's LinkedIn settings.
type Config struct {
	ClientID     string
	ClientSecret string
	// APIVersion is the LinkedIn-Version header (YYYYMM); default DefaultAPIVersion.
	APIVersion string
	// Scopes requested at authorization; default DefaultScopes.
	Scopes []string
	// Now is the clock used to compute rate-limit waits; default time.Now.
	Now func() time.Time
	// ProcessingPoll is how often an uploaded image or video's status is
	// read while LinkedIn processes it; default 2 s.
	ProcessingPoll time.Duration
	// MaxProcessingWait bounds that wait; default 5 min.
	MaxProcessingWait time.Duration
}

// Client calls LinkedIn. It is safe for concurrent use.
type Client struct {
	http  *http.Client
	media *safehttp.Client
	cfg   Config
	oauth oauth2.Config
	api   string // origin of api.linkedin.com (or its sandbox stand-in)
	www   string // origin of www.linkedin.com
}

// NewClient returns a Client calling the hosts through httpClient and
// downloading media with media.
func NewClient(httpClient *http.Client, hosts platform.Hosts, cfg Config, media *safehttp.Client) *Client {
	if httpClient == nil {
		httpClient = http.DefaultClient
	}
	if cfg.APIVersion == "" {
		cfg.APIVersion = DefaultAPIVersion
	}
	if len(cfg.Scopes) == 0 {
		cfg.Scopes = DefaultScopes
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.ProcessingPoll <= 0 {
		cfg.ProcessingPoll = defaultProcessingPoll
	}
	if cfg.MaxProcessingWait <= 0 {
		cfg.MaxProcessingWait = defaultMaxProcessingWait
	}
	www := hosts.Origin(wwwOrigin)
	return &Client{
		http:  httpClient,
		media: media,
		cfg:   cfg,
		api:   hosts.Origin(apiOrigin),
		www:   www,
		oauth: oauth2.Config{
			ClientID:     cfg.ClientID,
			ClientSecret: cfg.ClientSecret,
			Scopes:       cfg.Scopes,
			Endpoint: oauth2.Endpoint{
				AuthURL:  www + "/oauth/v2/authorization",
				TokenURL: www + "/oauth/v2/accessToken",
				// LinkedIn wants client_id and client_secret in the form body.
				AuthStyle: oauth2.AuthStyleInParams,
			},
		},
	}
}

func (c *Client) now() time.Time { return c.cfg.Now() }

// call is one request to the REST API. path is relative to the api origin
// and already escaped ("/rest/posts/urn%3Ali%3Ashare%3A1?..."). A /rest/ path
// carries the version headers; /v2/ (unversioned) does not. in, when not nil,
// is sent as JSON; out, when not nil, receives the JSON answer.
func (c *Client) call(ctx context.Context, op, method, path, token string, in, out any, header http.Header) (*http.Response, error) {
	var body io.Reader
	if in != nil {
		data, err := json.Marshal(in)
		if err != nil {
			return nil, fmt.Errorf("linkedin: %s: %w", op, err)
		}
		body = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.api+path, body)
	if err != nil {
		return nil, fmt.Errorf("linkedin: %s: %w", op, err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if strings.HasPrefix(path, "/rest/") {
		req.Header.Set("LinkedIn-Version", c.cfg.APIVersion)
		req.Header.Set("X-Restli-Protocol-Version", "2.0.0")
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, data, err := platform.Do(c.http, req, platform.LinkedIn, op)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, c.mapError(op, resp, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return nil, platform.Malformed(platform.LinkedIn, op, resp.StatusCode, err)
		}
	}
	return resp, nil
}

// escURN escapes a URN for a path segment or query value, as Rest.li 2.0 wants.
func escURN(urn string) string { return url.QueryEscape(urn) }

// isOrg reports whether urn is an organization's.
func isOrg(urn string) bool { return strings.HasPrefix(urn, "urn:li:organization:") }

// permalink is where a post (by URN) is seen on linkedin.com (or the
// sandbox's stand-in for it).
func (c *Client) permalink(urn string) string { return c.www + "/feed/update/" + urn }
