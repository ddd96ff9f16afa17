package agents

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/media"
)

// MediaLister lists the media shared in a conversation (*media.Service).
type MediaLister interface {
	List(ctx context.Context, c identity.Caller, f media.Filter) (media.Page, error)
}

// maxTurnMedia bounds the media a turn's context names: the newest ones.
const maxTurnMedia = 20

// String is the conversation's key within its workspace, as media shared
// in it record it (media.Upload.Conversation): "channel/thread".
func (k ConversationKey) String() string { return k.Channel + "/" + k.Thread }

// turnMedia reads the media shared in the conversation, oldest first, and
// the context message that names them for the model; none: no message.
func (o *Orchestrator) turnMedia(ctx context.Context, c identity.Caller, key ConversationKey) ([]llm.Media, *llm.Message, error) {
	if o.cfg.Media == nil {
		return nil, nil, nil
	}
	page, err := o.cfg.Media.List(ctx, c, media.Filter{Conversation: key.String(), Limit: maxTurnMedia})
	if err != nil {
		return nil, nil, fmt.Errorf("agents: media of the conversation: %w", err)
	}
	if len(page.Items) == 0 {
		return nil, nil, nil
	}
	out := make([]llm.Media, 0, len(page.Items))
	for _, m := range slices.Backward(page.Items) { // the page is newest first
		out = append(out, llm.Media{ID: m.ID, Name: m.Name, ContentType: m.ContentType, Width: m.Width, Height: m.Height, Duration: m.Duration})
	}
	var b strings.Builder
	b.WriteString("Media shared in this conversation, oldest first. Attach them to a post with media_ids; " +
		"\"this\" or \"the image above\" is the last one, \"the second one\" the second:\n")
	for i, m := range out {
		fmt.Fprintf(&b, "%d. %s (media_id %s)\n", i+1, m.Describe(), m.ID)
	}
	return out, &llm.Message{Role: llm.RoleSystem, Content: strings.TrimSuffix(b.String(), "\n")}, nil
}
