package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Zoho: the accounts server (OAuth), CRM v8 and Campaigns v1.1 of every data
// center, each under its real host: /accounts.zoho.eu/oauth/v2/token,
// /www.zohoapis.eu/crm/v8/Leads, /campaigns.zoho.eu/api/v1.1/getmailinglists.
// A token works only in the data center that issued it, as on the real
// service. Files: zoho_oauth.go, zoho_crm.go, zoho_campaigns.go.

// zohoDC is one data center's hosts (no scheme).
type zohoDC struct {
	Code, Location, Accounts, API, Campaigns string
}

// zohoDCs mirrors integrations/zoho.DataCenters (the reference's table).
var zohoDCs = []zohoDC{
	{"com", "us", "accounts.zoho.com", "www.zohoapis.com", "campaigns.zoho.com"},
	{"eu", "eu", "accounts.zoho.eu", "www.zohoapis.eu", "campaigns.zoho.eu"},
	{"in", "in", "accounts.zoho.in", "www.zohoapis.in", "campaigns.zoho.in"},
	{"com.au", "au", "accounts.zoho.com.au", "www.zohoapis.com.au", "campaigns.zoho.com.au"},
	{"jp", "jp", "accounts.zoho.jp", "www.zohoapis.jp", "campaigns.zoho.jp"},
	{"com.cn", "cn", "accounts.zoho.com.cn", "www.zohoapis.com.cn", "campaigns.zoho.com.cn"},
	{"ca", "ca", "accounts.zohocloud.ca", "www.zohoapis.ca", "campaigns.zohocloud.ca"},
	{"sa", "sa", "accounts.zoho.sa", "www.zohoapis.sa", "campaigns.zoho.sa"},
	{"uk", "uk", "accounts.zoho.uk", "www.zohoapis.uk", "campaigns.zoho.uk"},
	{"ae", "ae", "accounts.zoho.ae", "www.zohoapis.ae", "campaigns.zoho.ae"},
}

const (
	zohoAccessTTL = time.Hour // Zoho access tokens live one hour
	zohoUserID    = "zu-7310000000000001"
	zohoUserName  = "Patricia Boyle"
	zohoUserEmail = "patricia.boyle@zylker.example"
	// zohoOrgPrefix starts every record id (Zoho ids are 19 digits).
	zohoOrgPrefix = "5725767"
)

// zohoState is the Zoho user's CRM and Campaigns data.
type zohoState struct {
	Modules   map[string]*zohoModule        `json:"modules"`
	Lists     []*zohoList                   `json:"lists"`
	Campaigns map[string]*zohoEmailCampaign `json:"campaigns"` // by campaign key
	// CampaignOrder holds campaign keys, oldest first.
	CampaignOrder []string `json:"campaign_order"`
	// refreshUse holds, per refresh-token hash, when it minted access
	// tokens in the last 10 minutes (Zoho allows 10); not persisted.
	refreshUse map[string][]time.Time
}

// zohoModule is one CRM module's records in id order.
type zohoModule struct {
	Records []zohoRecord   `json:"records"`
	index   map[string]int // id → position
}

// zohoRecord is a CRM record: API names to values.
type zohoRecord map[string]any

func (r zohoRecord) id() string { s, _ := r["id"].(string); return s }

type zohoList struct {
	Key          string    `json:"listkey"`
	Name         string    `json:"listname"`
	Contacts     int       `json:"contacts"`
	Unsubscribed int       `json:"unsubscribed"`
	Bounced      int       `json:"bounced"`
	Created      time.Time `json:"created"`
}

type zohoEmailCampaign struct {
	Key         string    `json:"key"`
	DC          string    `json:"dc"`
	Name        string    `json:"name"`
	FromEmail   string    `json:"from_email"`
	FromName    string    `json:"from_name,omitempty"`
	Subject     string    `json:"subject"`
	ContentURL  string    `json:"content_url,omitempty"`
	Lists       []string  `json:"lists"`
	Recipients  int       `json:"recipients"`
	CreatedAt   time.Time `json:"created_at"`
	ScheduledAt time.Time `json:"scheduled_at,omitzero"`
	SentAt      time.Time `json:"sent_at,omitzero"`
}

// status is the campaign's status at now: a scheduled campaign whose time
// came is sent.
func (c *zohoEmailCampaign) status(now time.Time) string {
	switch {
	case !c.SentAt.IsZero():
		return "Sent"
	case !c.ScheduledAt.IsZero() && !now.Before(c.ScheduledAt):
		return "Sent"
	case !c.ScheduledAt.IsZero():
		return "Scheduled"
	}
	return "Draft"
}

// sentAt is when the campaign went out, zero when it did not yet.
func (c *zohoEmailCampaign) sentAt(now time.Time) time.Time {
	if !c.SentAt.IsZero() {
		return c.SentAt
	}
	if !c.ScheduledAt.IsZero() && !now.Before(c.ScheduledAt) {
		return c.ScheduledAt
	}
	return time.Time{}
}

func newZohoState() *zohoState {
	z := &zohoState{Modules: map[string]*zohoModule{}, Campaigns: map[string]*zohoEmailCampaign{}}
	seedZoho(z)
	z.reindex()
	return z
}

// UnmarshalJSON replaces the seeded state wholesale (decoding into the seeded
// maps would merge stale seed fields into saved records).
func (z *zohoState) UnmarshalJSON(b []byte) error {
	type plain zohoState
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*z = zohoState(p)
	if z.Modules == nil {
		z.Modules = map[string]*zohoModule{}
	}
	for _, m := range zohoModules {
		if z.Modules[m] == nil {
			z.Modules[m] = &zohoModule{}
		}
	}
	if z.Campaigns == nil {
		z.Campaigns = map[string]*zohoEmailCampaign{}
	}
	z.reindex()
	return nil
}

func (z *zohoState) reindex() {
	for _, m := range z.Modules {
		m.index = make(map[string]int, len(m.Records))
		for i, r := range m.Records {
			m.index[r.id()] = i
		}
	}
}

func (m *zohoModule) add(r zohoRecord) {
	if m.index == nil {
		m.index = map[string]int{}
	}
	m.index[r.id()] = len(m.Records)
	m.Records = append(m.Records, r)
}

// zohoRecordID renders the n-th id of the org as 19 digits.
func zohoRecordID(n int64) string { return fmt.Sprintf("%s%012d", zohoOrgPrefix, n) }

func zohoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05-07:00") }

// zohoSubject is what codes and tokens carry: user, data center and, for
// codes, whether a refresh token was asked for.
type zohoSubject struct {
	User, DC string
	Offline  bool
}

func (z zohoSubject) String() string {
	s := z.User + "|" + z.DC
	if z.Offline {
		s += "|offline"
	}
	return s
}

func parseZohoSubject(s string) zohoSubject {
	parts := strings.Split(s, "|")
	z := zohoSubject{User: parts[0]}
	if len(parts) > 1 {
		z.DC = parts[1]
	}
	z.Offline = len(parts) > 2 && parts[2] == "offline"
	return z
}

func (s *Sandbox) routesZoho() {
	for _, dc := range zohoDCs {
		s.routesZohoAccounts(dc)
		s.routesZohoCRM(dc)
		s.routesZohoCampaigns(dc)
	}
}

// zohoFault renders the ready-made faults as Zoho's API gateway does (CRM
// envelope; Campaigns answers a 429/500/401 with the same shape).
func zohoFault(kind FaultKind, now time.Time, retry time.Duration) (int, http.Header, []byte) {
	h := http.Header{"Content-Type": {"application/json;charset=UTF-8"}}
	var status int
	var body map[string]any
	switch kind {
	case FaultRateLimit:
		// The v8 spec's 429 example carries retry_after (seconds) in details.
		status = http.StatusTooManyRequests
		body = map[string]any{"code": "TOO_MANY_REQUESTS", "status": "error",
			"message": "Rate limit exceeded. Please retry after the specified time.",
			"details": map[string]any{"retry_after": int64(retry.Round(time.Second) / time.Second)}}
	case FaultTokenExpired:
		status = http.StatusUnauthorized
		body = map[string]any{"code": "INVALID_TOKEN", "details": map[string]any{}, "message": "invalid oauth token", "status": "error"}
	default:
		status = http.StatusInternalServerError
		body = map[string]any{"code": "INTERNAL_ERROR", "details": map[string]any{}, "message": "Internal Server Error", "status": "error"}
	}
	b, _ := json.Marshal(body)
	return status, h, b
}

// zohoBearer extracts the token of "Authorization: Zoho-oauthtoken <t>".
// scheme is what the header used ("" when it is missing).
func zohoBearer(r *http.Request) (scheme, token string) {
	v := strings.TrimSpace(r.Header.Get("Authorization"))
	if v == "" {
		return "", ""
	}
	scheme, token, _ = strings.Cut(v, " ")
	return scheme, strings.TrimSpace(token)
}

// zohoToken authenticates an API call in data center dc; callers hold s.mu.
// It returns why not: "missing", "invalid" (unknown, revoked, expired, another
// data center's, or not a Zoho-oauthtoken header).
func (s *Sandbox) zohoToken(r *http.Request, dc zohoDC) (*tokenInfo, string) {
	scheme, tok := zohoBearer(r)
	if scheme == "" {
		return nil, "missing"
	}
	if scheme != "Zoho-oauthtoken" || tok == "" {
		return nil, "invalid"
	}
	t, st := s.lookupToken("zoho", tok, "access")
	if st != tokenOK || parseZohoSubject(t.Subject).DC != dc.Code {
		return nil, "invalid"
	}
	return t, ""
}

// zohoHasScope reports whether scopes grant one of want (case-insensitive).
func zohoHasScope(scopes []string, want ...string) bool {
	for _, have := range scopes {
		for _, w := range want {
			if strings.EqualFold(have, w) {
				return true
			}
		}
	}
	return false
}
