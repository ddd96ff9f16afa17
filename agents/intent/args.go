package intent

import (
	"errors"
	"strings"
	"time"

	"github.com/marketingminds/marketingminds/tools/when"
)

// postStatuses map what people call a post's state to list_posts'.
var postStatuses = []struct {
	words  []string
	status string
}{
	{[]string{"partial", "partly", "partially"}, "partial"},
	{[]string{"cancelled", "canceled"}, "cancelled"},
	{[]string{"approval", "pending", "waiting"}, "pending"},
	{failedWords, "failed"},
	{scheduledWords, "scheduled"},
	{[]string{"published", "went", "live"}, "published"},
}

// StatusUnused asks for the media nothing uses yet ("show my unused images").
const StatusUnused = "unused"

// sentence reads the arguments of the kinds said in sentences.
func (p *parser) sentence() (Command, error) {
	c := Command{Kind: p.kind}
	w := p.w
	switch p.kind {
	case KindPosts:
		c.Status = p.postStatus()
		if ps := w.platforms(); len(ps) > 0 {
			c.Platform = ps[0]
		}
	case KindDraft, KindSave, KindHashtags:
		c.Text = p.quotedText()
		c.Platforms = w.platforms()
		if p.kind == KindDraft && len(c.Platforms) == 0 && w.has("tweet") {
			c.Platforms = []string{"twitter"}
		}
		if p.kind == KindHashtags && len(c.Platforms) > 0 {
			c.Platform, c.Platforms = c.Platforms[0], nil
		}
		if c.Text == "" {
			return Command{}, usageErr(p.kind, "%s needs the text, in quotes", p.kind)
		}
	case KindLibrary, KindLeads:
		c.Query = p.query(queryNoise)
	case KindMedia:
		if w.has("unused", "unattached") || w.has("used") && w.has("not", "aren't", "isn't", "never") {
			c.Status = StatusUnused
		}
		// "images" is how people name all their media ("show my images"
		// lists videos too); videos alone are asked for by name.
		if w.has("video", "videos", "clip", "clips", "reel", "reels") && !w.has("image", "images", "photo", "photos", "picture", "pictures") {
			c.Only = "video"
		}
	case KindRecall:
		if i, ok := w.at("about"); ok {
			c.Query = p.query(queryNoise, i)
		}
	case KindRemember:
		c.Text = p.after("that", "remember", "note", "keep-in", "mind")
		if c.Text == "" {
			return Command{}, usageErr(p.kind, "tell me what to remember")
		}
	case KindEmailDraft:
		c.Text = p.after("about", "for", "on", "re")
		if c.Text == "" {
			c.Text = p.quotedText()
		}
	case KindEmailSchedule, KindEmailReport:
		for _, t := range p.toks {
			if raw := strings.TrimRight(t.raw, ".!?,"); !t.quoted && looksLikeID(raw) {
				c.ID = raw
			}
		}
		if c.ID == "" {
			c.Ref = RefLast
		}
		if p.kind == KindEmailSchedule {
			var err error
			if c.When, err = p.time(c.ID); err != nil {
				return Command{}, err
			}
		}
	}
	return c, nil
}

func (p *parser) postStatus() string {
	if p.w.phrase("did", "we", "post") || p.w.phrase("did", "i", "post") && p.w.has("week", "yesterday", "month") ||
		p.w.phrase("went", "out") || p.w.phrase("put", "out") {
		return "published"
	}
	for _, s := range postStatuses {
		if p.w.has(s.words...) {
			return s.status
		}
	}
	if p.w.phrase("going", "out") || p.w.has("tomorrow", "today", "upcoming") && !p.w.has("failed") {
		return "scheduled"
	}
	return ""
}

// quotedText is the request's first quoted text.
func (p *parser) quotedText() string {
	for _, t := range p.toks {
		if t.quoted {
			return strings.TrimSpace(t.raw)
		}
	}
	return ""
}

// queryNoise are the words around what to look for.
var queryNoise = setOf("find", "search", "look", "lookup", "show", "list", "open", "me", "my", "our", "the", "for",
	"about", "from", "in", "with", "any", "anything", "saved", "library", "content", "drafts", "draft", "templates",
	"template", "leads", "lead", "new", "do", "we", "have", "up", "latest", "recent", "what's", "what", "is", "are",
	"posts", "you", "know", "remind", "remember", "of", "on", "by", "all", "some", "a", "an", "that", "did", "save")

// query is the words that are not noise (after index from, if given), as
// written.
func (p *parser) query(noise map[string]bool, from ...int) string {
	start := 0
	if len(from) > 0 {
		start = from[0] + 1
	}
	var out []string
	for _, t := range p.toks[start:] {
		if t.quoted {
			out = append(out, strings.TrimSpace(t.raw))
			continue
		}
		if noise[t.low] || fillers[t.low] || symbol(t.low) {
			continue
		}
		out = append(out, strings.TrimRight(t.raw, ".!?,"))
	}
	return strings.Join(out, " ")
}

// after is the input after the first of marks, as written.
func (p *parser) after(marks ...string) string {
	for i, t := range p.toks {
		if t.quoted || !setOf(marks...)[t.low] {
			continue
		}
		// "remember that …": skip the marks that follow each other.
		j := i + 1
		for j < len(p.toks) && !p.toks[j].quoted && setOf(marks...)[p.toks[j].low] {
			j++
		}
		if j == len(p.toks) {
			return ""
		}
		return strings.TrimSpace(strings.TrimRight(p.input[p.toks[j].start:], ".!?"))
	}
	return ""
}

// timeSkip are the words of a request to reschedule that are not part of
// the time.
var timeSkip = setOf("we", "i", "us", "let", "there", "as", "well", "again", "share", "tweet", "drop", "it", "that", "this", "them", "last", "previous", "one", "post", "schedule", "queue", "send",
	"move", "push", "can", "you", "could", "would", "please", "actually", "instead", "let's", "lets", "do", "to", "the",
	"for", "at", "on", "a", "and", ",", "then", "just", "ok", "okay", "email", "newsletter", "campaign", "mailing",
	"our", "my", "make", "publish", "out", "put", "go", "live")

// leftover is the words of a reference ("schedule that for tomorrow at
// 9am") once the reference, the verbs, the platforms and skipID are taken
// away: its time, if it has one.
func (p *parser) leftover(skipID string) []string {
	var left []string
	for _, t := range p.toks {
		raw := strings.TrimRight(t.raw, ".!?,")
		if _, plat := platform(t.low); t.quoted || timeSkip[t.low] || raw == skipID || symbol(t.low) || plat ||
			listFillers[t.low] || t.low == "instead" || t.low == "too" || t.low == "also" {
			continue
		}
		left = append(left, raw)
	}
	return left
}

// time reads the time of a reference.
func (p *parser) time(skipID string) (string, error) {
	w := strings.Join(p.leftover(skipID), " ")
	if w == "" {
		return "", usageErr(p.kind, "say when (%s)", when.Forms)
	}
	if !readable(w) {
		return "", usageErr(p.kind, "I can't read the time %q; write %s", w, when.Forms)
	}
	return w, nil
}

// readable says whether w is a time when.Parse reads.
func readable(w string) bool {
	_, err := when.Parse(w, referenceNow, time.UTC)
	return !errors.Is(err, when.ErrFormat)
}
