package present

import (
	"fmt"
	"strings"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/tools/media"
)

// mediaLine is one media for a person: its name, then kind, size and alt.
func mediaLine(m media.Media) line {
	kind := strings.ToUpper(strings.TrimPrefix(strings.TrimPrefix(m.ContentType, "image/"), "video/"))
	parts := []string{kind}
	if m.Width > 0 && m.Height > 0 {
		parts = append(parts, fmt.Sprintf("%d×%d", m.Width, m.Height))
	}
	parts = append(parts, sizeWords(m.Bytes))
	if m.Alt != "" {
		parts = append(parts, "alt: "+quoted(m.Alt, 60))
	} else {
		parts = append(parts, "no alt text")
	}
	return line{Lead: orWord(m.Name, "Untitled"), Rest: strings.Join(parts, ", ")}
}

// MediaAlt is the alt text of media m shown as item i (from 0) of n of a
// post: its stored alt text, else what it is ("photo.jpg, image 1 of 2").
func MediaAlt(m media.Media, i, n int) string {
	if m.Alt != "" {
		return m.Alt
	}
	kind := "image"
	if strings.HasPrefix(m.ContentType, "video/") {
		kind = "video"
	}
	return fmt.Sprintf("%s, %s %d of %d", orWord(m.Name, "Untitled"), kind, i+1, n)
}

// sizeWords is a byte count as people read it.
func sizeWords(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

func mediaListCard(_ Env, l agents.MediaList) card {
	noun, nouns := "media file", "media"
	switch l.Kind {
	case media.KindImage:
		noun, nouns = "image", "images"
	case media.KindVideo:
		noun, nouns = "video", "videos"
	}
	switch {
	case len(l.Items) == 0 && l.Unused:
		return card{Title: "No unused " + nouns + ": nothing uploaded waits outside a post or a library draft."}
	case len(l.Items) == 0 && l.Kind != "":
		return card{Title: "No " + nouns + " uploaded yet.", Note: "Share one in Slack or upload it on the dashboard."}
	case len(l.Items) == 0:
		return card{Title: "No media uploaded yet.", Note: "Share an image in Slack or upload one on the dashboard."}
	}
	var lines []line
	for _, m := range l.Items {
		lines = append(lines, mediaLine(m))
	}
	title := Count(len(l.Items), noun)
	if l.Unused {
		title = Count(len(l.Items), "unused "+noun)
	}
	// The list's order is what "the second one" means in the conversation.
	c := card{Title: title, Sections: []section{{Lines: lines}},
		Note: `Say “post the first one to Instagram”, “save the second one to the library” or “add alt text "…" to the first one”.`}
	if l.More {
		c.Note += " Older media are on the dashboard's Media page."
	}
	return c
}

func mediaCard(_ Env, m media.Media) card {
	title := "Alt text saved"
	if m.Alt == "" {
		title = "Alt text removed"
	}
	return card{Title: title, Sections: []section{{Lines: []line{mediaLine(m)}}}}
}

func mediaDeletedCard(_ Env, d agents.MediaDeleted) card {
	return card{Title: "Deleted " + orWord(d.Media.Name, "the untitled file") + ".",
		Sections: []section{{Text: "Posts already published keep their own copy."}}}
}
