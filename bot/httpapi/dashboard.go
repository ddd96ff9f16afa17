package httpapi

import (
	"bytes"
	"context"
	"crypto/subtle"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/tools/identity"
)

// The dashboard: server-rendered pages under /dashboard over the same tool
// functions the REST API calls (door dashboard), signed in with a session
// cookie, every form and mutating request carrying the session's CSRF token.
// A page is one template in web/templates and one handler; its data comes
// only from the capabilities in Deps.

//go:embed web/templates/*.html
var templateFS embed.FS

//go:embed web/assets
var assetFS embed.FS

// Sessions is dashboard sign-in (*identity.Sessions).
type Sessions interface {
	SignInWithLink(ctx context.Context, code string) (identity.StartedSession, error)
	SignInWithToken(ctx context.Context, token string) (identity.StartedSession, error)
	Resolve(ctx context.Context, secret string) (identity.Caller, identity.Session, error)
	SignOut(ctx context.Context, secret string) error
}

// sessionCookie holds the session secret.
const sessionCookie = "mm_session"

// csp is every dashboard page's policy: nothing but this origin.
const csp = "default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self' http: https:"

// view is what every page template gets besides its own data.
type view struct {
	Caller  identity.Caller
	CSRF    string
	Loc     *time.Location
	Sandbox bool
	Nav     string
	Title   string
	Notice  string
	Error   string
	CanEdit bool
	// HasEmail, HasLibrary: the e-mail and CRM pages, the library pages
	// are served.
	HasEmail, HasLibrary, HasSettings, HasChat, HasInbox bool
	// HasMedia: the media page and the composer's uploads are served.
	HasMedia bool
	// session is the signed-in session's id (never its secret): the web
	// chat's conversation.
	session string
	// People names the people the page shows (the reader first);
	// WorkspaceName is the workspace's name, "" when unknown.
	People        people
	WorkspaceName string
	Data          any
}

// pageHandler serves a signed-in page.
type pageHandler func(w http.ResponseWriter, r *http.Request, v *view)

func (s *Server) dashboardRoutes(mux *routeMux) {
	assets, _ := fs.Sub(assetFS, "web/assets")
	mux.Handle("GET /dashboard/assets/", http.StripPrefix("/dashboard/assets/", s.assetHandler(assets)))
	mux.Handle("GET /{$}", http.RedirectHandler("/dashboard", http.StatusSeeOther))
	mux.HandleFunc("GET /dashboard/login", s.loginPage)
	mux.HandleFunc("POST /dashboard/login", s.loginSubmit)
	mux.Handle("POST /dashboard/logout", s.page(identity.Viewer, "", s.logout))
	mux.Handle("GET /dashboard", s.page(identity.Viewer, "overview", s.overviewPage))
	mux.Handle("GET /dashboard/accounts", s.page(identity.Viewer, "accounts", s.accountsPage))
	mux.Handle("GET /dashboard/analytics", s.page(identity.Viewer, "analytics", s.analyticsPage))
	mux.Handle("POST /dashboard/analytics/sync", s.page(identity.Editor, "analytics", s.analyticsSyncNow))
	if s.deps.Analytics != nil {
		s.chartRoutes(mux)
	}
	mux.Handle("POST /dashboard/connect/{platform}", s.page(identity.Editor, "accounts", s.accountConnect))
	mux.Handle("POST /dashboard/accounts/{id}/disconnect", s.page(identity.Editor, "accounts", s.accountDisconnect))
	mux.Handle("GET /dashboard/compose", s.page(identity.Viewer, "compose", s.composePage))
	mux.Handle("POST /dashboard/compose", s.page(identity.Editor, "compose", s.composeSubmit))
	mux.Handle("GET /dashboard/calendar", s.page(identity.Viewer, "calendar", s.calendarPage))
	mux.Handle("GET /dashboard/posts", s.page(identity.Viewer, "posts", s.postsPage))
	mux.Handle("GET /dashboard/posts/{id}", s.page(identity.Viewer, "posts", s.postPage))
	mux.Handle("POST /dashboard/posts/{id}/{action}", s.page(identity.Editor, "posts", s.postAction))
	s.campaignsRoutes(mux)
	s.libraryRoutes(mux)
	s.settingsRoutes(mux)
	s.chatRoutes(mux)
	s.inboxPageRoutes(mux)
	s.mediaPageRoutes(mux)
}

func (s *Server) assetHandler(assets fs.FS) http.Handler {
	files := http.FileServerFS(assets)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		files.ServeHTTP(w, r)
	})
}

// secure reports whether cookies must be Secure: the public URL is https.
func (s *Server) secure() bool { return strings.HasPrefix(s.deps.PublicURL, "https://") }

// pageHeaders go on every dashboard response.
func pageHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
}

// page wraps a dashboard handler: it resolves the session (a GET without one
// goes to the sign-in page), checks the CSRF token and origin of every
// mutating request, requires role min and puts the caller (door dashboard)
// in the context.
func (s *Server) page(min identity.Role, nav string, h pageHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pageHeaders(w)
		cookie, err := r.Cookie(sessionCookie)
		var c identity.Caller
		var sess identity.Session
		if err == nil {
			c, sess, err = s.deps.Sessions.Resolve(r.Context(), cookie.Value)
		}
		if err != nil {
			if !errors.Is(err, identity.ErrNoSession) && !errors.Is(err, http.ErrNoCookie) {
				zerolog.Ctx(r.Context()).Error().Err(err).Msg("dashboard: resolve session")
				s.renderError(w, r, http.StatusServiceUnavailable, "Cannot check your session right now; try again shortly.")
				return
			}
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/dashboard/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			s.renderError(w, r, http.StatusUnauthorized, "You are not signed in (or your session ended). Sign in again.")
			return
		}
		v := &view{Caller: c, CSRF: identity.CSRFToken(cookie.Value), Sandbox: s.deps.Sandbox != nil, Nav: nav,
			CanEdit: c.Role.AtLeast(identity.Editor), Loc: s.location(r.Context(), c), HasEmail: s.deps.Campaigns != nil, HasLibrary: s.deps.Library != nil, HasInbox: s.deps.Inbox != nil,
			HasSettings: s.deps.Settings != nil, HasChat: s.deps.Agent != nil && s.deps.Turns != nil, HasMedia: s.deps.Media != nil, session: sess.ID,
			People: people{reader: c.UserID}}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if !s.sameOrigin(r) {
				s.renderError(w, r, http.StatusForbidden, "This request came from another site and was refused.")
				return
			}
			sent := r.Header.Get("X-CSRF-Token")
			if sent == "" {
				r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
				sent = r.PostFormValue("csrf")
			}
			if subtle.ConstantTimeCompare([]byte(sent), []byte(v.CSRF)) != 1 {
				s.renderError(w, r, http.StatusForbidden, "The form expired or did not come from this dashboard (CSRF check failed). Reload the page and try again.")
				return
			}
		}
		if err := c.Require(min); err != nil {
			s.renderError(w, r, http.StatusForbidden, "Your role ("+string(c.Role)+") cannot do this; ask an admin for the "+string(min)+" role.")
			return
		}
		log := zerolog.Ctx(r.Context()).With().Str("workspace", c.WorkspaceID).Str("user", c.UserID).Logger()
		r = r.WithContext(identity.WithCaller(log.WithContext(r.Context()), c))
		h(w, r, v)
	})
}

// location is the zone the caller's times are shown and read in: the
// same one the tools read "2026-12-01T09:00" in (UTC when unknown).
func (s *Server) location(ctx context.Context, c identity.Caller) *time.Location {
	if s.deps.UserLocation == nil {
		return time.UTC
	}
	loc, err := s.deps.UserLocation(ctx, c.WorkspaceID, c.UserID)
	if err != nil || loc == nil {
		if err != nil {
			zerolog.Ctx(ctx).Warn().Err(err).Msg("dashboard: time zone unknown, showing UTC")
		}
		return time.UTC
	}
	return loc
}

// sameOrigin refuses a request a browser marks as coming from another site
// (Sec-Fetch-Site, or an Origin naming a host that is neither the request's
// nor MM_PUBLIC_URL's, as behind a proxy). Requests without either still
// need the CSRF token.
func (s *Server) sameOrigin(r *http.Request) bool {
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		return false
	}
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	if err != nil {
		return false
	}
	if u.Host == r.Host {
		return true
	}
	pub, err := url.Parse(s.deps.PublicURL)
	return err == nil && pub.Host != "" && u.Host == pub.Host
}

// loginPage: GET /dashboard/login[?code=mml_...][&next=...]. A link only
// shows a button: the code is spent by the POST, so a link preview (Slack
// unfurls links) cannot use it up.
func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	pageHeaders(w)
	q := r.URL.Query()
	s.render(w, r, http.StatusOK, "login", &view{Title: "Sign in", Sandbox: s.deps.Sandbox != nil,
		Data: loginData{Code: q.Get("code"), Next: safeNext(q.Get("next"))}})
}

type loginData struct {
	Code, Next string
}

// safeNext keeps a post-sign-in destination on the dashboard.
func safeNext(next string) string {
	if strings.HasPrefix(next, "/dashboard") && !strings.HasPrefix(next, "//") && !strings.Contains(next, `\`) {
		return next
	}
	return "/dashboard"
}

// loginSubmit: POST /dashboard/login with code (a one-time link) or token
// (an API token pasted once).
func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) {
	pageHeaders(w)
	if !s.sameOrigin(r) {
		s.renderError(w, r, http.StatusForbidden, "This request came from another site and was refused.")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	code, token, next := r.PostFormValue("code"), r.PostFormValue("token"), safeNext(r.PostFormValue("next"))
	var started identity.StartedSession
	var err error
	switch {
	case code != "":
		started, err = s.deps.Sessions.SignInWithLink(r.Context(), code)
	case strings.TrimSpace(token) != "":
		started, err = s.deps.Sessions.SignInWithToken(r.Context(), token)
	default:
		err = errors.New("paste your API token, or open the sign-in link again")
	}
	if err != nil {
		status, msg := http.StatusUnauthorized, err.Error()
		switch {
		case errors.Is(err, identity.ErrLinkUsed), errors.Is(err, identity.ErrLinkExpired), errors.Is(err, identity.ErrLinkInvalid):
		case errors.Is(err, identity.ErrMalformedToken):
			msg = "That is not a Marketing Minds API token (they start with mm_)."
		case errors.Is(err, identity.ErrInvalidToken):
			msg = "That API token is unknown or was revoked."
		case code == "" && strings.TrimSpace(token) == "":
			status = http.StatusBadRequest
		default:
			zerolog.Ctx(r.Context()).Error().Err(err).Msg("dashboard: sign in")
			status, msg = http.StatusServiceUnavailable, "Signing in failed on our side; try again shortly."
		}
		s.render(w, r, status, "login", &view{Title: "Sign in", Error: msg, Sandbox: s.deps.Sandbox != nil, Data: loginData{Next: next}})
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: started.Secret, Path: "/", HttpOnly: true, Secure: s.secure(),
		SameSite: http.SameSiteLaxMode, Expires: started.Session.ExpiresAt, MaxAge: int(identity.SessionTTL / time.Second)})
	zerolog.Ctx(r.Context()).Info().Str("workspace", started.Session.WorkspaceID).Str("user", started.Session.UserID).
		Str("via", started.Session.Via).Msg("dashboard: signed in")
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// logout: POST /dashboard/logout ends the session and clears the cookie.
func (s *Server) logout(w http.ResponseWriter, r *http.Request, v *view) {
	if cookie, err := r.Cookie(sessionCookie); err == nil {
		if err := s.deps.Sessions.SignOut(r.Context(), cookie.Value); err != nil {
			zerolog.Ctx(r.Context()).Error().Err(err).Msg("dashboard: sign out")
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: s.secure(), SameSite: http.SameSiteLaxMode, MaxAge: -1})
	http.Redirect(w, r, "/dashboard/login?signed_out=1", http.StatusSeeOther)
}

// renderError shows a message in the page layout with status.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	s.render(w, r, status, "error", &view{Title: http.StatusText(status), Error: msg, Sandbox: s.deps.Sandbox != nil})
}

// render executes page name with v; data goes in v.Data.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, v *view) {
	t, ok := pages[name]
	if !ok {
		panic("dashboard: no template " + name)
	}
	if v.Loc == nil {
		v.Loc = time.UTC
	}
	if v.Caller.UserID != "" {
		s.signature(r.Context(), v) // the header; fragments have none
	}
	// The page is made whole before anything is sent: one that fails half
	// way is an error page, never half a page.
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "layout", v); err != nil {
		zerolog.Ctx(r.Context()).Error().Err(err).Str("page", name).Msg("dashboard: render")
		if name != "error" {
			s.renderError(w, r, http.StatusInternalServerError, "This page could not be shown; that failed on our side. Try again shortly.")
		} else {
			http.Error(w, "This page could not be shown.", http.StatusInternalServerError)
		}
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

// pages are the parsed templates: the layout plus one page each.
var pages = parsePages()

func parsePages() map[string]*template.Template {
	base := template.Must(template.New("layout").Funcs(templateFuncs).ParseFS(templateFS, "web/templates/layout.html"))
	names, err := fs.Glob(templateFS, "web/templates/*.html")
	if err != nil {
		panic(err)
	}
	out := map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(n, "web/templates/"), ".html")
		if name == "layout" {
			continue
		}
		out[name] = template.Must(template.Must(base.Clone()).ParseFS(templateFS, n))
	}
	return out
}
