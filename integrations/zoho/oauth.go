package zoho

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/oauth2"

	"github.com/marketingminds/marketingminds/integrations/platform"
)

// Scopes the product asks for: CRM records and settings, Campaigns.
var Scopes = []string{
	"ZohoCRM.modules.ALL",
	"ZohoCRM.settings.READ",
	"ZohoCampaigns.campaign.ALL",
	"ZohoCampaigns.contact.READ",
}

// oauthConfig is the x/oauth2 configuration for one accounts server. Zoho
// takes the client credentials as parameters, not Basic auth.
func (c *Client) oauthConfig(accounts, redirectURL string) *oauth2.Config {
	origin := c.hosts.Origin(accounts)
	return &oauth2.Config{
		ClientID:     c.cfg.ClientID,
		ClientSecret: c.cfg.ClientSecret,
		RedirectURL:  redirectURL,
		Scopes:       Scopes,
		Endpoint: oauth2.Endpoint{
			AuthURL:   origin + "/oauth/v2/auth",
			TokenURL:  origin + "/oauth/v2/token",
			AuthStyle: oauth2.AuthStyleInParams,
		},
	}
}

// AuthCodeURL is the consent page of the configured data center's accounts
// server. Zoho separates scopes with commas; access_type=offline asks for a
// refresh token and prompt=consent makes Zoho issue one again on re-consent.
//
// https://www.zoho.com/accounts/protocol/oauth/web-apps/authorization.html
func (c *Client) AuthCodeURL(state, redirectURL string) string {
	q := url.Values{
		"response_type": {"code"},
		"client_id":     {c.cfg.ClientID},
		"scope":         {strings.Join(Scopes, ",")},
		"redirect_uri":  {redirectURL},
		"access_type":   {"offline"},
		"prompt":        {"consent"},
		"state":         {state},
	}
	return c.hosts.Origin(c.dc.AccountsServer) + "/oauth/v2/auth?" + q.Encode()
}

// Exchange trades the authorization code for tokens at accountsServer, the
// callback's accounts-server parameter (the user's data center, which may
// differ from the configured one). accountsServer must be a known Zoho
// accounts server: the client secret is never sent anywhere else. An empty
// accountsServer means the configured data center's.
//
// https://www.zoho.com/accounts/protocol/oauth/multi-dc/client-authorization.html
func (c *Client) Exchange(ctx context.Context, code, redirectURL, accountsServer string) (Token, error) {
	const op = "exchange code"
	dc, err := c.accountsDataCenter(op, accountsServer)
	if err != nil {
		return Token{}, err
	}
	if code == "" {
		return Token{}, permanent(op, "no authorization code")
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, c.http)
	t, err := c.oauthConfig(dc.AccountsServer, redirectURL).Exchange(ctx, code)
	if err != nil {
		return Token{}, oauthError(ctx, op, err)
	}
	return tokenFrom(op, t, dc)
}

// Refresh gets a new access token from the configured data center's
// accounts server. Zoho does not rotate refresh tokens: the one given is kept
// in the result.
//
// https://www.zoho.com/accounts/protocol/oauth/web-apps/access-token-expiry.html
func (c *Client) Refresh(ctx context.Context, refreshToken string) (Token, error) {
	return c.RefreshAt(ctx, c.dc.AccountsServer, refreshToken)
}

// RefreshAt is Refresh at the accounts server the grant came from
// (Token.AccountsServer), for users of another data center.
//
// https://www.zoho.com/accounts/protocol/oauth/web-apps/access-token-expiry.html
func (c *Client) RefreshAt(ctx context.Context, accountsServer, refreshToken string) (Token, error) {
	const op = "refresh token"
	dc, err := c.accountsDataCenter(op, accountsServer)
	if err != nil {
		return Token{}, err
	}
	if refreshToken == "" {
		return Token{}, &platform.Error{Platform: name, Op: op, Kind: platform.KindAuth, Message: "no refresh token; the account must be connected again"}
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, c.http)
	t, err := c.oauthConfig(dc.AccountsServer, "").TokenSource(ctx, &oauth2.Token{RefreshToken: refreshToken}).Token()
	if err != nil {
		return Token{}, oauthError(ctx, op, err)
	}
	tok, err := tokenFrom(op, t, dc)
	if err != nil {
		return Token{}, err
	}
	tok.RefreshToken = refreshToken
	return tok, nil
}

// Revoke revokes a refresh token (and so the grant) at the configured data
// center's accounts server.
//
// https://www.zoho.com/accounts/protocol/oauth/web-apps/revoke-token.html
func (c *Client) Revoke(ctx context.Context, refreshToken string) error {
	return c.RevokeAt(ctx, c.dc.AccountsServer, refreshToken)
}

// RevokeAt is Revoke at the accounts server the grant came from.
//
// https://www.zoho.com/accounts/protocol/oauth/web-apps/revoke-token.html
func (c *Client) RevokeAt(ctx context.Context, accountsServer, refreshToken string) error {
	const op = "revoke token"
	dc, err := c.accountsDataCenter(op, accountsServer)
	if err != nil {
		return err
	}
	if refreshToken == "" {
		return permanent(op, "no token to revoke")
	}
	u := c.hosts.Origin(dc.AccountsServer) + "/oauth/v2/token/revoke?" + url.Values{"token": {refreshToken}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, nil)
	if err != nil {
		return permanent(op, "build request: "+err.Error())
	}
	resp, body, err := platform.Do(c.http, req, name, op)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return statusError(op, resp, body)
	}
	// Zoho answers errors with HTTP 200 and an "error" key.
	if e, ok := parseOAuthError(body); ok {
		return e.toError(op, resp.StatusCode)
	}
	return nil
}

// ErrUnknownAccountsServer is the refusal of an accounts server that is not
// one of Zoho's data centers: the caller's input (a callback's
// accounts-server parameter), not Zoho's answer.
var ErrUnknownAccountsServer = errors.New("zoho: not a known Zoho accounts server")

// accountsDataCenter validates an accounts server; "" is the configured one.
func (c *Client) accountsDataCenter(op, accountsServer string) (DataCenter, error) {
	if accountsServer == "" {
		return c.dc, nil
	}
	dc, ok := dataCenterByAccounts(accountsServer)
	if !ok {
		e := permanent(op, fmt.Sprintf("accounts server %q is not a known Zoho accounts server", accountsServer))
		e.Err = ErrUnknownAccountsServer
		return DataCenter{}, e
	}
	return dc, nil
}

// tokenFrom reads an x/oauth2 token and its api_domain.
func tokenFrom(op string, t *oauth2.Token, dc DataCenter) (Token, error) {
	tok := Token{AccessToken: t.AccessToken, RefreshToken: t.RefreshToken, Expiry: t.Expiry, AccountsServer: dc.AccountsServer}
	if v, ok := t.Extra("api_domain").(string); ok && v != "" {
		apiDC, known := dataCenterByAPIDomain(v)
		if !known {
			return Token{}, permanent(op, fmt.Sprintf("token response names api_domain %q, not a known Zoho API domain", v))
		}
		tok.APIDomain = apiDC.APIDomain
	} else {
		// Zoho always sends api_domain; without it the data center's default applies.
		tok.APIDomain = dc.APIDomain
	}
	return tok, nil
}

// oauthError maps an x/oauth2 error: a token-endpoint answer (Zoho's HTTP 200
// {"error": ...} included) by its error code, anything else as transient.
func oauthError(ctx context.Context, op string, err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		status := 0
		if re.Response != nil {
			status = re.Response.StatusCode
		}
		if re.ErrorCode != "" {
			return oauthErr{Code: re.ErrorCode, Description: re.ErrorDescription}.toError(op, status)
		}
		e := &platform.Error{Platform: name, Op: op, Kind: platform.StatusKind(status), Status: status, Message: strings.TrimSpace(string(re.Body)), Err: err}
		if e.Kind == platform.KindAuth {
			e.Kind = platform.KindPermanent // a 401 from the token endpoint is the client's credentials
		}
		return e
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("%s: %s: %w", name, op, ctxErr)
	}
	return &platform.Error{Platform: name, Op: op, Kind: platform.KindTransient, Message: err.Error(), Err: err}
}
