package httpapi

import (
	"html"
	"html/template"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The web chat shows the assistant's words as a small, safe subset of
// Markdown: paragraphs, line breaks, bulleted and numbered lists, fenced
// code, `code`, **bold**, *italics*, [links](https://…) and bare https
// links. Everything is HTML-escaped first; the only markup in the result
// is what this file writes. Times in RFC 3339 read in the viewer's zone.

var (
	mdBullet   = regexp.MustCompile(`^\s*[-*•]\s+(.*)$`)
	mdNumbered = regexp.MustCompile(`^\s*\d{1,3}[.)]\s+(.*)$`)
	mdHeading  = regexp.MustCompile(`^\s{0,3}#{1,6}\s+(.*)$`)
	mdCode     = regexp.MustCompile("`([^`\n]+)`")
	mdLink     = regexp.MustCompile(`\[([^\]\n]+)\]\(((?:https?://|mailto:)[^\s()]+)\)`)
	mdBareURL  = regexp.MustCompile(`https?://[^\s<>()\x00]+[^\s<>().,;:!?'"\x00]`)
	mdBold     = regexp.MustCompile(`\*\*([^*\n]+)\*\*|__([^_\n]+)__`)
	mdItalic   = regexp.MustCompile(`(^|[^\w*])[*_]([^*_\s][^*_\n]*?)[*_]($|[^\w*])`)
	mdTime     = regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})`)
)

// markdown renders text for the viewer in loc; now is for "today".
func markdown(text string, loc *time.Location, now time.Time) template.HTML {
	if loc == nil {
		loc = time.UTC
	}
	r := mdRenderer{loc: loc, now: now}
	lines := strings.Split(strings.ReplaceAll(strings.ReplaceAll(text, "\x00", ""), "\r\n", "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		switch {
		case strings.HasPrefix(strings.TrimSpace(line), "```"):
			r.flush()
			var code []string
			for i++; i < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[i]), "```"); i++ {
				code = append(code, lines[i])
			}
			r.b.WriteString("<pre><code>" + html.EscapeString(strings.Join(code, "\n")) + "</code></pre>")
		case strings.TrimSpace(line) == "":
			r.flush()
		case mdBullet.MatchString(line):
			r.item("ul", mdBullet.FindStringSubmatch(line)[1])
		case mdNumbered.MatchString(line):
			r.item("ol", mdNumbered.FindStringSubmatch(line)[1])
		case mdHeading.MatchString(line):
			r.flush()
			r.b.WriteString("<p><strong>" + r.inline(mdHeading.FindStringSubmatch(line)[1]) + "</strong></p>")
		default:
			if r.list != "" {
				r.flush()
			}
			r.para = append(r.para, line)
		}
	}
	r.flush()
	return template.HTML(r.b.String()) //nolint:gosec // escaped above: the only markup is the renderer's own
}

type mdRenderer struct {
	b    strings.Builder
	loc  *time.Location
	now  time.Time
	para []string
	list string // "ul" or "ol" while a list is open
}

func (r *mdRenderer) item(list, text string) {
	if len(r.para) > 0 || r.list != list {
		r.flush()
		r.list = list
		r.b.WriteString("<" + list + ">")
	}
	r.b.WriteString("<li>" + r.inline(text) + "</li>")
}

// flush closes the open paragraph or list.
func (r *mdRenderer) flush() {
	if r.list != "" {
		r.b.WriteString("</" + r.list + ">")
		r.list = ""
	}
	if len(r.para) > 0 {
		parts := make([]string, len(r.para))
		for i, p := range r.para {
			parts[i] = r.inline(strings.TrimSpace(p))
		}
		r.b.WriteString("<p>" + strings.Join(parts, "<br>") + "</p>")
		r.para = nil
	}
}

// inline renders one line: code spans, links and times are set aside as
// placeholders so emphasis never reaches inside them.
func (r *mdRenderer) inline(s string) string {
	var held []string
	hold := func(markup string) string {
		held = append(held, markup)
		return "\x00" + strconv.Itoa(len(held)-1) + "\x00"
	}
	s = mdCode.ReplaceAllStringFunc(s, func(m string) string {
		return hold("<code>" + html.EscapeString(mdCode.FindStringSubmatch(m)[1]) + "</code>")
	})
	s = mdLink.ReplaceAllStringFunc(s, func(m string) string {
		p := mdLink.FindStringSubmatch(m)
		return hold(`<a href="` + html.EscapeString(p[2]) + `" rel="noopener noreferrer">` + html.EscapeString(p[1]) + "</a>")
	})
	s = mdBareURL.ReplaceAllStringFunc(s, func(m string) string {
		return hold(`<a href="` + html.EscapeString(m) + `" rel="noopener noreferrer">` + html.EscapeString(m) + "</a>")
	})
	s = mdTime.ReplaceAllStringFunc(s, func(m string) string {
		t, err := time.Parse(time.RFC3339Nano, m)
		if err != nil {
			return m
		}
		return hold(`<time datetime="` + t.UTC().Format(time.RFC3339) + `">` + html.EscapeString(humanTime(t, r.loc, r.now)) + "</time>")
	})
	s = html.EscapeString(s)
	s = mdBold.ReplaceAllString(s, "<strong>$1$2</strong>")
	s = mdItalic.ReplaceAllString(s, "$1<em>$2</em>$3")
	for i, m := range held {
		s = strings.Replace(s, "\x00"+strconv.Itoa(i)+"\x00", m, 1)
	}
	return s
}

// humanTime reads t in loc the way a colleague would write it: "today,
// 09:00 CET", "Mon 7 Dec, 09:00 CET", with the year only when it is not
// this one.
func humanTime(t time.Time, loc *time.Location, now time.Time) string {
	t, now = t.In(loc), now.In(loc)
	clock := t.Format("15:04 MST")
	y, m, d := t.Date()
	ny, nm, nd := now.Date()
	switch {
	case y == ny && m == nm && d == nd:
		return "today, " + clock
	case t.After(now) && t.Sub(time.Date(ny, nm, nd, 0, 0, 0, 0, loc)) < 48*time.Hour:
		return "tomorrow, " + clock
	case y == ny:
		return t.Format("Mon 2 Jan, ") + clock
	}
	return t.Format("Mon 2 Jan 2006, ") + clock
}
