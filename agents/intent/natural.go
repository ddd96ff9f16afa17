package intent

import "strings"

// noise are words of a sentence that never carry an argument.
var noise = setOf("do", "did", "does", "have", "has", "got", "yet", "any", "anything", "which", "who", "how", "how's",
	"why", "where", "when", "hey", "hi", "ok", "okay", "u", "r", "up", "going", "doing", "looking", "there", "here",
	"think", "know", "should", "would", "will", "go", "went", "been", "be", "much", "many", "lately", "recently",
	"again", "instead", "actually", "pls", "please", "thx", "thank", "yes", "no", "mine", "ours", "us", "am", "as",
	"was", "were", "did", "done", "out", "off", "get", "got", "we've", "i've", "ve", "up?", "so", "far", "just",
	"also", "too", "latest", "recent", "new", "old", "last", "this", "next", "everything", "all", "some", "those",
	"these", "yeah", "yep", "nope", "nah", "hold", "never", "mind", "quick", "quickly", "asap", "real", "really")

// commandFirst are the command words that decide alone when they start a
// request.
var commandFirst = setOf("post", "publish", "tweet", "schedule", "connect", "disconnect", "cancel", "retry",
	"analytics", "accounts", "unschedule")

// Yes and no words, for answering a question the planner asked.
var (
	yesWords = setOf("yes", "yep", "yeah", "yup", "sure", "ok", "okay", "please", "do", "it", "go", "ahead", "y", "👍",
		"correct", "right", "exactly", "that's", "thats", "confirm", "affirmative", "absolutely", "definitely", ",")
	noWords = setOf("no", "nope", "nah", "n", "thanks", "👎", "not", "don't", "dont", "never", "mind", "wrong", "one", ",")
)

// The words that name a kind in a sentence.
var (
	emailWords      = []string{"email", "newsletter", "mailing", "mailshot"}
	leadWords       = []string{"leads", "lead"}
	crmWords        = []string{"crm", "contacts", "deals", "zoho"}
	hashtagWords    = []string{"hashtags", "hashtag", "tags"}
	libraryWords    = []string{"library", "drafts", "templates", "template", "saved"}
	mediaWordsAsked = []string{"images", "image", "photos", "photo", "pictures", "picture", "pics", "videos", "video", "media", "uploads", "files"}
	askingWords     = []string{"show", "list", "what", "which", "any", "see", "find", "uploaded", "browse", "view", "do", "have"}
	dashWords       = []string{"dashboard", "dash", "overview", "summary", "everything"}
	postingVerbs    = []string{"post", "publish", "share", "tweet", "put", "send", "drop", "schedule", "queue"}
	cancelVerbs     = []string{"cancel", "unschedule", "scrap", "kill", "pull", "delete", "stop", "withdraw", "abort"}
	retryVerbs      = []string{"retry", "resend", "repost", "redo"}
	connectVerbs    = []string{"connect", "link", "hook", "add", "plug", "set", "authorize", "authorise", "integrate"}
	accountWords    = []string{"accounts", "account", "connected", "hooked", "linked", "channels", "profiles", "pages", "handles", "socials"}
	analyticWords   = []string{"analytics", "stats", "statistics", "metrics", "performance", "performing", "numbers",
		"reach", "impressions", "engagement", "likes", "followers", "report", "results", "insights", "kpis", "growth",
		"clicks", "views", "weekly", "monthly", "figures"}
	scheduledWords = []string{"scheduled", "upcoming", "coming", "planned", "lined", "pipeline", "queued", "calendar"}
	failedWords    = []string{"failed", "fail", "wrong", "didn't", "broken", "errors", "error", "partial", "partly"}
	refWords       = []string{"it", "that", "this", "them", "those", "these", "last", "previous"}
)

// classify decides what a request asks for and where its command word is
// (the parser reads the arguments from there).
func classify(w words) (Kind, int) {
	if len(w.toks) == 0 {
		return "", 0
	}
	if k := answer(w); k != "" {
		return k, 0
	}
	// A request that starts with a command word is that command, whatever
	// its text says ("post Join our email list to linkedin").
	if t := w.toks[0]; !t.quoted && commandFirst[t.low] && strings.EqualFold(strings.TrimRight(t.raw, ".!?:"), t.low) &&
		(t.low == "post" || t.low == "publish" || t.low == "tweet" || !w.has(emailWords...)) {
		return verbs[t.low], 0
	}
	if whoAmI(w) {
		return KindWhoAmI, 0
	}
	if i, ok := w.at("help", "?", "commands"); ok && i == w.first() && !w.has("connect", "plan", "me") {
		return KindHelp, i
	}
	switch {
	case w.phrase("what", "can", "you", "do") || w.phrase("how", "does", "this", "work") || w.phrase("who", "are", "you") ||
		w.phrase("what", "are", "you") && len(w.toks) <= 4:
		return KindAbout, 0
	case w.has("remind") && w.has("know", "remember", "notes") || w.phrase("what", "do", "you", "remember") ||
		w.phrase("what", "do", "you", "know") || w.phrase("what", "notes") || w.has("recall", "remembered"):
		return KindRecall, 0
	case w.first() < len(w.toks) && (w.toks[w.first()].low == "remember" || w.toks[w.first()].low == "note" ||
		w.toks[w.first()].low == "keep-in"):
		return KindRemember, w.first()
	case w.has(emailWords...):
		return emailKind(w), 0
	case w.phrase("open", "rate") || w.phrase("click", "rate") || w.phrase("click", "through"):
		return KindEmailReport, 0
	case w.has("subscribers"):
		return KindEmailLists, 0
	case w.has(leadWords...):
		if w.has("how", "count", "number") {
			return KindCRM, 0
		}
		return KindLeads, 0
	case w.has(crmWords...) && !w.has(connectVerbs...) && !w.has(postingVerbs...) && !bestTime(w):
		return KindCRM, 0
	case w.has(hashtagWords...):
		return KindHashtags, 0
	case w.quoted() && w.has("check", "fit", "fits", "ok", "okay", "valid", "long", "length"):
		return KindDraft, 0
	case w.quoted() && w.has("save", "keep", "store", "library", "draft"):
		return KindSave, 0
	case w.has("write", "compose", "generate", "brainstorm", "rewrite") && !w.quoted() && !w.has(emailWords...):
		return KindWrite, 0
	case (w.has("plan", "campaign") || w.has("calendar") && w.has("make", "create", "build", "draft")) && !w.quoted():
		return KindCampaignPlan, 0
	case (w.phrase("media", "library") || w.has("alt")) && !w.quoted() || len(w.toks) == 1 && w.has(mediaWordsAsked...):
		return KindMedia, 0
	case w.has(mediaWordsAsked...) && w.has(askingWords...) && !w.quoted() && !w.has(postingVerbs...) && !w.has(analyticWords...) &&
		!w.has(refWords...) && !bestTime(w) && !w.phrase("social", "media"):
		return KindMedia, 0
	case w.has(libraryWords...) && !w.quoted() || w.has("draft") && !w.quoted() && !w.has(postingVerbs...) ||
		w.phrase("did", "we", "save") || w.phrase("have", "we", "saved"):
		return KindLibrary, 0
	case w.has("token"):
		i, _ := w.at("token")
		return KindToken, i
	}
	if k, i := sentence(w); k != "" {
		return k, i
	}
	return findVerb(w.toks)
}

// whoAmI says whether the request asks who the person is here: "who am
// I?", "what's my role", "what can I do", "am I an admin". "Who am I
// posting as" asks for the accounts.
func whoAmI(w words) bool {
	n := len(w.toks)
	return w.phrase("who", "am", "i") && n <= 4 && !w.has("posting", "post", "as") || w.has("whoami") ||
		w.phrase("my", "role") || w.phrase("my", "permissions") || w.phrase("my", "access") ||
		w.phrase("what", "can", "i", "do") && n <= 5 || w.phrase("am", "i", "an", "admin") || w.phrase("am", "i", "admin") ||
		w.phrase("am", "i", "an", "editor") || w.phrase("what", "am", "i", "allowed") || w.phrase("am", "i", "allowed") ||
		n <= 4 && w.toks[0].low == "can" && (w.phrase("can", "i", "post") || w.phrase("can", "i", "publish") || w.phrase("can", "i", "schedule"))
}

// answer reads a yes or a no on its own.
func answer(w words) Kind {
	if len(w.toks) == 0 || len(w.toks) > 4 {
		return ""
	}
	yes, no := true, true
	for _, t := range w.toks {
		yes = yes && !t.quoted && yesWords[t.low]
		no = no && !t.quoted && (noWords[t.low] || t.low == "please")
	}
	switch {
	case no && w.has("no", "nope", "nah", "n", "👎", "wrong", "not", "don't", "dont"):
		return KindDeny
	case yes:
		return KindConfirm
	}
	return ""
}

func emailKind(w words) Kind {
	switch {
	case w.has("lists", "list") && !w.has("draft", "write", "create"), w.phrase("who", "can", "i", "email"):
		return KindEmailLists
	case w.has("report", "stats", "opened", "open", "opens", "rate", "clicks", "how", "did", "results"):
		return KindEmailReport
	case w.has("send", "schedule") && !w.has("draft", "write"):
		return KindEmailSchedule
	}
	return KindEmailDraft
}

// sentence reads the requests written as sentences: questions and
// imperatives that name no command word first.
func sentence(w words) (Kind, int) {
	post, posting := w.at(postingVerbs...)
	switch {
	case w.has(cancelVerbs...) || w.has("don't", "dont") && posting:
		i, _ := w.at(cancelVerbs...)
		return KindCancel, max(i, 0)
	case w.has(retryVerbs...) || w.has("try") && w.has("again"):
		i, _ := w.at(append(retryVerbs, "try")...)
		return KindRetry, i
	case w.has("job", "jobs", "background") || w.has("queue") && !w.quoted() || w.phrase("running", "right", "now"):
		i, _ := w.at("job", "jobs", "queue", "background", "running")
		return KindJobs, i
	case w.has("disconnect", "unlink", "remove"):
		i, _ := w.at("disconnect", "unlink", "remove")
		return KindDisconnect, i
	case bestTime(w):
		return KindBestTime, 0
	case w.has(dashWords...) && !w.has("posted", "posts"):
		i, _ := w.at(dashWords...)
		return KindDashboard, i
	case !w.quoted() && w.has(refWords...) && hasTime(w):
		i, _ := w.at(postingVerbs...)
		return KindSchedule, max(i, 0)
	case posting && (w.quoted() || len(w.platforms()) > 0 && !w.has("what", "which", "where", "did", "how")):
		if w.has("connect") {
			break
		}
		if l := w.toks[post].low; l == "schedule" || l == "queue" {
			return KindSchedule, post
		}
		return KindPost, post
	}
	switch {
	case w.has("connect") || w.has(connectVerbs...) && len(w.platforms()) > 0 && !w.has("what", "which", "how's") ||
		w.has("get") && w.has("connected") && len(w.platforms()) > 0:
		i, _ := w.at(connectVerbs...)
		return KindConnect, i
	case w.has(accountWords...) && (!w.has("posts", "post") || w.has("can")) || w.phrase("posting", "as") ||
		w.has("where") && w.has("post", "publish"):
		i, _ := w.at(accountWords...)
		return KindAccounts, max(i, 0)
	case w.has("how", "how's") && w.has("did", "are", "is", "doing", "performing", "go", "going") || w.has("how'd") ||
		w.has(analyticWords...) || w.phrase("did", "best") || w.phrase("top", "posts"):
		if verbs[w.toks[0].low] == KindAnalytics {
			return KindAnalytics, 0
		}
		return KindAnalytics, -1
	case w.has(scheduledWords...) || w.has(failedWords...) || w.has("posts", "post", "posted", "tweets", "published") ||
		w.phrase("going", "out") || w.phrase("went", "out") || w.phrase("put", "out"):
		return KindPosts, 0
	}
	return "", 0
}

// bestTime says whether the request asks when to post.
func bestTime(w words) bool {
	when := w.has("when")
	return w.has("best", "good", "optimal", "ideal") && w.has("time", "times", "day", "days", "hour", "hours") ||
		when && w.has("post", "posts", "tweet", "publish", "engage", "online", "active", "people", "audience") ||
		w.phrase("what", "time", "should")
}

// hasTime says whether the words hold a time of day or a day.
func hasTime(w words) bool {
	return w.has("tomorrow", "today", "tonight", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
		"sunday", "noon", "midnight", "hours", "hour", "minutes") || w.hasClock()
}

// hasClock says whether a word is a clock time ("9am", "14:30").
func (w words) hasClock() bool {
	for _, t := range w.toks {
		l := t.low
		if t.quoted || l == "" || l[0] < '0' || l[0] > '9' {
			continue
		}
		if len(l) > 2 && (l[len(l)-2:] == "am" || l[len(l)-2:] == "pm") || len(l) >= 4 && l[len(l)-3] == ':' {
			return true
		}
	}
	return false
}
