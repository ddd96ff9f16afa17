package intent

import "strings"

// Guess is a word read as something it is far from ("lnkdn" as linkedin):
// a caller confirms it with the person before acting on it.
type Guess struct {
	Wrote string
	Meant string
}

// targets are the words a typo is corrected to: the commands' and
// platforms' names, which is where a typo changes what is done.
var targets = []string{
	"accounts", "account", "connect", "disconnect", "schedule", "scheduled", "post", "posts", "publish", "published",
	"analytics", "dashboard", "retry", "cancel", "hashtags", "newsletter", "campaign", "email", "library", "drafts",
	"help", "time", "failed", "template", "templates", "leads", "remember", "unschedule", "overview",
}

// platformNames are the canonical names a far typo may be guessed as.
var platformNames = []string{"linkedin", "instagram", "facebook", "twitter"}

// common are everyday words that are never corrected, though they are
// one letter away from a target ("most", "test", "last").
var common = setOf("most", "test", "last", "past", "host", "cost", "lost", "time", "tim", "have", "fail", "hold",
	"best", "rest", "next", "text", "this", "that", "then", "than", "them", "they", "when", "what", "with", "will",
	"well", "help", "held", "hell", "poll", "pool", "does", "done", "dose", "good", "look", "book", "face", "link",
	"into", "onto", "open", "over", "user", "used", "uses", "some", "same", "save", "sale", "sales", "love", "live",
	"lives", "like", "likes", "line", "list", "lists", "lead", "read", "send", "sent", "spot", "stop", "shop", "shot",
	"show", "slow", "blog", "team", "year", "week", "weeks", "month", "today", "story", "stories", "photo", "video",
	"event", "events", "menu", "news", "offer", "hours", "drop", "deal", "deals", "mail", "mails", "ideas", "idea",
	"cancelled", "canceled", "account's", "accounts'", "postal", "poster", "posted", "posting", "emails", "e-mail",
	"connected", "connects", "connecting", "hashtag", "draft", "lead's", "leader", "tweet", "tweets", "retries",
	"campaigns", "schedules", "scheduling", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
	"sunday", "tomorrow", "tonight", "morning", "evening", "afternoon", "minutes", "content", "contest", "contact", "contacts", "connection", "connections",
	"remembered", "reminder", "disconnected", "scheduler", "publisher", "analytical", "libraries", "templated")

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// maxWord is the longest word distance compares; longer ones are far
// from every target.
const maxWord = 24

// distance is the optimal string alignment distance between a and b (a
// swap of two neighbours counts as one edit), on bytes (correct compares
// only lowercase ASCII words), giving up (4) beyond 3 or maxWord.
func distance(a, b string) int {
	if d := len(a) - len(b); d > 3 || d < -3 || len(a) > maxWord || len(b) > maxWord {
		return 4
	}
	var rows [3][maxWord + 1]int
	prev2, prev, cur := &rows[0], &rows[1], &rows[2]
	for j := 0; j <= len(b); j++ {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// skeleton is a word without its vowels and doubled letters: "lnkdn" for
// both linkedin and lnkdn, "twtr" for twitter, how people abbreviate.
func skeleton(s string) string {
	var b strings.Builder
	var last rune
	for _, r := range s {
		if !strings.ContainsRune("aeiouy", r) && r != last {
			b.WriteRune(r)
		}
		last = r
	}
	return b.String()
}

// correct returns the target a typo stands for: near (one edit, or two in
// a long command word) is corrected silently; a platform far from what was
// written (two edits, or the same consonants) is a guess to confirm. first
// says the word starts the request, where a three-letter typo ("pst") is
// still read.
func correct(low string, first bool) (word string, guess bool) {
	n := len(low)
	if n < 3 || n == 3 && !first || n > maxWord || !isWord(low) || known(low) {
		return "", false
	}
	best, bestD := "", 3
	for _, t := range targets {
		if !sameStart(low, t) {
			continue
		}
		d := distance(low, t)
		limit := 1
		if n >= 7 && len(t) >= 7 {
			limit = 2
		}
		if d <= limit && d < bestD {
			best, bestD = t, d
		}
	}
	for _, p := range platformNames {
		if d := distance(low, p); sameStart(low, p) && d <= 1 && d < bestD {
			best, bestD = p, d
		}
	}
	if best != "" {
		return best, false
	}
	if n < 4 {
		return "", false
	}
	for _, p := range platformNames {
		if distance(low, p) == 2 || skeleton(low) == skeleton(p) {
			return p, true
		}
	}
	return "", false
}

// sameStart says whether a and b share their first or second letter: a
// typo keeps one of them (a cheap test before distance).
func sameStart(a, b string) bool {
	return a[0] == b[0] || len(a) > 1 && len(b) > 1 && a[1] == b[1]
}

// isWord says whether s is letters only (no IDs, numbers or URLs).
func isWord(s string) bool {
	for _, r := range s {
		if (r < 'a' || r > 'z') && r != '\'' {
			return false
		}
	}
	return true
}

// known says whether a word means something as it is.
func known(low string) bool {
	if common[low] || fillers[low] || listFillers[low] || analyticsFillers[low] || scheduleFillers[low] || noise[low] {
		return true
	}
	if _, ok := verbs[low]; ok {
		return true
	}
	if _, ok := platformAliases[low]; ok {
		return true
	}
	_, ok := periodWords[low]
	return ok || jobStatuses[low] != "" || mediaWords[low] != ""
}
