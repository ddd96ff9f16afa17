package present

import (
	"slices"
	"strings"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/tools/fault"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// targetFailure is a failed target's failure: its own, or a generic one
// for an outcome recorded before failures had kinds.
func targetFailure(f *fault.Failure) fault.Failure {
	if f != nil {
		return *f
	}
	return fault.Failure{Kind: fault.Internal}
}

// outcomeCard says where a post went: each target with its link or why it
// failed and what to do, and a Retry button when something failed.
func outcomeCard(env Env, o publish.Outcome) card {
	var published, failed []string
	var lines []line
	var choices []Choice
	retry := false
	for _, r := range o.Results {
		name := Platform(r.Platform)
		switch r.Status {
		case publish.StatusPublished:
			published = append(published, name)
			l := line{Lead: name, Rest: "published."}
			if r.URL != "" {
				l.Link = link{Text: "View the post", URL: r.URL}
			}
			lines = append(lines, l)
		case publish.StatusFailed, publish.StatusInvalid:
			failed = append(failed, name)
			f := targetFailure(r.Failure)
			what, next := failureWords(env, f)
			if r.Failure == nil && r.Error != "" {
				// Recorded before failures had kinds: publishing's own words.
				what, next = upperFirst(strings.TrimSuffix(r.Error, "."))+".", ""
			}
			lines = append(lines, line{Lead: name, Rest: strings.TrimSpace("not published. " + what + " " + next)})
			if r.Status == publish.StatusFailed && f.Kind != fault.Validation && f.Kind != fault.Media {
				retry = true
			}
			choices = append(choices, failureChoices(f)...)
		case publish.StatusUnconfirmed:
			lines = append(lines, line{Lead: name, Rest: "may or may not have gone out: the platform did not confirm it. Check the account before sending it again."})
			choices = append(choices, Choice{Label: "Publish anyway on " + name, Action: ActAnyway, Value: o.PostID + " " + r.AccountID})
		case publish.StatusCancelled:
			lines = append(lines, line{Lead: name, Rest: "cancelled."})
		default:
			rest := "on its way."
			if r.Failure != nil && r.Failure.Kind == fault.RateLimit && r.Failure.RetryAt != nil {
				rest = Platform(r.Platform) + " asks us to slow down; it goes out at " + Clock(env, *r.Failure.RetryAt) + " by itself."
			}
			lines = append(lines, line{Lead: name, Rest: rest})
		}
	}
	if retry {
		choices = append([]Choice{{Label: "Retry the failed ones", Action: ActRetry, Value: o.PostID, Style: StylePrimary}}, choices...)
	}
	var title string
	switch {
	case len(o.Results) == 0:
		title = "Nothing was sent."
	case len(failed) == 0 && len(published) == len(o.Results):
		title = "Published on " + List(published) + "."
	case len(published) == 0 && len(failed) == len(o.Results):
		title = "The post was not published."
	case len(failed) > 0:
		title = "Published on " + orWord(List(published), "no account") + "; " + List(failed) + " failed."
	default:
		title = "The post is on its way."
	}
	c := card{Title: title, Sections: []section{{Lines: lines}}, Choices: choices}
	if o.Text != "" {
		c.Sections = append([]section{{Text: quoted(o.Text, 80)}}, c.Sections...)
	}
	return c
}

func outcomeRenderer() Renderer[publish.Outcome] {
	r := fromCard(outcomeCard)
	r.Actionable = func(o publish.Outcome) bool { return len(outcomeCard(Env{}, o).Choices) > 0 }
	return r
}

// scheduledCard is a scheduling's answer: the post's view says when and
// where (postCard); this one has only the count of deliveries.
func scheduledCard(_ Env, s publish.Scheduled) card {
	return card{Title: "Scheduled: " + Count(len(s.JobIDs), "delivery") + " will go out at the time asked.",
		Choices: []Choice{{Label: "Cancel the post", Action: ActCancel, Value: s.PostID, Style: StyleDanger}}}
}

// postLine is a post in a list: where, when, its state and its text.
func postLine(env Env, p publish.PostView) (line, []Choice) {
	var where []string
	failedAny, waiting := false, false
	for _, t := range p.Targets {
		name := Platform(t.Platform)
		if !slices.Contains(where, name) {
			where = append(where, name)
		}
		switch t.Status {
		case publish.StatusFailed:
			failedAny = true
		case publish.StatusPending:
			waiting = true
		}
	}
	lead := orWord(List(where), "No account")
	var rest []string
	switch {
	case p.ScheduledAt != nil && waiting:
		rest = append(rest, "scheduled for "+WhenRel(env, *p.ScheduledAt))
	default:
		rest = append(rest, statusWords(p.Status)+", "+When(env, p.CreatedAt))
	}
	rest = append(rest, postQuote(p.Content, 60))
	var choices []Choice
	label := lead + " post"
	if strings.TrimSpace(p.Content.Text) != "" {
		label += " " + quoted(p.Content.Text, 24)
	}
	if failedAny {
		choices = append(choices, Choice{Label: "Retry the " + label, Action: ActRetry, Value: p.ID})
	}
	if waiting {
		choices = append(choices, Choice{Label: "Cancel the " + label, Action: ActCancel, Value: p.ID, Style: StyleDanger})
	}
	return line{Lead: lead, Rest: strings.Join(rest, " — ")}, choices
}

var postStatusWords = map[string]string{
	"published": "published", "scheduled": "scheduled", "pending": "waiting to go out", "failed": "failed",
	"partial": "partly published", "cancelled": "cancelled", "unconfirmed": "not confirmed", "publishing": "going out",
}

func statusWords(s string) string {
	if w, ok := postStatusWords[s]; ok {
		return w
	}
	return strings.ReplaceAll(s, "_", " ")
}

// postCard is one post: when it goes (or went) out, where, what it says.
func postCard(env Env, p publish.PostView) card {
	l, choices := postLine(env, p)
	title := upperFirst(statusWords(p.Status)) + ", " + When(env, p.CreatedAt)
	if p.ScheduledAt != nil && slices.ContainsFunc(p.Targets, func(t publish.TargetView) bool { return t.Status == publish.StatusPending }) {
		title = "Scheduled for " + WhenRel(env, *p.ScheduledAt)
	}
	return card{Title: title, Sections: []section{{Text: "On " + l.Lead + ": " + postQuote(p.Content, 140)}}, Choices: choices}
}

func postsCard(env Env, list []publish.PostView) card {
	if len(list) == 0 {
		return card{Title: "No posts to show."}
	}
	var lines []line
	var choices []Choice
	for _, p := range list {
		l, cs := postLine(env, p)
		lines, choices = append(lines, l), append(choices, cs...)
	}
	return card{Title: Count(len(list), "post"), Sections: []section{{Lines: lines}}, Choices: choices}
}

func draftCard(_ Env, d agents.DraftCheck) card {
	var lines []line
	for _, r := range d.Platforms {
		rest := Number(int64(r.Characters)) + " of " + Number(int64(r.Limit)) + " characters"
		if r.OK {
			rest += ", fits."
		} else {
			rest += ". " + strings.Join(r.Problems, "; ") + "."
		}
		lines = append(lines, line{Lead: r.Platform, Rest: rest})
	}
	title := "The draft fits every platform."
	if !d.OK {
		title = "The draft needs changes before it can go out."
	}
	return card{Title: title, Sections: []section{{Lines: lines}}}
}

func cancelCard(env Env, c agents.CancelResult) card {
	if c.Post != nil {
		l, _ := postLine(env, *c.Post)
		return card{Title: "Cancelled the scheduled post.", Sections: []section{{Lines: []line{{Lead: l.Lead, Rest: postQuote(c.Post.Content, 80)}}}}}
	}
	return card{Title: "Cancelled the job."}
}
