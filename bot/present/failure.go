package present

import (
	"strings"

	"github.com/marketingminds/marketingminds/tools/fault"
)

// failureCard words a failure: whose fault it is, what happened, what to
// do next, and the reference of the log entry holding the detail. The
// platform and the account are named only when the platform answered.
func failureCard(env Env, f fault.Failure) card {
	what, next := failureWords(env, f)
	c := card{Title: what, Sections: []section{{Text: next}}, Choices: failureChoices(f)}
	if f.Ref != "" {
		c.Note = "ref " + f.Ref
	}
	return c
}

// failureWords is what happened and what to do next.
func failureWords(env Env, f fault.Failure) (string, string) {
	who := "The platform"
	if f.Platform != "" {
		who = Platform(f.Platform)
	}
	on := ""
	if f.Account != "" {
		on = " for " + f.Account
	}
	said := ""
	if m := strings.TrimSuffix(strings.TrimSpace(f.Message), "."); m != "" {
		said = ": “" + m + "”"
	}
	switch f.Kind {
	case fault.Validation:
		msg := "That can't be done as asked"
		if m := strings.TrimSuffix(strings.TrimSpace(f.Message), "."); m != "" {
			msg = upperFirst(m)
		}
		if f.Convert != nil {
			return msg + ".", "Convert it to fit: you see the converted image before anything is posted."
		}
		return msg + ".", "Change the request and try again."
	case fault.Duplicate:
		return "The same text already went to " + orWord(f.Account, "this account") + " in the last 24 hours.",
			"Post it anyway, or cancel it."
	case fault.Media:
		if f.URL == "" && f.Message != "" { // our check named the media itself
			return upperFirst(strings.TrimSuffix(f.Message, ".")) + ".", "Fix the link (a public address that serves the image or video itself), then send the post again."
		}
		link := "A media link"
		if f.URL != "" {
			link = "The media link " + f.URL
		}
		reason := orWord(f.Message, "it could not be downloaded")
		return link + " could not be downloaded: " + reason + ".",
			"Fix the link (a public address that serves the image or video itself), then send the post again."
	case fault.Refused:
		return who + " refused the post" + on + said + ".", "Change the post to meet " + who + "'s rules, then retry."
	case fault.Token:
		return who + " no longer accepts our access" + orWord(on, " to the account") + ".", "Reconnect the account, then retry."
	case fault.RateLimit:
		next := "Try again in a few minutes."
		if f.RetryAt != nil {
			next = "Try again at " + Clock(env, *f.RetryAt) + " (" + Relative(env, *f.RetryAt) + ")."
		}
		return who + " asks us to slow down for a while.", next
	case fault.Temporary:
		return who + " had a temporary problem.", "Try again in a few minutes."
	case fault.Forbidden:
		return "Your role in this workspace does not allow this.", "Ask a workspace admin to do it, or to give you the editor role."
	case fault.NotFound:
		return "I could not find " + orWord(f.Message, "that") + ".", "Check what you named, or ask me to list what there is."
	}
	return "Something went wrong on our side.", "Try again shortly; if it keeps failing, give your admin the reference below."
}

// failureChoices are what a person can do about a failure by a click.
func failureChoices(f fault.Failure) []Choice {
	switch {
	case f.Kind == fault.Token && f.Platform != "":
		return []Choice{{Label: "Reconnect " + Platform(f.Platform), Action: ActReconnect, Value: string(f.Platform), Style: StylePrimary}}
	case f.Kind == fault.Validation && f.Convert != nil:
		return []Choice{convertChoice(*f.Convert)}
	case f.Kind == fault.Duplicate && f.PostID != "" && f.AccountID != "":
		return []Choice{
			{Label: "Post anyway", Action: ActAnyway, Value: f.PostID + " " + f.AccountID, Style: StylePrimary},
			{Label: "Cancel the post", Action: ActCancel, Value: f.PostID},
		}
	}
	return nil
}

func orWord(s, otherwise string) string {
	if s == "" {
		return otherwise
	}
	return s
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	return strings.ToUpper(string(r[:1])) + string(r[1:])
}

func failureRenderer() Renderer[fault.Failure] {
	r := fromCard(failureCard)
	r.Actionable = func(f fault.Failure) bool { return len(failureChoices(f)) > 0 }
	return r
}
