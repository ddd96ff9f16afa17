package sandbox

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"time"
)

// The OAuth machinery every platform's endpoints share: registered apps,
// authorization codes (single-use, bound to client, redirect URI and PKCE
// challenge) and tokens (kept as hashes, with expiry).

// App is a registered OAuth client. Unregistered client ids are accepted with
// any secret, as a convenience; a registered one must present its secret.
type App struct {
	Platform     string   `json:"platform"`
	ClientID     string   `json:"client_id"`
	SecretHash   string   `json:"secret_hash"`
	RedirectURIs []string `json:"redirect_uris,omitempty"` // empty: any
}

// RegisterApp makes secret mandatory for clientID on platform and, when
// redirectURIs is not empty, restricts the redirect URIs.
func (s *Sandbox) RegisterApp(platform, clientID, secret string, redirectURIs ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.Apps[platform+"/"+clientID] = &App{Platform: platform, ClientID: clientID, SecretHash: hashSecret(secret), RedirectURIs: redirectURIs}
	s.touch()
}

var (
	errBadClient   = errors.New("invalid client")
	errBadRedirect = errors.New("redirect_uri mismatch")
	errBadCode     = errors.New("invalid or used authorization code")
	errBadVerifier = errors.New("code_verifier does not match the code_challenge")
)

// checkClient verifies a client's credentials. secretGiven says whether the
// request carried a secret at all (public PKCE clients may not).
func (s *Sandbox) checkClient(platform, clientID, secret string, secretRequired bool) error {
	if clientID == "" {
		return errBadClient
	}
	app := s.st.Apps[platform+"/"+clientID]
	if app == nil {
		if secretRequired && secret == "" {
			return errBadClient
		}
		return nil
	}
	if secret == "" && !secretRequired {
		return nil
	}
	if subtle.ConstantTimeCompare([]byte(hashSecret(secret)), []byte(app.SecretHash)) != 1 {
		return errBadClient
	}
	return nil
}

// checkRedirect reports whether uri is allowed for the client.
func (s *Sandbox) checkRedirect(platform, clientID, uri string) error {
	if uri == "" {
		return errBadRedirect
	}
	app := s.st.Apps[platform+"/"+clientID]
	if app == nil || len(app.RedirectURIs) == 0 {
		return nil
	}
	for _, u := range app.RedirectURIs {
		if u == uri {
			return nil
		}
	}
	return errBadRedirect
}

type authCode struct {
	Platform      string    `json:"platform"`
	ClientID      string    `json:"client_id"`
	RedirectURI   string    `json:"redirect_uri"`
	Challenge     string    `json:"challenge,omitempty"`
	ChallengeMeth string    `json:"challenge_method,omitempty"`
	Subject       string    `json:"subject"`
	Scopes        []string  `json:"scopes"`
	ExpiresAt     time.Time `json:"expires_at"`
	Used          bool      `json:"used"`
}

// issueCode creates an authorization code; callers hold s.mu.
func (s *Sandbox) issueCode(c authCode) string {
	code := randomToken(24)
	c.ExpiresAt = s.now().Add(10 * time.Minute)
	s.st.Codes[hashSecret(code)] = &c
	s.touch()
	return code
}

// redeemCode checks and consumes a code; callers hold s.mu. A reused code
// fails like an unknown one, as real servers do.
func (s *Sandbox) redeemCode(platform, code, clientID, redirectURI, verifier string) (*authCode, error) {
	c := s.st.Codes[hashSecret(code)]
	if c == nil || c.Used || c.Platform != platform || s.now().After(c.ExpiresAt) {
		return nil, errBadCode
	}
	if c.ClientID != clientID {
		return nil, errBadClient
	}
	if c.RedirectURI != redirectURI {
		return nil, errBadRedirect
	}
	if c.Challenge != "" {
		want := verifier
		if c.ChallengeMeth == "S256" {
			sum := sha256.Sum256([]byte(verifier))
			want = base64.RawURLEncoding.EncodeToString(sum[:])
		}
		if verifier == "" || subtle.ConstantTimeCompare([]byte(want), []byte(c.Challenge)) != 1 {
			return nil, errBadVerifier
		}
	}
	c.Used = true
	s.touch()
	return c, nil
}

// tokenInfo is an issued token; the token itself is never stored.
type tokenInfo struct {
	Platform  string    `json:"platform"`
	Kind      string    `json:"kind"` // access, refresh, page, ...
	ClientID  string    `json:"client_id"`
	Subject   string    `json:"subject"` // user id, page id, org ...
	Scopes    []string  `json:"scopes,omitempty"`
	ExpiresAt time.Time `json:"expires_at,omitzero"` // zero: never
	Revoked   bool      `json:"revoked,omitempty"`
}

// issueToken creates a token; ttl 0 means it never expires (Facebook Page
// tokens). Callers hold s.mu.
func (s *Sandbox) issueToken(info tokenInfo, ttl time.Duration) string {
	tok := randomToken(32)
	if ttl > 0 {
		if info.Kind == "access" && s.opts.AccessTokenTTL > 0 {
			ttl = s.opts.AccessTokenTTL
		}
		info.ExpiresAt = s.now().Add(ttl)
	}
	s.st.Tokens[hashSecret(tok)] = &info
	s.touch()
	return tok
}

// tokenState is why a token did not authenticate.
type tokenState int

const (
	tokenOK tokenState = iota
	tokenMissing
	tokenInvalid // unknown, revoked or of the wrong platform or kind
	tokenExpired
)

// lookupToken finds a live token of platform and one of kinds; callers hold s.mu.
func (s *Sandbox) lookupToken(platform, tok string, kinds ...string) (*tokenInfo, tokenState) {
	if tok == "" {
		return nil, tokenMissing
	}
	t := s.st.Tokens[hashSecret(tok)]
	if t == nil || t.Revoked || t.Platform != platform {
		return nil, tokenInvalid
	}
	kindOK := len(kinds) == 0
	for _, k := range kinds {
		kindOK = kindOK || t.Kind == k
	}
	if !kindOK {
		return nil, tokenInvalid
	}
	if !t.ExpiresAt.IsZero() && s.now().After(t.ExpiresAt) {
		return t, tokenExpired
	}
	return t, tokenOK
}

// revokeToken marks a token revoked; callers hold s.mu.
func (s *Sandbox) revokeToken(tok string) bool {
	t := s.st.Tokens[hashSecret(tok)]
	if t == nil || t.Revoked {
		return false
	}
	t.Revoked = true
	s.touch()
	return true
}

// ExpireTokens makes every access token of platform expire now, so the next
// call needs a refresh.
func (s *Sandbox) ExpireTokens(platform string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for _, t := range s.st.Tokens {
		if t.Platform == platform && t.Kind == "access" {
			t.ExpiresAt = now.Add(-time.Second)
		}
	}
	s.touch()
}

func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
