package sandbox

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Zoho's accounts server: consent page, token endpoint, revocation.
// Errors of the token endpoint are HTTP 200 {"error":"invalid_code"}, like Zoho.

func (s *Sandbox) routesZohoAccounts(dc zohoDC) {
	p := "/" + dc.Accounts
	s.mux.HandleFunc("GET "+p+"/oauth/v2/auth", func(w http.ResponseWriter, r *http.Request) { s.zohoAuthorize(w, r, dc) })
	s.mux.HandleFunc("POST "+p+"/oauth/v2/token", func(w http.ResponseWriter, r *http.Request) { s.zohoTokenEndpoint(w, r, dc) })
	s.mux.HandleFunc("POST "+p+"/oauth/v2/token/revoke", func(w http.ResponseWriter, r *http.Request) { s.zohoRevoke(w, r) })
}

// zohoScopeRE is the shape of a Zoho scope: Service.scope_name.OPERATION.
var zohoScopeRE = regexp.MustCompile(`^(ZohoCRM|ZohoCampaigns|ZohoBigin|AaaServer|aaaserver)\.[A-Za-z_]+(\.[A-Za-z_]+)*$`)

var zohoErrorPage = template.Must(template.New("zoho-error").Parse(`<!DOCTYPE html>
<html><head><title>Zoho Accounts</title></head>
<body><h1>{{.Title}}</h1><p>{{.Detail}}</p>
<p><small>Marketing Minds sandbox: no real Zoho account is involved.</small></p></body></html>
`))

func zohoPage(w http.ResponseWriter, title, detail string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusBadRequest)
	_ = zohoErrorPage.Execute(w, struct{ Title, Detail string }{title, detail})
}

// zohoAuthorize is the consent page: it validates the request, then
// redirects to redirect_uri with code, location, accounts-server and state
// (approve) or error=access_denied (deny). Invalid parameters get an error
// page, never a redirect.
func (s *Sandbox) zohoAuthorize(w http.ResponseWriter, r *http.Request, dc zohoDC) {
	q := r.URL.Query()
	clientID, redirectURI := q.Get("client_id"), q.Get("redirect_uri")
	if clientID == "" {
		zohoPage(w, "Invalid Client", "client_id is missing.")
		return
	}
	ru, err := url.Parse(redirectURI)
	if redirectURI == "" || err != nil || !ru.IsAbs() || (ru.Scheme != "https" && ru.Scheme != "http") {
		zohoPage(w, "Invalid Redirect Uri", "Redirect URI passed does not match with the one configured.")
		return
	}
	if q.Get("response_type") != "code" {
		zohoPage(w, "Invalid Response Type", "response_type must be code.")
		return
	}
	scopes := strings.Split(q.Get("scope"), ",")
	for _, sc := range scopes {
		if !zohoScopeRE.MatchString(sc) {
			zohoPage(w, "Invalid OAuth Scope", fmt.Sprintf("Scope %q does not exist. Scopes are separated by commas.", sc))
			return
		}
	}
	accessType := q.Get("access_type")
	if accessType != "" && accessType != "offline" && accessType != "online" {
		zohoPage(w, "Invalid Access Type", "access_type must be offline or online.")
		return
	}
	if p := q.Get("prompt"); p != "" && p != "consent" {
		zohoPage(w, "Invalid Prompt", "prompt must be consent.")
		return
	}
	s.mu.Lock()
	if err := s.checkRedirect("zoho", clientID, redirectURI); err != nil {
		s.mu.Unlock()
		zohoPage(w, "Invalid Redirect Uri", "Redirect URI passed does not match with the one configured.")
		return
	}
	back := ru.Query()
	if s.consentDenied("zoho") {
		back.Set("error", "access_denied")
	} else {
		code := s.issueCode(authCode{Platform: "zoho", ClientID: clientID, RedirectURI: redirectURI,
			Subject: zohoSubject{User: zohoUserID, DC: dc.Code, Offline: accessType == "offline"}.String(), Scopes: scopes})
		back.Set("code", code)
		back.Set("location", dc.Location)
		back.Set("accounts-server", "https://"+dc.Accounts)
	}
	s.mu.Unlock()
	if st := q.Get("state"); st != "" {
		back.Set("state", st)
	}
	ru.RawQuery = back.Encode()
	http.Redirect(w, r, ru.String(), http.StatusFound)
}

func zohoOAuthError(w http.ResponseWriter, code string) {
	writeJSON(w, http.StatusOK, map[string]string{"error": code})
}

// zohoTokenEndpoint serves grant_type authorization_code and refresh_token;
// parameters come in the query or the form, as Zoho accepts both.
func (s *Sandbox) zohoTokenEndpoint(w http.ResponseWriter, r *http.Request, dc zohoDC) {
	if err := r.ParseForm(); err != nil {
		zohoOAuthError(w, "invalid_request")
		return
	}
	f := r.Form
	clientID, secret := f.Get("client_id"), f.Get("client_secret")
	s.mu.Lock()
	defer s.mu.Unlock()
	if clientID == "" {
		zohoOAuthError(w, "invalid_client")
		return
	}
	if err := s.checkClient("zoho", clientID, secret, true); err != nil {
		zohoOAuthError(w, "invalid_client_secret")
		return
	}
	switch f.Get("grant_type") {
	case "authorization_code":
		// Each data center has its own accounts database: another DC's code
		// is unknown here (and stays usable where it was issued).
		if pending := s.st.Codes[hashSecret(f.Get("code"))]; pending == nil || parseZohoSubject(pending.Subject).DC != dc.Code {
			zohoOAuthError(w, "invalid_code")
			return
		}
		c, err := s.redeemCode("zoho", f.Get("code"), clientID, f.Get("redirect_uri"), "")
		switch {
		case errors.Is(err, errBadRedirect):
			zohoOAuthError(w, "invalid_redirect_uri")
			return
		case err != nil:
			zohoOAuthError(w, "invalid_code")
			return
		}
		sub := parseZohoSubject(c.Subject)
		tokSub := zohoSubject{User: sub.User, DC: sub.DC}.String()
		out := map[string]any{
			"access_token": s.issueToken(tokenInfo{Platform: "zoho", Kind: "access", ClientID: clientID, Subject: tokSub, Scopes: c.Scopes}, zohoAccessTTL),
			"scope":        strings.Join(c.Scopes, " "),
			"api_domain":   "https://" + dc.API,
			"token_type":   "Bearer",
			"expires_in":   int(s.zohoAccessTTL().Seconds()),
		}
		if sub.Offline {
			out["refresh_token"] = s.issueToken(tokenInfo{Platform: "zoho", Kind: "refresh", ClientID: clientID, Subject: tokSub, Scopes: c.Scopes}, 0)
		}
		writeJSON(w, http.StatusOK, out)
	case "refresh_token":
		t, st := s.lookupToken("zoho", f.Get("refresh_token"), "refresh")
		if st != tokenOK || t.ClientID != clientID || parseZohoSubject(t.Subject).DC != dc.Code {
			zohoOAuthError(w, "invalid_code")
			return
		}
		if !s.zohoRefreshAllowed(hashSecret(f.Get("refresh_token"))) {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "Access Denied", "status": "failure",
				"error_description": "You have made too many requests continuously. Please try again after some time."})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"access_token": s.issueToken(tokenInfo{Platform: "zoho", Kind: "access", ClientID: clientID, Subject: t.Subject, Scopes: t.Scopes}, zohoAccessTTL),
			"scope":        strings.Join(t.Scopes, " "),
			"api_domain":   "https://" + dc.API,
			"token_type":   "Bearer",
			"expires_in":   int(s.zohoAccessTTL().Seconds()),
		})
	default:
		zohoOAuthError(w, "unsupported_grant_type")
	}
}

func (s *Sandbox) zohoAccessTTL() time.Duration {
	if s.opts.AccessTokenTTL > 0 {
		return s.opts.AccessTokenTTL
	}
	return zohoAccessTTL
}

// zohoRevoke revokes a refresh token (token in the query or the form).
// Like RFC 7009, an unknown token is not an error; a request without a token is.
func (s *Sandbox) zohoRevoke(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.Form.Get("token") == "" {
		zohoOAuthError(w, "invalid_request")
		return
	}
	tok := r.Form.Get("token")
	s.mu.Lock()
	if t, _ := s.lookupToken("zoho", tok); t != nil {
		s.revokeToken(tok)
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]string{"status": "success"})
}

// zohoRefreshAllowed counts one access token minted from a refresh token and
// reports whether it stays within Zoho's 10 per 10 minutes; callers hold s.mu.
func (s *Sandbox) zohoRefreshAllowed(key string) bool {
	z := s.st.Zoho
	if z.refreshUse == nil {
		z.refreshUse = map[string][]time.Time{}
	}
	now := s.now()
	recent := z.refreshUse[key][:0]
	for _, at := range z.refreshUse[key] {
		if now.Sub(at) < 10*time.Minute {
			recent = append(recent, at)
		}
	}
	if len(recent) >= 10 {
		z.refreshUse[key] = recent
		return false
	}
	z.refreshUse[key] = append(recent, now)
	return true
}
