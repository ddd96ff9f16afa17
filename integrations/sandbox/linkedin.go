package sandbox

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// LinkedIn: Sign In with LinkedIn (OAuth 2.0 3-legged + OpenID userinfo) on
// www.linkedin.com, and the versioned REST API (Community Management) on
// api.linkedin.com. This file holds the state, the seed, OAuth, userinfo,
// organizations and the fault bodies; linkedin_rest.go holds posts, media
// uploads and metrics.

// LinkedIn token lifetimes: 60-day access tokens, 365-day refresh tokens,
// refresh tokens not rotated.
// https://learn.microsoft.com/en-us/linkedin/shared/authentication/programmatic-refresh-tokens
const (
	liAccessTTL  = 60 * 24 * time.Hour
	liRefreshTTL = 365 * 24 * time.Hour
)

// liScopes are the scopes the consent page knows; any other is refused as
// LinkedIn does for a scope the app was not granted.
var liScopes = map[string]bool{
	"openid": true, "profile": true, "email": true, "w_member_social": true, "r_member_social": true,
	"w_organization_social": true, "r_organization_social": true, "rw_organization_admin": true,
	"r_organization_admin": true, "r_organization_followers": true, "r_member_postAnalytics": true,
}

type liState struct {
	DefaultMember string                `json:"default_member"`
	Members       map[string]*liMember  `json:"members"` // sub →
	Orgs          map[string]*liOrg     `json:"orgs"`    // numeric id →
	Posts         map[string]*liPost    `json:"posts"`   // URN →
	ByAuthor      map[string][]string   `json:"by_author"`
	Deleted       map[string]int        `json:"deleted"` // author → deleted posts still in ByAuthor
	Dupes         map[string]string     `json:"dupes"`   // author + "\n" + hash(commentary) → post URN
	Images        map[string]*liImage   `json:"images"`  // URN →
	Videos        map[string]*liVideo   `json:"videos"`  // URN →
	Uploads       map[string]*liPending `json:"uploads"` // upload id → what it fills
}

type liMember struct {
	Sub        string            `json:"sub"`
	GivenName  string            `json:"given_name"`
	FamilyName string            `json:"family_name"`
	Email      string            `json:"email"`
	Roles      map[string]string `json:"roles"` // org id → role (ADMINISTRATOR, ANALYST, ...)
}

type liOrg struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Vanity    string `json:"vanity"`
	LogoID    string `json:"logo_id"` // digitalmediaAsset / image id
	Followers int64  `json:"followers"`
}

type liPending struct {
	Image string `json:"image,omitempty"`
	Video string `json:"video,omitempty"`
	Part  int    `json:"part"`
}

func newLIState() *liState {
	st := &liState{
		DefaultMember: "sAmSbx01",
		Members:       map[string]*liMember{},
		Orgs:          map[string]*liOrg{},
		Posts:         map[string]*liPost{},
		ByAuthor:      map[string][]string{},
		Deleted:       map[string]int{},
		Dupes:         map[string]string{},
		Images:        map[string]*liImage{},
		Videos:        map[string]*liVideo{},
		Uploads:       map[string]*liPending{},
	}
	for _, o := range []*liOrg{
		{ID: "90210001", Name: "Acme Coffee Co.", Vanity: "acme-coffee-co", LogoID: "C4D0BAQacmeCoffee", Followers: 1842},
		{ID: "90210002", Name: "Acme Outdoor", Vanity: "acme-outdoor", LogoID: "C4D0BAQacmeOutdoor", Followers: 5310},
		{ID: "90210003", Name: "Acme Holdings", Vanity: "acme-holdings", LogoID: "C4D0BAQacmeHold", Followers: 27604},
	} {
		st.Orgs[o.ID] = o
		urn := "urn:li:image:" + o.LogoID
		st.Images[urn] = &liImage{URN: urn, Owner: "urn:li:organization:" + o.ID, Status: "AVAILABLE"}
	}
	st.Members["sAmSbx01"] = &liMember{
		Sub: "sAmSbx01", GivenName: "Sam", FamilyName: "Sandbox", Email: "sam.sandbox@example.com",
		// Sam administers two pages and is only an analyst of the third, which
		// the ADMINISTRATOR role filter must leave out.
		Roles: map[string]string{"90210001": "ADMINISTRATOR", "90210002": "ADMINISTRATOR", "90210003": "ANALYST"},
	}
	return st
}

func (s *Sandbox) routesLinkedIn() {
	s.routesLinkedInComments()
	s.mux.HandleFunc("GET /www.linkedin.com/oauth/v2/authorization", s.liAuthorize)
	s.mux.HandleFunc("GET /www.linkedin.com/feed/update/{urn}", s.liPermalink)
	s.mux.HandleFunc("POST /www.linkedin.com/oauth/v2/accessToken", s.liHandle(s.liAccessToken))
	s.mux.HandleFunc("POST /www.linkedin.com/oauth/v2/revoke", s.liHandle(s.liRevoke))
	s.mux.HandleFunc("POST /www.linkedin.com/oauth/v2/introspectToken", s.liHandle(s.liIntrospect))
	s.mux.HandleFunc("GET /api.linkedin.com/v2/userinfo", s.liHandle(s.liUserinfo))
	s.mux.HandleFunc("GET /api.linkedin.com/rest/organizationAcls", s.liHandle(s.liOrgAcls))
	s.mux.HandleFunc("GET /api.linkedin.com/rest/organizations/{id}", s.liHandle(s.liOrganization))
	s.mux.HandleFunc("GET /api.linkedin.com/rest/networkSizes/{urn}", s.liHandle(s.liNetworkSize))
	s.routesLinkedInREST()
}

// liAnswer is a response computed under s.mu and written after it is released.
type liAnswer struct {
	status int
	header http.Header
	body   any // JSON-encoded unless []byte
}

func liJSON(status int, body any) liAnswer { return liAnswer{status: status, body: body} }

// liHandle reads the request body, runs fn holding s.mu, then writes.
func (s *Sandbox) liHandle(fn func(r *http.Request, body []byte) liAnswer) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 4<<20))
		if err != nil {
			writeJSON(w, http.StatusBadRequest, liErr(400, 0, "", "unable to read the request body"))
			return
		}
		s.mu.Lock()
		a := fn(r, body)
		s.mu.Unlock()
		for k, v := range a.header {
			w.Header()[k] = v
		}
		switch b := a.body.(type) {
		case nil:
			w.WriteHeader(a.status)
		case []byte:
			w.WriteHeader(a.status)
			_, _ = w.Write(b)
		default:
			writeJSON(w, a.status, b)
		}
	}
}

// liErr is the REST error body {"status","serviceErrorCode","code","message"}.
func liErr(status, service int, code, msg string) map[string]any {
	m := map[string]any{"status": status, "message": msg}
	if service != 0 {
		m["serviceErrorCode"] = service
	}
	if code != "" {
		m["code"] = code
	}
	return m
}

func liOAuthErr(status int, code, desc string) liAnswer {
	return liJSON(status, map[string]string{"error": code, "error_description": desc})
}

// liAuthPage is LinkedIn's error page for an authorization request it will
// not redirect (unknown client, unregistered redirect_uri, bad parameters).
func liAuthPage(w http.ResponseWriter, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusBadRequest)
	fmt.Fprintf(w, "<!DOCTYPE html><html><head><title>LinkedIn (sandbox)</title></head><body><h1>Bummer, something went wrong.</h1><p>%s</p><p>Sandbox: no real LinkedIn account is involved.</p></body></html>", html.EscapeString(msg))
}

// liAuthorize is the consent page. It validates client_id, redirect_uri,
// response_type, state and scope; parameters that cannot be trusted get the
// 400 page, never a redirect. A scope the app may not ask for redirects with
// error=unauthorized_scope_error. The member approves as the default member,
// or (when consent is set to deny) cancels, which LinkedIn reports with
// error=user_cancelled_authorize and error_description "The user cancelled
// the authorization" (authorization-code-flow, "Failed Requests":
// https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow).
func (s *Sandbox) liAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	clientID, redirect, state := q.Get("client_id"), q.Get("redirect_uri"), q.Get("state")
	s.mu.Lock()
	clientErr := s.checkClient("linkedin", clientID, "", false)
	redirErr := s.checkRedirect("linkedin", clientID, redirect)
	deny := s.consentDenied("linkedin")
	s.mu.Unlock()
	u, perr := url.Parse(redirect)
	switch {
	case clientErr != nil:
		liAuthPage(w, "The client_id is missing or unknown.")
		return
	case redirErr != nil || perr != nil || !u.IsAbs() || u.Fragment != "":
		liAuthPage(w, "The redirect_uri does not match the registered value.")
		return
	case q.Get("response_type") != "code":
		liAuthPage(w, `response_type must be "code".`)
		return
	case state == "":
		liAuthPage(w, "The state parameter is required.")
		return
	case strings.TrimSpace(q.Get("scope")) == "":
		liAuthPage(w, "The scope parameter is required.")
		return
	}
	scopes := strings.Fields(q.Get("scope"))
	back := u.Query()
	for _, sc := range scopes {
		if !liScopes[sc] {
			back.Set("error", "unauthorized_scope_error")
			back.Set("error_description", fmt.Sprintf("Scope %q is not authorized for your application", sc))
			back.Set("state", state)
			u.RawQuery = back.Encode()
			http.Redirect(w, r, u.String(), http.StatusFound)
			return
		}
	}
	if deny {
		back.Set("error", "user_cancelled_authorize")
		back.Set("error_description", "The user cancelled the authorization")
		back.Set("state", state)
		u.RawQuery = back.Encode()
		http.Redirect(w, r, u.String(), http.StatusFound)
		return
	}
	s.mu.Lock()
	code := s.issueCode(authCode{Platform: "linkedin", ClientID: clientID, RedirectURI: redirect,
		Challenge: q.Get("code_challenge"), ChallengeMeth: q.Get("code_challenge_method"),
		Subject: s.st.LinkedIn.DefaultMember, Scopes: scopes})
	s.mu.Unlock()
	back.Set("code", code)
	back.Set("state", state)
	u.RawQuery = back.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound)
}

// liAccessToken serves both grants. Client credentials come in the form.
func (s *Sandbox) liAccessToken(r *http.Request, body []byte) liAnswer {
	form, err := url.ParseQuery(string(body))
	if err != nil || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return liOAuthErr(400, "invalid_request", "The request must be application/x-www-form-urlencoded")
	}
	for _, p := range []string{"grant_type", "client_id", "client_secret"} {
		if form.Get(p) == "" {
			return liOAuthErr(400, "invalid_request", fmt.Sprintf("A required parameter %q is missing", p))
		}
	}
	clientID := form.Get("client_id")
	if s.checkClient("linkedin", clientID, form.Get("client_secret"), true) != nil {
		return liOAuthErr(401, "invalid_client", "Client authentication failed")
	}
	switch form.Get("grant_type") {
	case "authorization_code":
		for _, p := range []string{"code", "redirect_uri"} {
			if form.Get(p) == "" {
				return liOAuthErr(400, "invalid_request", fmt.Sprintf("A required parameter %q is missing", p))
			}
		}
		c, err := s.redeemCode("linkedin", form.Get("code"), clientID, form.Get("redirect_uri"), form.Get("code_verifier"))
		if err == errBadCode {
			return liOAuthErr(400, "invalid_request", "Unable to retrieve access token: authorization code not found")
		}
		if err != nil {
			return liOAuthErr(400, "invalid_request", "Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code. Or authorization code expired. Or external member binding exists")
		}
		info := tokenInfo{Platform: "linkedin", ClientID: clientID, Subject: c.Subject, Scopes: c.Scopes}
		refreshInfo := info
		refreshInfo.Kind = "refresh"
		rt := s.issueToken(refreshInfo, liRefreshTTL)
		return s.liTokenAnswer(info, rt, liRefreshTTL)
	case "refresh_token":
		rt := form.Get("refresh_token")
		if rt == "" {
			return liOAuthErr(400, "invalid_request", `A required parameter "refresh_token" is missing`)
		}
		t, st := s.lookupToken("linkedin", rt, "refresh")
		if st != tokenOK || t.ClientID != clientID {
			// RFC 6749 §5.2's code; LinkedIn's exact body for a dead refresh
			// token is not in the reference.
			return liOAuthErr(400, "invalid_grant", "The provided refresh token is invalid, expired or revoked")
		}
		info := tokenInfo{Platform: "linkedin", ClientID: clientID, Subject: t.Subject, Scopes: t.Scopes}
		// Not rotated: the same refresh token comes back, with what is left of its 365 days.
		return s.liTokenAnswer(info, rt, t.ExpiresAt.Sub(s.now()))
	}
	return liOAuthErr(400, "unsupported_grant_type", fmt.Sprintf("Unsupported grant type %q", form.Get("grant_type")))
}

// liTokenAnswer issues an access token; callers hold s.mu.
func (s *Sandbox) liTokenAnswer(info tokenInfo, refresh string, refreshLeft time.Duration) liAnswer {
	info.Kind = "access"
	at := s.issueToken(info, liAccessTTL)
	ttl := s.st.Tokens[hashSecret(at)].ExpiresAt.Sub(s.now())
	// LinkedIn lists granted scopes comma-separated. No id_token: the sandbox
	// does not sign OpenID tokens (the adapters read /v2/userinfo instead).
	return liJSON(200, map[string]any{
		"access_token": at, "expires_in": int64(ttl.Seconds()), "token_type": "Bearer",
		"refresh_token": refresh, "refresh_token_expires_in": int64(refreshLeft.Seconds()),
		"scope": strings.Join(info.Scopes, ","),
	})
}

func (s *Sandbox) liRevoke(r *http.Request, body []byte) liAnswer {
	form, _ := url.ParseQuery(string(body))
	if form.Get("token") == "" || form.Get("client_id") == "" {
		return liOAuthErr(400, "invalid_request", `A required parameter "token" or "client_id" is missing`)
	}
	if s.checkClient("linkedin", form.Get("client_id"), form.Get("client_secret"), true) != nil {
		return liOAuthErr(401, "invalid_client", "Client authentication failed")
	}
	if t := s.st.Tokens[hashSecret(form.Get("token"))]; t != nil && t.Platform == "linkedin" {
		s.revokeToken(form.Get("token"))
	}
	return liAnswer{status: http.StatusOK}
}

func (s *Sandbox) liIntrospect(r *http.Request, body []byte) liAnswer {
	form, _ := url.ParseQuery(string(body))
	if form.Get("token") == "" || form.Get("client_id") == "" {
		return liOAuthErr(400, "invalid_request", `A required parameter "token" or "client_id" is missing`)
	}
	if s.checkClient("linkedin", form.Get("client_id"), form.Get("client_secret"), true) != nil {
		return liOAuthErr(401, "invalid_client", "Client authentication failed")
	}
	t := s.st.Tokens[hashSecret(form.Get("token"))]
	if t == nil || t.Platform != "linkedin" {
		return liJSON(200, map[string]any{"active": false})
	}
	status := "active"
	switch {
	case t.Revoked:
		status = "revoked"
	case !t.ExpiresAt.IsZero() && s.now().After(t.ExpiresAt):
		status = "expired"
	}
	return liJSON(200, map[string]any{
		"active": status == "active", "status": status, "client_id": t.ClientID, "auth_type": "3L",
		"expires_at": t.ExpiresAt.Unix(), "scope": strings.Join(t.Scopes, ","),
	})
}

// liToken authenticates a Bearer access token; callers hold s.mu. The 401
// bodies are LinkedIn's: 65604 empty, 65600 invalid, 65601 revoked, 65602 expired.
func (s *Sandbox) liToken(r *http.Request) (*tokenInfo, *liAnswer) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || strings.TrimSpace(tok) == "" {
		a := liJSON(401, liErr(401, 65604, "EMPTY_ACCESS_TOKEN", "Empty oauth2 access token"))
		return nil, &a
	}
	if t := s.st.Tokens[hashSecret(tok)]; t != nil && t.Platform == "linkedin" && t.Revoked {
		a := liJSON(401, liErr(401, 65601, "REVOKED_ACCESS_TOKEN", "The token used in the request has been revoked by the user"))
		return nil, &a
	}
	t, st := s.lookupToken("linkedin", tok, "access")
	switch st {
	case tokenOK:
		return t, nil
	case tokenExpired:
		a := liJSON(401, liErr(401, 65602, "EXPIRED_ACCESS_TOKEN", "The token used in the request has expired"))
		return nil, &a
	}
	a := liJSON(401, liErr(401, 65600, "INVALID_ACCESS_TOKEN", "Invalid access token"))
	return nil, &a
}

func liHasScope(t *tokenInfo, scopes ...string) bool {
	for _, have := range t.Scopes {
		for _, want := range scopes {
			if have == want {
				return true
			}
		}
	}
	return false
}

func liDenied(resource, method, version string) liAnswer {
	return liJSON(403, liErr(403, 100, "ACCESS_DENIED", fmt.Sprintf("Not enough permissions to access: %s.%s.%s", resource, method, version)))
}

// liUserinfo is the OpenID Connect userinfo endpoint (unversioned /v2).
func (s *Sandbox) liUserinfo(r *http.Request, _ []byte) liAnswer {
	t, bad := s.liToken(r)
	if bad != nil {
		return *bad
	}
	if !liHasScope(t, "openid") {
		return liDenied("userinfo", "GET", "NO_VERSION")
	}
	m := s.st.LinkedIn.Members[t.Subject]
	if m == nil {
		return liJSON(404, liErr(404, 0, "NOT_FOUND", "Member not found"))
	}
	out := map[string]any{"sub": m.Sub, "locale": map[string]string{"country": "US", "language": "en"}}
	if liHasScope(t, "profile") {
		out["name"] = m.GivenName + " " + m.FamilyName
		out["given_name"] = m.GivenName
		out["family_name"] = m.FamilyName
		out["picture"] = s.liMediaURL(r, "profile-"+m.Sub)
	}
	if liHasScope(t, "email") {
		out["email"] = m.Email
		out["email_verified"] = true
	}
	return liJSON(200, out)
}

// liMediaURL is where the sandbox serves a placeholder picture.
func (s *Sandbox) liMediaURL(r *http.Request, id string) string {
	return s.base(r) + "/media.licdn.com/dms/image/" + url.PathEscape(id)
}

// liAdmin reports whether the token's member administers org URN orgURN.
func (s *Sandbox) liAdmin(t *tokenInfo, orgURN string) bool {
	id, ok := strings.CutPrefix(orgURN, "urn:li:organization:")
	m := s.st.LinkedIn.Members[t.Subject]
	return ok && m != nil && m.Roles[id] == "ADMINISTRATOR" && s.st.LinkedIn.Orgs[id] != nil
}

// liOrgAcls is the organizationAcls roleAssignee finder: the member's roles.
func (s *Sandbox) liOrgAcls(r *http.Request, _ []byte) liAnswer {
	t, v, bad := s.liREST(r)
	if bad != nil {
		return *bad
	}
	q := r.URL.Query()
	if q.Get("q") != "roleAssignee" {
		return liJSON(400, liErr(400, 0, "ILLEGAL_ARGUMENT", fmt.Sprintf("Unsupported finder %q", q.Get("q"))))
	}
	if !liHasScope(t, "rw_organization_admin", "r_organization_admin") {
		return liDenied("organizationAcls", "FINDER-roleAssignee", v)
	}
	start, count, bad2 := liPaging(q, 10, 100)
	if bad2 != nil {
		return *bad2
	}
	m := s.st.LinkedIn.Members[t.Subject]
	var all []map[string]any
	if m != nil {
		for _, id := range liSortedKeys(m.Roles) {
			role := m.Roles[id]
			if (q.Get("role") != "" && q.Get("role") != role) || (q.Get("state") != "" && q.Get("state") != "APPROVED") {
				continue
			}
			all = append(all, map[string]any{"roleAssignee": "urn:li:person:" + m.Sub, "state": "APPROVED", "role": role, "organization": "urn:li:organization:" + id})
		}
	}
	page := []map[string]any{}
	for i := start; i < len(all) && i < start+count; i++ {
		page = append(page, all[i])
	}
	return liJSON(200, map[string]any{"paging": map[string]any{"start": start, "count": count, "links": []any{}, "total": len(all)}, "elements": page})
}

func (s *Sandbox) liOrganization(r *http.Request, _ []byte) liAnswer {
	t, v, bad := s.liREST(r)
	if bad != nil {
		return *bad
	}
	o := s.st.LinkedIn.Orgs[r.PathValue("id")]
	if o == nil {
		return liJSON(404, liErr(404, 0, "NOT_FOUND", fmt.Sprintf("Organization %s does not exist", r.PathValue("id"))))
	}
	if !liHasScope(t, "rw_organization_admin", "r_organization_admin", "r_organization_social") {
		return liDenied("organizations", "GET", v)
	}
	id, _ := strconv.ParseInt(o.ID, 10, 64)
	asset := "urn:li:digitalmediaAsset:" + o.LogoID
	return liJSON(200, map[string]any{
		"id": id, "localizedName": o.Name, "vanityName": o.Vanity,
		"name":                    map[string]any{"localized": map[string]string{"en_US": o.Name}, "preferredLocale": map[string]string{"country": "US", "language": "en"}},
		"logoV2":                  map[string]any{"original": asset, "cropped": asset, "cropInfo": map[string]int{"x": 0, "y": 0, "width": 0, "height": 0}},
		"primaryOrganizationType": "NONE", "locations": []any{},
	})
}

// linkedInFault renders a ready-made fault in LinkedIn's shapes. LinkedIn
// sends no rate-limit headers (quotas are daily and reset at midnight UTC),
// so retry is not announced.
func linkedInFault(kind FaultKind, now time.Time, retry time.Duration) (int, http.Header, []byte) {
	h := http.Header{"Content-Type": {"application/json"}}
	var body map[string]any
	status := http.StatusInternalServerError
	switch kind {
	case FaultRateLimit:
		status = http.StatusTooManyRequests
		body = liErr(429, 101, "TOO_MANY_REQUESTS", "Resource level throttle APPLICATION DAY limit for calls to this resource is reached.")
	case FaultTokenExpired:
		status = http.StatusUnauthorized
		body = liErr(401, 65602, "EXPIRED_ACCESS_TOKEN", "The token used in the request has expired")
	default:
		body = map[string]any{"status": 500, "message": "Internal Server Error"}
	}
	data, _ := json.Marshal(body)
	return status, h, data
}
