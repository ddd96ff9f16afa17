package slack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/bot/slack"
	"github.com/marketingminds/marketingminds/bot/slack/slackfake"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/audit"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/inbox"
	"github.com/marketingminds/marketingminds/tools/settings"
)

const inboxChannel = "C0INBOX01"

// engagement is a platform's engagement API as tools/inbox calls it; the
// whole path through the sandbox is cmd/marketingminds' test.
type engagement struct {
	mu      sync.Mutex
	replies []string
	likes   []string
	hides   []string
}

func (e *engagement) ReplyToComment(_ context.Context, _ platform.Target, ref platform.CommentRef, text string) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.replies = append(e.replies, ref.ExternalID+": "+text)
	return fmt.Sprintf("r%d", len(e.replies)), nil
}

func (e *engagement) LikeComment(_ context.Context, _ platform.Target, ref platform.CommentRef) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.likes = append(e.likes, ref.ExternalID)
	return nil
}

func (e *engagement) HideComment(_ context.Context, _ platform.Target, ref platform.CommentRef) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.hides = append(e.hides, ref.ExternalID)
	return nil
}

func (e *engagement) got() (replies, likes, hides []string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.replies...), append([]string(nil), e.likes...), append([]string(nil), e.hides...)
}

// replyOnly is a platform that takes replies but no likes or hides.
type replyOnly struct{ e *engagement }

func (r replyOnly) ReplyToComment(ctx context.Context, t platform.Target, ref platform.CommentRef, text string) (string, error) {
	return r.e.ReplyToComment(ctx, t, ref, text)
}

// inboxAccounts are the accounts items belong to, in every workspace.
type inboxAccounts struct{}

func (inboxAccounts) Get(_ context.Context, _ identity.Caller, id string) (accounts.Account, error) {
	return accounts.Account{ID: id, ExternalID: "ext-" + id}, nil
}

func (inboxAccounts) ValidToken(context.Context, identity.Caller, string) (platform.Target, error) {
	return platform.Target{ExternalID: "ext", AccessToken: "token"}, nil
}

// drafter is the content writer, scripted.
type drafter struct{}

func (drafter) DraftReply(_ context.Context, _ identity.Caller, it inbox.Item) (string, error) {
	return "Thank you, " + it.AuthorName + "! It ships Monday.", nil
}

type inboxBundle struct {
	*bundle
	svc  *inbox.Service
	plat *engagement
	set  *settings.Service
}

// setupInbox is the door with a real inbox on SQLite whose workspace T1
// posts its items to inboxChannel; more replicas share db when given.
func setupInbox(t testing.TB, db *store.DB, opts ...option) *inboxBundle {
	t.Helper()
	if db == nil {
		db = storetest.Open(t, store.SQLite, identity.Schema, identity.SessionSchema, slack.Schema, settings.Schema, audit.Schema, inbox.Schema)
	} else {
		db = storetest.Reopen(t, db)
	}
	set, err := settings.New(settings.Config{Store: settings.NewStore(db), Audit: audit.New(db, time.Now), Log: zerolog.Nop(), CacheTTL: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ch := inboxChannel
	if _, err := set.Update(context.Background(), identity.Caller{WorkspaceID: team, UserID: "UADMIN", Role: identity.Admin}, settings.Patch{InboxChannel: &ch}); err != nil {
		t.Fatal(err)
	}
	plat := &engagement{}
	var door atomic.Pointer[slack.Bot]
	svc := inbox.New(inbox.Config{Store: inbox.NewStore(db), Accounts: inboxAccounts{}, Log: zerolog.Nop(),
		Adapters:  map[platform.Name]any{platform.Facebook: plat, platform.Instagram: plat, platform.Twitter: plat, platform.LinkedIn: replyOnly{plat}},
		OnChanged: func(it inbox.Item) { door.Load().ItemChanged(it) },
		OnNew: func() {
			if b := door.Load(); b != nil {
				b.KickInbox()
			}
		}})
	b := setupDB(t, db, append([]option{func(c *slack.Config, d *slack.Deps) {
		c.InboxEvery = 20 * time.Millisecond
		d.Settings, d.Inbox, d.Drafter = set, svc, drafter{}
	}}, opts...)...)
	door.Store(b.bot)
	b.fake.AddChannels(inboxChannel)
	return &inboxBundle{bundle: b, svc: svc, plat: plat, set: set}
}

func comment(p platform.Name, ext, author, text string) inbox.Item {
	return inbox.Item{AccountID: "acc-" + string(p), Platform: p, ExternalID: ext, PostExternalID: "post-" + string(p), PostText: "Our spring launch is here",
		AuthorName: author, AuthorHandle: strings.ToLower(author), Text: text, Permalink: "https://" + string(p) + ".example/c/" + ext,
		Kind: inbox.KindComment, CreatedAt: time.Now().Add(-time.Minute)}
}

// pollUntil polls cond until it holds or 10 s pass.
func pollUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// announced reads the items' Slack messages, by item id.
func (b *inboxBundle) announced(t *testing.T, ws string) map[string]inbox.Announce {
	t.Helper()
	p, err := b.svc.List(context.Background(), identity.Caller{WorkspaceID: ws, UserID: "U1", Role: identity.Viewer}, inbox.Filter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]inbox.Announce{}
	for _, it := range p.Items {
		out[it.ID] = it.Slack
	}
	return out
}

// TestInboxItemsPostedOnceAcrossReplicas: items delivered twice (webhook
// and poll) and announced by two replicas at once are each posted once to
// the workspace's inbox channel, with who wrote what on which post; a
// workspace without an inbox channel gets nothing in Slack.
func TestInboxItemsPostedOnceAcrossReplicas(t *testing.T) {
	t.Parallel()
	a := setupInbox(t, nil)
	b := setupInbox(t, a.db, func(c *slack.Config, _ *slack.Deps) { c.APIURL = a.fake.URL() }) // both replicas talk to the same Slack
	ctx := context.Background()
	items := []inbox.Item{
		comment(platform.Facebook, "fb1", "Ann", "Love it! <!channel> when does it ship?"),
		comment(platform.Instagram, "ig1", "Ben", "So pretty"),
		comment(platform.LinkedIn, "li1", "Cy", "Congrats to the team"),
		{AccountID: "acc-twitter", Platform: platform.Twitter, ExternalID: "x1", AuthorName: "Di", AuthorHandle: "di", Text: "@acme is this vegan?", Kind: inbox.KindMention},
	}
	if _, err := a.svc.Ingest(ctx, team, items); err != nil { // the webhook
		t.Fatal(err)
	}
	if _, err := b.svc.Ingest(ctx, team, items); err != nil { // the poll
		t.Fatal(err)
	}
	if _, err := a.svc.Ingest(ctx, "T2", items[:1]); err != nil { // a workspace without an inbox channel
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for _, r := range []*inboxBundle{a, b} {
		wg.Go(func() { r.bot.RunInbox(runCtx) })
	}
	pollUntil(t, "every item announced", func() bool {
		n := 0
		for _, an := range a.announced(t, team) {
			if an.TS != "" {
				n++
			}
		}
		return n == len(items)
	})
	stop()
	wg.Wait()
	posts := a.fake.Calls("chat.postMessage")
	if len(posts) != len(items) {
		t.Fatalf("%d messages posted for %d items", len(posts), len(items))
	}
	for _, p := range posts {
		if p.Args.Get("channel") != inboxChannel {
			t.Errorf("posted to %s", p.Args.Get("channel"))
		}
	}
	fb := posts[0]
	for _, p := range posts {
		if strings.Contains(p.Args.Get("text"), "Ann") {
			fb = p
		}
	}
	blocks := blocksText(fb)
	for _, want := range []string{"*Ann (@ann)* commented on Facebook", "&lt;!channel&gt;", "Our spring launch is here", "https://facebook.example/c/fb1",
		`"mm_inbox_reply"`, `"mm_inbox_draft"`, `"mm_inbox_like"`, `"mm_inbox_hide"`, `"mm_inbox_done"`} {
		if !strings.Contains(blocks, want) {
			t.Errorf("the Facebook item's message lacks %s:\n%s", want, blocks)
		}
	}
	if strings.Contains(blocks, "<!channel>") {
		t.Error("a commenter's <!channel> reaches Slack as a command")
	}
	for _, p := range posts {
		if strings.Contains(p.Args.Get("text"), "Cy") && (strings.Contains(p.Args.Get("blocks"), "mm_inbox_hide") || strings.Contains(p.Args.Get("blocks"), "mm_inbox_like")) {
			t.Error("LinkedIn's item offers like or hide, which its platform does not take")
		}
	}
	for id, an := range a.announced(t, "T2") {
		if an.TS != "" {
			t.Errorf("T2's item %s was posted (%+v) though T2 has no inbox channel", id, an)
		}
	}
}

// inboxItem ingests one Facebook comment and waits for its message.
func (b *inboxBundle) inboxItem(t *testing.T) inbox.Item {
	t.Helper()
	ctx, stop := context.WithCancel(context.Background())
	t.Cleanup(stop)
	fresh, err := b.svc.Ingest(ctx, team, []inbox.Item{comment(platform.Facebook, "fb7", "Ann", "When does it ship?")})
	if err != nil || len(fresh) != 1 {
		t.Fatalf("ingest = %v, %v", fresh, err)
	}
	go b.bot.RunInbox(ctx)
	var it inbox.Item
	pollUntil(t, "the item's message", func() bool {
		it, err = b.svc.Get(context.Background(), identity.Caller{WorkspaceID: team, UserID: "U1", Role: identity.Viewer}, fresh[0].ID)
		return err == nil && it.Slack.TS != ""
	})
	return it
}

func inboxClick(user, actionID, value, messageTS string) []byte {
	raw, _ := json.Marshal(map[string]any{
		"type": "block_actions", "team": map[string]string{"id": team}, "user": map[string]string{"id": user},
		"channel": map[string]string{"id": inboxChannel}, "trigger_id": "trigger-9",
		"container": map[string]string{"type": "message", "message_ts": messageTS, "channel_id": inboxChannel},
		"actions":   []map[string]string{{"action_id": actionID, "block_id": "inbox", "value": value, "type": "button"}},
	})
	return interaction(string(raw))
}

func replySubmit(user, metadata, block, text string) []byte {
	raw, _ := json.Marshal(map[string]any{
		"type": "view_submission", "team": map[string]string{"id": team}, "user": map[string]string{"id": user},
		"view": map[string]any{"callback_id": "mm_inbox_reply_view", "private_metadata": metadata, "state": map[string]any{"values": map[string]any{
			block: map[string]any{"reply_input": map[string]any{"type": "plain_text_input", "value": text}},
		}}},
	})
	return interaction(string(raw))
}

// TestInboxButtons: Reply opens a modal whose text is sent once however
// often it is submitted, and the message shows who answered what; Draft
// shows the content writer's draft to edit; Like and Done act and show;
// another workspace's item id acts on nothing.
func TestInboxButtons(t *testing.T) {
	t.Parallel()
	b := setupInbox(t, nil)
	it := b.inboxItem(t)

	b.signed(t, "/slack/interactivity", inboxClick("U1", "mm_inbox_reply", it.ID, it.Slack.TS))
	b.bot.Wait()
	opens := b.fake.Calls("views.open")
	if len(opens) != 1 || !strings.Contains(opens[0].Args.Get("view"), "When does it ship?") {
		t.Fatalf("views.open = %+v", opens)
	}
	var view struct {
		PrivateMetadata string `json:"private_metadata"`
	}
	if err := json.Unmarshal([]byte(opens[0].Args.Get("view")), &view); err != nil {
		t.Fatal(err)
	}
	resp := b.signed(t, "/slack/interactivity", replySubmit("U1", view.PrivateMetadata, "reply", "   "))
	var errs struct {
		Action string            `json:"response_action"`
		Errors map[string]string `json:"errors"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&errs); err != nil || errs.Action != "errors" || errs.Errors["reply"] == "" {
		t.Fatalf("an empty reply = %+v, %v; want the problem in the modal", errs, err)
	}
	for range 2 {
		b.signed(t, "/slack/interactivity", replySubmit("U1", view.PrivateMetadata, "reply", "Monday! Thanks for asking."))
		b.bot.Wait()
	}
	if replies, _, _ := b.plat.got(); len(replies) != 1 || replies[0] != "fb7: Monday! Thanks for asking." {
		t.Fatalf("replies sent = %q; want one", replies)
	}
	updates := b.fake.Calls("chat.update")
	if len(updates) == 0 || updates[len(updates)-1].Args.Get("ts") != it.Slack.TS ||
		!strings.Contains(blocksText(updates[len(updates)-1]), "<@U1> answered:\n> Monday! Thanks for asking.") {
		t.Fatalf("the message after the reply: %+v", updates)
	}

	b.signed(t, "/slack/interactivity", inboxClick("U1", "mm_inbox_draft", it.ID, it.Slack.TS))
	b.bot.Wait()
	ups := b.fake.Calls("views.update")
	if len(ups) != 1 || !strings.Contains(ups[0].Args.Get("view"), "Thank you, Ann! It ships Monday.") || !strings.Contains(ups[0].Args.Get("view"), "reply_drafted") {
		t.Fatalf("views.update = %+v; want the draft in the modal", ups)
	}

	b.signed(t, "/slack/interactivity", inboxClick("U2", "mm_inbox_like", it.ID, it.Slack.TS))
	b.bot.Wait()
	if _, likes, _ := b.plat.got(); len(likes) != 1 {
		t.Fatalf("likes = %q", likes)
	}
	b.signed(t, "/slack/interactivity", inboxClick("U2", "mm_inbox_done", it.ID, it.Slack.TS))
	b.bot.Wait()
	last := b.fake.Calls("chat.update")
	if got := blocksText(last[len(last)-1]); !strings.Contains(got, "Marked done by <@U2>") || strings.Contains(got, "mm_inbox_reply") {
		t.Fatalf("the message after Done: %s", got)
	}

	// Another workspace's item: its id in a button here finds nothing.
	other, err := b.svc.Ingest(context.Background(), "T2", []inbox.Item{comment(platform.Facebook, "t2c", "Eve", "secret")})
	if err != nil {
		t.Fatal(err)
	}
	before := len(b.fake.Calls("chat.update"))
	for _, act := range []string{"mm_inbox_hide", "mm_inbox_reply", "mm_inbox_done"} {
		b.signed(t, "/slack/interactivity", inboxClick("U1", act, other[0].ID, it.Slack.TS))
	}
	b.bot.Wait()
	if _, _, hides := b.plat.got(); len(hides) != 0 || len(b.fake.Calls("chat.update")) != before || len(b.fake.Calls("views.open")) != 2 {
		t.Fatalf("another workspace's item was acted on: hides %q", hides)
	}
	eph := b.fake.Calls("chat.postEphemeral")
	if len(eph) < 3 || !strings.Contains(eph[len(eph)-1].Args.Get("text"), "cannot find this comment") {
		t.Fatalf("the clicker is not told: %+v", eph)
	}
	if got, _ := b.svc.Get(context.Background(), identity.Caller{WorkspaceID: "T2", UserID: "U9", Role: identity.Viewer}, other[0].ID); got.State != inbox.StateNew {
		t.Fatalf("T2's item changed: %+v", got)
	}
}

// threadMessage is a person's message in a channel thread (message.channels).
func threadMessage(eventID, user, ts, thread, text string) []byte {
	return []byte(fmt.Sprintf(`{"type":"event_callback","team_id":%q,"event_id":%q,"event":{"type":"message","channel_type":"channel","user":%q,"text":%q,"ts":%q,"thread_ts":%q,"channel":%q}}`,
		team, eventID, user, text, ts, thread, inboxChannel))
}

func inboxMention(eventID, user, ts, thread, text string) []byte {
	return []byte(fmt.Sprintf(`{"type":"event_callback","team_id":%q,"event_id":%q,"event":{"type":"app_mention","user":%q,"text":%q,"ts":%q,"thread_ts":%q,"channel":%q}}`,
		team, eventID, user, "<@UBOT> "+text, ts, thread, inboxChannel))
}

// TestInboxThreadReply: "reply: …" in the item's thread is sent once, as
// the person's, whether it arrives as a channel message, a mention or
// both; other thread talk is left alone; a request to the app there goes
// to the assistant with the item named.
func TestInboxThreadReply(t *testing.T) {
	t.Parallel()
	b := setupInbox(t, nil)
	it := b.inboxItem(t)
	b.signed(t, "/slack/events", threadMessage("Ev1", "U1", "1700000500.000100", it.Slack.TS, "did anyone see this?"))
	b.signed(t, "/slack/events", threadMessage("Ev2", "U1", "1700000500.000200", it.Slack.TS, "reply: thanks, it ships Monday"))
	b.signed(t, "/slack/events", inboxMention("Ev3", "U1", "1700000500.000200", it.Slack.TS, "reply: thanks, it ships Monday"))
	b.signed(t, "/slack/events", threadMessage("Ev4", "U1", "1700000500.000300", "1700000000.999999", "reply: not an item's thread"))
	b.bot.Wait()
	if replies, _, _ := b.plat.got(); len(replies) != 1 || replies[0] != "fb7: thanks, it ships Monday" {
		t.Fatalf("replies sent = %q; want one", replies)
	}
	got, err := b.svc.Get(context.Background(), identity.Caller{WorkspaceID: team, UserID: "U1", Role: identity.Viewer}, it.ID)
	if err != nil || got.State != inbox.StateAnswered || got.HandledBy != "U1" {
		t.Fatalf("item = %+v, %v", got, err)
	}
	if len(b.conv.got()) != 0 {
		t.Fatalf("thread talk reached the assistant: %v", b.conv.got())
	}
	b.signed(t, "/slack/events", inboxMention("Ev5", "U2", "1700000500.000400", it.Slack.TS, "draft a warm answer"))
	b.bot.Wait()
	turns := b.conv.got()
	if len(turns) != 1 || turns[0].thread != it.Slack.TS || !strings.Contains(turns[0].text, it.ID) || !strings.Contains(turns[0].text, "draft a warm answer") {
		t.Fatalf("turns = %+v; want one about %s", turns, it.ID)
	}
}

// blocksText is a call's blocks as JSON, with the characters JSON escapes
// written as they are.
func blocksText(c slackfake.Call) string {
	return strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&", `\n`, "\n").Replace(c.Args.Get("blocks"))
}

// TestInboxSlackRefusals: Slack's 429 is waited out and the item posted
// once; a channel the app cannot post to is logged and the item not
// posted again and again.
func TestInboxSlackRefusals(t *testing.T) {
	t.Parallel()
	b := setupInbox(t, nil)
	b.fake.RateLimit("chat.postMessage", 1)
	it := b.inboxItem(t)
	if posts := b.fake.Calls("chat.postMessage"); len(posts) != 2 || posts[0].Result["error"] != "ratelimited" || posts[1].TS() != it.Slack.TS {
		t.Fatalf("posts = %+v; want a 429, then the message", posts)
	}
	gone := "C0GONE0001"
	if _, err := b.set.Update(context.Background(), identity.Caller{WorkspaceID: team, UserID: "UADMIN", Role: identity.Admin}, settings.Patch{InboxChannel: &gone}); err != nil {
		t.Fatal(err)
	}
	fresh, err := b.svc.Ingest(context.Background(), team, []inbox.Item{comment(platform.Instagram, "ig9", "Bo", "Hi")})
	if err != nil || len(fresh) != 1 {
		t.Fatalf("ingest = %v, %v", fresh, err)
	}
	viewer := identity.Caller{WorkspaceID: team, UserID: "U1", Role: identity.Viewer}
	pollUntil(t, "the refused item marked", func() bool {
		got, err := b.svc.Get(context.Background(), viewer, fresh[0].ID)
		return err == nil && got.Slack.Channel == gone
	})
	b.bot.KickInbox()
	b.bot.KickInbox()
	if got, _ := b.svc.Get(context.Background(), viewer, fresh[0].ID); got.Slack.TS != "" {
		t.Fatalf("the refused item = %+v", got.Slack)
	}
	refused := 0
	for _, c := range b.fake.Calls("chat.postMessage") {
		if c.Args.Get("channel") == gone {
			refused++
		}
	}
	if refused != 1 {
		t.Fatalf("posted to the unknown channel %d times, want once", refused)
	}
}

// TestInboxGivesUpAfterAnHour: an item Slack keeps failing (here, 429 past
// the retries) is tried again each lease, and not at all once it is an
// hour old: it stays on the dashboard.
func TestInboxGivesUpAfterAnHour(t *testing.T) {
	t.Parallel()
	later := func() time.Time { return time.Now().Add(2 * time.Hour) } // the door's clock: the item arrived 2 h ago
	b := setupInbox(t, nil, func(_ *slack.Config, d *slack.Deps) { d.Now = later })
	b.fake.RateLimit("chat.postMessage", 100)
	fresh, err := b.svc.Ingest(context.Background(), team, []inbox.Item{comment(platform.Facebook, "fb-old", "Ann", "Hello?")})
	if err != nil || len(fresh) != 1 {
		t.Fatalf("ingest = %v, %v", fresh, err)
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	go b.bot.RunInbox(ctx)
	viewer := identity.Caller{WorkspaceID: team, UserID: "U1", Role: identity.Viewer}
	pollUntil(t, "the item given up", func() bool {
		got, err := b.svc.Get(context.Background(), viewer, fresh[0].ID)
		return err == nil && got.Slack.Channel == inboxChannel && got.Slack.TS == ""
	})
}

// TestInboxRemovedByItsAuthor: an item closed because its author removed
// the comment says so in its message, without buttons.
func TestInboxRemovedByItsAuthor(t *testing.T) {
	t.Parallel()
	b := setupInbox(t, nil)
	it := b.inboxItem(t)
	closed, err := inbox.NewStore(b.db).SetState(context.Background(), team, it.ID, inbox.StateDone, "")
	if err != nil {
		t.Fatal(err)
	}
	b.bot.ItemChanged(closed)
	b.bot.Wait()
	ups := b.fake.Calls("chat.update")
	if len(ups) != 1 || !strings.Contains(blocksText(ups[0]), "Closed: its author removed it on Facebook.") || strings.Contains(blocksText(ups[0]), "mm_inbox_") {
		t.Fatalf("updates = %+v", ups)
	}
}
