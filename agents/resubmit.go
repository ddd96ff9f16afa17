package agents

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// ErrNoRefusal is Resubmit's answer when the conversation holds no refused
// call naming the media converted (a slash command's refusal, another
// conversation's, or one proposed again already): the door shows the
// conversion alone.
var ErrNoRefusal = errors.New("agents: no refused post in this conversation uses that media")

// MediaSwap is a conversion to put in a refused post: the original, as the
// Convert offer named it (an uploaded media's id, or a link), and the
// converted copy's media id (tools/media/check's Stored).
type MediaSwap struct {
	OldID, OldURL string
	NewID         string
}

// Resubmit proposes again the conversation's latest refused call that
// names the original media, with the converted copy in its place, as the
// model's own call would go: validation, the checks before approval and
// the gate, for c (an editor) with the agent door. A link becomes the
// copy's media id (a signed link would expire before a scheduled post is
// sent). The call and its answer join the conversation, so the model
// knows; the reply is what the door shows (the approval, through sink as
// well, or the new refusal). ErrNoRefusal when nothing here was refused
// for that media, or it was proposed again with this copy already.
func (o *Orchestrator) Resubmit(ctx context.Context, c identity.Caller, key ConversationKey, swap MediaSwap, sink Sink) (Reply, error) {
	if err := c.Require(identity.Editor); err != nil {
		return Reply{}, fmt.Errorf("agents: resubmit: %w", err)
	}
	if swap.NewID == "" || (swap.OldID == "" && swap.OldURL == "") {
		return Reply{}, fmt.Errorf("%w: name the original media and its converted copy", ErrInvalid)
	}
	key.WorkspaceID = c.WorkspaceID
	history, err := o.cfg.Store.Messages(ctx, key, historyLoad)
	if err != nil {
		return Reply{}, err
	}
	refused, err := latestRefused(history, swap)
	if err != nil {
		return Reply{}, err
	}
	args, err := swapMedia(json.RawMessage(refused.Arguments), swap)
	if err != nil {
		return Reply{}, err
	}
	sink = &lockedSink{s: sink}
	reply := Reply{Text: "Converted. Here is the post again with the converted media in place of the original."}
	sink.Delta(reply.Text)
	agent := c
	agent.Door = identity.DoorAgent
	call := llm.ToolCall{ID: "resubmit_" + newID(), Name: refused.Name, Arguments: string(args)}
	content, v, held := o.runTool(ctx, key, agent, call, o.all, sink)
	if held != nil {
		reply.Approvals = []Approval{*held}
	} else {
		reply.Results = []Result{{Tool: call.Name, Value: v}} // the new refusal, or what ran (no approval needed)
	}
	said := []llm.Message{
		{Role: llm.RoleAssistant, Content: "The person converted the media with the Convert button; proposing the refused " +
			strings.ReplaceAll(call.Name, "_", " ") + " again with the converted copy.", ToolCalls: []llm.ToolCall{call}},
		{Role: llm.RoleTool, ToolCallID: call.ID, Name: call.Name, Content: content},
	}
	if err := o.cfg.Store.AppendMessages(context.WithoutCancel(ctx), key, said, o.cfg.Now()); err != nil {
		o.cfg.Log.Error().Err(err).Str("workspace", key.WorkspaceID).Msg("agents: save the call proposed again")
	}
	return reply, nil
}

// latestRefused finds, newest first, the call of history whose answer was
// an error and whose arguments name swap's original; a call naming the
// copy first means it was proposed again already.
func latestRefused(history []llm.Message, swap MediaSwap) (llm.ToolCall, error) {
	failed := map[string]bool{}
	for _, m := range slices.Backward(history) {
		if m.Role == llm.RoleTool {
			failed[m.ToolCallID] = isErrorContent(m.Content)
			continue
		}
		for _, tc := range slices.Backward(m.ToolCalls) {
			var a mediaArgs
			if json.Unmarshal([]byte(tc.Arguments), &a) != nil {
				continue
			}
			switch {
			case slices.Contains(a.MediaIDs, swap.NewID):
				return llm.ToolCall{}, fmt.Errorf("%w: it was proposed again with the converted copy already", ErrNoRefusal)
			case failed[tc.ID] && a.names(swap):
				return tc, nil
			}
		}
	}
	return llm.ToolCall{}, ErrNoRefusal
}

// isErrorContent reports whether a tool message says the call failed
// (errorContent's shape).
func isErrorContent(s string) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal([]byte(s), &m) != nil {
		return false
	}
	_, ok := m["error"]
	return ok && len(m) == 1
}

// mediaArgs are the media fields of the post tools' arguments.
type mediaArgs struct {
	MediaIDs  []string `json:"media_ids"`
	ImageURLs []string `json:"image_urls"`
	VideoURL  string   `json:"video_url"`
}

func (a mediaArgs) names(swap MediaSwap) bool {
	if swap.OldID != "" {
		return slices.Contains(a.MediaIDs, swap.OldID)
	}
	return slices.Contains(a.ImageURLs, swap.OldURL) || a.VideoURL == swap.OldURL
}

// swapMedia returns raw with swap's original replaced by its copy: in
// media_ids in place; a link is taken out of image_urls or video_url and
// the copy's id put first in media_ids (sent right after the links).
func swapMedia(raw json.RawMessage, swap MediaSwap) (json.RawMessage, error) {
	var a mediaArgs
	if err := json.Unmarshal(raw, &a); err != nil {
		return nil, fmt.Errorf("agents: arguments: %w", err)
	}
	if swap.OldID != "" {
		ids := slices.Clone(a.MediaIDs)
		for i, id := range ids {
			if id == swap.OldID {
				ids[i] = swap.NewID
			}
		}
		return setArg(raw, "media_ids", ids)
	}
	out := raw
	var err error
	if urls := slices.DeleteFunc(slices.Clone(a.ImageURLs), func(u string) bool { return u == swap.OldURL }); len(urls) != len(a.ImageURLs) {
		if out, err = setArg(out, "image_urls", urls); err != nil {
			return nil, err
		}
	}
	if a.VideoURL == swap.OldURL {
		if out, err = dropArg(out, "video_url"); err != nil {
			return nil, err
		}
	}
	return setArg(out, "media_ids", append([]string{swap.NewID}, a.MediaIDs...))
}

// dropArg returns raw without key.
func dropArg(raw json.RawMessage, key string) (json.RawMessage, error) {
	m := map[string]json.RawMessage{}
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("agents: arguments: %w", err)
	}
	delete(m, key)
	out, err := json.Marshal(m)
	return out, err
}
