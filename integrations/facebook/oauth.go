package facebook

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/marketingminds/marketingminds/integrations/platform"
)

// OAuth is Facebook Login's manual flow: the login dialog, the code exchange
// and the long-lived user token. The Instagram adapter (Instagram API with
// Facebook Login) reuses it with its own scopes and platform name.
type OAuth struct {
	cfg   oauth2.Config
	graph *Graph
	http  *http.Client
	name  platform.Name
}

// NewOAuth returns Facebook Login for the app, asking for scopes; errors name
// platform name.
func NewOAuth(httpClient *http.Client, hosts platform.Hosts, clientID, clientSecret, version string, scopes []string, name platform.Name) *OAuth {
	if httpClient == nil {
		httpClient = http.DefaultClient
	}
	if version == "" {
		version = DefaultVersion
	}
	return &OAuth{
		cfg: oauth2.Config{
			ClientID:     clientID,
			ClientSecret: clientSecret,
			Scopes:       scopes,
			Endpoint: oauth2.Endpoint{
				AuthURL:   hosts.Origin(LoginOrigin) + "/" + version + "/dialog/oauth",
				TokenURL:  hosts.Origin(GraphOrigin) + "/" + version + "/oauth/access_token",
				AuthStyle: oauth2.AuthStyleInParams,
			},
		},
		graph: NewGraph(httpClient, hosts, version, name),
		http:  httpClient,
		name:  name,
	}
}

// AuthCodeURL is the login dialog URL. Facebook wants the scopes
// comma-separated. The manual flow has no PKCE: verifier is ignored.
//
// https://developers.facebook.com/documentation/facebook-login/guides/advanced/manual-flow
func (o *OAuth) AuthCodeURL(state, redirectURL, verifier string) string {
	cfg := o.cfg
	cfg.RedirectURL = redirectURL
	cfg.Scopes = nil
	return cfg.AuthCodeURL(state,
		oauth2.SetAuthURLParam("scope", strings.Join(o.cfg.Scopes, ",")),
		oauth2.SetAuthURLParam("response_type", "code"))
}

// Exchange trades the code for a short-lived user token, then at once for a
// long-lived one (about 60 days, grant_type=fb_exchange_token), which is what
// it returns. Facebook has no refresh token: the returned token's
// RefreshToken holds the long-lived token itself, which Refresh re-exchanges
// while it is still valid. verifier is ignored (no PKCE in this flow).
//
// https://developers.facebook.com/documentation/facebook-login/guides/advanced/manual-flow
// https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived
func (o *OAuth) Exchange(ctx context.Context, code, redirectURL, verifier string) (*oauth2.Token, error) {
	const op = "exchange code"
	cfg := o.cfg
	cfg.RedirectURL = redirectURL
	short, err := cfg.Exchange(context.WithValue(ctx, oauth2.HTTPClient, o.http), code)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, MapTokenError(o.name, op, err)
	}
	return o.longLived(ctx, op, short.AccessToken)
}

// Refresh extends a long-lived user token by exchanging it again
// (grant_type=fb_exchange_token). Facebook has no refresh token; an expired or
// revoked token cannot be exchanged, which is a KindAuth error: the person
// must log in again.
//
// https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived
func (o *OAuth) Refresh(ctx context.Context, refreshToken string) (*oauth2.Token, error) {
	const op = "refresh token"
	if refreshToken == "" {
		return nil, &platform.Error{Platform: o.name, Op: op, Kind: platform.KindAuth,
			Message: "Facebook has no refresh token and no long-lived token was kept: log in again"}
	}
	return o.longLived(ctx, op, refreshToken)
}

func (o *OAuth) longLived(ctx context.Context, op, token string) (*oauth2.Token, error) {
	q := url.Values{
		"grant_type":        {"fb_exchange_token"},
		"client_id":         {o.cfg.ClientID},
		"client_secret":     {o.cfg.ClientSecret},
		"fb_exchange_token": {token},
	}
	var resp struct {
		AccessToken string      `json:"access_token"`
		TokenType   string      `json:"token_type"`
		ExpiresIn   json.Number `json:"expires_in"`
	}
	if err := o.graph.Get(ctx, op, "", "/oauth/access_token", q, &resp); err != nil {
		return nil, MapTokenError(o.name, op, err)
	}
	if resp.AccessToken == "" {
		return nil, platform.Malformed(o.name, op, http.StatusOK, errMissing("access_token"))
	}
	tok := &oauth2.Token{AccessToken: resp.AccessToken, TokenType: "bearer", RefreshToken: resp.AccessToken}
	if secs, err := resp.ExpiresIn.Int64(); err == nil && secs > 0 {
		tok.Expiry = time.Now().Add(time.Duration(secs) * time.Second)
		tok.ExpiresIn = secs
	}
	return tok, nil
}

// Revoke removes the app's every permission for the user (DELETE
// /me/permissions with the user token), which invalidates the user token and
// the Page tokens derived from it.
//
// https://developers.facebook.com/docs/facebook-login/guides/permissions/request-revoke
func (o *OAuth) Revoke(ctx context.Context, token string) error {
	const op = "revoke token"
	var resp struct {
		Success *bool `json:"success"`
	}
	if err := o.graph.Delete(ctx, op, token, "/me/permissions", nil, &resp); err != nil {
		return err
	}
	if resp.Success == nil || !*resp.Success {
		return platform.Malformed(o.name, op, http.StatusOK, errMissing("success: true"))
	}
	return nil
}

type errMissing string

func (e errMissing) Error() string { return "missing " + string(e) }
