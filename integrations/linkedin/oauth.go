package linkedin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/oauth2"

	"github.com/marketingminds/marketingminds/integrations/platform"
)

// AuthCodeURL is the consent page to send the member to. LinkedIn's
// 3-legged flow has no PKCE for confidential web apps: verifier is ignored
// and should be "". Scopes are space-delimited.
// https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow
func (c *Client) AuthCodeURL(state, redirectURL, verifier string) string {
	cfg := c.oauth
	cfg.RedirectURL = redirectURL
	return cfg.AuthCodeURL(state)
}

// Exchange trades an authorization code for a token (60-day access token;
// for apps with programmatic refresh tokens also a 365-day refresh token).
// https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow
func (c *Client) Exchange(ctx context.Context, code, redirectURL, verifier string) (*oauth2.Token, error) {
	cfg := c.oauth
	cfg.RedirectURL = redirectURL
	tok, err := cfg.Exchange(c.oauthContext(ctx), code)
	if err != nil {
		return nil, mapOAuthError("exchange code", err, false, c.now())
	}
	return tok, nil
}

// Refresh gets a new access token with refreshToken. LinkedIn does not
// rotate refresh tokens: the same one stays valid until its original 365
// days run out. When the answer carries no refresh token, the returned
// token keeps refreshToken (x/oauth2 does so), so the caller keeps storing it.
// https://learn.microsoft.com/en-us/linkedin/shared/authentication/programmatic-refresh-tokens
func (c *Client) Refresh(ctx context.Context, refreshToken string) (*oauth2.Token, error) {
	if refreshToken == "" {
		return nil, &platform.Error{Platform: platform.LinkedIn, Op: "refresh token", Kind: platform.KindAuth, Message: "no refresh token: the member must connect again"}
	}
	tok, err := c.oauth.TokenSource(c.oauthContext(ctx), &oauth2.Token{RefreshToken: refreshToken}).Token()
	if err != nil {
		return nil, mapOAuthError("refresh token", err, true, c.now())
	}
	if tok.RefreshToken == "" {
		tok.RefreshToken = refreshToken
	}
	return tok, nil
}

// Revoke invalidates token (access token) at LinkedIn.
// https://learn.microsoft.com/en-us/linkedin/shared/authentication/token-introspection
func (c *Client) Revoke(ctx context.Context, token string) error {
	const op = "revoke token"
	form := url.Values{"token": {token}, "client_id": {c.cfg.ClientID}, "client_secret": {c.cfg.ClientSecret}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.www+"/oauth/v2/revoke", strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("linkedin: %s: %w", op, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, body, err := platform.Do(c.http, req, platform.LinkedIn, op)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return c.mapError(op, resp, body)
	}
	return nil
}

func (c *Client) oauthContext(ctx context.Context) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, c.http)
}

type userInfo struct {
	Sub     string `json:"sub"`
	Name    string `json:"name"`
	Picture string `json:"picture"`
	Email   string `json:"email"`
}

type aclPage struct {
	Elements []struct {
		Organization string `json:"organization"`
		// organizationalTarget is the field's name in the unversioned API.
		OrganizationalTarget string `json:"organizationalTarget"`
		Role                 string `json:"role"`
		State                string `json:"state"`
	} `json:"elements"`
	Paging struct {
		Start int `json:"start"`
		Count int `json:"count"`
		Total int `json:"total"`
	} `json:"paging"`
}

type organization struct {
	ID            int64  `json:"id"`
	LocalizedName string `json:"localizedName"`
	VanityName    string `json:"vanityName"`
	LogoV2        struct {
		Original string `json:"original"`
	} `json:"logoV2"`
}

// Accounts lists what tok can post as: the member (GET /v2/userinfo) and
// every organization the member administers (organizationAcls finder, then
// GET /rest/organizations/{id}). When the grant may not read organization
// roles (403 ACCESS_DENIED: no rw_organization_admin), only the member is
// returned. An organization's logo is looked up as an image; a failure
// there leaves AvatarURL empty, nothing else.
// https://learn.microsoft.com/en-us/linkedin/consumer/integrations/self-serve/sign-in-with-linkedin-v2
// https://learn.microsoft.com/en-us/linkedin/marketing/community-management/organizations/organization-access-control-by-role
// https://learn.microsoft.com/en-us/linkedin/marketing/community-management/organizations/organization-lookup-api
func (c *Client) Accounts(ctx context.Context, tok *oauth2.Token) ([]platform.Account, error) {
	if tok == nil || tok.AccessToken == "" {
		return nil, &platform.Error{Platform: platform.LinkedIn, Op: "list accounts", Kind: platform.KindAuth, Message: "no access token"}
	}
	at := tok.AccessToken
	var me userInfo
	if _, err := c.call(ctx, "get member", http.MethodGet, "/v2/userinfo", at, nil, &me, nil); err != nil {
		return nil, err
	}
	if me.Sub == "" {
		return nil, platform.Malformed(platform.LinkedIn, "get member", http.StatusOK, errors.New("userinfo without sub"))
	}
	accounts := []platform.Account{{ExternalID: "urn:li:person:" + me.Sub, Name: me.Name, AvatarURL: me.Picture, Kind: "member"}}

	orgIDs, err := c.administeredOrgs(ctx, at)
	if err != nil {
		var pe *platform.Error
		if errors.As(err, &pe) && pe.Status == http.StatusForbidden {
			return accounts, nil
		}
		return nil, err
	}
	for _, id := range orgIDs {
		var org organization
		if _, err := c.call(ctx, "get organization", http.MethodGet, "/rest/organizations/"+url.PathEscape(id), at, nil, &org, nil); err != nil {
			return nil, err
		}
		accounts = append(accounts, platform.Account{
			ExternalID: "urn:li:organization:" + id,
			Name:       org.LocalizedName,
			Handle:     org.VanityName,
			AvatarURL:  c.logoURL(ctx, at, org.LogoV2.Original),
			Kind:       "organization",
		})
	}
	return accounts, nil
}

// administeredOrgs pages through the member's approved ADMINISTRATOR roles.
func (c *Client) administeredOrgs(ctx context.Context, token string) ([]string, error) {
	const pageSize, maxPages = 100, 10
	var ids []string
	seen := map[string]bool{}
	for page := 0; page < maxPages; page++ {
		var acl aclPage
		path := "/rest/organizationAcls?q=roleAssignee&role=ADMINISTRATOR&state=APPROVED&start=" + strconv.Itoa(page*pageSize) + "&count=" + strconv.Itoa(pageSize)
		if _, err := c.call(ctx, "list organizations", http.MethodGet, path, token, nil, &acl, nil); err != nil {
			return nil, err
		}
		for _, e := range acl.Elements {
			urn := e.Organization
			if urn == "" {
				urn = e.OrganizationalTarget
			}
			id, ok := strings.CutPrefix(urn, "urn:li:organization:")
			if !ok || id == "" || seen[id] || (e.State != "" && e.State != "APPROVED") || (e.Role != "" && e.Role != "ADMINISTRATOR") {
				continue
			}
			seen[id] = true
			ids = append(ids, id)
		}
		if len(acl.Elements) < pageSize || (acl.Paging.Total > 0 && (page+1)*pageSize >= acl.Paging.Total) {
			break
		}
	}
	return ids, nil
}

// logoURL resolves a logo's digitalmediaAsset URN to a download URL through
// the Images API (the asset's id is the image's id); "" when it cannot.
func (c *Client) logoURL(ctx context.Context, token, asset string) string {
	id, ok := strings.CutPrefix(asset, "urn:li:digitalmediaAsset:")
	if !ok || id == "" {
		return ""
	}
	var img struct {
		DownloadURL string `json:"downloadUrl"`
	}
	if _, err := c.call(ctx, "get logo", http.MethodGet, "/rest/images/"+escURN("urn:li:image:"+id), token, nil, &img, nil); err != nil {
		return ""
	}
	return img.DownloadURL
}
