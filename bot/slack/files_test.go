package slack_test

import (
	"encoding/json"
	"github.com/marketingminds/marketingminds/integrations/sandbox/testmedia"
	"net/http"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/bot/slack"
	"github.com/marketingminds/marketingminds/bot/slack/slackfake"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/media"
)

// withMedia gives the door a real media store on the bundle's database.
func withMedia(t *testing.T, db *store.DB) (*media.Service, option) {
	t.Helper()
	svc, err := media.New(media.Config{Store: media.NewStore(db), Blobs: media.NewFiles(t.TempDir()),
		SigningKey: []byte("0123456789abcdef0123456789abcdef"), PublicURL: "https://mm.example.com", Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	return svc, func(_ *slack.Config, d *slack.Deps) { d.Media = svc }
}

func setupMedia(t *testing.T, opts ...option) (*bundle, *media.Service) {
	t.Helper()
	db := storetest.Open(t, store.SQLite, identity.Schema, identity.SessionSchema, slack.Schema, media.Schema)
	svc, o := withMedia(t, db)
	return setupDB(t, db, append(opts, o)...), svc
}

func fileEvent(t *testing.T, id, typ, subtype, text, ts, thread string, files ...map[string]any) []byte {
	t.Helper()
	ev := map[string]any{"type": typ, "user": "U1", "text": text, "ts": ts, "files": files, "upload": true}
	if typ == "message" {
		ev["channel"], ev["channel_type"] = dm, "im"
	} else {
		ev["channel"] = channel
	}
	if subtype != "" {
		ev["subtype"] = subtype
	}
	if thread != "" {
		ev["thread_ts"] = thread
	}
	b, err := json.Marshal(map[string]any{"type": "event_callback", "team_id": team, "event_id": id, "event": ev})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestFileShareBecomesConversationMedia: a JPEG shared in a DM thread with
// words is downloaded with the bot token, kept as media of that
// conversation (its type and size read from the bytes), and the words go
// to the conversation; shared without words it is acknowledged by name.
func TestFileShareBecomesConversationMedia(t *testing.T) {
	t.Parallel()
	b, svc := setupMedia(t)
	file := b.fake.ShareFile("U1", "launch.jpg", "image/jpeg", testmedia.Photo(t, 120, 150, 0))
	b.signed(t, "/slack/events", fileEvent(t, "EvF1", "message", "file_share", "post this to Instagram", "1700000300.000100", "", file))
	b.bot.Wait()
	turns := b.conv.got()
	if len(turns) != 1 || turns[0].text != "post this to Instagram" || turns[0].thread != "1700000300.000100" {
		t.Fatalf("turns = %+v", turns)
	}
	if n := b.fake.Downloads(file["id"].(string)); n != 1 {
		t.Fatalf("%d downloads, want 1", n)
	}
	c := identity.Caller{WorkspaceID: team, UserID: "U1", Role: identity.Viewer}
	page, err := svc.List(t.Context(), c, media.Filter{Conversation: dm + "/1700000300.000100"})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 1 {
		t.Fatalf("media of the conversation = %+v", page.Items)
	}
	m := page.Items[0]
	if m.Name != "launch.jpg" || m.ContentType != "image/jpeg" || m.Width != 120 || m.Height != 150 || m.Source != media.SourceSlack || m.UploadedBy != "U1" {
		t.Fatalf("media = %+v", m)
	}

	// Two files without words, in an app_mention's thread: kept, named in order.
	one := b.fake.ShareFile("U1", "a.jpg", "image/jpeg", testmedia.Photo(t, 30, 30, 0))
	two := b.fake.ShareFile("U1", "b.jpg", "image/jpeg", testmedia.Photo(t, 40, 30, 0))
	b.signed(t, "/slack/events", fileEvent(t, "EvF2", "app_mention", "", "<@UBOT>", "1700000301.000200", "1700000301.000100", one, two))
	b.bot.Wait()
	if n := len(b.conv.got()); n != 1 {
		t.Fatalf("a share without words ran a turn (%d turns)", n)
	}
	page, err = svc.List(t.Context(), c, media.Filter{Conversation: channel + "/1700000301.000100"})
	if err != nil || len(page.Items) != 2 {
		t.Fatalf("thread media = %+v, %v", page.Items, err)
	}
	var posts []slackfake.Call
	for _, c := range b.fake.Calls("chat.postMessage") {
		if c.Args.Get("thread_ts") == "1700000301.000100" {
			posts = append(posts, c)
		}
	}
	if len(posts) != 1 {
		t.Fatalf("posts in the thread = %+v", posts)
	}
	if got := posts[0].Args.Get("text"); !strings.Contains(got, "1. a.jpg\n2. b.jpg") || !strings.Contains(got, "post this to Instagram") {
		t.Fatalf("acknowledgement = %q", got)
	}
}

// TestFileShareRefusals: a file above the limit is refused naming the
// limit and never downloaded; a file that is not media is refused in
// words; a file URL off Slack's file host is not fetched with the token and
// is told as a download problem. Nothing is stored.
func TestFileShareRefusals(t *testing.T) {
	t.Parallel()
	b, svc := setupMedia(t, func(c *slack.Config, _ *slack.Deps) { c.MaxFileBytes = 2048 })
	big := b.fake.ShareFile("U1", "huge.jpg", "image/jpeg", testmedia.Photo(t, 400, 400, 0))
	text := b.fake.ShareFile("U1", "notes.txt", "text/plain", []byte("just words, not an image"))
	// A file URL off Slack's file host never gets the bot token.
	elsewhere := map[string]any{"id": "FX", "name": "x.jpg", "size": 10, "url_private_download": "https://files.example.com/x.jpg"}
	b.signed(t, "/slack/events", fileEvent(t, "EvR1", "message", "file_share", "", "1700000400.000100", "", big, text, elsewhere))
	b.bot.Wait()
	if n := b.fake.Downloads(big["id"].(string)); n != 0 {
		t.Fatalf("the large file was downloaded %d times", n)
	}
	posts := b.fake.Calls("chat.postMessage")
	if len(posts) != 1 {
		t.Fatalf("posts = %+v", posts)
	}
	said := posts[0].Args.Get("text")
	for _, want := range []string{"huge.jpg is too large for me: I take files up to 2 KB from Slack.", "I can't use notes.txt: only images", "Slack did not let me download x.jpg"} {
		if !strings.Contains(said, want) {
			t.Fatalf("said %q, want %q in it", said, want)
		}
	}
	page, err := svc.List(t.Context(), identity.Caller{WorkspaceID: team, UserID: "U1", Role: identity.Viewer}, media.Filter{})
	if err != nil || len(page.Items) != 0 {
		t.Fatalf("stored %+v, %v", page.Items, err)
	}
}

// TestFakeFileHostWantsTheBotToken: the fake's url_private_download hands
// the bytes only to a valid bot token; a missing, wrong or app-level token
// gets Slack's redirect to the sign-in page (HTML), never JSON or the file.
func TestFakeFileHostWantsTheBotToken(t *testing.T) {
	t.Parallel()
	fake := slackfake.New(botToken, "xapp-test-app")
	t.Cleanup(fake.Close)
	f := fake.ShareFile("U1", "launch.jpg", "image/jpeg", []byte("\xff\xd8\xff not really"))
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, tok := range []string{"", "xoxb-wrong", "xapp-test-app", botToken} {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, f["url_private_download"].(string), nil)
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		want := http.StatusFound
		if tok == botToken {
			want = http.StatusOK
		}
		if resp.StatusCode != want {
			t.Fatalf("token %q: status %d, want %d", tok, resp.StatusCode, want)
		}
		if want == http.StatusFound {
			page, err := http.Get(resp.Header.Get("Location"))
			if err != nil {
				t.Fatal(err)
			}
			page.Body.Close()
			if ct := page.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
				t.Fatalf("sign-in page type %q", ct)
			}
		} else if resp.Header.Get("Content-Type") != "image/jpeg" {
			t.Fatalf("file type %q", resp.Header.Get("Content-Type"))
		}
	}
	if n := fake.Downloads(f["id"].(string)); n != 1 {
		t.Fatalf("%d downloads, want 1", n)
	}
}
