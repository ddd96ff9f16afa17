package present

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/slack-go/slack"
)

// card is the shape most results take in every door: a heading, sections
// of text, figures and lines, a small note and the choices. Each door
// draws it its own way (slackCard, webCard, terminalCard).
type card struct {
	Title    string
	Sections []section
	// Images are thumbnails shown after the sections (a post's media).
	Images  []cardImage
	Note    string
	Choices []Choice
}

// Thumb is a thumbnail: where the door's reader fetches it (Slack: a
// signed URL Slack fetches; the web: a same-origin route) and its alt text.
type Thumb struct{ URL, Alt string }

// cardImage is a card's thumbnail.
type cardImage = Thumb

// section is a part of a card: a heading, a paragraph, figures (label and
// value, two columns in Slack, aligned in the terminal) and lines.
type section struct {
	Heading string
	Text    string
	Fields  []field
	Lines   []line
}

type field struct{ Label, Value string }

// line is one item of a list: a lead in bold, what follows, and an
// optional link.
type line struct {
	Lead, Rest string
	Link       link
}

type link struct{ Text, URL string }

// fromCard makes the three door renderers of a type from its card.
func fromCard[T any](fn func(Env, T) card) Renderer[T] {
	return Renderer[T]{
		Slack:    func(env Env, v T) Slack { return slackCard(fn(env, v)) },
		Web:      func(env Env, v T) template.HTML { return webCard(fn(env, v)) },
		Terminal: func(env Env, v T) Terminal { return terminalCard(fn(env, v)) },
	}
}

// esc escapes text for mrkdwn.
func esc(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func slackLine(l line) string {
	var parts []string
	if l.Lead != "" {
		parts = append(parts, "*"+esc(l.Lead)+"*")
	}
	if l.Rest != "" {
		parts = append(parts, esc(l.Rest))
	}
	if l.Link.URL != "" {
		parts = append(parts, fmt.Sprintf("<%s|%s>", l.Link.URL, esc(l.Link.Text)))
	}
	return "• " + strings.Join(parts, " ")
}

func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

func plainText(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
}

// slackCard draws a card as Block Kit: a section per part, figures as
// fields, the note as context, the choices as buttons.
func slackCard(c card) Slack {
	var blocks []slack.Block
	var text []string
	if c.Title != "" {
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn("*"+esc(c.Title)+"*"), nil, nil))
	}
	for _, s := range c.Sections {
		var body []string
		if s.Heading != "" {
			body = append(body, "*"+esc(s.Heading)+"*")
		}
		if s.Text != "" {
			body = append(body, esc(s.Text))
		}
		for _, l := range s.Lines {
			body = append(body, slackLine(l))
		}
		var fields []*slack.TextBlockObject
		for _, f := range s.Fields {
			fields = append(fields, mrkdwn("*"+esc(f.Label)+"*\n"+esc(f.Value)))
		}
		var top *slack.TextBlockObject
		if len(body) > 0 {
			top = mrkdwn(strings.Join(body, "\n"))
			text = append(text, body...)
		}
		// A section holds at most ten fields.
		for len(fields) > 10 {
			blocks = append(blocks, slack.NewSectionBlock(top, fields[:10], nil))
			top, fields = nil, fields[10:]
		}
		if top != nil || len(fields) > 0 {
			blocks = append(blocks, slack.NewSectionBlock(top, fields, nil))
		}
	}
	for _, im := range c.Images {
		if im.URL != "" {
			blocks = append(blocks, slack.NewImageBlock(im.URL, im.Alt, "", nil))
		}
	}
	if c.Note != "" {
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn(esc(c.Note))))
	}
	if b := buttons(c.Choices); b != nil {
		blocks = append(blocks, b)
	}
	// The text is the notification's: the title and, when the card is
	// only words, what follows it.
	summary := esc(c.Title)
	if s := c.Sections; len(s) > 0 && s[0].Heading == "" && s[0].Text != "" && len(s[0].Lines) == 0 && len(s[0].Fields) == 0 {
		if summary != "" && !strings.HasSuffix(summary, ".") {
			summary += "."
		}
		summary = strings.TrimSpace(summary + " " + esc(c.Sections[0].Text))
	}
	if summary == "" && len(text) > 0 {
		summary = text[0]
	}
	return Slack{Text: summary, Blocks: blocks}
}

// maxButtons bounds the buttons under one result: a long list offers the
// first few (Slack allows 25; a person reads fewer).
const maxButtons = 5

// buttons are choices as an actions block; nil for none.
func buttons(cs []Choice) slack.Block {
	if len(cs) == 0 {
		return nil
	}
	cs = cs[:min(len(cs), maxButtons)]
	var els []slack.BlockElement
	for _, c := range cs {
		b := slack.NewButtonBlockElement(c.Action, c.Value, plainText(c.Label))
		switch c.Style {
		case StylePrimary:
			b = b.WithStyle(slack.StylePrimary)
		case StyleDanger:
			b = b.WithStyle(slack.StyleDanger)
		}
		els = append(els, b)
	}
	return slack.NewActionBlock("", els...)
}

var webTemplates = template.Must(template.New("card").Parse(`<div class="mm-card">
{{- with .Title}}<h4>{{.}}</h4>{{end}}
{{- range .Sections}}<section>
{{- with .Heading}}<h5>{{.}}</h5>{{end}}
{{- with .Text}}<p>{{.}}</p>{{end}}
{{- with .Fields}}<dl class="mm-figures">{{range .}}<div><dt>{{.Label}}</dt><dd>{{.Value}}</dd></div>{{end}}</dl>{{end}}
{{- with .Lines}}<ul>{{range .}}<li>{{with .Lead}}<strong>{{.}}</strong> {{end}}{{.Rest}}{{with .Link}}{{if .URL}} <a href="{{.URL}}" target="_blank" rel="noopener">{{.Text}}</a>{{end}}{{end}}</li>{{end}}</ul>{{end}}
</section>{{end}}
{{- with .Images}}<div class="mm-thumbs">{{range .}}{{if .URL}}<img src="{{.URL}}" alt="{{.Alt}}" loading="lazy">{{else}}<span>{{.Alt}}</span>{{end}}{{end}}</div>{{end}}
{{- with .Note}}<p class="mm-note">{{.}}</p>{{end}}
{{- with .Choices}}<div class="mm-actions">{{range .}}<button type="button" class="mm-action{{with .Style}} mm-{{.}}{{end}}" data-action="{{.Action}}" data-value="{{.Value}}">{{.Label}}</button>{{end}}</div>{{end}}
</div>`))

// webCard draws a card as an HTML partial. Its buttons carry the action in
// data-action and what it acts on in data-value.
func webCard(c card) template.HTML {
	var b strings.Builder
	if err := webTemplates.Execute(&b, c); err != nil {
		// The template is fixed and its data plain strings: it cannot fail.
		panic(fmt.Sprintf("present: web card: %v", err))
	}
	return template.HTML(b.String()) //nolint:gosec // escaped by html/template
}

// terminalCard draws a card as aligned plain text.
func terminalCard(c card) Terminal {
	var b strings.Builder
	if c.Title != "" {
		b.WriteString(c.Title + "\n")
	}
	for _, s := range c.Sections {
		if s.Heading != "" {
			b.WriteString(s.Heading + "\n")
		}
		if s.Text != "" {
			b.WriteString(indent(s.Text) + "\n")
		}
		width := 0
		for _, f := range s.Fields {
			width = max(width, len([]rune(f.Label)))
		}
		for _, f := range s.Fields {
			fmt.Fprintf(&b, "  %s%s  %s\n", f.Label, strings.Repeat(" ", width-len([]rune(f.Label))), f.Value)
		}
		for _, l := range s.Lines {
			text := l.Lead
			if l.Lead != "" && l.Rest != "" {
				text += ": "
			}
			text += l.Rest
			if l.Link.URL != "" {
				text = strings.TrimSpace(text + " " + l.Link.URL)
			}
			b.WriteString("  • " + text + "\n")
		}
	}
	for _, im := range c.Images {
		b.WriteString("  • " + im.Alt + "\n")
	}
	if c.Note != "" {
		b.WriteString("  (" + c.Note + ")\n")
	}
	return Terminal{Text: strings.TrimRight(b.String(), "\n"), Choices: c.Choices}
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(s, "\n", "\n  ")
}

// ChoiceLines words numbered choices for the terminal, the first numbered
// first: "reply 1 to retry on X". Choices no words can do (Words is "")
// are left out: call it with the ones the door offers.
func ChoiceLines(first int, cs []Choice) string {
	var lines []string
	for i, c := range cs {
		lines = append(lines, fmt.Sprintf("  reply %d to %s", first+i, lowerFirst(c.Label)))
	}
	return strings.Join(lines, "\n")
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	if len(r) > 1 && r[1] >= 'A' && r[1] <= 'Z' { // "LinkedIn", "X" stay
		return s
	}
	return strings.ToLower(string(r[:1])) + string(r[1:])
}
