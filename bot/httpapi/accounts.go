package httpapi

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// Accounts is what the account routes need of tools/accounts.
type Accounts interface {
	Connect(ctx context.Context, c identity.Caller, p platform.Name, ret accounts.ReturnTo) (string, error)
	Callback(ctx context.Context, p platform.Name, req accounts.CallbackRequest) (accounts.CallbackResult, error)
	List(ctx context.Context, c identity.Caller, p platform.Name) ([]accounts.Account, error)
	Disconnect(ctx context.Context, c identity.Caller, id string) (accounts.Account, error)
	RefreshExpiring(ctx context.Context, c identity.Caller, within time.Duration) (accounts.RefreshReport, error)
	TokenStatus(ctx context.Context, c identity.Caller) ([]accounts.TokenState, error)
}

// platformOf is the {platform} of the path, or zoho on the Zoho routes.
func platformOf(r *http.Request) platform.Name {
	if p := r.PathValue("platform"); p != "" {
		return platform.Name(p)
	}
	return platform.Zoho
}

// accountError maps the service's errors to the JSON error shape.
func accountError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, identity.ErrForbidden):
		writeError(w, http.StatusForbidden, "forbidden", err.Error())
	case errors.Is(err, accounts.ErrNotFound):
		writeError(w, http.StatusNotFound, "not_found", "no such account in this workspace")
	case errors.Is(err, accounts.ErrUnknownPlatform):
		writeError(w, http.StatusNotFound, "unknown_platform", err.Error())
	default:
		zerolog.Ctx(r.Context()).Error().Err(err).Msg("http: accounts")
		writeError(w, http.StatusInternalServerError, "internal", "the request failed; try again")
	}
}

// connect: GET /api/social/connect/{platform}[?return_to=/dashboard/...]
func (s *Server) connect(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	p := platformOf(r)
	ret := accounts.ReturnTo{Kind: "dashboard"}
	if page := r.URL.Query().Get("return_to"); page != "" {
		ret.Page = page
	}
	u, err := s.deps.Accounts.Connect(r.Context(), c, p, ret)
	if err != nil {
		if errors.Is(err, accounts.ErrInvalidReturnTo) {
			writeError(w, http.StatusBadRequest, "invalid_return_to", "return_to must be a path on this server, like /dashboard/settings")
			return
		}
		accountError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "platform": p, "auth_url": u})
}

// callback: GET /api/social/callback/{platform} and /api/zoho/callback.
func (s *Server) callback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p := platformOf(r)
	res, err := s.deps.Accounts.Callback(r.Context(), p, accounts.CallbackRequest{
		State: q.Get("state"), Code: q.Get("code"), Error: q.Get("error"),
		ErrorDescription: q.Get("error_description"), AccountsServer: q.Get("accounts-server"),
	})
	page := callbackPage{Platform: p.Label(), Sandbox: res.Sandbox}
	status := http.StatusOK
	if err != nil {
		var ce *accounts.CallbackError
		if !errors.As(err, &ce) {
			ce = &accounts.CallbackError{Code: "internal", Status: http.StatusInternalServerError, Message: "Something failed on our side; try again."}
		}
		if ce.Status >= 500 {
			zerolog.Ctx(r.Context()).Error().Err(err).Str("platform", string(p)).Msg("http: oauth callback")
		}
		status, page.Code, page.Message = ce.Status, ce.Code, ce.Message
		for _, n := range ce.Supported {
			page.Supported = append(page.Supported, string(n))
		}
	} else {
		page.OK, page.Continue, page.Where = true, res.Continue, pageWords(res.Continue)
		for _, a := range res.Accounts {
			name := a.AccountName
			if a.Handle != "" && a.Handle != name {
				name += " (" + a.Handle + ")"
			}
			page.Accounts = append(page.Accounts, name)
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.WriteHeader(status)
	if err := callbackTmpl.Execute(w, page); err != nil {
		zerolog.Ctx(r.Context()).Error().Err(err).Msg("http: render callback page")
	}
}

type callbackPage struct {
	OK        bool
	Sandbox   bool
	Platform  string
	Accounts  []string
	Continue  string
	Where     string // the Continue page in words
	Code      string
	Message   string
	Supported []string
}

var callbackTmpl = template.Must(template.New("callback").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
{{if .OK}}<meta http-equiv="refresh" content="3;url={{.Continue}}">{{end}}
<title>{{if .OK}}{{.Platform}} connected{{else}}Connecting {{.Platform}} failed{{end}} · Marketing Minds</title>
<style>body{font-family:system-ui,sans-serif;max-width:34em;margin:4em auto;padding:0 1em;color:#222}
.sandbox{background:#fde68a;padding:.5em .8em;font-weight:bold}.err{color:#b91c1c}code{background:#f3f4f6;padding:0 .2em}</style>
</head><body>
{{if .Sandbox}}<p class="sandbox">SANDBOX: every platform here is emulated; nothing was connected to a real account.</p>{{end}}
{{if .OK}}
<h1>{{.Platform}} connected</h1>
<p>Marketing Minds can now post as:</p>
<ul>{{range .Accounts}}<li>{{.}}</li>{{end}}</ul>
<p><a href="{{.Continue}}">Continue to {{.Where}}</a> (you will be taken there in a moment).</p>
{{else}}
<h1 class="err">{{if eq .Code "unknown_platform"}}Unknown platform{{else}}Connecting {{.Platform}} failed{{end}}</h1>
<p>{{.Message}}</p>
{{if .Supported}}<p>Supported: {{range $i, $p := .Supported}}{{if $i}}, {{end}}<code>{{$p}}</code>{{end}}.</p>{{end}}
<p>Nothing was saved. <code>{{.Code}}</code></p>
{{end}}
</body></html>
`))

// listAccounts: GET /api/social/accounts[?platform=]
func (s *Server) listAccounts(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	list, err := s.deps.Accounts.List(r.Context(), c, platform.Name(r.URL.Query().Get("platform")))
	if err != nil {
		accountError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "accounts": list})
}

// disconnect: DELETE /api/social/accounts/{id}
func (s *Server) disconnect(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	a, err := s.deps.Accounts.Disconnect(r.Context(), c, r.PathValue("id"))
	if err != nil {
		accountError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "account": a})
}

// refreshTokens: POST /api/tokens/refresh, optional body {"within": "24h"}
// (default 6h, at most 30 days).
func (s *Server) refreshTokens(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	within := 6 * time.Hour
	if r.ContentLength != 0 {
		var body struct {
			Within string `json:"within"`
		}
		if !decodeJSON(w, r, &body) {
			return
		}
		if body.Within != "" {
			d, err := time.ParseDuration(body.Within)
			if err != nil || d <= 0 || d > 30*24*time.Hour {
				writeError(w, http.StatusBadRequest, "invalid_within", `within is a duration like "6h", up to "720h"`)
				return
			}
			within = d
		}
	}
	rep, err := s.deps.Accounts.RefreshExpiring(r.Context(), c, within)
	if err != nil {
		accountError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "within": within.String(), "report": rep})
}

// tokenStatus: GET /api/tokens/status
func (s *Server) tokenStatus(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	st, err := s.deps.Accounts.TokenStatus(r.Context(), c)
	if err != nil {
		accountError(w, r, err)
		return
	}
	if st == nil {
		st = []accounts.TokenState{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "tokens": st})
}

// pageWords names the dashboard page a callback continues to.
func pageWords(continueURL string) string {
	path, _, _ := strings.Cut(continueURL, "?")
	switch path {
	case "/dashboard":
		return "the overview"
	case "/dashboard/accounts":
		return "your accounts"
	case "/dashboard/email":
		return "e-mail campaigns"
	case "/dashboard/crm":
		return "the CRM"
	case "/dashboard/settings":
		return "your settings"
	}
	return "Marketing Minds"
}
