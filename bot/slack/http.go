package slack

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"

	"github.com/slack-go/slack"
)

// maxBody bounds every request Slack sends.
const maxBody = 1 << 20

// verified reads r's body and checks its signature (HMAC v0 with the
// signing secret, timestamp within five minutes). On failure it answers
// (401 for any signature problem) and returns false: nothing else runs.
func (b *Bot) verified(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		http.Error(w, "slack: cannot read the body: "+err.Error(), http.StatusBadRequest)
		return nil, false
	}
	if b.cfg.SigningSecret == "" {
		http.Error(w, "slack: the Events API is off (no signing secret; Socket Mode is used)", http.StatusUnauthorized)
		return nil, false
	}
	sv, err := slack.NewSecretsVerifier(r.Header, b.cfg.SigningSecret)
	if err != nil {
		http.Error(w, "slack: "+err.Error(), http.StatusUnauthorized)
		return nil, false
	}
	if _, err := sv.Write(body); err != nil {
		http.Error(w, "slack: "+err.Error(), http.StatusUnauthorized)
		return nil, false
	}
	if err := sv.Ensure(); err != nil {
		http.Error(w, "slack: invalid signature", http.StatusUnauthorized)
		return nil, false
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return body, true
}

// Events serves POST /slack/events: url_verification is answered, event
// callbacks are acknowledged at once and handled after the ack.
func (b *Bot) Events(w http.ResponseWriter, r *http.Request) {
	body, ok := b.verified(w, r)
	if !ok {
		return
	}
	challenge, err := b.acceptEvents(body)
	switch {
	case err != nil:
		http.Error(w, err.Error(), http.StatusBadRequest)
	case challenge != "":
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"challenge": challenge})
	default:
		w.WriteHeader(http.StatusOK)
	}
}

// writeJSON answers v as JSON with status 200.
func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
