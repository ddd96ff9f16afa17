// Package intent is the deterministic command grammar shared by the /mm
// slash commands and the offline planner: it reads `post "text" to
// x,linkedin`, `schedule "text" to linkedin tomorrow 9am`, `accounts`,
// `analytics 30d`, `best time for instagram`, `cancel ID` … and the natural
// forms people type ("post 'Hello' to my X and LinkedIn accounts", "what's
// the best time to post on instagram"), and returns a typed Command. It does
// no I/O; running the command is the caller's business.
package intent

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Kind is what a command does.
type Kind string

// The commands.
const (
	KindPost       Kind = "post"
	KindSchedule   Kind = "schedule"
	KindAccounts   Kind = "accounts"
	KindConnect    Kind = "connect"
	KindDisconnect Kind = "disconnect"
	KindAnalytics  Kind = "analytics"
	KindBestTime   Kind = "best_time"
	KindJobs       Kind = "jobs"
	KindCancel     Kind = "cancel"
	KindRetry      Kind = "retry"
	KindToken      Kind = "token"
	KindDashboard  Kind = "dashboard"
	KindHelp       Kind = "help"
	// The kinds read from sentences ("show my scheduled posts").
	KindPosts         Kind = "posts"
	KindDraft         Kind = "draft"
	KindSave          Kind = "save"
	KindLibrary       Kind = "library"
	KindMedia         Kind = "media"
	KindHashtags      Kind = "hashtags"
	KindEmailDraft    Kind = "email_draft"
	KindEmailLists    Kind = "email_lists"
	KindEmailSchedule Kind = "email_schedule"
	KindEmailReport   Kind = "email_report"
	KindCRM           Kind = "crm"
	KindLeads         Kind = "leads"
	KindCampaignPlan  Kind = "campaign_plan"
	KindWrite         Kind = "write"
	KindRemember      Kind = "remember"
	KindRecall        Kind = "recall"
	// KindMediaAlt sets shared media's alt text (Text; "" removes it);
	// KindMediaDelete asks to delete media. Both pick the media with Media.
	KindMediaAlt    Kind = "media_alt"
	KindMediaDelete Kind = "media_delete"
	// KindWhoAmI asks who the person is here: their role and what it
	// allows; KindAbout what the assistant does, in short.
	KindWhoAmI Kind = "whoami"
	KindAbout  Kind = "about"
	// KindConfirm and KindDeny answer a question ("yes", "no").
	KindConfirm Kind = "confirm"
	KindDeny    Kind = "deny"
)

// The conversation references a command may carry instead of an ID or a
// text.
const (
	// RefLast is "it", "that", "the last post": the post (or e-mail) the
	// conversation last spoke of.
	RefLast = "last"
	// RefFailed is "the failed ones", "them" after a list of failures.
	RefFailed = "failed"
)

// Command is a parsed command. Which fields are set depends on Kind.
type Command struct {
	Kind Kind
	// Text is the post's text (post, schedule).
	Text string
	// Platforms are canonical platform names ("twitter" for X), in the
	// order written (post, schedule).
	Platforms []string
	// Link, ImageURLs and VideoURL are what the post carries besides its
	// text ("with image https://…", or a URL after the platforms).
	Link      string
	ImageURLs []string
	VideoURL  string
	// Platform is the one platform of accounts (optional), connect,
	// best_time and analytics (optional).
	Platform string
	// When is the time as written ("tomorrow 9am"), resolved in the user's
	// zone by the tool (schedule).
	When string
	// ID is the account (disconnect), job or post (cancel) or post (retry).
	ID string
	// Days is the analytics window ending today (7, 30); DateFrom and DateTo
	// ("2026-11-01") an explicit range instead. All zero: the default.
	Days     int
	DateFrom string
	DateTo   string
	// Status filters jobs ("pending", "failed" …) and posts ("scheduled",
	// "failed", "published" …).
	Status string
	// Query is what to look for (library, leads, recall).
	Query string
	// Only narrows a media listing to "video" ("show my videos").
	Only string
	// Ref is a reference to the conversation (RefLast, RefFailed) where
	// the command names no ID or text; only Read returns it.
	Ref string
	// Media picks media shared in the conversation for a post, a library
	// item (save), alt text or deleting: MediaLast ("the image above"),
	// MediaAll ("both") or a position from 1 ("the second one"); only Read
	// returns it.
	Media string
	// Guesses are platforms read from words far from their names
	// ("lnkdn"), to confirm before acting; only Read returns them.
	Guesses []Guess
	// Topic is the command help was asked about (help).
	Topic Kind
	// Account names an account in words ("Acme Outdoor") and ClearDefault
	// removes the platform's default (default).
	Account      string
	ClearDefault bool
	// Group is an account group's name and Accounts its accounts as people
	// name them ("twitter", "facebook Acme Coffee") (group).
	Group    string
	Accounts []string
}

// ErrUnknown is input that names no command at all.
var ErrUnknown = errors.New("commands: not a command")

// UsageError is a command written wrongly: what is wrong and the correct
// usage.
type UsageError struct {
	Kind    Kind
	Problem string
}

func (e *UsageError) Error() string {
	return fmt.Sprintf("%s; usage: %s", e.Problem, Usage(e.Kind))
}

func usageErr(k Kind, format string, args ...any) error {
	return &UsageError{Kind: k, Problem: fmt.Sprintf(format, args...)}
}

var usages = []struct {
	kind  Kind
	usage string
	about string
}{
	{KindPost, `post "text" to x,linkedin`, "publish now on those platforms; add `with image URL`, `video URL` or `link URL`"},
	{KindSchedule, `schedule "text" to linkedin tomorrow 9am`, `publish later ("in 2 hours", "next Monday 14:30", "2026-12-01 09:00")`},
	{KindAccounts, `accounts [platform]`, "list connected accounts"},
	{KindConnect, `connect instagram`, "connect facebook, instagram, x, linkedin or zoho"},
	{KindDisconnect, `disconnect ID`, "disconnect an account (IDs from accounts)"},
	{KindAnalytics, `analytics [7d|30d|2026-11-01..2026-11-30] [platform]`, "figures for a period"},
	{KindBestTime, `best time for instagram`, "when your audience engages most"},
	{KindJobs, `jobs [pending|failed|completed|cancelled]`, "scheduled and recent jobs"},
	{KindCancel, `cancel ID`, "cancel a scheduled post or job"},
	{KindRetry, `retry ID`, "publish a failed post again"},
	{KindDefault, DefaultUsage, "the account a platform's posts go to when it has several (`none`: ask each time)"},
	{KindDigest, DigestUsage, "the weekly digest, Mondays 09:00: switch it, or send it to another channel"},
	{KindInbox, InboxUsage, "where new comments and mentions are posted to be answered"},
	{KindGroup, GroupSaveUsage, "name a brand's accounts together (a platform each, and its account's name when it has several); posts to the group go to each"},
	{KindGroup, `group`, "list the account groups"},
	{KindGroup, GroupDeleteUsage, "delete an account group (its accounts stay connected)"},
	{KindToken, `token`, "an API token for the REST API"},
	{KindDashboard, `dashboard`, "the overview"},
	{KindHelp, `help [command]`, "this list"},
}

// sentences are what the sentence kinds do, with an example: they are read
// in conversation, not offered as slash commands.
var sentences = []struct {
	kind    Kind
	example string
	about   string
}{
	{KindPosts, "show my scheduled posts", "list posts by status or platform"},
	{KindDraft, `check "text" for x`, "check a draft against each platform's rules"},
	{KindSave, `save "text" to the library`, "keep a draft in the content library"},
	{KindLibrary, "show my drafts", "find drafts and templates in the library"},
	{KindMedia, "show my images", "the images and videos uploaded: share one in Slack or drop it on the dashboard's Media page, then say \"post this to Instagram\""},
	{KindSave, "save this image to the library", "keep an image shared here in the library, with a caption in quotes if you like"},
	{KindMediaAlt, `add alt text "A red shoe" to the image`, "describe an image shared here for people who cannot see it"},
	{KindWhoAmI, "who am I?", "your role here and what it lets you do"},
	{KindAbout, "what can you do?", "what I do, in short"},
	{KindHashtags, `hashtags for "text" on instagram`, "suggest hashtags"},
	{KindEmailDraft, "draft an email campaign about the spring sale", "draft an e-mail campaign"},
	{KindEmailLists, "show my mailing lists", "list the Zoho Campaigns mailing lists"},
	{KindEmailSchedule, "send the email tomorrow at 9am", "schedule an e-mail campaign"},
	{KindEmailReport, "how did the email do", "an e-mail campaign's opens and clicks"},
	{KindCRM, "how many leads do we have", "Zoho CRM figures"},
	{KindLeads, "find leads from acme", "search Zoho CRM leads"},
	{KindCampaignPlan, "plan a campaign for the spring launch", "plan a marketing campaign"},
	{KindWrite, "write a post about the spring sale", "write copy (with a language model)"},
	{KindRemember, "remember that our brand voice is playful", "keep a note for later conversations"},
	{KindRecall, "what do you remember", "read the notes kept"},
}

// Usage is the one-line usage of a command kind.
func Usage(k Kind) string {
	for _, u := range usages {
		if u.kind == k {
			return u.usage
		}
	}
	for _, s := range sentences {
		if s.kind == k {
			return s.example
		}
	}
	return "help"
}

// Help lists every command with its usage, one a line.
func Help() string {
	var b strings.Builder
	for _, u := range usages {
		fmt.Fprintf(&b, "• `%s`: %s\n", u.usage, u.about)
	}
	return b.String()
}

// verbs maps the words that name a command to it; the first such word in
// the input decides (help only when nothing else is named).
var verbs = map[string]Kind{
	"post": KindPost, "publish": KindPost, "share": KindPost, "tweet": KindPost,
	"schedule": KindSchedule,
	"accounts": KindAccounts, "account": KindAccounts,
	"connect": KindConnect, "link": KindConnect,
	"disconnect": KindDisconnect, "unlink": KindDisconnect, "remove": KindDisconnect,
	"analytics": KindAnalytics, "stats": KindAnalytics, "metrics": KindAnalytics, "performance": KindAnalytics,
	"jobs": KindJobs, "job": KindJobs, "queue": KindJobs,
	"cancel": KindCancel, "unschedule": KindCancel,
	"retry":     KindRetry,
	"token":     KindToken,
	"dashboard": KindDashboard, "overview": KindDashboard,
	"help": KindHelp, "?": KindHelp, "commands": KindHelp,
}

// Parse reads one command to run as it is (a slash command): a command
// that refers to the conversation ("cancel it") or names a platform only
// far from its name is a usage error saying what to write instead.
func Parse(input string) (Command, error) {
	c, err := Read(input)
	if err != nil {
		return c, err
	}
	if c.Ref != "" {
		return Command{}, usageErr(c.Kind, "%s needs an ID here (\"it\" and \"that\" work when you talk to me in a conversation)", c.Kind)
	}
	if c.Kind == KindMediaDelete {
		return Command{}, usageErr(c.Kind, "images and videos are deleted on the dashboard's Media page, which shows where each one is used")
	}
	if c.Media != "" {
		return Command{}, usageErr(c.Kind, "images shared in a conversation work when you talk to me there; here give an image URL")
	}
	if len(c.Guesses) > 0 {
		g := c.Guesses[0]
		return Command{}, usageErr(c.Kind, "did you mean %s? %q is not a platform", DisplayName(g.Meant), g.Wrote)
	}
	switch c.Kind {
	case KindBestTime:
		if c.Platform == "" {
			return Command{}, usageErr(c.Kind, "name a platform: %s", platformList)
		}
	case KindEmailSchedule, KindEmailReport:
		if c.ID == "" {
			return Command{}, usageErr(c.Kind, "%s needs the e-mail campaign's ID", c.Kind)
		}
	}
	return c, nil
}

// Read reads one request as said in a conversation: commands, and the
// sentences people write ("what's scheduled this week", "cancel it"),
// typos corrected. A command may carry a reference to the conversation
// (Ref) or platform guesses to confirm (Guesses), for the caller to
// resolve. Input that asks for nothing known is ErrUnknown.
func Read(input string) (Command, error) {
	s := strings.TrimSpace(input)
	if rest, ok := strings.CutPrefix(s, "/mm"); ok && (rest == "" || rest[0] == ' ') {
		s = strings.TrimSpace(rest)
	}
	if c, ok, err := parseDefault(s); ok {
		return c, err
	}
	if c, ok, err := parseDigest(s); ok {
		return c, err
	}
	if c, ok, err := parseInbox(s); ok {
		return c, err
	}
	if c, ok, err := readMediaAsk(s); ok {
		return c, err
	}
	if c, ok, err := parseGroup(s); ok {
		return c, err
	}
	if rest, pick, ok := cutMedia(s); ok {
		if onlyUse(rest) {
			return Command{Kind: KindPost, Ref: RefLast, Media: pick}, nil
		}
		if c, err := read(rest); err == nil && (c.Kind == KindPost || c.Kind == KindSchedule) {
			c.Media = pick
			return c, nil
		}
	}
	return read(s)
}

// read reads s, a request without a media reference cut out.
func read(s string) (Command, error) {
	toks, err := lex(s)
	if err != nil {
		return Command{}, fmt.Errorf("%w: %v", ErrUnknown, err)
	}
	toks, guesses := normalize(toks)
	w := newWords(toks)
	kind, at := classify(w)
	if kind == "" {
		return Command{}, ErrUnknown
	}
	// A command word written first, as it is, is a command (strict); any
	// other request is a sentence.
	strict := at == 0 && verbs[toks[0].low] == kind && strings.ToLower(strings.TrimRight(toks[0].raw, ".!?:")) == toks[0].low ||
		kind == KindBestTime && at == 1 && toks[0].low == "best"
	p := &parser{input: s, toks: toks, verb: at, kind: kind, loose: !strict, w: w}
	c, err := p.parse()
	if err != nil {
		return Command{}, err
	}
	for _, g := range guesses {
		if slices.Contains(c.Platforms, g.Meant) || c.Platform == g.Meant {
			c.Guesses = append(c.Guesses, g)
		}
	}
	return c, nil
}

// DisplayName is how a platform is written to a person.
func DisplayName(p string) string {
	switch p {
	case "twitter":
		return "X"
	case "linkedin":
		return "LinkedIn"
	}
	if p == "" {
		return ""
	}
	return strings.ToUpper(p[:1]) + p[1:]
}

// findVerb finds the command the input names and where.
func findVerb(toks []token) (Kind, int) {
	for i, t := range toks {
		if t.quoted {
			continue
		}
		// "best time", "when should I post", "when to post".
		if t.low == "best" && i+1 < len(toks) && strings.HasPrefix(toks[i+1].low, "time") {
			return KindBestTime, i + 1
		}
		if t.low == "when" {
			for j := i + 1; j < len(toks) && j <= i+4; j++ {
				if toks[j].low == "post" || toks[j].low == "publish" {
					return KindBestTime, j
				}
			}
		}
	}
	for i, t := range toks {
		// "help schedule": help named first is help about what follows.
		if !t.quoted && verbs[t.low] == KindHelp {
			return KindHelp, i
		}
		if _, verb := verbs[t.low]; verb || t.quoted || !fillers[t.low] {
			break
		}
	}
	help := -1
	for i, t := range toks {
		if t.quoted {
			continue
		}
		k, ok := verbs[t.low]
		switch {
		case !ok:
		case k == KindHelp:
			if help < 0 {
				help = i
			}
		case k == KindAccounts && i+1 < len(toks) && toks[i+1].low == "id":
			// "account ID" names an ID, not the accounts command.
		default:
			return k, i
		}
	}
	if help >= 0 {
		return KindHelp, help
	}
	return "", 0
}
