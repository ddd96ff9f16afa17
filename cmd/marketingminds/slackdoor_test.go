package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/bot/slack/slackfake"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// TestServeSlack: serve with Slack configured answers a signed mention in
// its thread through the orchestrator (the offline planner: no model), and
// a signed /mm through its response_url, against a fake Slack Web API.
func TestServeSlack(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	t.Parallel()
	const secret, token = "e2e-signing-secret", "xoxb-e2e"
	fake := slackfake.New(token)
	t.Cleanup(fake.Close)
	fake.AddChannels("C1")
	fake.AddUser(slackfake.User{ID: "U1", Name: "ana", DisplayName: "Ana", TZ: "Europe/Berlin"})
	p := startServe(t, []string{"MM_DATA_DIR=" + t.TempDir(), "SLACK_SIGNING_SECRET=" + secret, "SLACK_BOT_TOKEN=" + token,
		"SLACK_API_URL=" + fake.URL()}, "--sandbox")

	send := func(path, ctype string, body []byte) {
		t.Helper()
		ts := fmt.Sprint(time.Now().Unix())
		mac := hmac.New(sha256.New, []byte(secret))
		fmt.Fprintf(mac, "v0:%s:%s", ts, body)
		req, _ := http.NewRequest(http.MethodPost, p.url+path, bytes.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		req.Header.Set("X-Slack-Request-Timestamp", ts)
		req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", path, resp.StatusCode)
		}
	}
	send("/slack/events", "application/json", []byte(`{"type":"event_callback","team_id":"T1","event_id":"EvE2E","event":{"type":"app_mention","user":"U1","text":"<@UBOT> list my accounts","ts":"1700002000.000100","channel":"C1"}}`))
	send("/slack/commands", "application/x-www-form-urlencoded", []byte(url.Values{"team_id": {"T1"}, "channel_id": {"C1"}, "user_id": {"U1"},
		"command": {"/mm"}, "text": {"help"}, "response_url": {fake.ResponseURL("e2e")}}.Encode()))

	deadline := time.Now().Add(30 * time.Second)
	for {
		// The reply: posted whole when quick, else a stream that ended.
		replies, stops, responses := fake.Calls("chat.postMessage", "chat.startStream"), fake.Calls("chat.stopStream"), fake.Responses()
		if len(replies) >= 1 && (replies[0].Method == "chat.postMessage" || len(stops) == 1) && len(responses) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 30 s: calls %+v, responses %+v\nlogs:\n%s", fake.Calls(), responses, p.logs)
		}
		time.Sleep(50 * time.Millisecond) // polling a process we do not control, with a deadline
	}
	starts := fake.Calls("chat.postMessage", "chat.startStream")
	if len(starts) < 1 || starts[0].Args.Get("thread_ts") != "1700002000.000100" {
		t.Fatalf("reply = %+v", starts)
	}
	if text := fmt.Sprint(fake.Responses()[0].Message["text"]); !strings.Contains(text, "/mm post") {
		t.Fatalf("/mm help answered %q", text)
	}
}

func TestSlackDecision(t *testing.T) {
	t.Parallel()
	decided := agents.ApprovalResult{Approval: agents.Approval{Status: agents.ApprovalDone, DecidedBy: "U1"}}
	for _, tc := range []struct {
		name    string
		r       agents.ApprovalResult
		err     error
		already bool
		text    string
		fails   bool
		postID  string
	}{
		{"first decision", agents.ApprovalResult{Approval: agents.Approval{Status: agents.ApprovalDone}, Text: "Published to LinkedIn",
			Result: []byte(`{"success":true,"post_id":"P7","results":[]}`)}, nil, false, "Published to LinkedIn", false, "P7"},
		{"not a post", agents.ApprovalResult{Approval: agents.Approval{Status: agents.ApprovalDone}, Text: "Saved", Result: []byte(`["x"]`)}, nil, false, "Saved", false, ""},
		{"decided before", decided, fmt.Errorf("%w: it is done", agents.ErrDecided), true, "it is done (decided by <@U1>)", false, ""},
		{"refused", agents.ApprovalResult{}, fmt.Errorf("%w: not yours", identity.ErrForbidden), false, "", true, ""},
	} {
		d, err := decision(tc.r, tc.err)
		if (err != nil) != tc.fails || d.Already != tc.already || d.Text != tc.text || d.PostID != tc.postID {
			t.Errorf("%s: %+v, %v", tc.name, d, err)
		}
		if tc.fails && !errors.Is(err, identity.ErrForbidden) {
			t.Errorf("%s: the refusal lost its cause: %v", tc.name, err)
		}
	}
}
