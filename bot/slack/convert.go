package slack

import (
	"context"

	"github.com/marketingminds/marketingminds/bot/present"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/media/check"
)

// Converter is the convert_media capability (*check.Service).
type Converter interface {
	ConvertMedia(ctx context.Context, c identity.Caller, r check.ConvertRequest) (check.Converted, error)
}

const actConvert = present.ActConvert

// convertAction answers a Convert button: the media is converted as the
// clicker (editors may) and the result, with its link to look at, is posted
// where the button was; a refusal is told to the clicker only.
func (b *Bot) convertAction(ctx context.Context, a action) {
	req, ok := present.ParseConvertValue(a.id)
	if !ok || b.d.Converter == nil {
		b.ephemeral(ctx, a, "This button is out of date.")
		return
	}
	out, err := b.d.Converter.ConvertMedia(ctx, a.caller, req)
	if err != nil {
		b.ephemeralCard(ctx, a, b.failed(err))
		return
	}
	thread := a.thread
	if thread == "" {
		thread = a.message
	}
	if err := b.postCard(ctx, a.api, a.channel, thread, b.env(ctx, a.api, a.caller), out); err != nil {
		b.log.Error().Err(err).Msg("slack: post the converted media")
	}
}
