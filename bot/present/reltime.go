package present

import (
	"html/template"
	"regexp"
	"time"
)

// On the web, relative times are marked up so a page can keep them true as
// time passes (the web chat's script rewrites them every minute, and its
// page when it is loaded again):
//
//	<time class="mm-rel" datetime="2026-12-07T08:00:00Z">in 2 hours</time>
//
// The web's entry point (Registry.Web) asks Relative for marked words, and
// turns the marks into that markup once the renderer has escaped the text;
// the other doors get the words alone.

const (
	markEdge = "\x1e"
	markSep  = "\x1f"
)

var (
	relMark = regexp.MustCompile(markEdge + `([0-9TZ:-]+)` + markSep + `([^` + markEdge + markSep + `]*)` + markEdge)
	relTime = regexp.MustCompile(`<time class="mm-rel" datetime="([0-9TZ:-]+)">[^<]*</time>`)
)

// markTime wraps the words said of t in a mark.
func markTime(t time.Time, words string) string {
	return markEdge + t.UTC().Format(time.RFC3339) + markSep + words + markEdge
}

// timeMarkup turns the marks of rendered HTML into <time> elements.
func timeMarkup(h template.HTML) template.HTML {
	return template.HTML(relMark.ReplaceAllString(string(h), `<time class="mm-rel" datetime="$1">$2</time>`)) //nolint:gosec // the words were escaped by the renderer
}

// RefreshTimes rewrites the relative times of web markup (Registry.Web's)
// as they read at now: a page showing results rendered earlier.
func RefreshTimes(h template.HTML, now time.Time) template.HTML {
	return template.HTML(relTime.ReplaceAllStringFunc(string(h), func(m string) string { //nolint:gosec // only our own markup changes, with plain words
		t, err := time.Parse(time.RFC3339, relTime.FindStringSubmatch(m)[1])
		if err != nil {
			return m
		}
		return `<time class="mm-rel" datetime="` + t.UTC().Format(time.RFC3339) + `">` + Relative(Env{Now: now}, t) + `</time>`
	}))
}
