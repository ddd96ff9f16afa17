package present

import (
	"strings"

	"github.com/marketingminds/marketingminds/tools/inbox"
)

// The engagement inbox: one comment or mention with its thread, and a page
// of them. Ids are never shown; the platform's link is.

var inboxStates = map[string]string{
	inbox.StateNew: "waiting for an answer", inbox.StateAnswered: "answered",
	inbox.StateHidden: "hidden", inbox.StateDone: "closed without an answer",
}

var inboxKinds = map[string]string{inbox.KindComment: "Comment", inbox.KindReply: "Reply", inbox.KindMention: "Mention"}

// inboxWho is who wrote it: "Ann Lee (@ann)", or "Someone" when the
// platform withheld the name.
func inboxWho(it inbox.Item) string {
	name := it.AuthorName
	if it.AuthorHandle != "" && it.AuthorHandle != name {
		if name == "" {
			return "@" + it.AuthorHandle
		}
		name += " (@" + it.AuthorHandle + ")"
	}
	return orWord(name, "Someone")
}

func inboxItemCard(env Env, it inbox.Item) card {
	c := card{Title: orWord(inboxKinds[it.Kind], "Comment") + " from " + inboxWho(it) + " on " + Platform(it.Platform)}
	main := section{Text: quoted(it.Text, 500)}
	if it.Permalink != "" {
		main.Lines = []line{{Link: link{Text: "Open on " + Platform(it.Platform), URL: it.Permalink}}}
	}
	c.Sections = append(c.Sections, main)
	if it.PostText != "" {
		c.Sections = append(c.Sections, section{Heading: "On your post", Text: quoted(it.PostText, 120)})
	}
	fs := []field{{"State", orWord(inboxStates[it.State], it.State)}, {"Written", When(env, it.CreatedAt)}}
	if !it.AnsweredAt.IsZero() {
		fs = append(fs, field{"First answer", When(env, it.AnsweredAt)})
	}
	c.Sections = append(c.Sections, section{Fields: fs})
	var answers []line
	for _, r := range it.Replies {
		lead := "Your team"
		if r.ExternalID == "" {
			lead = "Being sent"
		}
		answers = append(answers, line{Lead: lead, Rest: quoted(r.Text, 200) + " · " + When(env, r.At)})
	}
	if len(answers) > 0 {
		c.Sections = append(c.Sections, section{Heading: "Answers", Lines: answers})
	}
	return c
}

func inboxPageCard(env Env, p inbox.Page) card {
	if len(p.Items) == 0 {
		return card{Title: "Nothing in the inbox matches."}
	}
	var lines []line
	waiting := 0
	for _, it := range p.Items {
		if it.State == inbox.StateNew {
			waiting++
		}
		rest := []string{quoted(it.Text, 80), orWord(inboxStates[it.State], it.State), WhenRel(env, it.CreatedAt)}
		l := line{Lead: inboxWho(it) + " on " + Platform(it.Platform), Rest: strings.Join(rest, " · ")}
		if it.Permalink != "" {
			l.Link = link{Text: "open", URL: it.Permalink}
		}
		lines = append(lines, l)
	}
	c := card{Title: Count(len(p.Items), "message") + " in the inbox", Sections: []section{{Lines: lines}}}
	c.Note = Number(int64(waiting)) + " waiting for an answer"
	if p.NextCursor != "" {
		c.Note += "; there are more"
	}
	return c
}
