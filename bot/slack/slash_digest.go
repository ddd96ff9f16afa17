package slack

import (
	"context"
	"errors"
	"fmt"

	"github.com/marketingminds/marketingminds/agents/intent"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/settings"
)

// slashDigest reads or switches the weekly digest (`/mm digest`, `on`,
// `off`, a channel id): the same settings.Update as the settings page and
// REST; changing it is an admin's.
func (b *Bot) slashDigest(ctx context.Context, c identity.Caller, _ string, cmd intent.Command) (any, error) {
	if b.d.Settings == nil {
		return "Settings are not available on this server.", nil
	}
	st, err := b.d.Settings.Lookup(ctx, c.WorkspaceID)
	if cmd.Status != "" || cmd.ID != "" {
		var p settings.Patch
		if cmd.Status != "" {
			on := cmd.Status == "on"
			p.WeeklyDigest = &on
		}
		if cmd.ID != "" {
			p.DigestChannel = &cmd.ID
		}
		st, err = b.d.Settings.Update(ctx, c, p)
		var ve *settings.ValidationError
		if errors.As(err, &ve) && len(ve.Problems) > 0 {
			return nil, &sayError{words: upperFirst(ve.Problems[0].Message) + "."}
		}
	}
	if err != nil {
		return nil, err
	}
	switch to := st.DigestTo(); {
	case !st.WeeklyDigest:
		return fmt.Sprintf("The weekly digest is off. `%s digest on` sends it again, Mondays at 09:00 (%s).", Command, st.TimeZone), nil
	case to == "":
		return fmt.Sprintf("The weekly digest is on but has nowhere to go: `%s digest CHANNEL_ID` picks its channel.", Command), nil
	default:
		return fmt.Sprintf("The weekly digest goes to <#%s> on Mondays at 09:00 (%s). `%s digest off` stops it.", to, st.TimeZone, Command), nil
	}
}
