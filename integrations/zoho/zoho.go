// Package zoho is the client of Zoho's accounts server (OAuth, one per data
// center), Zoho CRM (REST v8) and Zoho Campaigns (API v1.1).
//
// Zoho is not a social platform: the client offers OAuth, CRM records
// (Leads, Contacts, Deals, Campaigns) and e-mail campaigns, not posts. Every
// error it returns is a *platform.Error naming zoho and the operation.
//
// Multi-DC rules (https://www.zoho.com/accounts/protocol/oauth/multi-dc.html):
// the code is exchanged at the accounts server named by the callback's
// accounts-server parameter, and API calls go to the api_domain returned with
// the token; neither is derived from the other by string replacement, and both
// must be one of the known data centers' hosts so that a client secret or an
// access token is never sent to an arbitrary host.
package zoho

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
)

const name = platform.Zoho

// DataCenter is one Zoho data center's public hosts.
type DataCenter struct {
	// Code is the value of ZOHO_DATA_CENTER: com, eu, in, com.au, jp, com.cn,
	// ca, sa, uk, ae.
	Code string
	// Location is what the OAuth callback's location parameter says (us, eu, ...).
	Location string
	// AccountsServer is the OAuth server, e.g. https://accounts.zoho.eu.
	AccountsServer string
	// APIDomain is the default api_domain (CRM), e.g. https://www.zohoapis.eu.
	APIDomain string
	// CampaignsHost is the Zoho Campaigns origin, e.g. https://campaigns.zoho.eu.
	CampaignsHost string
}

// DataCenters lists every data center the client knows, from the reference
// (Zoho's multi-DC pages). The Campaigns hosts of ca, sa, uk and ae are not in
// Zoho's Campaigns data-center page: they follow the pattern of the others
// (and the zohocloud.ca domain of the Canadian accounts server) and are
// unverified.
var DataCenters = []DataCenter{
	{"com", "us", "https://accounts.zoho.com", "https://www.zohoapis.com", "https://campaigns.zoho.com"},
	{"eu", "eu", "https://accounts.zoho.eu", "https://www.zohoapis.eu", "https://campaigns.zoho.eu"},
	{"in", "in", "https://accounts.zoho.in", "https://www.zohoapis.in", "https://campaigns.zoho.in"},
	{"com.au", "au", "https://accounts.zoho.com.au", "https://www.zohoapis.com.au", "https://campaigns.zoho.com.au"},
	{"jp", "jp", "https://accounts.zoho.jp", "https://www.zohoapis.jp", "https://campaigns.zoho.jp"},
	{"com.cn", "cn", "https://accounts.zoho.com.cn", "https://www.zohoapis.com.cn", "https://campaigns.zoho.com.cn"},
	{"ca", "ca", "https://accounts.zohocloud.ca", "https://www.zohoapis.ca", "https://campaigns.zohocloud.ca"},
	{"sa", "sa", "https://accounts.zoho.sa", "https://www.zohoapis.sa", "https://campaigns.zoho.sa"},
	{"uk", "uk", "https://accounts.zoho.uk", "https://www.zohoapis.uk", "https://campaigns.zoho.uk"},
	{"ae", "ae", "https://accounts.zoho.ae", "https://www.zohoapis.ae", "https://campaigns.zoho.ae"},
}

// LookupDataCenter finds a data center by its code (ZOHO_DATA_CENTER),
// case-insensitively; "us" is accepted for com.
func LookupDataCenter(code string) (DataCenter, bool) {
	code = strings.ToLower(strings.TrimSpace(code))
	if code == "us" {
		code = "com"
	}
	for _, dc := range DataCenters {
		if dc.Code == code {
			return dc, true
		}
	}
	return DataCenter{}, false
}

// dataCenterByAccounts finds the data center whose accounts server is u
// (scheme and host only; a trailing slash is tolerated).
func dataCenterByAccounts(u string) (DataCenter, bool) {
	u = strings.TrimSuffix(strings.TrimSpace(u), "/")
	for _, dc := range DataCenters {
		if strings.EqualFold(dc.AccountsServer, u) {
			return dc, true
		}
	}
	return DataCenter{}, false
}

// dataCenterByAPIDomain finds the data center whose API domain is u.
func dataCenterByAPIDomain(u string) (DataCenter, bool) {
	u = strings.TrimSuffix(strings.TrimSpace(u), "/")
	for _, dc := range DataCenters {
		if strings.EqualFold(dc.APIDomain, u) {
			return dc, true
		}
	}
	return DataCenter{}, false
}

// Config is the OAuth client and the data center it was registered in.
type Config struct {
	ClientID     string
	ClientSecret string
	// DataCenter is a code of DataCenters (ZOHO_DATA_CENTER); "" means com.
	DataCenter string
}

// Client calls Zoho's accounts server, CRM and Campaigns.
type Client struct {
	http  *http.Client
	hosts platform.Hosts
	cfg   Config
	dc    DataCenter
}

// NewClient returns a Client. An unknown cfg.DataCenter falls back to com;
// configuration validates ZOHO_DATA_CENTER with LookupDataCenter first.
func NewClient(httpClient *http.Client, hosts platform.Hosts, cfg Config) *Client {
	if httpClient == nil {
		httpClient = http.DefaultClient
	}
	dc, ok := LookupDataCenter(cfg.DataCenter)
	if !ok {
		dc = DataCenters[0]
	}
	return &Client{http: httpClient, hosts: hosts, cfg: cfg, dc: dc}
}

// DataCenter returns the data center the client was configured with.
func (c *Client) DataCenter() DataCenter { return c.dc }

// Token is a Zoho grant: the access token, the refresh token (Zoho issues one
// only on the first consent with access_type=offline), the api_domain the
// calls go to and the accounts server that refreshes and revokes it.
type Token struct {
	AccessToken    string    `json:"access_token"`
	RefreshToken   string    `json:"refresh_token,omitempty"`
	APIDomain      string    `json:"api_domain"`
	AccountsServer string    `json:"accounts_server,omitempty"`
	Expiry         time.Time `json:"expiry"`
}

// apiDataCenter validates the token's api_domain against the known data
// centers: the access token is only ever sent to a Zoho host.
func (c *Client) apiDataCenter(tok Token, op string) (DataCenter, error) {
	if tok.AccessToken == "" {
		return DataCenter{}, &platform.Error{Platform: name, Op: op, Kind: platform.KindAuth, Message: "no access token"}
	}
	domain := tok.APIDomain
	if domain == "" {
		// A token stored before api_domain was kept: the configured DC.
		return c.dc, nil
	}
	dc, ok := dataCenterByAPIDomain(domain)
	if !ok {
		return DataCenter{}, &platform.Error{Platform: name, Op: op, Kind: platform.KindPermanent,
			Message: fmt.Sprintf("api_domain %q is not a known Zoho API domain", domain)}
	}
	return dc, nil
}

// send builds and sends one API request with the Zoho-oauthtoken header.
func (c *Client) send(ctx context.Context, op, method, u string, tok Token, body io.Reader, contentType string, header http.Header) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, nil, &platform.Error{Platform: name, Op: op, Kind: platform.KindPermanent, Message: "build request: " + err.Error(), Err: err}
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Authorization", "Zoho-oauthtoken "+tok.AccessToken)
	req.Header.Set("Accept", "application/json")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return platform.Do(c.http, req, name, op)
}

// crmURL is {api_domain}/crm/v8/{path}?{q}, through hosts.
func (c *Client) crmURL(dc DataCenter, path string, q url.Values) string {
	u := c.hosts.Origin(dc.APIDomain) + "/crm/v8/" + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// campaignsURL is {campaigns host}/api/v1.1/{method}?{q}, through hosts.
func (c *Client) campaignsURL(dc DataCenter, method string, q url.Values) string {
	u := c.hosts.Origin(dc.CampaignsHost) + "/api/v1.1/" + method
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

func permanent(op, msg string) *platform.Error {
	return &platform.Error{Platform: name, Op: op, Kind: platform.KindPermanent, Message: msg}
}

func knownIn(v string, set []string) bool { return slices.Contains(set, v) }
