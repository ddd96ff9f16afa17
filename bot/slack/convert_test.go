package slack_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/marketingminds/marketingminds/bot/slack"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/fault"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/media/check"
)

// converterFake records the conversions asked for; editors may.
type converterFake struct {
	mu  sync.Mutex
	got []check.ConvertRequest
}

func (f *converterFake) ConvertMedia(_ context.Context, c identity.Caller, r check.ConvertRequest) (check.Converted, error) {
	if err := c.Require(identity.Editor); err != nil {
		return check.Converted{}, err
	}
	f.mu.Lock()
	f.got = append(f.got, r)
	f.mu.Unlock()
	return check.Converted{Platform: r.Platform, Media: check.Stored{ID: "med_1", URL: "https://mm.example.com/media/tok"},
		Before: check.Info{Container: "png", Width: 1080, Height: 1080, Bytes: 900_000},
		After:  check.Info{Container: "jpeg", Width: 1080, Height: 1080, Bytes: 200_000}}, nil
}

// TestConvertButton: a failure's Convert button converts the media as the
// clicker and posts the result, with the link to look at it, in the thread;
// a viewer is refused in words only they see.
func TestConvertButton(t *testing.T) {
	t.Parallel()
	conv := &converterFake{}
	b := setup(t, func(_ *slack.Config, d *slack.Deps) { d.Converter = conv })
	b.signed(t, "/slack/interactivity", clickValue("U1", "mm_convert", "instagram fit https://cdn.example/launch.png", "1700000900.000100"))
	b.bot.Wait()
	if len(conv.got) != 1 || conv.got[0] != (check.ConvertRequest{MediaURL: "https://cdn.example/launch.png", Platform: platform.Instagram}) {
		t.Fatalf("converted %+v", conv.got)
	}
	posts := b.fake.Calls("chat.postMessage")
	if len(posts) != 1 || posts[0].Args.Get("thread_ts") != "1700000900.000100" {
		t.Fatalf("posts = %+v", posts)
	}
	if blocks := posts[0].Args.Get("blocks"); !strings.Contains(blocks, "Converted for Instagram") || !strings.Contains(blocks, "https://mm.example.com/media/tok") {
		t.Errorf("the result reads %s", blocks)
	}

	viewers := setup(t, func(c *slack.Config, d *slack.Deps) { c.DefaultRole = "viewer"; d.Converter = conv })
	viewers.signed(t, "/slack/interactivity", clickValue("U2", "mm_convert", "twitter fit media:med_9", "1700000901.000100"))
	viewers.bot.Wait()
	if len(conv.got) != 1 || len(viewers.fake.Calls("chat.postMessage")) != 0 {
		t.Fatal("a viewer converted media")
	}
	if got := ephemeralsTo(viewers, "U2"); len(got) != 1 || !strings.Contains(got[0], "editor role") {
		t.Fatalf("viewer told %q", got)
	}
}

// resubmitterFake proposes nothing, or says it did (ok), and keeps what
// it was asked.
type resubmitterFake struct {
	mu    sync.Mutex
	ok    bool
	asked []string // "channel thread original converted"
}

func (f *resubmitterFake) Resubmit(_ context.Context, c identity.Caller, channel, thread string, original check.ConvertRequest, converted check.Stored, sink slack.Sink) (bool, error) {
	f.mu.Lock()
	f.asked = append(f.asked, channel+" "+thread+" "+original.MediaURL+original.MediaID+" "+converted.ID)
	f.mu.Unlock()
	if f.ok {
		sink.Delta("Converted. Here is the post again with the converted media in place of the original.")
	}
	return f.ok, nil
}

// clickInThread is a click on a button of a message in a thread.
func clickInThread(user, actionID, value, messageTS, thread string) []byte {
	raw, _ := json.Marshal(map[string]any{
		"type": "block_actions", "team": map[string]string{"id": team}, "user": map[string]string{"id": user},
		"channel": map[string]string{"id": channel}, "trigger_id": "trigger-3",
		"container": map[string]string{"type": "message", "message_ts": messageTS, "channel_id": channel, "thread_ts": thread},
		"actions":   []map[string]string{{"action_id": actionID, "block_id": "failure", "value": value, "type": "button"}},
		"message": map[string]any{"ts": messageTS, "text": "The image is a PNG", "blocks": []any{
			map[string]any{"type": "section", "block_id": "what", "text": map[string]any{"type": "mrkdwn", "text": "The image is a PNG; Instagram takes only JPEG images."}},
			map[string]any{"type": "actions", "block_id": "failure", "elements": []any{map[string]any{"type": "button", "action_id": actionID,
				"text": map[string]any{"type": "plain_text", "text": "Convert for Instagram"}, "value": value}}},
		}},
	})
	return interaction(string(raw))
}

// TestConvertButtonInAThreadProposesAgain: a Convert button in a
// conversation's thread, once the media is converted, has the thread's
// refused post proposed again (the answer goes in the thread, not the
// conversion card); when the thread refused nothing with that media, the
// conversion is shown as before.
func TestConvertButtonInAThreadProposesAgain(t *testing.T) {
	t.Parallel()
	conv, rs := &converterFake{}, &resubmitterFake{ok: true}
	b := setup(t, func(_ *slack.Config, d *slack.Deps) { d.Converter, d.Resubmitter = conv, rs })
	b.signed(t, "/slack/interactivity", clickInThread("U1", "mm_convert", "instagram fit media:med_png", "1700000950.000200", "1700000950.000100"))
	b.bot.Wait()
	if len(rs.asked) != 1 || rs.asked[0] != channel+" 1700000950.000100 med_png med_1" {
		t.Fatalf("resubmit asked %q", rs.asked)
	}
	posts := b.fake.Calls("chat.postMessage", "chat.startStream")
	if len(posts) != 1 || posts[0].Args.Get("thread_ts") != "1700000950.000100" ||
		!strings.Contains(posts[0].Args.Get("markdown_text")+posts[0].Args.Get("text"), "post again with the converted media") {
		t.Fatalf("posts = %+v", posts)
	}

	updates := b.fake.Calls("chat.update")
	if len(updates) != 1 || updates[0].Args.Get("ts") != "1700000950.000200" || !strings.Contains(updates[0].Args.Get("blocks"), "proposed again below") ||
		!strings.Contains(updates[0].Args.Get("blocks"), "Instagram takes only JPEG images") ||
		strings.Contains(updates[0].Args.Get("blocks"), "mm_convert") {
		t.Fatalf("the refusal was not settled: %+v", updates)
	}

	rs.ok = false
	b.signed(t, "/slack/interactivity", clickInThread("U1", "mm_convert", "instagram fit media:med_png", "1700000950.000200", "1700000950.000100"))
	b.bot.Wait()
	posts = b.fake.Calls("chat.postMessage")
	if len(rs.asked) != 2 || len(posts) != 2 || !strings.Contains(posts[1].Args.Get("blocks"), "Converted for Instagram") ||
		posts[1].Args.Get("thread_ts") != "1700000950.000100" || len(b.fake.Calls("chat.update")) != 1 {
		t.Fatalf("nothing refused here: posts = %+v", posts)
	}
}

// refusingGate answers every question with the account chosen refusing the
// post, with an offer to convert its image.
type refusingGate struct{ *gate }

func (g refusingGate) Choose(context.Context, identity.Caller, string, string, bool) (slack.Decision, error) {
	return slack.Decision{Status: "rejected", Text: "Outlet cannot take this post: the image is a PNG",
		Value: fault.Failure{Kind: fault.Validation, Message: "the image is a PNG; Instagram takes only JPEG images",
			Convert: &fault.Offer{MediaID: "med_png", Platform: platform.Instagram}}}, nil
}

// TestChosenAccountRefusalOffersConvert: when the account chosen for a
// post refuses it with a conversion on offer, the thread gets the refusal
// with its Convert button, not only the words.
func TestChosenAccountRefusalOffersConvert(t *testing.T) {
	t.Parallel()
	b := setup(t, func(_ *slack.Config, d *slack.Deps) { d.Approvals = refusingGate{newGate(launch)} })
	b.signed(t, "/slack/interactivity", clickInThread("U1", "mm_choose", launch.ID+"|acc-outlet", "1700000960.000200", "1700000960.000100"))
	b.bot.Wait()
	var cards []string
	for _, c := range b.fake.Calls("chat.postMessage") {
		if c.Args.Get("thread_ts") == "1700000960.000100" {
			cards = append(cards, c.Args.Get("blocks"))
		}
	}
	if len(cards) != 1 || !strings.Contains(cards[0], `"mm_convert"`) || !strings.Contains(cards[0], "media:med_png") {
		t.Fatalf("the thread got %q, want the refusal with a Convert button", cards)
	}
}
