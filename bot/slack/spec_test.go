package slack_test

import (
	"context"
	"encoding/json"
	"os"
	"testing"

	"github.com/marketingminds/marketingminds/bot/slack/slackfake"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// specParam is one parameter of a Web API method in Slack's OpenAPI spec.
type specParam struct {
	Name     string `json:"name"`
	In       string `json:"in"`
	Required bool   `json:"required"`
}

// TestCallsMatchSlackSpec runs the door through a conversation without
// streaming, an approval, an edit, App Home, /mm and a notification, and
// checks every call it made to a method in Slack's published OpenAPI spec:
// the required arguments are there and no argument is unknown to Slack.
// (Methods newer than the spec, chat.*Stream and assistant.*, are checked by
// the fake alone.)
func TestCallsMatchSlackSpec(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("testdata/slack-web-api-methods.json")
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Paths map[string][]specParam `json:"paths"`
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}

	b := setup(t)
	b.fake.DisableStreaming()
	ts := askApproval(t, b)
	b.signed(t, "/slack/interactivity", click("U2", "mm_approve", ts))
	b.signed(t, "/slack/interactivity", click("U1", "mm_edit", ts))
	b.signed(t, "/slack/interactivity", click("U1", "mm_approve", ts))
	b.signed(t, "/slack/events", []byte(`{"type":"event_callback","team_id":"T1","event_id":"EvSpecHome","event":{"type":"app_home_opened","user":"U1","tab":"home"}}`))
	slashRun(t, b, "U1", "accounts")
	if err := b.bot.NotifyOutcome(context.Background(), team, channel, "", publish.Outcome{PostID: "P1", Results: []publish.Result{{Platform: "x", Status: publish.StatusFailed, Error: "boom"}}}); err != nil {
		t.Fatal(err)
	}
	b.bot.Wait()

	checked := map[string]bool{}
	for _, c := range b.fake.Calls() {
		params, ok := spec.Paths["/"+c.Method]
		if !ok {
			continue
		}
		checked[c.Method] = true
		checkCall(t, c, params)
	}
	for _, m := range []string{"chat.postMessage", "chat.update", "chat.postEphemeral", "users.info", "views.open", "views.publish"} {
		if !checked[m] {
			t.Errorf("the scenario made no %s call to check", m)
		}
	}
}

func checkCall(t *testing.T, c slackfake.Call, params []specParam) {
	t.Helper()
	known := map[string]bool{}
	for _, p := range params {
		known[p.Name] = true
		if p.Name == "token" {
			if p.Required && c.Token == "" {
				t.Errorf("%s without a token", c.Method)
			}
			continue
		}
		if p.Required && c.Args.Get(p.Name) == "" {
			t.Errorf("%s without its required %s", c.Method, p.Name)
		}
	}
	for name := range c.Args {
		if !known[name] {
			t.Errorf("%s with %s, which Slack's spec does not know", c.Method, name)
		}
	}
}
