package intent_test

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/marketingminds/marketingminds/agents/intent"
)

func TestParse(t *testing.T) {
	t.Parallel()
	type C = intent.Command
	tests := []struct {
		in   string
		want C
	}{
		// post
		{`post "Hello world" to x,linkedin`, C{Kind: "post", Text: "Hello world", Platforms: []string{"twitter", "linkedin"}}},
		{`/mm post "Hello" to x, linkedin`, C{Kind: "post", Text: "Hello", Platforms: []string{"twitter", "linkedin"}}},
		{`post 'Hello' to my X and LinkedIn accounts`, C{Kind: "post", Text: "Hello", Platforms: []string{"twitter", "linkedin"}}},
		{`Please post “Big news, friends!” on facebook & instagram`, C{Kind: "post", Text: "Big news, friends!", Platforms: []string{"facebook", "instagram"}}},
		{`post 'Don't miss it' to twitter`, C{Kind: "post", Text: "Don't miss it", Platforms: []string{"twitter"}}},
		{`post to linkedin "Hiring: a Go engineer"`, C{Kind: "post", Text: "Hiring: a Go engineer", Platforms: []string{"linkedin"}}},
		{`post We are going to Berlin to x`, C{Kind: "post", Text: "We are going to Berlin", Platforms: []string{"twitter"}}},
		{`publish "Launch!" to fb, ig, li and x now`, C{Kind: "post", Text: "Launch!", Platforms: []string{"facebook", "instagram", "linkedin", "twitter"}}},
		{`tweet "Hello from the team"`, C{Kind: "post", Text: "Hello from the team", Platforms: []string{"twitter"}}},
		{`post "x" to x and x`, C{Kind: "post", Text: "x", Platforms: []string{"twitter"}}},
		{`post "New menu!" to instagram with image https://cdn.acme.com/menu.jpg`, C{Kind: "post", Text: "New menu!", Platforms: []string{"instagram"}, ImageURLs: []string{"https://cdn.acme.com/menu.jpg"}}},
		{`post "Read this" to linkedin https://acme.com/blog/launch.`, C{Kind: "post", Text: "Read this", Platforms: []string{"linkedin"}, Link: "https://acme.com/blog/launch"}},
		{`post "Watch" to x https://cdn.acme.com/a.mp4 and photo https://cdn.acme.com/p`, C{Kind: "post", Text: "Watch", Platforms: []string{"twitter"}, VideoURL: "https://cdn.acme.com/a.mp4", ImageURLs: []string{"https://cdn.acme.com/p"}}},
		// schedule
		{`schedule "Menu" to instagram tomorrow 9am with image https://cdn.acme.com/m.png`, C{Kind: "schedule", Text: "Menu", Platforms: []string{"instagram"}, When: "tomorrow 9am", ImageURLs: []string{"https://cdn.acme.com/m.png"}}},
		{`schedule "text" to linkedin tomorrow 9am`, C{Kind: "schedule", Text: "text", Platforms: []string{"linkedin"}, When: "tomorrow 9am"}},
		{`schedule 'launch day' on linkedin next Monday 14:30`, C{Kind: "schedule", Text: "launch day", Platforms: []string{"linkedin"}, When: "next Monday 14:30"}},
		{`schedule "a" to x at 2026-12-01 09:00`, C{Kind: "schedule", Text: "a", Platforms: []string{"twitter"}, When: "2026-12-01 09:00"}},
		{`schedule a post "a" for tomorrow at 9am on linkedin`, C{Kind: "schedule", Text: "a", Platforms: []string{"linkedin"}, When: "tomorrow 9am"}},
		{`schedule "a" to linkedin in 2 hours`, C{Kind: "schedule", Text: "a", Platforms: []string{"linkedin"}, When: "in 2 hours"}},
		{`schedule "a" to linkedin on Monday 9am`, C{Kind: "schedule", Text: "a", Platforms: []string{"linkedin"}, When: "Monday 9am"}},
		{`schedule Launch day to linkedin tomorrow 9am`, C{Kind: "schedule", Text: "Launch day", Platforms: []string{"linkedin"}, When: "tomorrow 9am"}},
		{`post "later" to x tomorrow 9am`, C{Kind: "schedule", Text: "later", Platforms: []string{"twitter"}, When: "tomorrow 9am"}},
		// accounts, connect, disconnect
		{`accounts`, C{Kind: "accounts"}},
		{`accounts twitter`, C{Kind: "accounts", Platform: "twitter"}},
		{`list my accounts`, C{Kind: "accounts"}},
		{`show my connected LinkedIn accounts`, C{Kind: "accounts", Platform: "linkedin"}},
		{`connect instagram`, C{Kind: "connect", Platform: "instagram"}},
		{`connect my Zoho account`, C{Kind: "connect", Platform: "zoho"}},
		{`disconnect acc_42`, C{Kind: "disconnect", ID: "acc_42"}},
		{`disconnect account ID acc_42`, C{Kind: "disconnect", ID: "acc_42"}},
		// analytics
		{`analytics`, C{Kind: "analytics"}},
		{`analytics 7d`, C{Kind: "analytics", Days: 7}},
		{`analytics 30d`, C{Kind: "analytics", Days: 30}},
		{`analytics 2026-11-01..2026-11-30`, C{Kind: "analytics", DateFrom: "2026-11-01", DateTo: "2026-11-30"}},
		{`show analytics for the last 30 days`, C{Kind: "analytics", Days: 30}},
		{`analytics for linkedin last week`, C{Kind: "analytics", Days: 7, Platform: "linkedin"}},
		{`stats from 2026-11-01 to 2026-11-15 on x`, C{Kind: "analytics", DateFrom: "2026-11-01", DateTo: "2026-11-15", Platform: "twitter"}},
		{`analytics 2 weeks`, C{Kind: "analytics", Days: 14}},
		{`analytics 2026-11-05`, C{Kind: "analytics", DateFrom: "2026-11-05", DateTo: "2026-11-05"}},
		// best time
		{`best time instagram`, C{Kind: "best_time", Platform: "instagram"}},
		{`best time for instagram`, C{Kind: "best_time", Platform: "instagram"}},
		{`what's the best time to post on instagram?`, C{Kind: "best_time", Platform: "instagram"}},
		{`When should I post on LinkedIn`, C{Kind: "best_time", Platform: "linkedin"}},
		// jobs, cancel, retry
		{`jobs`, C{Kind: "jobs"}},
		{`list jobs`, C{Kind: "jobs"}},
		{`jobs failed`, C{Kind: "jobs", Status: "failed"}},
		{`show scheduled jobs`, C{Kind: "jobs", Status: "pending"}},
		{`cancel job_9`, C{Kind: "cancel", ID: "job_9"}},
		{`cancel job job_9`, C{Kind: "cancel", ID: "job_9"}},
		{`cancel scheduled post #post-77.`, C{Kind: "cancel", ID: "post-77"}},
		{`retry p1`, C{Kind: "retry", ID: "p1"}},
		{`retry failed post p1 please`, C{Kind: "retry", ID: "p1"}},
		// the rest
		{`token`, C{Kind: "token"}},
		{`dashboard`, C{Kind: "dashboard"}},
		{`show me the dashboard`, C{Kind: "dashboard"}},
		{`help`, C{Kind: "help"}},
		{`/mm`, C{}},
		{`help schedule`, C{Kind: "help", Topic: "schedule"}},
		{`?`, C{Kind: "help"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := intent.Parse(tt.in)
			if tt.want.Kind == "" {
				if !errors.Is(err, intent.ErrUnknown) {
					t.Fatalf("Parse(%q) = %+v, %v; want ErrUnknown", tt.in, got, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse(%q)\n got %+v\nwant %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		kind    intent.Kind // "" for ErrUnknown
		mention string
	}{
		{`hello there`, "", ""},
		{``, "", ""},
		{`make me a logo with cats`, "", ""},
		{`post "unclosed to x`, "", "no closing quote"},
		{`post to x`, "post", `post needs the text to publish, in quotes; usage: post "text" to x,linkedin`},
		{`post "Hi"`, "post", "needs the platforms to publish on (facebook, instagram, x, linkedin)"},
		{`post "Hi" to myspace`, "post", "needs the platforms"},
		{`post "Hi" to zoho`, "post", "Zoho is a CRM"},
		{`post "a" "b" to x`, "post", "two quoted texts"},
		{`post "Hi" to x banana split`, "post", `I don't understand "banana split" after the platforms`},
		{`schedule "Hi" to linkedin`, "schedule", "schedule needs a time"},
		{`post "Hi" to x link https://a.com link https://b.com`, "post", "one link per post"},
		{`post "Hi" to x with image https://`, "post", `"https://" is not a URL`},
		{`schedule "Hi" to linkedin whenever you like`, "schedule", `I can't read the time "whenever you like"`},
		{`connect`, "connect", "name a platform: facebook, instagram, x, linkedin or zoho; usage: connect instagram"},
		{`connect myspace`, "connect", `"myspace" is not a platform`},
		{`connect x and linkedin`, "connect", "one platform at a time"},
		{`accounts myspace`, "accounts", `"myspace" is not a platform`},
		{`disconnect`, "disconnect", "disconnect needs an ID; usage: disconnect ID"},
		{`disconnect twitter`, "disconnect", "not the platform"},
		{`cancel j1 j2`, "cancel", "cancel takes one ID"},
		{`cancel`, "cancel", "usage: cancel ID"},
		{`retry "<script>"`, "retry", "is not an ID"},
		{`best time`, "best_time", "name a platform"},
		{`best time for zoho`, "best_time", "zoho is not a social platform"},
		{`analytics 400d`, "analytics", "1 to 365 days"},
		{`analytics 0d`, "analytics", "1 to 365 days"},
		{`analytics 2026-11-30..2026-11-01`, "analytics", "ends before it starts"},
		{`analytics 2026-13-01..2026-13-05`, "analytics", "dates are written 2026-11-01"},
		{`analytics 7d 2026-11-01..2026-11-05`, "analytics", "either a number of days or dates"},
		{`analytics yesterday-ish`, "analytics", `can't read "yesterday-ish"`},
		{`analytics 7d 30d`, "analytics", "one period at a time"},
		{`jobs banana`, "jobs", "not a job status"},
		// A slash command cannot refer to the conversation, nor guess far.
		{`cancel it`, "cancel", `cancel needs an ID here ("it" and "that" work when you talk to me in a conversation)`},
		{`retry the failed ones`, "retry", "retry needs an ID here"},
		{`post "Big news" to lnkdn`, "post", `did you mean LinkedIn? "lnkdn" is not a platform`},
		{`post "Autumn is here" to instagram with the image above`, "post", "images shared in a conversation work when you talk to me there"},
		{`best time to post`, "best_time", "name a platform"},
		{`delete the image`, "media_delete", "deleted on the dashboard's Media page"},
		{`save this image to the library`, "save", "images shared in a conversation work when you talk to me there"},
		{`add alt text to the image`, "media_alt", "say what the alt text should be, in quotes"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := intent.Parse(tt.in)
			if tt.kind == "" {
				if !errors.Is(err, intent.ErrUnknown) {
					t.Fatalf("Parse(%q) = %+v, %v; want ErrUnknown", tt.in, got, err)
				}
			} else {
				var ue *intent.UsageError
				if !errors.As(err, &ue) || ue.Kind != tt.kind {
					t.Fatalf("Parse(%q) = %+v, %v; want a %s usage error", tt.in, got, err, tt.kind)
				}
			}
			if !strings.Contains(err.Error(), tt.mention) {
				t.Errorf("Parse(%q) error %q does not mention %q", tt.in, err, tt.mention)
			}
		})
	}
}

func TestHelpListsEveryCommand(t *testing.T) {
	t.Parallel()
	help := intent.Help()
	for _, k := range []intent.Kind{"post", "schedule", "accounts", "connect", "disconnect", "analytics", "best_time",
		"jobs", "cancel", "retry", "token", "dashboard", "help"} {
		if u := intent.Usage(k); u == "help" && k != "help" || !strings.Contains(help, u) {
			t.Errorf("help lacks %s (%q)", k, u)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{`post "Hello" to x,linkedin`, `schedule 'a' on linkedin next Monday 14:30`,
		`analytics 2026-11-01..2026-11-30`, `what's the best time to post on instagram`, `cancel job 1`,
		`post 'Don't' to x`, `post “a” to fb`, `/mm help`, `show analytics for the last 30 days`, `post a to x to`,
		"post \"\xff\" to x", `schedule "x" to x in 99999 weeks`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := intent.Parse(s)
		if err != nil {
			var ue *intent.UsageError
			if !errors.Is(err, intent.ErrUnknown) && !errors.As(err, &ue) {
				t.Fatalf("Parse(%q): error %v is neither ErrUnknown nor a UsageError", s, err)
			}
			if ue != nil && !strings.Contains(err.Error(), "usage: ") {
				t.Fatalf("Parse(%q): usage error %q shows no usage", s, err)
			}
			return
		}
		switch c.Kind {
		case intent.KindPost, intent.KindSchedule:
			if c.Text == "" || len(c.Platforms) == 0 || (c.Kind == intent.KindSchedule) != (c.When != "") {
				t.Fatalf("Parse(%q) = %+v: incomplete %s", s, c, c.Kind)
			}
		case intent.KindDisconnect, intent.KindCancel, intent.KindRetry:
			if c.ID == "" {
				t.Fatalf("Parse(%q) = %+v without an ID", s, c)
			}
		case intent.KindConnect, intent.KindBestTime:
			if c.Platform == "" {
				t.Fatalf("Parse(%q) = %+v without a platform", s, c)
			}
		case "":
			t.Fatalf("Parse(%q) = %+v without a kind", s, c)
		}
		if utf8.ValidString(s) && !utf8.ValidString(c.Text) {
			t.Fatalf("Parse(%q) cut a character: %q", s, c.Text)
		}
	})
}

// FuzzRead holds Read's promises on any input: an error is ErrUnknown or a
// usage error; a reference stands only where an ID or a text is missing; a
// guess names a platform the command uses.
func FuzzRead(f *testing.F) {
	for _, s := range []string{`what accounts do I have`, `show me failed posts and retry them`, `schedule that for tomorrow at 9am`,
		`cancel it`, `pst "x" to linkdin`, `post "x" to lnkdn`, `draft an email campaign about the spring sale`, `fb+ig`,
		`how'd we do last week`, `remember that we're playful`, `yes`, ``, `/mm`, "face book \xff", `tweet gm`, `find leads from acme`,
		`add alt text "A red shoe" to the image`, `describe the second photo as a shoe:`, `alt text:`, `delete image 2`, `save it to the library`,
		`save "x" with this image to the library`, `who am I?`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := intent.Read(s)
		if err != nil {
			var ue *intent.UsageError
			if !errors.Is(err, intent.ErrUnknown) && !errors.As(err, &ue) {
				t.Fatalf("Read(%q): error %v is neither ErrUnknown nor a UsageError", s, err)
			}
			return
		}
		if c.Kind == "" {
			t.Fatalf("Read(%q) = %+v without a kind", s, c)
		}
		if c.Ref != "" && c.ID != "" {
			t.Fatalf("Read(%q) = %+v: both a reference and an ID", s, c)
		}
		for _, g := range c.Guesses {
			if !slices.Contains(c.Platforms, g.Meant) && c.Platform != g.Meant {
				t.Fatalf("Read(%q) = %+v: a guess the command does not use", s, c)
			}
		}
		if utf8.ValidString(s) && (!utf8.ValidString(c.Text) || !utf8.ValidString(c.Query)) {
			t.Fatalf("Read(%q) cut a character: %+v", s, c)
		}
	})
}

func TestClosestRanksBySimilarity(t *testing.T) {
	t.Parallel()
	tests := map[string]intent.Kind{
		"undo":                     intent.KindCancel,
		"trending keywords":        intent.KindHashtags,
		"opens and clicks":         intent.KindEmailReport,
		"brand voice preference":   intent.KindRemember,
		"which audience is online": intent.KindBestTime,
	}
	for in, want := range tests {
		got := intent.Closest(in, 3)
		if len(got) != 3 || got[0].Kind != want {
			t.Errorf("Closest(%q) = %+v, want %s first", in, got, want)
		}
	}
	if a, b := intent.Closest("zzz", 3), intent.Closest("zzz", 3); !reflect.DeepEqual(a, b) || len(a) != 3 {
		t.Errorf("Closest is not deterministic or short: %+v %+v", a, b)
	}
}

func BenchmarkRead(b *testing.B) {
	for b.Loop() {
		if _, err := intent.Read(`can you schedule that for next Tuesday 10am on IG and the bird app instead`); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	for b.Loop() {
		if _, err := intent.Parse(`schedule 'launch day' on my LinkedIn and X accounts next Monday 14:30`); err != nil {
			b.Fatal(err)
		}
	}
}
