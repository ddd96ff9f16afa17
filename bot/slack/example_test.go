package slack_test

import (
	"fmt"

	"github.com/marketingminds/marketingminds/bot/slack"
)

// The manifest a person pastes into Slack's "create an app from a manifest".
func ExampleManifest() {
	m, err := slack.Manifest("https://mm.example.com", false)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Features.SlashCommands[0].Command, m.Features.SlashCommands[0].Url)
	fmt.Println(m.Settings.EventSubscriptions.RequestUrl)
	fmt.Println(m.Settings.EventSubscriptions.BotEvents)
	fmt.Println(m.OAuthConfig.RedirectUrls[0])
	// Output:
	// /mm https://mm.example.com/slack/commands
	// https://mm.example.com/slack/events
	// [app_mention message.im message.channels message.groups assistant_thread_started app_home_opened]
	// https://mm.example.com/slack/oauth/callback
}
