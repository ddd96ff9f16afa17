package slack

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/slack-go/slack"
)

// FuzzAcceptEvents feeds untrusted Events API bodies (after a valid
// signature, a body is still Slack's word): nothing panics, a refusal is
// always errBadPayload, a challenge is only answered for url_verification.
func FuzzAcceptEvents(f *testing.F) {
	for _, seed := range []string{
		`{"type":"url_verification","challenge":"abc"}`,
		`{"type":"event_callback","team_id":"T1","event_id":"E1","event":{"type":"app_mention","user":"U1","text":"<@UB> hi","ts":"1.1","channel":"C1"}}`,
		`{"type":"event_callback","team_id":"T1","event_id":"E2","event":{"type":"message","channel_type":"im","bot_id":"B1"}}`,
		`{"type":"app_rate_limited","team_id":"T1","minute_rate_limited":1518467820}`,
		`{"type":"event_callback","event":null}`, `[]`, `{`, ``,
	} {
		f.Add([]byte(seed))
	}
	b := &Bot{log: zerolog.Nop(), handlers: map[string]eventHandler{}} // no handler: nothing runs after the ack
	f.Fuzz(func(t *testing.T, body []byte) {
		challenge, err := b.acceptEvents(body)
		if err != nil && !errors.Is(err, errBadPayload) {
			t.Fatalf("refusal %v is not a bad payload", err)
		}
		if challenge != "" && !strings.Contains(string(body), "url_verification") {
			t.Fatalf("challenge %q answered for %s", challenge, body)
		}
	})
}

// FuzzMentionText: the bot's mention never survives in the text given to
// the agent.
func FuzzMentionText(f *testing.F) {
	for _, seed := range []string{"<@U123> post this", "hi <@U1|bot> and <@U2>", "<@", "<@U1", "plain", "a <@> b"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := mentionText(s)
		if i := strings.Index(out, "<@"); i >= 0 && strings.Contains(out[i:], ">") {
			t.Fatalf("mentionText(%q) = %q keeps a mention", s, out)
		}
	})
}

// FuzzEditSubmission: a modal submission is untrusted: it either has a
// problem per block, or text to post (and a future time when scheduling).
func FuzzEditSubmission(f *testing.F) {
	f.Add(`{"a":"AP1","c":"C1","m":"1.1","t":"","s":true}`, "new text", int64(4102444800))
	f.Add(`{"a":"AP1"}`, "", int64(0))
	f.Add(`not json`, "x", int64(-1))
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, meta, text string, at int64) {
		ic := slack.InteractionCallback{View: slack.View{PrivateMetadata: meta, State: &slack.ViewState{Values: map[string]map[string]slack.BlockAction{
			blockText: {elemText: {Value: text}}, blockWhen: {elemWhen: {SelectedDateTime: at}},
		}}}}
		m, got, when, problems := editSubmission(ic, now)
		if problems != nil {
			return
		}
		if got == "" || m.Approval == "" || (m.Schedule && !when.After(now)) {
			t.Fatalf("accepted %q %q %d: text %q, meta %+v, at %v", meta, text, at, got, m, when)
		}
	})
}
