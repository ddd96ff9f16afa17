package agents

import (
	"context"
	"regexp"
	"strconv"
	"strings"

	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/tools/fault"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// The words that answer a held action in the conversation, in any door.
var (
	rememberWords = regexp.MustCompile(`(?i)\b(remember|default|always|from now on)\b`)
	anywayWords   = regexp.MustCompile(`(?i)^\W*(yes,?\s+)?(post|send|publish|do it|go)?\s*anyway\b`)
	cancelWords   = regexp.MustCompile(`(?i)^\W*(cancel|never ?mind|don'?t|do not|stop|no)\b`)
	ordinalWords  = map[string]int{"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
	numberWord    = regexp.MustCompile(`(?i)^\W*(?:#|no\.?\s*|number\s+|option\s+)?(\d{1,2})\b`)
	wordSplit     = regexp.MustCompile(`[^\p{L}\p{N}]+`)
)

// answer reads t as the person's answer to the action held in this
// conversation, when it is one: an option of a "which account?" ("2", "the
// Acme Outdoor page", "Acme Outdoor, and remember it"), "post anyway" or
// "cancel" for a warned post, "remember that" after a choice. Anything
// else is a new request for the model (false).
func (o *Orchestrator) answer(ctx context.Context, t Turn, key ConversationKey) (Reply, bool, error) {
	held, err := o.heldHere(ctx, key)
	if err != nil || held == nil {
		return Reply{}, false, err
	}
	text := strings.TrimSpace(t.Text)
	c := t.Caller
	var res ApprovalResult
	switch {
	case held.Status == ApprovalAsking && cancelWords.MatchString(text):
		res, err = o.Reject(ctx, c, held.ID, "cancelled in the conversation")
	case held.Status == ApprovalAsking:
		opt, ok := pickOption(held.Checks.Choice, text)
		if !ok {
			return Reply{}, false, nil
		}
		res, err = o.Choose(ctx, c, held.ID, opt.AccountID, rememberWords.MatchString(text))
	case held.Status == ApprovalPending && len(held.Checks.Duplicates) > 0 && anywayWords.MatchString(text):
		res, err = o.Approve(ctx, c, held.ID)
	case held.Status == ApprovalPending && len(held.Checks.Duplicates) > 0 && cancelWords.MatchString(text):
		res, err = o.Reject(ctx, c, held.ID, "cancelled in the conversation")
	case len(held.Checks.Chosen) > 0 && rememberWords.MatchString(text) && len(text) < 60:
		var said string
		said, err = o.Remember(ctx, c, held.ID)
		res = ApprovalResult{Text: said}
	default:
		return Reply{}, false, nil
	}
	if err != nil {
		return Reply{Text: "That did not work: " + o.modelMessage(ctx, held.Tool, err)}, true, nil
	}
	reply := Reply{Text: res.Text}
	if f, failed := res.Value.(fault.Failure); failed { // a refusal with something to act on (Convert) reaches the door
		reply.Results = []Result{{Tool: held.Tool, Value: f}}
	}
	if a := res.Approval; a.Status == ApprovalAsking || a.Status == ApprovalPending {
		reply.Approvals = []Approval{a}
	}
	said := []llm.Message{{Role: llm.RoleUser, Content: t.Text}}
	if err := o.cfg.Store.AppendMessages(context.WithoutCancel(ctx), key, said, o.cfg.Now()); err != nil {
		o.cfg.Log.Error().Err(err).Str("workspace", key.WorkspaceID).Msg("agents: save conversation")
	}
	return reply, true, nil
}

// heldHere is the latest action of this conversation a person may still
// answer: asking, pending with a duplicate warning, or one whose accounts
// were chosen (for "remember that"); nil when there is none.
func (o *Orchestrator) heldHere(ctx context.Context, key ConversationKey) (*Approval, error) {
	list, err := o.cfg.Store.ListApprovals(ctx, key.WorkspaceID, "", 20)
	if err != nil {
		return nil, err
	}
	for _, a := range list {
		if a.Channel != key.Channel || a.Thread != key.Thread {
			continue
		}
		if a.Status == ApprovalAsking || len(a.Checks.Duplicates) > 0 || len(a.Checks.Chosen) > 0 {
			return &a, nil
		}
		return nil, nil // the latest action here asks nothing
	}
	return nil, nil
}

// pickOption finds the option a person's words name: its number, its
// ordinal, or words of its name that no other option shares.
func pickOption(ch *publish.Choice, text string) (publish.Target, bool) {
	if ch == nil {
		return publish.Target{}, false
	}
	n := 0
	if m := numberWord.FindStringSubmatch(text); m != nil {
		n, _ = strconv.Atoi(m[1])
	}
	words := strings.Fields(strings.ToLower(wordSplit.ReplaceAllString(text, " ")))
	if n == 0 && len(words) <= 3 {
		for _, w := range words {
			if v, ok := ordinalWords[w]; ok {
				n = v
				break
			}
		}
	}
	if n >= 1 && n <= len(ch.Options) {
		return ch.Options[n-1], true
	}
	said := map[string]bool{}
	for _, w := range words {
		said[w] = true
	}
	best, bestScore, tie := -1, 0, false
	for i, opt := range ch.Options {
		score := 0
		for _, w := range strings.Fields(strings.ToLower(wordSplit.ReplaceAllString(opt.Name+" "+opt.Handle, " "))) {
			if said[w] && !shared(ch, i, w) {
				score++
			}
		}
		switch {
		case score > bestScore:
			best, bestScore, tie = i, score, false
		case score == bestScore && score > 0:
			tie = true
		}
	}
	if best < 0 || tie {
		return publish.Target{}, false
	}
	return ch.Options[best], true
}

// shared reports whether word w is in the name of an option other than i.
func shared(ch *publish.Choice, i int, w string) bool {
	for j, opt := range ch.Options {
		if j == i {
			continue
		}
		for _, x := range strings.Fields(strings.ToLower(wordSplit.ReplaceAllString(opt.Name+" "+opt.Handle, " "))) {
			if x == w {
				return true
			}
		}
	}
	return false
}
