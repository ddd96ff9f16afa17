package sandbox

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// X OAuth 2.0: the consent page at x.com/i/oauth2/authorize, the token
// endpoint (authorization_code with PKCE, refresh_token that rotates) and
// revocation, as https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code
// describes them.

// xKnownScopes are the scopes of the spec's OAuth2UserToken scheme.
var xKnownScopes = map[string]bool{
	"tweet.read": true, "tweet.write": true, "tweet.moderate.write": true, "users.read": true,
	"follows.read": true, "follows.write": true, "offline.access": true, "space.read": true,
	"mute.read": true, "mute.write": true, "like.read": true, "like.write": true,
	"list.read": true, "list.write": true, "block.read": true, "block.write": true,
	"bookmark.read": true, "bookmark.write": true, "dm.read": true, "dm.write": true,
	"media.write": true, "timeline.read": true, "broadcast.read": true, "broadcast.write": true,
}

var xErrorPage = template.Must(template.New("x-error").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>X / Error</title></head>
<body style="font-family:sans-serif;max-width:36em;margin:4em auto">
<p style="background:#fde68a;padding:.5em">SANDBOX: this is the Marketing Minds platform emulator, not x.com.</p>
<h1>Something went wrong</h1>
<p>You weren't able to give access to the App. Go back and try logging in again.</p>
<p style="color:#666">{{.}}</p>
</body></html>`))

// xAuthorize is the consent page. Parameters are checked before anything
// is sent to redirect_uri; an invalid request gets X's error page, never a
// redirect. Consent is given (or denied, see SetConsent) at once, as the
// signed-in user (the seeded one unless SetXUser chose another).
func (s *Sandbox) xAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	// Answer into a buffer, written once s.mu is released.
	a := &answer{header: w.Header(), code: http.StatusOK}
	w, orig := http.ResponseWriter(a), w
	defer func() {
		orig.WriteHeader(a.code)
		_, _ = orig.Write(a.body.Bytes())
	}()
	fail := func(reason string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusBadRequest)
		_ = xErrorPage.Execute(w, reason)
	}
	clientID, redirectURI := q.Get("client_id"), q.Get("redirect_uri")
	s.mu.Lock()
	defer s.mu.Unlock()
	if clientID == "" {
		fail("client_id is missing")
		return
	}
	if u, err := url.Parse(redirectURI); err != nil || !u.IsAbs() || s.checkRedirect(xPlatform, clientID, redirectURI) != nil {
		fail("redirect_uri is missing or not registered for this app")
		return
	}
	if q.Get("response_type") != "code" {
		fail("response_type must be code")
		return
	}
	scopes := strings.Fields(q.Get("scope"))
	if len(scopes) == 0 {
		fail("scope is missing")
		return
	}
	for _, sc := range scopes {
		if !xKnownScopes[sc] {
			fail("unknown scope " + sc)
			return
		}
	}
	// X requires state and PKCE.
	if q.Get("state") == "" {
		fail("state is missing")
		return
	}
	challenge, method := q.Get("code_challenge"), q.Get("code_challenge_method")
	if challenge == "" || (method != "S256" && method != "plain") {
		fail("code_challenge and code_challenge_method (S256 or plain) are required")
		return
	}
	back, _ := url.Parse(redirectURI)
	vals := back.Query()
	if s.consentDenied(xPlatform) {
		vals.Set("error", "access_denied")
		vals.Set("state", q.Get("state"))
	} else {
		code := s.issueCode(authCode{Platform: xPlatform, ClientID: clientID, RedirectURI: redirectURI,
			Challenge: challenge, ChallengeMeth: method, Subject: s.xs().signedIn(), Scopes: scopes})
		s.st.Codes[hashSecret(code)].ExpiresAt = s.now().Add(xCodeTTL)
		vals.Set("state", q.Get("state"))
		vals.Set("code", code)
	}
	back.RawQuery = vals.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

// xOAuthError writes the token endpoint's error body.
func xOAuthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

// xClient authenticates the client of a token or revoke request: HTTP Basic
// for confidential clients (required for a registered app), client_id in the
// body for public ones. Callers hold s.mu.
func (s *Sandbox) xClient(r *http.Request) (string, bool) {
	id, secret, basic := r.BasicAuth()
	if basic {
		var err1, err2 error
		id, err1 = url.QueryUnescape(id)
		secret, err2 = url.QueryUnescape(secret)
		if err1 != nil || err2 != nil {
			return "", false
		}
	} else {
		id = r.PostForm.Get("client_id")
	}
	registered := s.st.Apps[xPlatform+"/"+id] != nil
	if s.checkClient(xPlatform, id, secret, registered) != nil {
		return "", false
	}
	return id, true
}

const xBadToken = "Value passed for the token was invalid."

func (s *Sandbox) xToken(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") || r.ParseForm() != nil {
		xOAuthError(w, http.StatusBadRequest, "invalid_request", "Missing required parameter [grant_type].")
		return
	}
	s.xLocked(w, func(w http.ResponseWriter) { s.xTokenLocked(w, r) })
}

func (s *Sandbox) xTokenLocked(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	clientID, ok := s.xClient(r)
	if !ok {
		xOAuthError(w, http.StatusUnauthorized, "unauthorized_client", "Missing valid authorization header")
		return
	}
	var subject string
	var scopes []string
	switch f.Get("grant_type") {
	case "authorization_code":
		for _, p := range []string{"code", "redirect_uri", "code_verifier"} {
			if f.Get(p) == "" {
				xOAuthError(w, http.StatusBadRequest, "invalid_request", "Missing required parameter ["+p+"].")
				return
			}
		}
		c, err := s.redeemCode(xPlatform, f.Get("code"), clientID, f.Get("redirect_uri"), f.Get("code_verifier"))
		if err != nil {
			xOAuthError(w, http.StatusBadRequest, "invalid_request", xBadToken)
			return
		}
		subject, scopes = c.Subject, c.Scopes
	case "refresh_token":
		rt := f.Get("refresh_token")
		if rt == "" {
			xOAuthError(w, http.StatusBadRequest, "invalid_request", "Missing required parameter [refresh_token].")
			return
		}
		info, state := s.lookupToken(xPlatform, rt, "refresh")
		if state != tokenOK || info.ClientID != clientID {
			xOAuthError(w, http.StatusBadRequest, "invalid_request", xBadToken)
			return
		}
		// X rotates refresh tokens: this one is spent.
		s.revokeToken(rt)
		subject, scopes = info.Subject, info.Scopes
	default:
		xOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "Grant type is not supported.")
		return
	}
	ttl := xAccessTTL
	if s.opts.AccessTokenTTL > 0 {
		ttl = s.opts.AccessTokenTTL
	}
	out := map[string]any{
		"token_type":   "bearer",
		"expires_in":   int(ttl / time.Second),
		"access_token": s.issueToken(tokenInfo{Platform: xPlatform, Kind: "access", ClientID: clientID, Subject: subject, Scopes: scopes}, xAccessTTL),
		"scope":        strings.Join(scopes, " "),
	}
	if hasScope(scopes, "offline.access") {
		out["refresh_token"] = s.issueToken(tokenInfo{Platform: xPlatform, Kind: "refresh", ClientID: clientID, Subject: subject, Scopes: scopes}, xRefreshTTL)
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, out)
}

// xRevoke revokes an access or refresh token. Like RFC 7009 it answers
// {"revoked":true} for a token it does not know.
func (s *Sandbox) xRevoke(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") || r.ParseForm() != nil {
		xOAuthError(w, http.StatusBadRequest, "invalid_request", "Missing required parameter [token].")
		return
	}
	s.xLocked(w, func(w http.ResponseWriter) { s.xRevokeLocked(w, r) })
}

func (s *Sandbox) xRevokeLocked(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.xClient(r); !ok {
		xOAuthError(w, http.StatusUnauthorized, "unauthorized_client", "Missing valid authorization header")
		return
	}
	tok := r.PostForm.Get("token")
	if tok == "" {
		xOAuthError(w, http.StatusBadRequest, "invalid_request", "Missing required parameter [token].")
		return
	}
	if t := s.st.Tokens[hashSecret(tok)]; t != nil && t.Platform == xPlatform {
		s.revokeToken(tok)
	}
	writeJSON(w, http.StatusOK, map[string]bool{"revoked": true})
}
