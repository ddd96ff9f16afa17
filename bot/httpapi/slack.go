package httpapi

import "net/http"

// Slack is the Slack door's HTTP side (*slack.Bot from bot/slack): it
// verifies Slack's signatures itself and answers in Slack's shapes.
type Slack interface {
	Events(w http.ResponseWriter, r *http.Request)
	Commands(w http.ResponseWriter, r *http.Request)
	Interactivity(w http.ResponseWriter, r *http.Request)
	Install(w http.ResponseWriter, r *http.Request)
	OAuthCallback(w http.ResponseWriter, r *http.Request)
}

// slackRoutes mounts the Slack endpoints when the door runs over HTTP.
// Their credential is Slack's request signature (or, for the install, the
// single-use OAuth state), never an API token.
func (s *Server) slackRoutes(mux *routeMux) {
	if s.deps.Slack == nil {
		return
	}
	mux.HandleFunc("POST /slack/events", s.deps.Slack.Events)
	mux.HandleFunc("POST /slack/commands", s.deps.Slack.Commands)
	mux.HandleFunc("POST /slack/interactivity", s.deps.Slack.Interactivity)
	mux.HandleFunc("GET /slack/install", s.deps.Slack.Install)
	mux.HandleFunc("GET /slack/oauth/callback", s.deps.Slack.OAuthCallback)
}
