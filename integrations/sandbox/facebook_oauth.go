package sandbox

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Facebook Login: the login dialog, /oauth/access_token (code exchange and
// fb_exchange_token), and the user node with /me/accounts and /me/permissions.

const (
	fbShortTTL = 2 * time.Hour
	// fbLongTTL is a long-lived user token's life (expires_in 5,183,944 s).
	fbLongTTL = 5183944 * time.Second
)

// fbPermissions are the permissions the dialog knows; others are refused.
var fbPermissions = []string{
	"public_profile", "email", "pages_show_list", "pages_read_engagement", "pages_manage_posts",
	"pages_manage_engagement", "pages_read_user_engagement", "pages_read_user_content", "pages_manage_metadata", "read_insights",
	"publish_video", "business_management", "ads_management", "ads_read", "instagram_basic",
	"instagram_content_publish", "instagram_manage_insights", "instagram_manage_comments", "instagram_manage_messages",
}

// fbDialog is the login dialog. It validates client_id, redirect_uri,
// response_type and scope, then redirects with code+state (approve) or
// error=access_denied (deny). Bad parameters get an error page, never a
// redirect.
func (s *Sandbox) fbDialog(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	clientID, redirect, state := q.Get("client_id"), q.Get("redirect_uri"), q.Get("state")
	page := func(msg string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, "<!DOCTYPE html><title>Error</title><h1>Sorry, something went wrong.</h1><p>%s</p><p>(Marketing Minds sandbox)</p>", html.EscapeString(msg))
	}
	ru, err := url.Parse(redirect)
	scopes := splitScopes(q.Get("scope"))
	s.mu.Lock()
	var bad string
	switch {
	case clientID == "":
		bad = "Invalid App ID: The provided app ID does not look like a valid app ID."
	case redirect == "" || err != nil || !ru.IsAbs() || (ru.Scheme != "http" && ru.Scheme != "https"):
		bad = "Can't load URL: The domain of this URL isn't included in the app's domains."
	case s.checkRedirect("facebook", clientID, redirect) != nil:
		bad = "URL blocked: This redirect failed because the redirect URI is not whitelisted in the app's Client OAuth Settings."
	case q.Get("response_type") != "" && q.Get("response_type") != "code":
		bad = "Invalid response_type: this sandbox serves the code flow (response_type=code)."
	}
	for _, sc := range scopes {
		if bad == "" && !slices.Contains(fbPermissions, sc) {
			bad = "Invalid Scopes: " + sc + ". This message is only shown to developers."
		}
	}
	if bad != "" {
		s.mu.Unlock()
		page(bad)
		return
	}
	v := url.Values{}
	if s.consentDenied("facebook") {
		v.Set("error", "access_denied")
		v.Set("error_code", "200")
		v.Set("error_description", "Permissions error")
		v.Set("error_reason", "user_denied")
	} else {
		if !slices.Contains(scopes, "public_profile") {
			scopes = append(scopes, "public_profile")
		}
		v.Set("code", s.issueCode(authCode{Platform: "facebook", ClientID: clientID, RedirectURI: redirect,
			Subject: s.st.Facebook.DefaultUser, Scopes: scopes}))
	}
	s.mu.Unlock()
	if state != "" {
		v.Set("state", state)
	}
	sep := "?"
	if ru.RawQuery != "" {
		sep = "&"
	}
	ru.Fragment = ""
	http.Redirect(w, r, ru.String()+sep+v.Encode()+"#_=_", http.StatusFound)
}

func splitScopes(v string) []string {
	var out []string
	for _, sc := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' }) {
		if !slices.Contains(out, sc) {
			out = append(out, sc)
		}
	}
	return out
}

// fbAccessToken is /oauth/access_token: the code exchange and the
// exchange for a long-lived token. Callers hold s.mu.
func (s *Sandbox) fbAccessToken(c *gctx) gresp {
	p := c.p
	clientID := p.Get("client_id")
	if clientID == "" {
		return fail(&graphError{Code: 101, Message: "Missing client_id parameter."})
	}
	if s.checkClient("facebook", clientID, p.Get("client_secret"), true) != nil {
		return fail(&graphError{Code: 1, Message: "Error validating client secret."})
	}
	if p.Get("grant_type") == "fb_exchange_token" {
		old, st := s.lookupToken("facebook", p.Get("fb_exchange_token"), "access")
		switch {
		case st == tokenExpired:
			return fail(&graphError{Code: 190, Subcode: 463, Message: "Error validating access token: Session has expired on " +
				graphTime(old.ExpiresAt) + ". The current time is " + graphTime(s.now()) + "."})
		case st != tokenOK:
			return fail(&graphError{Code: 190, Message: "Invalid OAuth access token - Cannot parse access token"})
		case old.ClientID != clientID:
			return fail(&graphError{Code: 190, Message: "Error validating access token: The token does not belong to application " + clientID + "."})
		}
		if g := s.st.Facebook.Grants[old.Subject+"/"+clientID]; g == nil || g.Revoked {
			return fail(&graphError{Code: 190, Subcode: 458, Message: "Error validating access token: The user has not authorized application " + clientID + "."})
		}
		return s.fbIssueUserToken(clientID, old.Subject, fbLongTTL)
	}
	if gt := p.Get("grant_type"); gt != "" && gt != "authorization_code" {
		return fail(&graphError{Code: 100, Message: "(#100) Invalid grant_type: " + gt})
	}
	code := p.Get("code")
	if code == "" {
		return fail(&graphError{Code: 100, Message: "Missing code parameter."})
	}
	if prior := s.st.Codes[hashSecret(code)]; prior != nil && prior.Used {
		return fail(&graphError{Code: 100, Subcode: 36009, Message: "This authorization code has been used."})
	} else if prior != nil && s.now().After(prior.ExpiresAt) {
		return fail(&graphError{Code: 100, Subcode: 36007, Message: "This authorization code has expired."})
	}
	ac, err := s.redeemCode("facebook", code, clientID, p.Get("redirect_uri"), "")
	switch err {
	case nil:
	case errBadRedirect:
		return fail(&graphError{Code: 100, Subcode: 36008, Message: "Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request"})
	case errBadClient:
		return fail(&graphError{Code: 100, Subcode: 36008, Message: "Error validating verification code. The code was issued to another application."})
	default:
		return fail(&graphError{Code: 100, Subcode: 36007, Message: "Invalid verification code format."})
	}
	// Permissions are granted once per app and person: a later login that
	// asks for others adds them (Facebook Login, "Permissions with Facebook
	// Login"); only a revocation takes one away.
	key := ac.Subject + "/" + clientID
	g := s.st.Facebook.Grants[key]
	if g == nil {
		g = &fbGrant{}
		s.st.Facebook.Grants[key] = g
	}
	for _, sc := range ac.Scopes {
		if !slices.Contains(g.Scopes, sc) {
			g.Scopes = append(g.Scopes, sc)
		}
	}
	return s.fbIssueUserToken(clientID, ac.Subject, fbShortTTL)
}

func (s *Sandbox) fbIssueUserToken(clientID, userID string, ttl time.Duration) gresp {
	tok := s.issueToken(tokenInfo{Platform: "facebook", Kind: "access", ClientID: clientID, Subject: userID}, ttl)
	if s.opts.AccessTokenTTL > 0 {
		ttl = s.opts.AccessTokenTTL
	}
	return ok(map[string]any{"access_token": tok, "token_type": "bearer", "expires_in": int64(ttl.Seconds())})
}

// userNode serves /me (as a person) and its edges accounts and permissions.
func (c *gctx) userNode() gresp {
	fb := c.s.st.Facebook
	u := fb.Users[c.node]
	if c.node != c.userID || c.pageID != "" {
		return c.noObject()
	}
	switch {
	case c.edge == "" && c.method == http.MethodGet:
		return c.selectFields(map[string]any{"id": u.ID, "name": u.Name}, []string{"id", "name", "first_name", "last_name", "picture"}, "id", "name")
	case c.edge == "accounts" && c.method == http.MethodGet:
		if e := c.need("pages_show_list"); e != nil {
			return fail(e)
		}
		return c.accounts(u)
	case c.edge == "permissions" && c.method == http.MethodGet:
		g := fb.Grants[c.userID+"/"+c.tok.ClientID]
		data := []any{}
		for _, sc := range g.Scopes {
			data = append(data, map[string]string{"permission": sc, "status": "granted"})
		}
		return ok(map[string]any{"data": data})
	case c.edge == "permissions" && c.method == http.MethodDelete:
		g := fb.Grants[c.userID+"/"+c.tok.ClientID]
		if perm := c.p.Get("permission"); perm != "" {
			g.Scopes = slices.DeleteFunc(g.Scopes, func(s string) bool { return s == perm })
		} else {
			g.Revoked = true
		}
		c.s.touch()
		return ok(map[string]bool{"success": true})
	}
	return c.unsupported()
}

// accounts is /me/accounts: every Page the person has a role on, with a
// Page token (which never expires) for each.
func (c *gctx) accounts(u *fbUser) gresp {
	fb := c.s.st.Facebook
	fields := parseFields(c.p.Get("fields"))
	if len(fields) == 0 {
		fields = parseFields("access_token,category,category_list,name,id,tasks")
	}
	known := []string{"id", "name", "access_token", "category", "category_list", "tasks", "picture", "instagram_business_account", "followers_count", "fan_count", "username", "link"}
	for _, f := range fields {
		if !slices.Contains(known, f.name) {
			return fail(&graphError{Code: 100, Message: fmt.Sprintf("(#100) Tried accessing nonexisting field (%s) on node type (Page)", f.name)})
		}
	}
	return c.listing(len(u.Order), func(i int) (any, bool) {
		pg := fb.Pages[u.Order[i]]
		all := c.pageValues(pg)
		all["tasks"] = u.Tasks[pg.ID]
		out := map[string]any{"id": pg.ID}
		for _, f := range fields {
			if f.name == "access_token" {
				out["access_token"] = c.s.issueToken(tokenInfo{Platform: "facebook", Kind: "page", ClientID: c.tok.ClientID, Subject: pg.ID + ":" + u.ID}, 0)
				continue
			}
			if v, present := all[f.name]; present {
				out[f.name] = v
			}
		}
		return out, true
	})
}
