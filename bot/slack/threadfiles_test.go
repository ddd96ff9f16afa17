package slack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/marketingminds/marketingminds/integrations/sandbox/testmedia"
	"maps"
	"os"
	"strings"
	"testing"

	slackapi "github.com/slack-go/slack"

	"github.com/marketingminds/marketingminds/bot/slack"
	"github.com/marketingminds/marketingminds/bot/slack/slackfake"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/media"
)

// participation is what cmd wires, over the tests' doubles: the app takes
// part in a thread where the scripted orchestrator ran a turn, or whose
// conversation keeps media.
type participation struct {
	conv  *script
	media *media.Service
}

func (p *participation) Participates(ctx context.Context, workspaceID, ch, thread string) (bool, error) {
	for _, t := range p.conv.got() {
		if t.caller.WorkspaceID == workspaceID && t.channel == ch && t.thread == thread {
			return true, nil
		}
	}
	page, err := p.media.List(ctx, identity.Caller{WorkspaceID: workspaceID, Role: identity.Viewer}, media.Filter{Conversation: ch + "/" + thread, Limit: 1})
	return len(page.Items) > 0, err
}

// setupThreads is setupMedia with the door told which threads it is part of.
func setupThreads(t *testing.T) (*bundle, *media.Service, *participation) {
	t.Helper()
	p := &participation{}
	b, svc := setupMedia(t, func(_ *slack.Config, d *slack.Deps) { d.Participation = p })
	p.conv, p.media = b.conv, svc
	return b, svc, p
}

// threadEvent is a channel message event (message.channels) in a thread.
func threadEvent(t *testing.T, id, subtype, user, text, ts, thread string, files ...map[string]any) []byte {
	t.Helper()
	ev := map[string]any{"type": "message", "channel": channel, "channel_type": "channel", "user": user, "text": text, "ts": ts, "thread_ts": thread}
	if subtype != "" {
		ev["subtype"] = subtype
	}
	if len(files) > 0 {
		ev["files"], ev["upload"] = files, true
	}
	b, err := json.Marshal(map[string]any{"type": "event_callback", "team_id": team, "event_id": id, "event": ev})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func conversationMedia(t *testing.T, svc *media.Service, thread string) []media.Media {
	t.Helper()
	page, err := svc.List(t.Context(), identity.Caller{WorkspaceID: team, UserID: "U1", Role: identity.Viewer}, media.Filter{Conversation: channel + "/" + thread})
	if err != nil {
		t.Fatal(err)
	}
	return page.Items
}

// TestThreadShareJoinsConversation: a JPEG shared without a mention in a
// channel thread where the app answered becomes that conversation's media
// (downloaded once), its sharer alone is told in the thread how to use it,
// and no turn runs; the next mention there is a turn of the same
// conversation. A file shared in a thread the app is not part of is not
// downloaded and nobody is told anything.
func TestThreadShareJoinsConversation(t *testing.T) {
	t.Parallel()
	b, svc, _ := setupThreads(t)
	const root, other = "1700000500.000100", "1700000600.000100"
	b.signed(t, "/slack/events", mention("EvT1", "U1", "1700000500.000200", root, "let's plan a launch post"))
	b.bot.Wait()

	photo := b.fake.ShareFile("U2", "launch.jpg", "image/jpeg", testmedia.Photo(t, 120, 150, 0))
	stray := b.fake.ShareFile("U2", "stray.jpg", "image/jpeg", testmedia.Photo(t, 60, 60, 0))
	b.signed(t, "/slack/events", threadEvent(t, "EvT2", "file_share", "U2", "here it is", "1700000500.000300", root, photo))
	b.signed(t, "/slack/events", threadEvent(t, "EvT3", "file_share", "U2", "", "1700000600.000200", other, stray))
	// A plain message (no subtype) may carry files too.
	plain := b.fake.ShareFile("U2", "second.jpg", "image/jpeg", testmedia.Photo(t, 50, 40, 0))
	b.signed(t, "/slack/events", threadEvent(t, "EvT4", "", "U2", "and this", "1700000500.000400", root, plain))
	// Another app's file in the thread is not a person's: left alone.
	botFile := b.fake.ShareFile("UOTHER", "chart.jpg", "image/jpeg", testmedia.Photo(t, 30, 20, 0))
	fromBot := strings.Replace(string(threadEvent(t, "EvT6", "bot_message", "UOTHER", "", "1700000500.000450", root, botFile)), `"user"`, `"bot_id":"B9","user"`, 1)
	b.signed(t, "/slack/events", []byte(fromBot))
	b.bot.Wait()
	if n := b.fake.Downloads(botFile["id"].(string)); n != 0 {
		t.Fatalf("another app's file was downloaded %d times", n)
	}

	if n := b.fake.Downloads(stray["id"].(string)); n != 0 {
		t.Fatalf("a file in a thread the app is not part of was downloaded %d times", n)
	}
	if n := b.fake.Downloads(photo["id"].(string)); n != 1 {
		t.Fatalf("the shared photo was downloaded %d times, want 1", n)
	}
	kept := conversationMedia(t, svc, root)
	if len(kept) != 2 {
		t.Fatalf("media of the conversation = %+v", kept)
	}
	for _, m := range kept {
		if m.UploadedBy != "U2" || m.Source != media.SourceSlack {
			t.Fatalf("media = %+v", m)
		}
	}
	if got := conversationMedia(t, svc, other); len(got) != 0 {
		t.Fatalf("media of a thread the app is not part of: %+v", got)
	}
	if n := len(b.conv.got()); n != 1 {
		t.Fatalf("%d turns, want only the mention's", n)
	}
	eph := b.fake.Calls("chat.postEphemeral")
	if len(eph) != 2 {
		t.Fatalf("ephemeral messages = %+v", eph)
	}
	want := "Got launch.jpg (120×150 JPEG).\nMention me when you want to use it: “<@UBOT> post this to Instagram”."
	told := false
	for _, c := range eph { // the two shares are worked on at once: in either order
		if c.Args.Get("user") != "U2" || c.Args.Get("channel") != channel || c.Args.Get("thread_ts") != root {
			t.Fatalf("told %v, want U2 in the thread", c.Args)
		}
		told = told || c.Args.Get("text") == want
	}
	if !told {
		t.Fatalf("told %+v, want %q", eph, want)
	}
	checkAgainstSpec(t, append(eph, b.fake.Calls("auth.test")...))
	for _, c := range b.fake.Calls("chat.postMessage") {
		if c.Args.Get("thread_ts") == other || strings.Contains(c.Args.Get("text"), "launch.jpg") {
			t.Fatalf("chatter in the channel: %v", c.Args)
		}
	}

	b.signed(t, "/slack/events", mention("EvT5", "U1", "1700000500.000500", root, "post this to Instagram"))
	b.bot.Wait()
	turns := b.conv.got()
	if len(turns) != 2 || turns[1].thread != root || turns[1].text != "post this to Instagram" {
		t.Fatalf("turns = %+v", turns)
	}
}

// TestThreadShareMentionTakenOnce: a message that mentions the app with a
// file arrives as app_mention and as message.channels; its file is
// downloaded once and one turn runs, with no ephemeral note besides.
func TestThreadShareMentionTakenOnce(t *testing.T) {
	t.Parallel()
	b, svc, _ := setupThreads(t)
	const root, ts = "1700000700.000100", "1700000700.000200"
	b.signed(t, "/slack/events", mention("EvM0", "U1", "1700000700.000150", root, "hello"))
	b.bot.Wait()
	file := b.fake.ShareFile("U1", "both.jpg", "image/jpeg", testmedia.Photo(t, 64, 64, 0))
	asMention, err := json.Marshal(map[string]any{"type": "event_callback", "team_id": team, "event_id": "EvM1", "event": map[string]any{
		"type": "app_mention", "user": "U1", "channel": channel, "ts": ts, "thread_ts": root, "text": "<@UBOT> post this to X", "files": []any{file}}})
	if err != nil {
		t.Fatal(err)
	}
	b.signed(t, "/slack/events", threadEvent(t, "EvM2", "file_share", "U1", "<@UBOT> post this to X", ts, root, file))
	b.signed(t, "/slack/events", asMention)
	b.bot.Wait()
	if n := b.fake.Downloads(file["id"].(string)); n != 1 {
		t.Fatalf("downloaded %d times, want 1", n)
	}
	if got := conversationMedia(t, svc, root); len(got) != 1 {
		t.Fatalf("media = %+v", got)
	}
	if n := len(b.conv.got()); n != 2 {
		t.Fatalf("%d turns, want the first mention's and this one's", n)
	}
	if eph := b.fake.Calls("chat.postEphemeral"); len(eph) != 0 {
		t.Fatalf("ephemeral notes for a mention: %+v", eph)
	}
}

// TestFirstMentionTakesEarlierFiles: the app's first mention under a
// message with an image reads the thread (conversations.replies, one page)
// and keeps the images people shared before the mention as media of the
// conversation, oldest first, skipping the app's own files, other files
// than media, and those shared after the mention; a later mention there
// does not read the thread again.
func TestFirstMentionTakesEarlierFiles(t *testing.T) {
	t.Parallel()
	b, svc, _ := setupThreads(t)
	parent := b.fake.ShareFile("U2", "parent.jpg", "image/jpeg", testmedia.Photo(t, 80, 100, 0))
	notes := b.fake.ShareFile("U2", "notes.txt", "text/plain", []byte("not media"))
	later := b.fake.ShareFile("U2", "later.jpg", "image/jpeg", testmedia.Photo(t, 70, 70, 0))
	root := b.fake.Say(channel, slackfake.Said{User: "U2", Text: "new banner", Files: []map[string]any{parent}})
	b.fake.Say(channel, slackfake.Said{User: "U2", Text: "and the copy", ThreadTS: root, Files: []map[string]any{notes}})
	b.fake.Say(channel, slackfake.Said{User: "U2", Text: "the banner again", ThreadTS: root, Files: []map[string]any{parent}})
	at := b.fake.Say(channel, slackfake.Said{User: "U1", Text: "<@UBOT> post this to Instagram", ThreadTS: root})
	b.fake.Say(channel, slackfake.Said{User: "U2", Text: "one more", ThreadTS: root, Files: []map[string]any{later}})

	b.signed(t, "/slack/events", mention("EvE1", "U1", at, root, "post this to Instagram"))
	b.bot.Wait()
	reads := b.fake.Calls("conversations.replies")
	if len(reads) != 1 || reads[0].Args.Get("ts") != root || reads[0].Args.Get("channel") != channel || reads[0].Args.Get("limit") != "200" {
		t.Fatalf("conversations.replies calls = %+v", reads)
	}
	checkAgainstSpec(t, append(reads, b.fake.Calls("auth.test")...))
	got := conversationMedia(t, svc, root)
	if len(got) != 1 || got[0].Name != "parent.jpg" || got[0].Width != 80 {
		t.Fatalf("media of the conversation = %+v", got)
	}
	for _, f := range []map[string]any{notes, later} {
		if n := b.fake.Downloads(f["id"].(string)); n != 0 {
			t.Fatalf("%s downloaded %d times", f["name"], n)
		}
	}
	if turns := b.conv.got(); len(turns) != 1 || turns[0].thread != root {
		t.Fatalf("turns = %+v", turns)
	}

	b.signed(t, "/slack/events", mention("EvE2", "U1", b.fake.Say(channel, slackfake.Said{User: "U1", ThreadTS: root}), root, "and to X"))
	b.bot.Wait()
	if n := len(b.fake.Calls("conversations.replies")); n != 1 {
		t.Fatalf("the thread was read %d times, want once", n)
	}
	if n := b.fake.Downloads(parent["id"].(string)); n != 1 {
		t.Fatalf("the parent's image was downloaded %d times, want once", n)
	}
}

// checkAgainstSpec checks calls' arguments against Slack's published spec
// (testdata), as TestCallsMatchSlackSpec does; include_all_metadata, which
// slack-go sends to conversations.replies, came with message metadata
// (2022), after the spec's last version (2021).
func checkAgainstSpec(t *testing.T, calls []slackfake.Call) {
	t.Helper()
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
	for _, c := range calls {
		params, ok := spec.Paths["/"+c.Method]
		if !ok {
			t.Fatalf("%s is not in testdata/slack-web-api-methods.json", c.Method)
		}
		c.Args = maps.Clone(c.Args)
		if c.Method == "conversations.replies" {
			c.Args.Del("include_all_metadata")
		}
		checkCall(t, c, params)
	}
}

// TestFirstMentionUnreadableThread: when Slack will not let the app read
// the thread (not in the channel, the history scope missing) the mention
// is still answered, without earlier files.
func TestFirstMentionUnreadableThread(t *testing.T) {
	t.Parallel()
	b, svc, _ := setupThreads(t)
	img := b.fake.ShareFile("U2", "parent.jpg", "image/jpeg", testmedia.Photo(t, 40, 40, 0))
	root := b.fake.Say(channel, slackfake.Said{User: "U2", Text: "banner", Files: []map[string]any{img}})
	b.fake.Revoke("channels:history")
	b.signed(t, "/slack/events", mention("EvU1", "U1", b.fake.Say(channel, slackfake.Said{User: "U1", ThreadTS: root}), root, "post this"))
	b.bot.Wait()
	reads := b.fake.Calls("conversations.replies")
	if len(reads) != 1 || reads[0].Result["error"] != "missing_scope" || reads[0].Result["needed"] != "channels:history" {
		t.Fatalf("conversations.replies = %+v", reads)
	}
	if n := b.fake.Downloads(img["id"].(string)); n != 0 || len(conversationMedia(t, svc, root)) != 0 {
		t.Fatalf("took a file it could not read (%d downloads)", n)
	}
	if n := len(b.conv.got()); n != 1 {
		t.Fatalf("%d turns, want the mention answered", n)
	}
}

// TestFakeConversationRepliesLikeSlack: the fake's conversations.replies
// lists a thread oldest first (the parent with its reply count, replies
// naming their parent's author, files on the messages that carry them, the
// app's own replies with its bot_id), a page at a time with next_cursor,
// and refuses as Slack does: channel_not_found, thread_not_found,
// invalid_cursor, missing_scope naming the scope, not_in_channel (for
// chat.postMessage too).
func TestFakeConversationRepliesLikeSlack(t *testing.T) {
	t.Parallel()
	fake := slackfake.New(botToken)
	t.Cleanup(fake.Close)
	fake.AddChannels(channel, "G1")
	api := slackapi.New(botToken, slackapi.OptionAPIURL(fake.URL()))
	ctx := t.Context()
	img := fake.ShareFile("U2", "a.jpg", "image/jpeg", []byte("\xff\xd8\xff"))
	root := fake.Say(channel, slackfake.Said{User: "U2", Text: "banner", Files: []map[string]any{img}})
	fake.Say(channel, slackfake.Said{User: "U1", Text: "nice", ThreadTS: root})
	if _, _, err := api.PostMessageContext(ctx, channel, slackapi.MsgOptionText("noted", false), slackapi.MsgOptionTS(root)); err != nil {
		t.Fatal(err)
	}
	fake.Say(channel, slackfake.Said{User: "U2", Text: "unrelated"})

	var all []slackapi.Message
	cursor, pages := "", 0
	for {
		msgs, more, next, err := api.GetConversationRepliesContext(ctx, &slackapi.GetConversationRepliesParameters{ChannelID: channel, Timestamp: root, Limit: 2, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		all = append(all, msgs...)
		if !more {
			break
		}
		if next == "" || pages > 3 {
			t.Fatalf("page %d: has_more without a usable cursor %q", pages, next)
		}
		cursor = next
	}
	if pages != 2 || len(all) != 3 {
		t.Fatalf("%d pages, messages %+v", pages, all)
	}
	p, r, own := all[0], all[1], all[2]
	if p.Timestamp != root || p.ReplyCount != 2 || len(p.Files) != 1 || p.Files[0].URLPrivateDownload != img["url_private_download"] {
		t.Fatalf("parent = %+v", p.Msg)
	}
	if r.User != "U1" || r.ParentUserId != "U2" || r.ThreadTimestamp != root || r.Text != "nice" {
		t.Fatalf("reply = %+v", r.Msg)
	}
	if own.BotID != "BBOT" || own.User != "UBOT" || own.Text != "noted" {
		t.Fatalf("the app's reply = %+v", own.Msg)
	}

	replies := func(ch, ts, cursor string) error {
		_, _, _, err := api.GetConversationRepliesContext(ctx, &slackapi.GetConversationRepliesParameters{ChannelID: ch, Timestamp: ts, Cursor: cursor})
		return err
	}
	fake.Revoke("groups:history")
	fake.Leave(channel)
	for _, tc := range []struct {
		ch, ts, cursor, want string
	}{
		{"C404", root, "", "channel_not_found"},
		{"G1", root, "", "missing_scope"},
		{channel, root, "", "not_in_channel"},
	} {
		if err := replies(tc.ch, tc.ts, tc.cursor); err == nil || err.Error() != tc.want {
			t.Errorf("replies(%s, %s): %v, want %s", tc.ch, tc.ts, err, tc.want)
		}
	}
	if calls := fake.Calls("conversations.replies"); calls[len(calls)-2].Result["needed"] != "groups:history" {
		t.Errorf("missing_scope names %v", calls[len(calls)-2].Result["needed"])
	}
	if _, _, err := api.PostMessageContext(ctx, channel, slackapi.MsgOptionText("hi", false)); err == nil || err.Error() != "not_in_channel" {
		t.Errorf("chat.postMessage outside the channel: %v", err)
	}
	other := slackfake.New(botToken)
	t.Cleanup(other.Close)
	other.AddChannels(channel)
	api = slackapi.New(botToken, slackapi.OptionAPIURL(other.URL()))
	at := other.Say(channel, slackfake.Said{User: "U2", Text: "root"})
	for _, tc := range []struct{ ts, cursor, want string }{
		{"1600000000.000100", "", "thread_not_found"},
		{at, "bm90LWEtY3Vyc29y", "invalid_cursor"},
	} {
		if err := replies(channel, tc.ts, tc.cursor); err == nil || err.Error() != tc.want {
			t.Errorf("replies(%s, %q): %v, want %s", tc.ts, tc.cursor, err, tc.want)
		}
	}
}

// TestFirstMentionTakesAtMost20: of the images shared before a first
// mention, the newest 20 are kept; older ones are not downloaded.
func TestFirstMentionTakesAtMost20(t *testing.T) {
	t.Parallel()
	b, svc, _ := setupThreads(t)
	root := b.fake.Say(channel, slackfake.Said{User: "U2", Text: "options for the banner"})
	var shared []map[string]any
	for i := range 22 {
		f := b.fake.ShareFile("U2", fmt.Sprintf("option%d.jpg", i+1), "image/jpeg", testmedia.Photo(t, 16+i, 16, 0))
		shared = append(shared, f)
		b.fake.Say(channel, slackfake.Said{User: "U2", ThreadTS: root, Files: []map[string]any{f}})
	}
	b.signed(t, "/slack/events", mention("EvB1", "U1", b.fake.Say(channel, slackfake.Said{User: "U1", ThreadTS: root}), root, "use the last one"))
	b.bot.Wait()
	if got := conversationMedia(t, svc, root); len(got) != 20 {
		t.Fatalf("%d media kept, want 20", len(got))
	}
	for i, f := range shared {
		want := 1
		if i < 2 {
			want = 0
		}
		if n := b.fake.Downloads(f["id"].(string)); n != want {
			t.Fatalf("%s downloaded %d times, want %d", f["name"], n, want)
		}
	}
}

// TestFirstMentionReadsALongThread: a first mention under 450 replies
// reads the thread page by page (200 replies a call, with Slack's cursor,
// waiting out a rate limit) and finds the photo shared just before it; a
// thread longer than 1,000 replies is read 5 pages deep, no further.
func TestFirstMentionReadsALongThread(t *testing.T) {
	t.Parallel()
	b, svc, _ := setupThreads(t)
	root := b.fake.Say(channel, slackfake.Said{User: "U2", Text: "launch week, all the drafts here"})
	for i := range 449 {
		b.fake.Say(channel, slackfake.Said{User: "U2", Text: fmt.Sprintf("draft %d", i+1), ThreadTS: root})
	}
	photo := b.fake.ShareFile("U2", "final.jpg", "image/jpeg", testmedia.Photo(t, 90, 60, 0))
	b.fake.Say(channel, slackfake.Said{User: "U2", Text: "the final one", ThreadTS: root, Files: []map[string]any{photo}})
	b.fake.RateLimitAfter("conversations.replies", 1, 1) // the second page: waited out, then asked again
	b.signed(t, "/slack/events", mention("EvL1", "U1", b.fake.Say(channel, slackfake.Said{User: "U1", ThreadTS: root}), root, "post this"))
	b.bot.Wait()
	reads := b.fake.Calls("conversations.replies")
	if len(reads) != 4 || reads[1].Result["error"] != "ratelimited" {
		t.Fatalf("the 450-reply thread was read in %d calls, want 3 and a refused one", len(reads))
	}
	if c := reads[1].Args.Get("cursor"); c == "" || reads[2].Args.Get("cursor") != c || reads[0].Args.Get("cursor") != "" || reads[3].Args.Get("cursor") == c {
		t.Fatalf("cursors %q %q %q %q: want none, then the second page's twice, then the third's", reads[0].Args.Get("cursor"),
			reads[1].Args.Get("cursor"), reads[2].Args.Get("cursor"), reads[3].Args.Get("cursor"))
	}
	for i, r := range reads {
		if r.Args.Get("limit") != "200" {
			t.Fatalf("call %d asks for %s replies, want 200", i+1, r.Args.Get("limit"))
		}
	}
	checkAgainstSpec(t, reads)
	if got := conversationMedia(t, svc, root); len(got) != 1 || got[0].Name != "final.jpg" {
		t.Fatalf("media of the conversation = %+v, want the photo shared at the end", got)
	}

	long := b.fake.Say(channel, slackfake.Said{User: "U2", Text: "the endless thread"})
	for i := range 1100 {
		b.fake.Say(channel, slackfake.Said{User: "U2", Text: fmt.Sprintf("reply %d", i+1), ThreadTS: long})
	}
	b.signed(t, "/slack/events", mention("EvL2", "U1", b.fake.Say(channel, slackfake.Said{User: "U1", ThreadTS: long}), long, "post this"))
	b.bot.Wait()
	if n := len(b.fake.Calls("conversations.replies")) - len(reads); n != 5 {
		t.Fatalf("the 1,100-reply thread was read in %d calls, want 5", n)
	}
}
