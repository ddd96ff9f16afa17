package present

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/campaigns"
	"github.com/marketingminds/marketingminds/tools/publish"
	"github.com/marketingminds/marketingminds/tools/schedule"
)

var jobKinds = map[string]string{
	publish.JobKind:         "Scheduled post",
	campaigns.JobKind:       "E-mail campaign send",
	accounts.RefreshJobKind: "Account access refresh",
}

func jobKind(k string) string {
	if w, ok := jobKinds[k]; ok {
		return w
	}
	return upperFirst(strings.NewReplacer("_", " ", ".", " ").Replace(k))
}

var jobStatusWords = map[schedule.Status]string{
	schedule.StatusPending: "due", schedule.StatusProcessing: "running since", schedule.StatusCompleted: "done",
	schedule.StatusFailed: "failed", schedule.StatusCancelled: "cancelled",
}

func jobsCard(env Env, jobs []agents.JobView) card {
	if len(jobs) == 0 {
		return card{Title: "Nothing is scheduled."}
	}
	var lines []line
	var choices []Choice
	for i, j := range jobs {
		rest := jobStatusWords[j.Status]
		if rest == "" {
			rest = string(j.Status)
		}
		switch j.Status {
		case schedule.StatusPending, schedule.StatusProcessing:
			rest += " " + WhenRel(env, j.RunAt)
		default:
			rest += " on " + When(env, j.RunAt)
		}
		if j.Status == schedule.StatusFailed && j.Attempts > 0 {
			rest += " after " + Count(j.Attempts, "attempt")
		}
		lines = append(lines, line{Lead: jobKind(j.Type), Rest: rest})
		// Only what a person scheduled is theirs to cancel; the
		// housekeeping jobs keep the workspace running.
		if j.Status == schedule.StatusPending && (j.Type == publish.JobKind || j.Type == campaigns.JobKind) {
			choices = append(choices, Choice{Label: "Cancel the " + strings.ToLower(jobKind(j.Type)) + " due " + When(env, j.RunAt),
				Action: ActCancel, Value: jobs[i].ID, Style: StyleDanger})
		}
	}
	return card{Title: Count(len(jobs), "job"), Sections: []section{{Lines: lines}}, Choices: choices}
}

// approvalCard is an action waiting for a person: what it will do, and
// the buttons (Slack, web) or y/N (terminal) that decide it.
func approvalCard(env Env, a agents.Approval) card {
	if c, ok := questionCard(env, a); ok {
		return c
	}
	return card{Title: "This needs your approval", Sections: []section{{Text: a.Preview}}, Images: postImages(env, a.Args),
		Choices: []Choice{
			{Label: "Approve", Action: ActApprove, Value: a.ID, Style: StylePrimary},
			{Label: "Reject", Action: ActReject, Value: a.ID, Style: StyleDanger},
		}}
}

func approvalRenderer() Renderer[agents.Approval] {
	r := fromCard(approvalCard)
	// The terminal asks y/n itself.
	r.Terminal = func(env Env, a agents.Approval) Terminal {
		c := approvalCard(env, a)
		c.Choices = nil
		return terminalCard(c)
	}
	r.Actionable = func(agents.Approval) bool { return true }
	return r
}

// PostThumbs are the thumbnails of the media a post's arguments attach,
// as postImages gives them to a card, for a door that draws an approval
// its own way (the web chat's, with its forms).
func PostThumbs(env Env, args json.RawMessage) []Thumb { return postImages(env, args) }

// postImages are the thumbnails of the stored media a post's arguments
// attach (media_ids), in order, each with its stored alt text (MediaAlt)
// when the door reads the media; without a MediaURL (the terminal) they
// are named only.
func postImages(env Env, args json.RawMessage) []cardImage {
	var a struct {
		MediaIDs []string `json:"media_ids"`
	}
	if json.Unmarshal(args, &a) != nil {
		return nil
	}
	var out []cardImage
	for i, id := range a.MediaIDs {
		im := cardImage{Alt: fmt.Sprintf("Media %d of %d of the post", i+1, len(a.MediaIDs))}
		if env.Media != nil {
			if m, ok := env.Media(id); ok {
				im.Alt = MediaAlt(m, i, len(a.MediaIDs))
			}
		}
		if env.MediaURL != nil {
			im.URL = env.MediaURL(id)
		}
		out = append(out, im)
	}
	return out
}
