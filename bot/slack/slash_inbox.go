package slack

import (
	"context"
	"errors"
	"fmt"

	"github.com/marketingminds/marketingminds/agents/intent"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/settings"
)

// slashInbox reads or sets where new comments and mentions are posted
// (`/mm inbox`, `here`, `off`, a channel id): the same settings.Update as
// the settings page and REST; changing it is an admin's.
func (b *Bot) slashInbox(ctx context.Context, c identity.Caller, channel string, cmd intent.Command) (any, error) {
	if b.d.Settings == nil {
		return "Settings are not available on this server.", nil
	}
	st, err := b.d.Settings.Lookup(ctx, c.WorkspaceID)
	if cmd.Status != "" || cmd.ID != "" {
		to := cmd.ID
		if cmd.Status == "here" {
			to = channel
		}
		st, err = b.d.Settings.Update(ctx, c, settings.Patch{InboxChannel: &to})
		var ve *settings.ValidationError
		if errors.As(err, &ve) && len(ve.Problems) > 0 {
			return nil, &sayError{words: upperFirst(ve.Problems[0].Message) + "."}
		}
	}
	if err != nil {
		return nil, err
	}
	if st.InboxChannel == "" {
		return fmt.Sprintf("New comments and mentions are not posted in Slack (the dashboard's inbox has them). `%s inbox here` in a channel posts them there.", Command), nil
	}
	return fmt.Sprintf("New comments and mentions are posted to <#%s>, each with buttons to answer; a reply in an item's thread answers it. `%s inbox off` stops it.", st.InboxChannel, Command), nil
}
