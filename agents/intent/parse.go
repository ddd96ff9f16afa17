package intent

import (
	"errors"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/marketingminds/marketingminds/tools/when"
)

// platformAliases maps what people write to canonical platform names.
var platformAliases = map[string]string{
	"facebook": "facebook", "fb": "facebook",
	"instagram": "instagram", "ig": "instagram", "insta": "instagram",
	"twitter": "twitter", "x": "twitter", "tweet": "twitter", "tweets": "twitter",
	"linkedin": "linkedin", "li": "linkedin",
	"zoho": "zoho",
}

// platformList is how errors name the platforms.
const platformList = "facebook, instagram, x, linkedin"

func platform(low string) (string, bool) {
	p, ok := platformAliases[strings.TrimSuffix(low, "'s")]
	return p, ok
}

// fillers are words that carry nothing once the command is known.
var fillers = map[string]bool{
	"please": true, "can": true, "could": true, "would": true, "you": true, "me": true, "my": true, "our": true,
	"the": true, "a": true, "an": true, "all": true, "show": true, "list": true, "get": true, "give": true,
	"see": true, "view": true, "what": true, "what's": true, "whats": true, "is": true, "are": true, "i": true,
	"we": true, "to": true, "for": true, "of": true, "on": true, "in": true, "over": true, "and": true, ",": true,
	"kindly": true, "connected": true, "account": true, "accounts": true, "id": true, "job": true, "jobs": true,
	"post": true, "posts": true, "number": true, "#": true, "let's": true, "lets": true, "want": true, "need": true,
	"now": true, "right": true, "immediately": true, "it": true, "this": true, "that": true, "page": true,
	"pages": true, "profile": true, "profiles": true, "both": true, "&": true, "at": true, "thanks": true, "with": true,
}

// listFillers may sit between the platforms of a list.
var listFillers = map[string]bool{
	"+": true, "and": true, ",": true, "&": true, "my": true, "our": true, "the": true, "both": true, "accounts": true,
	"account": true, "page": true, "pages": true, "profile": true, "profiles": true, "feed": true, "handle": true,
}

var prepositions = map[string]bool{"to": true, "on": true, "in": true, "for": true, "via": true, "across": true}

type parser struct {
	input string
	toks  []token
	verb  int
	kind  Kind
	// loose is a sentence rather than a command: words that are not
	// arguments are passed over instead of refused.
	loose bool
	w     words
}

func (p *parser) rest() []token { return p.toks[p.verb+1:] }

func (p *parser) parse() (Command, error) {
	switch p.kind {
	case KindPost, KindSchedule:
		return p.post()
	case KindAccounts:
		plat, err := p.optionalPlatform(map[string]bool{"zoho": true})
		return Command{Kind: KindAccounts, Platform: plat}, err
	case KindConnect:
		plat, err := p.onePlatform(nil)
		return Command{Kind: KindConnect, Platform: plat}, err
	case KindBestTime:
		if p.loose {
			plat, err := p.optionalPlatform(map[string]bool{"zoho": true})
			return Command{Kind: KindBestTime, Platform: plat}, err
		}
		plat, err := p.onePlatform(map[string]bool{"zoho": true})
		return Command{Kind: KindBestTime, Platform: plat}, err
	case KindDisconnect, KindCancel, KindRetry:
		return p.target()
	case KindAnalytics:
		return p.analytics()
	case KindJobs:
		return p.jobs()
	case KindHelp:
		c := Command{Kind: KindHelp}
		for _, t := range p.rest() {
			if k, ok := verbs[t.low]; ok && k != KindHelp {
				c.Topic = k
				break
			}
		}
		return c, nil
	}
	return p.sentence()
}

// findList finds the last preposition followed by a platform list in toks
// (skipping the quoted text): its span and the platforms.
func findList(toks []token) (start, end int, plats []string) {
	start = -1
	for i := len(toks) - 1; i >= 0; i-- {
		if toks[i].quoted || !prepositions[toks[i].low] {
			continue
		}
		var got []string
		j := i + 1
		for ; j < len(toks) && !toks[j].quoted; j++ {
			if pl, ok := platform(toks[j].low); ok {
				got = appendOnce(got, pl)
				continue
			}
			if !listFillers[toks[j].low] {
				break
			}
		}
		if len(got) > 0 {
			return i, j, got
		}
	}
	return -1, -1, nil
}

func appendOnce(list []string, s string) []string {
	for _, v := range list {
		if v == s {
			return list
		}
	}
	return append(list, s)
}

// referenceNow only serves to check that a time is readable: whether
// when.Parse can read words does not depend on the day.
var referenceNow = time.Date(2026, time.January, 1, 12, 0, 0, 0, time.UTC)

// scheduleFillers are words around a time that are not part of it.
var scheduleFillers = map[string]bool{
	"a": true, "post": true, "message": true, "update": true, "the": true, "it": true, "this": true,
	"please": true, "for": true, "at": true, "on": true, "and": true, ",": true, "with": true,
}

func (p *parser) post() (Command, error) {
	k := p.kind
	if !p.w.quoted() && p.w.has(refWords...) {
		// "schedule that for tomorrow 9am", "post it to linkedin too": a
		// reference and nothing else but platforms and a time (else "post
		// Check this out to x" is a text).
		c := Command{Kind: KindPost, Ref: RefLast, Platforms: p.w.platforms()}
		switch left := strings.Join(p.leftover(""), " "); {
		case left == "":
			if k == KindSchedule {
				return Command{}, usageErr(k, "say when (%s)", when.Forms)
			}
			return c, nil
		case readable(left):
			c.Kind, c.When = KindSchedule, left
			return c, nil
		}
	}
	rest := p.rest()
	text, textAt := "", -1
	for i, t := range rest {
		if t.quoted {
			if textAt >= 0 {
				return Command{}, usageErr(k, "there are two quoted texts; put the whole post in one pair of quotes")
			}
			text, textAt = strings.TrimSpace(t.raw), i
		}
	}
	start, end, plats := findList(rest)
	if textAt < 0 && start > 0 {
		text = strings.TrimSpace(p.input[rest[0].start:rest[start-1].end])
		rest = rest[start:]
		end -= start
		start = 0
	}
	if text == "" && textAt < 0 && start < 0 && p.toks[p.verb].low == "tweet" && len(rest) > 0 {
		text, rest = strings.TrimSpace(p.input[rest[0].start:]), nil
	}
	if text == "" {
		return Command{}, usageErr(k, "%s needs the text to publish, in quotes", k)
	}
	if start < 0 && p.toks[p.verb].low == "tweet" {
		plats = []string{"twitter"}
	}
	if len(plats) == 0 {
		return Command{}, usageErr(k, "%s needs the platforms to publish on (%s), after \"to\"", k, platformList)
	}
	for _, pl := range plats {
		if pl == "zoho" {
			return Command{}, usageErr(k, "Zoho is a CRM, not a place to publish; platforms are %s", platformList)
		}
	}
	c := Command{Kind: KindPost, Text: text, Platforms: plats}
	var left []string
	for i := 0; i < len(rest); i++ {
		t := rest[i]
		if (i >= start && i < end) || t.quoted {
			continue
		}
		if isURL(t.raw) {
			if err := c.attach("", t.raw); err != nil {
				return Command{}, usageErr(k, "%v", err)
			}
			continue
		}
		if mediaWords[t.low] != "" && i+1 < len(rest) && isURL(rest[i+1].raw) {
			if err := c.attach(mediaWords[t.low], rest[i+1].raw); err != nil {
				return Command{}, usageErr(k, "%v", err)
			}
			i++
			continue
		}
		if scheduleFillers[t.low] || symbol(t.low) || t.low == "+" {
			continue
		}
		left = append(left, t.raw)
	}
	if k == KindPost && !slices.ContainsFunc(left, func(s string) bool { return !fillers[strings.ToLower(s)] }) {
		left = nil
	}
	if len(left) == 0 {
		if k == KindSchedule {
			return Command{}, usageErr(k, "schedule needs a time (\"tomorrow 9am\", \"in 2 hours\", \"next Monday 14:30\", \"2026-12-01 09:00\")")
		}
		return c, nil
	}
	w := strings.Join(left, " ")
	if _, err := when.Parse(w, referenceNow, time.UTC); errors.Is(err, when.ErrFormat) {
		if k == KindPost {
			return Command{}, usageErr(k, "I don't understand %q after the platforms", w)
		}
		return Command{}, usageErr(k, "I can't read the time %q; write %s", w, when.Forms)
	}
	c.Kind, c.When = KindSchedule, w
	return c, nil
}

// onePlatform reads exactly one platform among the words after the verb.
func (p *parser) onePlatform(refuse map[string]bool) (string, error) {
	plat, err := p.optionalPlatform(refuse)
	if err == nil && plat == "" {
		extra := ""
		if refuse == nil {
			extra = " or zoho"
		}
		return "", usageErr(p.kind, "name a platform: %s%s", platformList, extra)
	}
	return plat, err
}

// optionalPlatform reads at most one platform; any other word that is not
// a filler is an unknown platform.
func (p *parser) optionalPlatform(refuse map[string]bool) (string, error) {
	found := ""
	for i, t := range p.toks {
		if i == p.verb {
			continue
		}
		if pl, ok := platform(t.low); ok {
			if refuse[pl] {
				return "", usageErr(p.kind, "%s is not a social platform; platforms are %s", pl, platformList)
			}
			if found != "" && found != pl {
				return "", usageErr(p.kind, "one platform at a time")
			}
			found = pl
			continue
		}
		if fillers[t.low] || p.kind == KindBestTime && bestTimeWords[t.low] || platformWords[t.low] || p.loose || symbol(t.low) {
			continue
		}
		return "", usageErr(p.kind, "%q is not a platform; platforms are %s", t.raw, platformList)
	}
	return found, nil
}

var bestTimeWords = map[string]bool{"time": true, "times": true, "best": true, "when": true, "should": true,
	"do": true, "publish": true, "post?": true, "day": true, "hour": true, "our": true, "audience": true}

// platformWords may stand next to a platform's name.
var platformWords = map[string]bool{"crm": true, "company": true, "business": true, "campaigns": true, "please": true}

var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_:.\-]{0,127}$`)

var idFillers = map[string]bool{"failed": true, "scheduled": true, "social": true, "email": true, "campaign": true}

// target reads what disconnect, cancel and retry act on: one ID, or a
// reference to the conversation ("it", "the failed ones").
func (p *parser) target() (Command, error) {
	c := Command{Kind: p.kind}
	var err error
	if p.loose {
		for _, t := range p.toks {
			raw := strings.TrimPrefix(strings.TrimRight(t.raw, ".!?,"), "#")
			if t.quoted || !looksLikeID(raw) {
				continue
			}
			if c.ID != "" && c.ID != raw {
				return Command{}, usageErr(p.kind, "%s takes one ID", p.kind)
			}
			c.ID = raw
		}
	} else if c.ID, err = p.id(); err != nil {
		return Command{}, err
	}
	if c.ID != "" {
		return c, nil
	}
	switch {
	case p.kind == KindDisconnect:
	case p.kind == KindRetry && p.loose && !p.w.has("failed", "fail", "them", "those", "ones", "everything", "all"):
		c.Ref = RefLast
		return c, nil
	case p.kind == KindRetry && p.w.has("failed", "fail", "them", "those", "ones", "everything", "all"):
		c.Ref = RefFailed
		return c, nil
	case p.w.has(refWords...) || p.w.has("post", "one", "scheduled"):
		c.Ref = RefLast
		return c, nil
	}
	return Command{}, usageErr(p.kind, "%s needs an ID", p.kind)
}

// looksLikeID says whether a word of a sentence is an ID: letters and
// digits together, not a time or a date.
func looksLikeID(raw string) bool {
	low := strings.ToLower(raw)
	if !strings.ContainsAny(low, "0123456789") || !idPattern.MatchString(raw) || isNumber(low) || isDate(low) {
		return false
	}
	return !newWords([]token{{low: low}}).hasClock() && !(strings.HasSuffix(low, "d") && isNumber(strings.TrimSuffix(low, "d")))
}

// refSkip are the words of a reference that are not an ID.
var refSkip = map[string]bool{"them": true, "those": true, "these": true, "last": true, "previous": true, "one": true,
	"ones": true, "again": true, "everything": true, "retry": true, "another": true, "go": true, "actually": true,
	"nah": true, "never": true, "mind": true, "hold": true}

// id reads the one ID after the verb; "" when there is none.
func (p *parser) id() (string, error) {
	id := ""
	for _, t := range p.rest() {
		low := strings.TrimPrefix(t.low, "#")
		if t.quoted {
			low = strings.ToLower(t.raw)
		}
		if fillers[low] || idFillers[low] || refSkip[low] || low == "" || symbol(low) {
			continue
		}
		if _, ok := platform(low); ok && p.kind == KindDisconnect {
			return "", usageErr(p.kind, "disconnect takes the account's ID, not the platform; `accounts` lists the IDs")
		}
		raw := strings.TrimPrefix(strings.TrimRight(t.raw, ".!?"), "#")
		if id != "" {
			return "", usageErr(p.kind, "%s takes one ID", p.kind)
		}
		if !idPattern.MatchString(raw) {
			return "", usageErr(p.kind, "%q is not an ID", raw)
		}
		id = raw
	}
	return id, nil
}

var jobStatuses = map[string]string{
	"pending": "pending", "scheduled": "pending", "waiting": "pending", "upcoming": "pending",
	"processing": "processing", "running": "processing",
	"failed": "failed", "failing": "failed",
	"completed": "completed", "done": "completed", "finished": "completed",
	"cancelled": "cancelled", "canceled": "cancelled",
}

func (p *parser) jobs() (Command, error) {
	c := Command{Kind: KindJobs}
	for _, t := range p.rest() {
		if st, ok := jobStatuses[t.low]; ok {
			if c.Status != "" && c.Status != st {
				return Command{}, usageErr(KindJobs, "one status at a time")
			}
			c.Status = st
			continue
		}
		if !fillers[t.low] && !p.loose {
			return Command{}, usageErr(KindJobs, "%q is not a job status (pending, processing, failed, completed, cancelled)", t.raw)
		}
	}
	if c.Status == "" {
		c.Status = jobStatuses[p.toks[p.verb].low]
	}
	// "show scheduled jobs": the word before the verb may be the status.
	if c.Status == "" && p.verb > 0 {
		c.Status = jobStatuses[p.toks[p.verb-1].low]
	}
	return c, nil
}
