package publish

import (
	"strings"
	"testing"

	"github.com/marketingminds/marketingminds/integrations/platform"
)

func TestValidate(t *testing.T) {
	t.Parallel()
	img := []string{"https://img.example/a.png"}
	url := "https://example.com/a/very/long/path/that/is/much/longer/than/twenty/three/characters"
	cases := []struct {
		name string
		p    platform.Name
		b    platform.Post
		want []string // substrings of the problems, in order; none means valid
	}{
		{"x exactly 280", platform.Twitter, platform.Post{Text: strings.Repeat("a", 280)}, nil},
		{"x 281", platform.Twitter, platform.Post{Text: strings.Repeat("a", 281)}, []string{"281 characters as X counts them"}},
		{"x url counts 23", platform.Twitter, platform.Post{Text: strings.Repeat("a", 256) + " " + url}, nil}, // 256+1+23 = 280
		{"x url counts 23, one over", platform.Twitter, platform.Post{Text: strings.Repeat("a", 257) + " " + url}, []string{"281 characters"}},
		{"x link appended counts", platform.Twitter, platform.Post{Text: strings.Repeat("a", 256), Link: url}, []string{"281 characters"}}, // 256+2+23
		{"x CJK counts 2", platform.Twitter, platform.Post{Text: strings.Repeat("日", 140)}, nil},
		{"x CJK 141", platform.Twitter, platform.Post{Text: strings.Repeat("日", 141)}, []string{"282 characters"}},
		{"x emoji counts 2", platform.Twitter, platform.Post{Text: strings.Repeat("😀", 141)}, []string{"282 characters"}},
		{"x thread parts each", platform.Twitter, platform.Post{Thread: []string{"ok", strings.Repeat("b", 300), ""}},
			[]string{"thread part 3 is empty", "thread part 2 is 300 characters"}},
		{"x images and video", platform.Twitter, platform.Post{Text: "t", ImageURLs: img, VideoURL: "https://v.example/v.mp4"}, []string{"not both"}},
		{"x five images", platform.Twitter, platform.Post{Text: "t", ImageURLs: []string{img[0], img[0], img[0], img[0], img[0]}}, []string{"at most 4 images"}},
		{"empty", platform.Facebook, platform.Post{}, []string{"the post is empty"}},
		{"media schemes", platform.Facebook, platform.Post{Text: "t", ImageURLs: []string{"file:///etc/passwd", "https://"}, Link: "javascript:alert(1)"},
			[]string{"link must be an http or https URL", "image 1 must be an http or https URL", "image 2 has no host"}},
		{"linkedin 3000", platform.LinkedIn, platform.Post{Text: strings.Repeat("a", 3000)}, nil},
		{"linkedin escaped over", platform.LinkedIn, platform.Post{Text: strings.Repeat("a", 2999) + "("}, []string{"3001 characters"}},
		{"instagram needs media", platform.Instagram, platform.Post{Text: "caption"}, []string{"needs at least one image or a video"}},
		{"instagram 2200 + link", platform.Instagram, platform.Post{Text: strings.Repeat("a", 2190), Link: "https://e.com/abcdef", ImageURLs: img}, []string{"2212 characters"}},
		{"instagram hashtags", platform.Instagram, platform.Post{Text: strings.Repeat("#tag ", 31), ImageURLs: img}, []string{"31 hashtags; at most 30"}},
		{"instagram all at once", platform.Instagram, platform.Post{Text: strings.Repeat("#a ", 800)},
			[]string{"2400 characters", "needs at least one image", "800 hashtags"}},
		{"facebook 63206", platform.Facebook, platform.Post{Text: strings.Repeat("a", 63207)}, []string{"63207 characters; Facebook allows 63206"}},
		{"unsupported", platform.Zoho, platform.Post{Text: "t"}, []string{"not supported"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Validate(c.p, c.b, DefaultLimits)
			if len(got) != len(c.want) {
				t.Fatalf("problems = %+v, want %d: %v", got, len(c.want), c.want)
			}
			for i, w := range c.want {
				if !strings.Contains(got[i].Message, w) || got[i].Platform != c.p {
					t.Errorf("problem %d = %+v, want it to say %q", i, got[i], w)
				}
			}
		})
	}
}

func TestInstagramHashtagLimitConfigurable(t *testing.T) {
	t.Parallel()
	lim := DefaultLimits
	lim.InstagramHashtags = 5
	b := platform.Post{Text: "#a #b #c #d #e #f", ImageURLs: []string{"https://img.example/a.png"}}
	if got := Validate(platform.Instagram, b, lim); len(got) != 1 || !strings.Contains(got[0].Message, "6 hashtags; at most 5") {
		t.Fatalf("problems = %+v", got)
	}
	if got := Validate(platform.Instagram, b, DefaultLimits); len(got) != 0 {
		t.Fatalf("default limit: problems = %+v", got)
	}
}

func TestNormTextMatchesShortenedURLs(t *testing.T) {
	t.Parallel()
	sent := sentTexts(platform.Twitter, platform.Post{Text: "New post  is up", Link: "https://blog.example/post/1"})[0]
	got := "New post is up\n\nhttps://t.co/abc123"
	if normText(sent) != normText(got) {
		t.Fatalf("%q and %q do not match", normText(sent), normText(got))
	}
}
