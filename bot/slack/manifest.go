package slack

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/slack-go/slack"
)

// The sidecar's Slack paths.
const (
	PathEvents        = "/slack/events"
	PathCommands      = "/slack/commands"
	PathInteractivity = "/slack/interactivity"
	PathInstall       = "/slack/install"
	PathOAuthCallback = "/slack/oauth/callback"
)

// Command is the slash command the app registers.
const Command = "/mm"

// BotScopes are the bot token scopes the door needs.
var BotScopes = []string{
	"app_mentions:read", // app_mention
	"assistant:write",   // AI-app status and suggested prompts
	"channels:history",  // message.channels: "reply: …" in an inbox item's thread, files shared in a thread; conversations.replies
	"chat:write",        // replies, approvals, notifications
	"commands",          // /mm
	"files:read",        // files shared in threads and DMs: url_private_download
	"files:write",       // charts uploaded in threads
	"groups:history",    // message.groups and conversations.replies: the same in a private channel
	"im:history",        // message.im
	"im:read", "im:write",
	"users:read", // users.info: display name, time zone, admin
}

// BotEvents are the events the door subscribes to.
var BotEvents = []string{"app_mention", "message.im", "message.channels", "message.groups", "assistant_thread_started", "app_home_opened"}

// Manifest is the app manifest a person pastes into Slack's "create an
// app from a manifest": the scopes, events, /mm, interactivity, App Home and
// the AI-app view; with socketMode the request URLs are left out.
func Manifest(publicURL string, socketMode bool) (slack.Manifest, error) {
	u, err := url.Parse(publicURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return slack.Manifest{}, fmt.Errorf("slack: manifest: %q is not an absolute http(s) URL", publicURL)
	}
	base := strings.TrimSuffix(publicURL, "/")
	at := func(path string) string {
		if socketMode {
			return ""
		}
		return base + path
	}
	m := slack.Manifest{
		Display: slack.Display{Name: "Marketing Minds", Description: "Plan, post, schedule and measure your social media from Slack."},
		Features: slack.Features{
			AppHome:       slack.AppHome{HomeTabEnabled: true, MessagesTabEnabled: true},
			BotUser:       slack.BotUser{DisplayName: "Marketing Minds", AlwaysOnline: true},
			AssistantView: &slack.AssistantView{AssistantDescription: "Your marketing assistant: drafts, posts, schedules and reports."},
			SlashCommands: []slack.ManifestSlashCommand{{
				Command: Command, Description: "Post, schedule, list accounts, analytics, jobs", Url: at(PathCommands),
				UsageHint: `post "text" to x,linkedin | schedule "text" to linkedin tomorrow 9am | accounts | help`,
			}},
		},
		OAuthConfig: slack.OAuthConfig{RedirectUrls: []string{base + PathOAuthCallback}, Scopes: slack.OAuthScopes{Bot: BotScopes}},
		Settings: slack.Settings{
			EventSubscriptions: &slack.EventSubscriptions{RequestUrl: at(PathEvents), BotEvents: BotEvents},
			Interactivity:      &slack.Interactivity{IsEnabled: true, RequestUrl: at(PathInteractivity)},
			SocketModeEnabled:  socketMode,
		},
	}
	return m, nil
}
