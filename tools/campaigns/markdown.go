package campaigns

import (
	"bytes"
	"fmt"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// MarkdownHTML renders an e-mail body written in Markdown (CommonMark with
// tables, strikethrough and autolinks) as the HTML Zoho sends. It is
// sanitised as goldmark renders safely: raw HTML in the text is left out
// and dangerous link schemes (javascript: and the like) are dropped.
func MarkdownHTML(md string) (string, error) {
	if len(md) > maxContent {
		return "", invalid("the text must be at most %d KB", maxContent>>10)
	}
	var out bytes.Buffer
	if err := goldmark.New(goldmark.WithExtensions(extension.GFM)).Convert([]byte(md), &out); err != nil {
		return "", fmt.Errorf("campaigns: render markdown: %w", err)
	}
	return out.String(), nil
}
