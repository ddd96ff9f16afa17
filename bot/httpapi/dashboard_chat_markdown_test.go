package httpapi

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestMarkdown(t *testing.T) {
	t.Parallel()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct{ in, want string }{
		{"plain", "<p>plain</p>"},
		{"a **bold** and *italic* and _also_ word", "<p>a <strong>bold</strong> and <em>italic</em> and <em>also</em> word</p>"},
		{"use `post \"x\" to <b>` now", "<p>use <code>post &#34;x&#34; to &lt;b&gt;</code> now</p>"},
		{"see [the post](https://x.com/a_b_c?x=1&y=2)", `<p>see <a href="https://x.com/a_b_c?x=1&amp;y=2" rel="noopener noreferrer">the post</a></p>`},
		{"open https://example.com/p/1.", `<p>open <a href="https://example.com/p/1" rel="noopener noreferrer">https://example.com/p/1</a>.</p>`},
		{"[x](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>"},
		{"<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"},
		{"Posts:\n- one\n- **two**\n\n1. first\n2) second\nafter", "<p>Posts:</p><ul><li>one</li><li><strong>two</strong></li></ul><ol><li>first</li><li>second</li></ol><p>after</p>"},
		{"line one\nline two\n\nnext", "<p>line one<br>line two</p><p>next</p>"},
		{"```\n<b>*x*</b>\n```", "<pre><code>&lt;b&gt;*x*&lt;/b&gt;</code></pre>"},
		{"## Summary", "<p><strong>Summary</strong></p>"},
		{"account_id and snake_case_names stay", "<p>account_id and snake_case_names stay</p>"},
		{"at 2026-12-07T09:00:00Z", `<p>at <time datetime="2026-12-07T09:00:00Z">tomorrow, 10:00 CET</time></p>`},
		{"at 2026-12-06T15:30:00+01:00", `<p>at <time datetime="2026-12-06T14:30:00Z">today, 15:30 CET</time></p>`},
		{"at 2026-12-14T09:00:00Z", `<p>at <time datetime="2026-12-14T09:00:00Z">Mon 14 Dec, 10:00 CET</time></p>`},
		{"at 2027-07-01T09:00:00Z", `<p>at <time datetime="2027-07-01T09:00:00Z">Thu 1 Jul 2027, 11:00 CEST</time></p>`},
	} {
		if got := string(markdown(tc.in, berlin, now)); got != tc.want {
			t.Errorf("markdown(%q)\n got %s\nwant %s", tc.in, got, tc.want)
		}
	}
}

// ownMarkup is every tag the renderer writes.
var ownMarkup = regexp.MustCompile(`</?(?:p|br|ul|ol|li|strong|em|code|pre)>|<a href="(?:https?://|mailto:)[^"<>]*" rel="noopener noreferrer">|</a>|<time datetime="[0-9TZ:-]+">|</time>`)

// FuzzMarkdown: whatever the model writes, the only markup is the
// renderer's own, and no link leaves http(s) or mailto.
func FuzzMarkdown(f *testing.F) {
	for _, s := range []string{"**a** *b* `c` [d](https://e.f) https://g.h/i", "- x\n1. y\n```\nz", "<img src=x onerror=alert(1)>",
		"[a](https://x.com/\"onmouseover=\"alert(1))", "2026-12-07T09:00:00Z", "*_`[]()<>&\"'\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := ownMarkup.ReplaceAllString(string(markdown(in, time.UTC, time.Time{})), "")
		if strings.ContainsAny(out, "<>") {
			t.Fatalf("markdown(%q) leaves markup of its own: %s", in, out)
		}
	})
}
