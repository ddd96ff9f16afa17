package intent

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Suggestion is a thing the planner can do, offered when a request was not
// understood: what it does and how to ask for it.
type Suggestion struct {
	Kind    Kind
	Example string
	About   string
}

// related are more words that bring a kind to mind, beyond its example and
// description.
var related = map[Kind]string{
	KindPost:          "publish share tweet send now announce caption content write social",
	KindSchedule:      "later tomorrow time date queue calendar plan",
	KindAccounts:      "connected channels pages profiles handles who",
	KindConnect:       "add link hook authorize login integrate",
	KindDisconnect:    "remove unlink revoke delete",
	KindAnalytics:     "stats performance reach engagement impressions followers likes numbers report results growth",
	KindBestTime:      "when audience online engage hours days",
	KindJobs:          "queue background running tasks",
	KindCancel:        "stop delete scrap pull unschedule undo",
	KindRetry:         "again resend failed error",
	KindDashboard:     "overview summary health status link",
	KindGroup:         "brands brand together bundle set accounts",
	KindPosts:         "scheduled failed published upcoming history recent list",
	KindDraft:         "check fit length limit characters validate",
	KindSave:          "keep store later idea",
	KindLibrary:       "drafts templates saved content ideas find",
	KindMedia:         "images photos pictures videos media uploads files",
	KindHashtags:      "tags trending keywords",
	KindEmailDraft:    "email newsletter mailing write draft blast",
	KindEmailLists:    "subscribers audience contacts lists",
	KindEmailSchedule: "email send newsletter blast",
	KindEmailReport:   "email opens clicks bounces rate",
	KindCRM:           "leads contacts deals pipeline zoho sales",
	KindLeads:         "leads prospects customers search zoho",
	KindCampaignPlan:  "campaign plan strategy calendar launch ideas",
	KindWrite:         "write compose caption copy blog ideas generate brainstorm",
	KindRemember:      "note brand voice preference",
	KindRecall:        "notes memory remember brand",
}

// Closest returns the n things the planner can do that are nearest to
// what input asks, nearest first.
func Closest(input string, n int) []Suggestion {
	all := commandSuggestions()
	for _, s := range sentences {
		all = append(all, Suggestion{Kind: s.kind, Example: s.example, About: s.about})
	}
	return closest(all, input, n)
}

// ClosestCommands is Closest among the commands (what a slash command
// runs), their examples in command form.
func ClosestCommands(input string, n int) []Suggestion {
	return closest(commandSuggestions(), input, n)
}

func commandSuggestions() []Suggestion {
	var all []Suggestion
	for _, u := range usages {
		if u.kind != KindHelp && u.kind != KindToken {
			all = append(all, Suggestion{Kind: u.kind, Example: u.usage, About: u.about})
		}
	}
	return all
}

func closest(all []Suggestion, input string, n int) []Suggestion {
	asked := contentWords(input)
	scores := make([]float64, len(all))
	for i, s := range all {
		bag := contentWords(s.Example + " " + s.About + " " + string(s.Kind) + " " + related[s.Kind])
		for _, a := range asked {
			best := 0.0
			for _, b := range bag {
				best = max(best, similarity(a, b))
			}
			scores[i] += best
		}
	}
	order := make([]int, len(all))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case scores[a] > scores[b]:
			return -1
		case scores[a] < scores[b]:
			return 1
		}
		return 0
	})
	out := make([]Suggestion, 0, n)
	for _, i := range order[:min(n, len(order))] {
		out = append(out, all[i])
	}
	return out
}

// contentWords are the lowercase words of s that carry meaning.
func contentWords(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r == '\'' || r >= 0x80)
	}) {
		if utf8.RuneCountInString(f) > 2 && !fillers[f] && !noise[f] {
			out = append(out, f)
		}
	}
	return out
}

// similarity is 1 for the same word, less for a near one (a shared stem,
// a typo), 0 for a different word.
func similarity(a, b string) float64 {
	if a == b {
		return 1
	}
	if len(a) >= 5 && len(b) >= 5 && (strings.HasPrefix(a, b[:5]) || strings.HasPrefix(b, a[:5])) {
		return 0.8
	}
	if d := distance(a, b); d == 1 && len(a) >= 4 {
		return 0.7
	}
	return 0
}
