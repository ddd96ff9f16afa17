package slack_test

import (
	"context"
	"encoding/json"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/bot/slack"
)

var launch = slack.Approval{ID: "AP1", RequestedBy: "U1", Summary: "Post the launch to LinkedIn",
	Targets:  []slack.Target{{AccountID: "acc1", Platform: "linkedin", Account: "Acme", Text: "Launch day!", Media: []string{"https://img.example/1.png"}}},
	MediaIDs: []string{"med_launch"}}

const askThread = "1700000100.000100"

// askApproval runs a turn that ends in a pending approval and returns the
// approval message's ts.
func askApproval(t *testing.T, b *bundle) string {
	t.Helper()
	b.conv.fn = func(_ context.Context, sink slack.Sink) (string, error) {
		sink.Delta("I drafted it; it needs your approval.")
		sink.Approval(slack.Approval{ID: launch.ID, RequestedBy: launch.RequestedBy, Summary: launch.Summary}) // targets read through Get
		return "", nil
	}
	b.signed(t, "/slack/events", mention("EvAsk", "U1", askThread, "", "post the launch"))
	b.bot.Wait()
	for _, c := range b.fake.Calls("chat.postMessage") {
		if strings.Contains(c.Args.Get("blocks"), `"mm_approve"`) {
			if c.Args.Get("thread_ts") != askThread {
				t.Fatalf("approval posted outside the thread: %+v", c.Args)
			}
			for _, want := range []string{"Acme", "LinkedIn", "Launch day!", "https://img.example/1.png", "mm_edit", "mm_schedule", "mm_reject"} {
				if !strings.Contains(c.Args.Get("blocks"), want) {
					t.Errorf("approval preview lacks %q", want)
				}
			}
			return c.TS()
		}
	}
	t.Fatalf("no approval message among %+v", b.fake.Calls())
	return ""
}

func click(user, actionID, messageTS string) []byte {
	raw, _ := json.Marshal(map[string]any{
		"type": "block_actions", "team": map[string]string{"id": team}, "user": map[string]string{"id": user},
		"channel": map[string]string{"id": channel}, "trigger_id": "trigger-1",
		"container": map[string]string{"type": "message", "message_ts": messageTS, "channel_id": channel, "thread_ts": askThread},
		"actions":   []map[string]string{{"action_id": actionID, "block_id": "approval", "value": launch.ID, "type": "button"}},
	})
	return interaction(string(raw))
}

func ephemeralsTo(b *bundle, user string) []string {
	var out []string
	for _, c := range b.fake.Calls("chat.postEphemeral") {
		if c.Args.Get("user") == user {
			out = append(out, c.Args.Get("text"))
		}
	}
	return out
}

func TestApproveOnlyByInitiatorAndOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ts := askApproval(t, b)

	b.signed(t, "/slack/interactivity", click("U2", "mm_approve", ts))
	b.bot.Wait()
	if got := ephemeralsTo(b, "U2"); len(got) != 1 || !strings.Contains(got[0], "Only <@U1>") {
		t.Fatalf("refusal to U2 = %q", got)
	}
	if n := b.gate.runs(launch.ID); n != 0 {
		t.Fatalf("a non-initiator's click ran the action %d times", n)
	}

	var wg sync.WaitGroup // the initiator clicks three times at once
	for range 3 {
		wg.Go(func() {
			if resp := b.signed(t, "/slack/interactivity", click("U1", "mm_approve", ts)); resp.StatusCode != 200 {
				t.Errorf("click: status %d", resp.StatusCode)
			}
		})
	}
	wg.Wait()
	b.bot.Wait()
	if n := b.gate.runs(launch.ID); n != 1 {
		t.Fatalf("the action ran %d times, want 1", n)
	}
	updates := b.fake.Calls("chat.update")
	if len(updates) != 1 || updates[0].Args.Get("ts") != ts || !strings.Contains(updates[0].Args.Get("text"), "Approved by <@U1>") ||
		strings.Contains(updates[0].Args.Get("blocks"), "mm_approve") {
		t.Fatalf("the approval message was not settled once: %+v", updates)
	}
	if got := ephemeralsTo(b, "U1"); len(got) != 2 || !strings.Contains(got[0], "already decided") {
		t.Fatalf("second clicks told U1 %q", got)
	}

	b.signed(t, "/slack/interactivity", click("UADMIN", "mm_reject", ts))
	b.bot.Wait()
	if got := ephemeralsTo(b, "UADMIN"); len(got) != 1 || !strings.Contains(got[0], "approved earlier") {
		t.Fatalf("admin's late reject told %q", got)
	}
}

func TestEditAndScheduleModals(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ts := askApproval(t, b)

	b.signed(t, "/slack/interactivity", click("U1", "mm_schedule", ts))
	b.bot.Wait()
	opens := b.fake.Calls("views.open")
	if len(opens) != 1 || opens[0].Args.Get("trigger_id") != "trigger-1" {
		t.Fatalf("views.open calls = %+v", opens)
	}
	var view struct {
		CallbackID      string `json:"callback_id"`
		PrivateMetadata string `json:"private_metadata"`
	}
	if err := json.Unmarshal([]byte(opens[0].Args.Get("view")), &view); err != nil || !strings.Contains(opens[0].Args.Get("view"), "datetimepicker") ||
		!strings.Contains(opens[0].Args.Get("view"), "Launch day!") {
		t.Fatalf("modal %s (%v)", opens[0].Args.Get("view"), err)
	}

	submit := func(text string, at time.Time) []byte {
		raw, _ := json.Marshal(map[string]any{
			"type": "view_submission", "team": map[string]string{"id": team}, "user": map[string]string{"id": "U1"},
			"view": map[string]any{"callback_id": view.CallbackID, "private_metadata": view.PrivateMetadata, "state": map[string]any{"values": map[string]any{
				"text": map[string]any{"text_input": map[string]any{"type": "plain_text_input", "value": text}},
				"when": map[string]any{"when_input": map[string]any{"type": "datetimepicker", "selected_date_time": at.Unix()}},
			}}},
		})
		return interaction(string(raw))
	}
	for name, c := range map[string]struct {
		text  string
		at    time.Time
		block string
	}{
		"empty text": {"  ", time.Now().Add(time.Hour), "text"},
		"past time":  {"Launch day, edited", time.Now().Add(-time.Hour), "when"},
	} {
		resp := b.signed(t, "/slack/interactivity", submit(c.text, c.at))
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || !strings.Contains(string(body), `"response_action":"errors"`) || !strings.Contains(string(body), `"`+c.block+`"`) {
			t.Errorf("%s: %d %s", name, resp.StatusCode, body)
		}
	}
	b.bot.Wait()
	if len(b.pub.now) != 0 {
		t.Fatal("a refused submission posted")
	}

	at := time.Now().Add(24 * time.Hour).Truncate(time.Minute)
	resp := b.signed(t, "/slack/interactivity", submit("Launch day, edited", at))
	if body, _ := io.ReadAll(resp.Body); resp.StatusCode != 200 || len(strings.TrimSpace(string(body))) != 0 {
		t.Fatalf("good submission: %d %q, want an empty 200 that closes the modal", resp.StatusCode, body)
	}
	b.bot.Wait()
	if len(b.pub.now) != 1 || b.pub.now[0].Text != "Launch day, edited" || b.pub.now[0].AccountIDs[0] != "acc1" || !b.pub.later[0].Equal(at) ||
		len(b.pub.now[0].MediaIDs) != 1 || b.pub.now[0].MediaIDs[0] != "med_launch" {
		t.Fatalf("scheduled %+v at %v", b.pub.now, b.pub.later)
	}
	if b.gate.runs(launch.ID) != 0 {
		t.Fatal("the original approval ran as well")
	}
	updates := b.fake.Calls("chat.update")
	if len(updates) != 1 || updates[0].Args.Get("text") != "Edited by <@U1>." {
		t.Fatalf("settled with %+v", updates)
	}
	if told := b.fake.Calls("chat.postMessage"); len(told) == 0 || !strings.Contains(told[len(told)-1].Args.Get("blocks"), "Scheduled for") {
		t.Fatalf("the scheduled post was not told: %+v", told)
	}

	b.signed(t, "/slack/interactivity", submit("again", at)) // a second submit of the same form
	b.bot.Wait()
	if len(b.pub.now) != 1 {
		t.Fatalf("a second submit posted again: %+v", b.pub.now)
	}
	if got := ephemeralsTo(b, "U1"); len(got) != 1 || !strings.Contains(got[0], "already decided") {
		t.Fatalf("second submit told %q", got)
	}
}
