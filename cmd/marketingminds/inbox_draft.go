package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/inbox"
)

// replyDrafter drafts answers to inbox items with the content writer (the
// agents' specialist: the brand's voice, from the workspace's memory), for
// Slack's "Draft a reply" and the dashboard's. A person edits and sends it.
type replyDrafter struct{ o *agents.Orchestrator }

// errNoDraft is a content writer's answer without a usable draft.
var errNoDraft = errors.New("draft a reply: the content writer gave no usable draft")

func (d replyDrafter) DraftReply(ctx context.Context, c identity.Caller, it inbox.Item) (string, error) {
	key := string(it.Platform)
	task := fmt.Sprintf("Write a short, warm reply from our %s account to this %s by %s, in the team's voice (recall what the team noted about "+
		"its voice first). It answers one person: no hashtags, no links unless they help. Their words: %q. "+
		`Answer with JSON only: {"variants": {%q: "the reply"}, "notes": "..."}`, it.Platform.Label(), it.Kind, orSomeone(it.AuthorName), it.Text, key)
	args, err := json.Marshal(map[string]string{"task": task, "context": "Our post they wrote on: " + it.PostText})
	if err != nil {
		return "", err
	}
	inv, err := d.o.Invoke(ctx, c, "content_writer", args)
	if err != nil {
		return "", fmt.Errorf("draft a reply: %w", err)
	}
	res, ok := inv.Value.(agents.SpecialistResult)
	if !ok || len(res.Problems) > 0 {
		return "", errNoDraft
	}
	var out struct {
		Variants map[string]string `json:"variants"`
	}
	if err := json.Unmarshal([]byte(strings.Trim(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(res.Answer), "```json")), "`")), &out); err != nil {
		return "", fmt.Errorf("%w: %v", errNoDraft, err)
	}
	for k, v := range out.Variants {
		if k == key || len(out.Variants) == 1 || (key == "twitter" && k == "x") {
			if v = strings.TrimSpace(v); v != "" {
				return v, nil
			}
		}
	}
	return "", errNoDraft
}

func orSomeone(name string) string {
	if name == "" {
		return "someone"
	}
	return name
}
