package sandbox

import (
	"encoding/json"
	"net/url"
	"testing"
)

// TestLinkedInReadsNeedTheReadScope: as on LinkedIn, an app without the
// partner-only r_member_social cannot read the member's own posts (403
// ACCESS_DENIED), while r_organization_social reads an administered
// organization's.
func TestLinkedInReadsNeedTheReadScope(t *testing.T) {
	t.Parallel()
	e := liSetup(t)
	code := e.authorize(t, url.Values{"scope": {"openid profile w_member_social w_organization_social r_organization_social rw_organization_admin"}}).Query().Get("code")
	status, body := e.form(t, "/www.linkedin.com/oauth/v2/accessToken", url.Values{"grant_type": {"authorization_code"}, "code": {code},
		"client_id": {"cid"}, "client_secret": {"sec"}, "redirect_uri": {"https://app.example/cb"}})
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if status != 200 || json.Unmarshal(body, &tok) != nil {
		t.Fatalf("token: %d %s", status, body)
	}
	finder := map[string]string{"X-RestLi-Method": "FINDER", "Authorization": "Bearer " + tok.AccessToken}
	cases := []struct {
		author string
		status int
		code   string
	}{
		{"urn:li:person:sAmSbx01", 403, "ACCESS_DENIED"},
		{"urn:li:organization:90210001", 200, ""},
	}
	for _, tc := range cases {
		status, _, out := e.rest(t, "GET", "/rest/posts?q=author&author="+url.QueryEscape(tc.author)+"&count=10", "", finder)
		if got, _ := out["code"].(string); status != tc.status || got != tc.code {
			t.Errorf("posts of %s: %d %v; want %d %q", tc.author, status, out, tc.status, tc.code)
		}
	}
}
