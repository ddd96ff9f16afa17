package slack

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/slack-go/slack"

	"github.com/marketingminds/marketingminds/agents/intent"
	"github.com/marketingminds/marketingminds/bot/present"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/analytics"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// Analytics is tools/analytics as the door uses it: a range reviewed
// beside the period before it.
type Analytics interface {
	Review(ctx context.Context, c identity.Caller, rg analytics.Range) (analytics.Review, error)
	LastDays(ctx context.Context, c identity.Caller, n int) (analytics.Range, error)
	BestTimes(ctx context.Context, c identity.Caller, p platform.Name) (analytics.BestTimes, error)
}

// slashBest answers `/mm best [platform]` with the best times, without the
// model: every platform, or the one named (its heatmap goes with it).
func (b *Bot) slashBest(ctx context.Context, c identity.Caller, _ string, cmd intent.Command) (any, error) {
	bt, err := b.d.Analytics.BestTimes(ctx, c, platform.Name(cmd.Platform))
	if err != nil {
		return nil, fmt.Errorf("slack: /mm best: %w", err)
	}
	return bt, nil
}

// slashReview answers `/mm analytics` with a Review, without the model: a
// range of days ending today (days as the workspace's time zone has them),
// dates, or the default.
func (b *Bot) slashReview(ctx context.Context, c identity.Caller, _ string, cmd intent.Command) (any, error) {
	var rg analytics.Range
	switch {
	case cmd.DateFrom != "":
		rg = analytics.Range{From: cmd.DateFrom, To: cmd.DateTo}
	case cmd.Days > 0:
		var err error
		if rg, err = b.d.Analytics.LastDays(ctx, c, cmd.Days); err != nil {
			return nil, fmt.Errorf("slack: /mm analytics %dd: %w", cmd.Days, err)
		}
	}
	r, err := b.d.Analytics.Review(ctx, c, rg)
	if err != nil {
		return nil, fmt.Errorf("slack: /mm analytics: %w", err)
	}
	return r, nil
}

// postWithImages posts msg in channel, where everyone sees it, and uploads
// its images into the message's thread through Slack's external upload
// flow. It returns the message's ts.
func (b *Bot) postWithImages(ctx context.Context, api *slack.Client, channel string, msg present.Slack) (string, error) {
	opts := []slack.MsgOption{slack.MsgOptionText(msg.Text, false)}
	if len(msg.Blocks) > 0 {
		opts = append(opts, slack.MsgOptionBlocks(msg.Blocks...))
	}
	var ts string
	err := b.call(ctx, channel, false, func() error {
		var err error
		_, ts, err = api.PostMessageContext(ctx, channel, opts...)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("slack: post %s: %w", channel, err)
	}
	return ts, b.uploadImages(ctx, api, channel, ts, msg.Images)
}

// uploadImages uploads images into a message's thread through Slack's
// external upload flow.
func (b *Bot) uploadImages(ctx context.Context, api *slack.Client, channel, thread string, images []present.Image) error {
	for _, img := range images {
		err := b.call(ctx, channel, false, func() error {
			_, err := api.UploadFileContext(ctx, slack.UploadFileParameters{
				Filename: img.Name, Title: img.Title, AltTxt: img.Title, FileSize: len(img.PNG),
				Reader: bytes.NewReader(img.PNG), Channel: channel, ThreadTimestamp: thread,
			})
			return err
		})
		if err != nil {
			return fmt.Errorf("slack: upload %s to %s: %w", img.Name, channel, err)
		}
	}
	return nil
}

// PostResult posts a result (a weekly digest) in a workspace's channel as
// bot/present renders it for Slack, its images uploaded in the thread. It
// fails only when the message did not go out.
func (b *Bot) PostResult(ctx context.Context, workspaceID, channel string, loc *time.Location, v any) error {
	api, err := b.client(ctx, workspaceID)
	if err != nil {
		return err
	}
	msg := b.present.Slack(present.Env{Loc: loc, Now: b.now()}, v)
	ts, err := b.postWithImages(ctx, api, channel, msg)
	if err != nil && ts != "" {
		// The message is out: an error means nothing was posted, so the
		// caller may try again without posting it twice.
		b.log.Warn().Err(err).Str("team", workspaceID).Msg("slack: result posted without its images")
		return nil
	}
	if err != nil {
		return fmt.Errorf("slack: post result in %s: %w", workspaceID, err)
	}
	return nil
}
