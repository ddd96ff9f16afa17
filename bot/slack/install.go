package slack

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/slack-go/slack"

	"github.com/marketingminds/marketingminds/integrations/oauth"
)

// platformSlack names the install's OAuth states.
const platformSlack = "slack"

// installable reports whether the multi-workspace install is configured.
func (b *Bot) installable() bool {
	return b.cfg.ClientID != "" && b.cfg.ClientSecret != "" && b.cfg.PublicURL != "" && b.d.States != nil && b.d.Vault != nil
}

func (b *Bot) redirectURI() string {
	return strings.TrimSuffix(b.cfg.PublicURL, "/") + PathOAuthCallback
}

// Install serves GET /slack/install: it sends the browser to Slack's
// consent page with a single-use state.
func (b *Bot) Install(w http.ResponseWriter, r *http.Request) {
	if !b.installable() {
		page(w, http.StatusNotFound, "Slack install is not configured", "Set SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and MM_PUBLIC_URL to let teams install Marketing Minds.")
		return
	}
	state, err := b.d.States.Create(r.Context(), oauth.State{Platform: platformSlack, Door: "slack", RedirectURI: b.redirectURI()})
	if err != nil {
		b.log.Error().Err(err).Msg("slack: install")
		page(w, http.StatusServiceUnavailable, "Try again shortly", "The install could not start.")
		return
	}
	q := url.Values{"client_id": {b.cfg.ClientID}, "scope": {strings.Join(BotScopes, ",")}, "redirect_uri": {b.redirectURI()}, "state": {state}}
	http.Redirect(w, r, b.cfg.AuthorizeURL+"?"+q.Encode(), http.StatusFound)
}

// OAuthCallback serves the OAuth v2 callback: the state is consumed once,
// the code exchanged through oauth.v2.access, and the team's bot token
// sealed into the vault.
func (b *Bot) OAuthCallback(w http.ResponseWriter, r *http.Request) {
	if !b.installable() {
		page(w, http.StatusNotFound, "Slack install is not configured", "")
		return
	}
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		page(w, http.StatusBadRequest, "Marketing Minds was not installed", "Slack said: "+e+".")
		return
	}
	if _, err := b.d.States.Consume(r.Context(), q.Get("state"), platformSlack); err != nil {
		status := http.StatusBadRequest
		if !isStateRefusal(err) {
			status = http.StatusServiceUnavailable
			b.log.Error().Err(err).Msg("slack: install callback")
		}
		page(w, status, "This install link cannot be used", "Start again from the install page ("+err.Error()+").")
		return
	}
	if q.Get("code") == "" {
		page(w, http.StatusBadRequest, "This install link cannot be used", "Slack sent no code; start again from the install page.")
		return
	}
	resp, err := slack.GetOAuthV2ResponseContext(r.Context(), b.d.HTTP, b.cfg.ClientID, b.cfg.ClientSecret, q.Get("code"), b.redirectURI(), slack.OAuthOptionAPIURL(b.cfg.APIURL))
	if err != nil {
		b.log.Error().Err(err).Msg("slack: oauth.v2.access")
		page(w, http.StatusBadGateway, "Slack refused the install", "Slack said: "+err.Error()+". Start again from the install page.")
		return
	}
	if resp.Team.ID == "" || resp.AccessToken == "" {
		page(w, http.StatusBadGateway, "Slack refused the install", "Slack's answer had no team or token.")
		return
	}
	sealed, err := b.d.Vault.Seal(resp.AccessToken, installAAD(resp.Team.ID))
	if err == nil {
		err = b.d.Store.SaveInstall(r.Context(), Install{TeamID: resp.Team.ID, TeamName: resp.Team.Name, AppID: resp.AppID,
			BotUserID: resp.BotUserID, BotToken: sealed, Scope: resp.Scope, InstalledBy: resp.AuthedUser.ID, InstalledAt: b.now()})
	}
	if err != nil {
		b.log.Error().Err(err).Str("team", resp.Team.ID).Msg("slack: save install")
		page(w, http.StatusServiceUnavailable, "The install could not be saved", "Try again shortly.")
		return
	}
	if _, err := b.d.Users.NameWorkspace(r.Context(), resp.Team.ID, resp.Team.Name); err != nil {
		b.log.Warn().Err(err).Str("team", resp.Team.ID).Msg("slack: name the workspace") // the dashboard leaves the name out
	}
	b.log.Info().Str("team", resp.Team.ID).Str("by", resp.AuthedUser.ID).Msg("slack: installed")
	page(w, http.StatusOK, "Marketing Minds is installed in "+resp.Team.Name,
		"Mention @Marketing Minds in a channel, write to it directly, or type /mm help.")
}

func isStateRefusal(err error) bool {
	for _, e := range []error{oauth.ErrStateMissing, oauth.ErrStateUnknown, oauth.ErrStateExpired, oauth.ErrStateUsed, oauth.ErrStatePlatform} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

var pageTmpl = template.Must(template.New("page").Parse(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title></head>
<body style="font-family:sans-serif;max-width:40em;margin:4em auto"><h1>{{.Title}}</h1><p>{{.Text}}</p></body></html>`))

// page answers a small HTML page for a person in a browser.
func page(w http.ResponseWriter, status int, title, text string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if err := pageTmpl.Execute(w, struct{ Title, Text string }{title, text}); err != nil {
		fmt.Fprint(w, title)
	}
}
