package accounts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/oauth2"

	"github.com/marketingminds/marketingminds/integrations/oauth"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/zoho"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// Connect starts connecting platform p: it stores a single-use state (with
// the PKCE verifier for X and where to report back) and returns the URL of
// the platform's consent page. Editors and admins only.
func (s *Service) Connect(ctx context.Context, c identity.Caller, p platform.Name, ret ReturnTo) (string, error) {
	if err := c.Require(identity.Editor); err != nil {
		return "", err
	}
	if !s.supported(p) {
		return "", s.unknownPlatform(p)
	}
	if ret.Page != "" && !localPath(ret.Page) {
		return "", fmt.Errorf("%w: %q", ErrInvalidReturnTo, ret.Page)
	}
	retJSON, err := json.Marshal(ret)
	if err != nil {
		return "", fmt.Errorf("accounts: connect: %w", err)
	}
	var verifier string
	if p == platform.Twitter {
		verifier = oauth2.GenerateVerifier()
	}
	redirect := s.RedirectURI(p)
	state, err := s.states.Create(ctx, oauth.State{WorkspaceID: c.WorkspaceID, UserID: c.UserID, Door: string(c.Door),
		Platform: string(p), RedirectURI: redirect, Verifier: verifier, ReturnTo: string(retJSON)})
	if err != nil {
		return "", fmt.Errorf("accounts: connect %s: %w", p, err)
	}
	if p == platform.Zoho {
		return s.zoho.AuthCodeURL(state, redirect), nil
	}
	return s.providers[p].AuthCodeURL(state, redirect, verifier), nil
}

// localPath accepts "/dashboard/..." and refuses anything that leaves the site.
func localPath(p string) bool {
	return strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "//") && !strings.Contains(p, `\`)
}

// CallbackRequest is what the platform sent back to the callback.
type CallbackRequest struct {
	State            string
	Code             string
	Error            string // "access_denied" when the person declined
	ErrorDescription string
	AccountsServer   string // Zoho's accounts-server parameter
}

// CallbackResult is a successful connection.
type CallbackResult struct {
	Platform platform.Name
	Accounts []Account
	// Reauthorized lists the accounts that needed re-authorization before.
	Reauthorized []string
	ReturnTo     ReturnTo
	// Continue is where to send the browser next: the dashboard settings
	// page with ?connected=<platform>, or the page the flow started from.
	Continue string
	Sandbox  bool
}

// CallbackError is a failed callback: what to tell the person, and the
// HTTP status of the page.
type CallbackError struct {
	Code     string // unknown_platform, state_missing, state_unknown, state_expired, state_used, state_platform, access_denied, exchange_failed, no_accounts, internal
	Status   int
	Platform platform.Name
	Message  string
	// Supported lists the platforms (unknown_platform).
	Supported []platform.Name
	Err       error
}

func (e *CallbackError) Error() string { return "accounts: callback: " + e.Code + ": " + e.Message }
func (e *CallbackError) Unwrap() error { return e.Err }

// Callback finishes a connect flow: it validates and spends the state,
// exchanges the code, discovers every account behind the grant and upserts
// one record each (reconnecting updates, never duplicates). Each failure
// returns a *CallbackError and stores no account.
func (s *Service) Callback(ctx context.Context, p platform.Name, req CallbackRequest) (CallbackResult, error) {
	if !s.supported(p) {
		return CallbackResult{}, &CallbackError{Code: "unknown_platform", Status: http.StatusNotFound, Platform: p,
			Message: s.unknownPlatform(p).Error(), Supported: s.Platforms()}
	}
	st, err := s.states.Consume(ctx, req.State, string(p))
	if err != nil {
		return CallbackResult{}, s.stateError(p, err)
	}
	c := identity.Caller{WorkspaceID: st.WorkspaceID, UserID: st.UserID, Role: identity.Editor, Door: identity.Door(st.Door)}
	var ret ReturnTo
	_ = json.Unmarshal([]byte(st.ReturnTo), &ret)
	fail := func(ce *CallbackError) (CallbackResult, error) {
		ce.Platform = p
		s.record(ctx, c, "account.connect_failed", string(p), ce.Code+": "+ce.Message)
		s.events.Publish(ctx, Event{Kind: EventConnectFailed, WorkspaceID: c.WorkspaceID, UserID: c.UserID, Platform: p,
			Reason: ce.Message, ReturnTo: ret, At: s.now()})
		return CallbackResult{}, ce
	}
	if req.Error != "" {
		if req.Error == "access_denied" {
			return fail(&CallbackError{Code: "access_denied", Status: http.StatusForbidden,
				Message: "You declined the authorization, so nothing was connected. Start again from Marketing Minds whenever you like."})
		}
		msg := req.Error
		if req.ErrorDescription != "" {
			msg += ": " + req.ErrorDescription
		}
		return fail(&CallbackError{Code: "authorization_failed", Status: http.StatusBadGateway, Message: p.Label() + " refused the authorization: " + msg})
	}
	if req.Code == "" {
		return fail(&CallbackError{Code: "exchange_failed", Status: http.StatusBadRequest, Message: "The platform sent no authorization code."})
	}
	var recs []Record
	if p == platform.Zoho {
		recs, err = s.zohoGrant(ctx, c, st, req)
	} else {
		recs, err = s.socialGrant(ctx, c, p, st, req.Code)
	}
	if err != nil {
		var ce *CallbackError
		if errors.As(err, &ce) {
			return fail(ce)
		}
		return fail(&CallbackError{Code: "internal", Status: http.StatusInternalServerError, Message: "Saving the connection failed; try again.", Err: err})
	}
	coll := Social
	if p == platform.Zoho {
		coll = Zoho
	}
	res := CallbackResult{Platform: p, ReturnTo: ret, Sandbox: s.cfg.Sandbox,
		Continue: s.cfg.SettingsPath + "?connected=" + url.QueryEscape(string(p))}
	if ret.Page != "" && localPath(ret.Page) {
		res.Continue = withQuery(ret.Page, "connected", string(p))
	}
	for _, r := range recs {
		stored, prev, err := s.store.Upsert(ctx, coll, r)
		if err != nil {
			return fail(&CallbackError{Code: "internal", Status: http.StatusInternalServerError, Message: "Saving the connection failed; try again.", Err: err})
		}
		s.forget(stored.ID)
		s.scheduleRefresh(ctx, coll, stored)
		res.Accounts = append(res.Accounts, stored.account())
		action := "account.connect"
		if prev == StatusNeedsReauth {
			action = "account.reauthorize"
			res.Reauthorized = append(res.Reauthorized, stored.ID)
		}
		s.record(ctx, c, action, stored.ID, stored.label())
	}
	s.events.Publish(ctx, Event{Kind: EventConnected, WorkspaceID: c.WorkspaceID, UserID: c.UserID, Platform: p,
		Accounts: res.Accounts, ReturnTo: ret, At: s.now()})
	return res, nil
}

func withQuery(page, k, v string) string {
	sep := "?"
	if strings.Contains(page, "?") {
		sep = "&"
	}
	return page + sep + url.QueryEscape(k) + "=" + url.QueryEscape(v)
}

func (s *Service) stateError(p platform.Name, err error) error {
	again := " Start again from Marketing Minds (the Connect button, or /mm connect " + string(p) + ")."
	ce := &CallbackError{Status: http.StatusBadRequest, Platform: p, Err: err}
	switch {
	case errors.Is(err, oauth.ErrStateMissing):
		ce.Code, ce.Message = "state_missing", "This link carries no authorization state, so it cannot be trusted."+again
	case errors.Is(err, oauth.ErrStateUnknown):
		ce.Code, ce.Message = "state_unknown", "This authorization state is unknown: it was not issued by this server, or it is too old."+again
	case errors.Is(err, oauth.ErrStateExpired):
		ce.Code, ce.Message = "state_expired", "This authorization took longer than 10 minutes and expired."+again
	case errors.Is(err, oauth.ErrStateUsed):
		ce.Code, ce.Message = "state_used", "This authorization link was already used."+again
	case errors.Is(err, oauth.ErrStatePlatform):
		ce.Code, ce.Message = "state_platform", "This authorization was started for another platform."+again
	default:
		ce.Code, ce.Status, ce.Message = "internal", http.StatusInternalServerError, "The authorization could not be checked right now; try again."
	}
	return ce
}

func exchangeError(p platform.Name, op string, err error) *CallbackError {
	return &CallbackError{Code: "exchange_failed", Status: http.StatusBadGateway, Err: err,
		Message: p.Label() + " did not complete the " + op + ": " + platform.Message(err)}
}

// socialGrant exchanges the code and turns every account it reveals into a
// record (tokens sealed).
func (s *Service) socialGrant(ctx context.Context, c identity.Caller, p platform.Name, st oauth.State, code string) ([]Record, error) {
	prov := s.providers[p]
	tok, err := prov.Exchange(ctx, code, st.RedirectURI, st.Verifier)
	if err != nil {
		return nil, exchangeError(p, "sign-in", err)
	}
	accts, err := prov.Accounts(ctx, tok)
	if err != nil {
		return nil, exchangeError(p, "account lookup", err)
	}
	if len(accts) == 0 {
		return nil, &CallbackError{Code: "no_accounts", Status: http.StatusBadRequest,
			Message: noAccountsMessage(p)}
	}
	now := store.Trunc(s.now())
	grant := store.NewID()
	out := make([]Record, 0, len(accts))
	for _, a := range accts {
		r := Record{ID: store.NewID(), WorkspaceID: c.WorkspaceID, Platform: p, ExternalID: a.ExternalID, Kind: a.Kind,
			Name: a.Name, Handle: a.Handle, AvatarURL: a.AvatarURL, Status: StatusConnected, ConnectedBy: c.UserID,
			ConnectedAt: now, Grant: grant, UpdatedAt: now}
		access, expiry := tok.AccessToken, tok.Expiry
		if a.AccessToken != "" {
			access, expiry, r.Derived = a.AccessToken, a.TokenExpiry, true
		}
		r.Tokens.Expiry, r.Tokens.ObtainedAt = store.Trunc(expiry), now
		if r.Tokens.Access, r.Tokens.Refresh, err = s.seal(Social, r, access, tok.RefreshToken); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

func (s *Service) zohoGrant(ctx context.Context, c identity.Caller, st oauth.State, req CallbackRequest) ([]Record, error) {
	tok, err := s.zoho.Exchange(ctx, req.Code, st.RedirectURI, req.AccountsServer)
	if errors.Is(err, zoho.ErrUnknownAccountsServer) {
		return nil, &CallbackError{Code: "invalid_accounts_server", Status: http.StatusBadRequest, Err: err,
			Message: "The sign-in came back naming an accounts server that is not one of Zoho's, so nothing was connected. Start again from Marketing Minds (the Connect button, or /mm connect zoho)."}
	}
	if err != nil {
		return nil, exchangeError(platform.Zoho, "sign-in", err)
	}
	now := store.Trunc(s.now())
	r := Record{ID: store.NewID(), WorkspaceID: c.WorkspaceID, Platform: platform.Zoho, Kind: "zoho",
		Name: "Zoho (" + hostOf(tok.AccountsServer) + ")", Status: StatusConnected, ConnectedBy: c.UserID, ConnectedAt: now,
		Grant: store.NewID(), APIDomain: tok.APIDomain, AccountsServer: tok.AccountsServer, UpdatedAt: now,
		Tokens: Sealed{Expiry: store.Trunc(tok.Expiry), ObtainedAt: now}}
	if r.Tokens.Access, r.Tokens.Refresh, err = s.seal(Zoho, r, tok.AccessToken, tok.RefreshToken); err != nil {
		return nil, err
	}
	return []Record{r}, nil
}

func hostOf(u string) string {
	if pu, err := url.Parse(u); err == nil && pu.Host != "" {
		return pu.Host
	}
	return u
}

func noAccountsMessage(p platform.Name) string {
	switch p {
	case platform.Facebook:
		return "You signed in, but you manage no Facebook Page you can publish to. Create or get access to a Page, then connect again."
	case platform.Instagram:
		return "You signed in, but none of your Facebook Pages has an Instagram professional account linked. Link one in Instagram's settings, then connect again."
	}
	return "You signed in, but the grant reveals no account to publish as."
}

// zohoToken is a Zoho grant in the provider's type.
func zohoToken(r Record, access, refresh string) zoho.Token {
	return zoho.Token{AccessToken: access, RefreshToken: refresh, APIDomain: r.APIDomain, AccountsServer: r.AccountsServer, Expiry: r.Tokens.Expiry}
}
