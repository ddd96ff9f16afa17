package campaigns

import (
	"strings"
	"testing"
)

// TestMarkdownHTML: Markdown becomes HTML; raw HTML and script links do not
// pass through.
func TestMarkdownHTML(t *testing.T) {
	t.Parallel()
	got, err := MarkdownHTML("# News\n\nOur **launch** is [here](https://example.com).\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))\n\n- a\n- b\n")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<h1>News</h1>", "<strong>launch</strong>", `<a href="https://example.com">here</a>`, "<li>a</li>"} {
		if !strings.Contains(got, want) {
			t.Errorf("rendered lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "<script") || strings.Contains(got, "javascript:") {
		t.Errorf("unsafe HTML passed:\n%s", got)
	}
	if _, err := MarkdownHTML(strings.Repeat("a", maxContent+1)); err == nil {
		t.Error("an over-long text was rendered")
	}
}
