package intent

import (
	"strconv"
	"strings"
)

// Media references: what Command.Media holds besides a position ("2").
const (
	// MediaLast is "this", "the image above", "the photo": the media
	// shared last in the conversation.
	MediaLast = "last"
	// MediaAll is "both", "these photos", "all the images".
	MediaAll = "all"
)

// mediaNouns name media; the value says whether the word is plural.
var mediaNouns = map[string]bool{
	"image": false, "images": true, "photo": false, "photos": true, "picture": false, "pictures": true,
	"pic": false, "pics": true, "img": false, "video": false, "videos": true, "clip": false, "file": false,
	"files": true, "one": false, "ones": true, "screenshot": false, "graphic": false, "media": true,
}

var ordinals = map[string]string{
	"first": "1", "1st": "1", "second": "2", "2nd": "2", "third": "3", "3rd": "3", "fourth": "4", "4th": "4",
	"fifth": "5", "5th": "5", "sixth": "6", "6th": "6", "last": MediaLast, "latest": MediaLast,
}

var determiners = map[string]string{
	"the": "", "this": MediaLast, "that": MediaLast, "my": "", "our": "",
	"these": MediaAll, "those": MediaAll, "both": MediaAll, "all": MediaAll,
}

// beforeMedia are the words a media reference may follow: a verb that
// takes it, or "with". Elsewhere the words are the post's text.
var beforeMedia = setOf("post", "publish", "share", "tweet", "put", "send", "schedule", "queue", "use", "attach", "add",
	"pick", "take", "choose", "with", "using", "and")

// useWords are what may remain of a request that only picks media ("use
// the second one", "go with the image above").
var useWords = setOf("use", "attach", "add", "pick", "take", "choose", "go", "with", "it", "please", "pls", "ok",
	"okay", "instead", "then", "let's", "lets", "i", "want", "like", "to", "that", "one", "the", "for", "in", "into", "post", "draft")

// cutMedia finds a reference to media shared in the conversation in s,
// outside quotes, and returns s without it (with "it" in its place when s
// has no quoted text, so "post the second one to x" reads as "post it to
// x") and what it picks: MediaLast, MediaAll or a position. ok is false
// when s names no media.
func cutMedia(s string) (string, string, bool) {
	toks, err := lex(s)
	if err != nil {
		return s, "", false
	}
	quoted := false
	for _, t := range toks {
		quoted = quoted || t.quoted
	}
	for i := range toks {
		if i > 0 && !beforeMedia[toks[i-1].low] {
			continue
		}
		j, pick, ok := mediaAt(toks, i)
		if !ok {
			continue
		}
		repl, start := " it ", toks[i].start
		if quoted {
			repl = " "
		}
		if i > 0 && (toks[i-1].low == "with" || toks[i-1].low == "using") { // "post it with the second image"
			repl, start = " ", toks[i-1].start
		}
		return strings.TrimSpace(s[:start] + repl + s[toks[j-1].end:]), pick, true
	}
	return s, "", false
}

// mediaAt reads a media reference starting at toks[i]: "[with] [det]
// [ordinal] noun [number] [above | I shared]", or "both"/"all of them".
// It returns the end of the reference and what it picks.
func mediaAt(toks []token, i int) (int, string, bool) {
	j := i
	word := func() string {
		if j < len(toks) && !toks[j].quoted {
			return strings.TrimPrefix(toks[j].low, "#")
		}
		return ""
	}
	if w := word(); w == "with" || w == "using" {
		j++
	}
	det, hasDet := determiners[word()]
	if hasDet {
		j++
	}
	if det == MediaAll && (word() == "of" || word() == "the") { // "all of them", "all the photos"
		if word() == "of" && j+1 < len(toks) && (toks[j+1].low == "them" || toks[j+1].low == "these" || toks[j+1].low == "those") {
			return j + 2, MediaAll, true
		}
		j++
	}
	ord, hasOrd := ordinals[word()]
	if hasOrd {
		j++
	}
	plural, noun := mediaNouns[word()]
	if !noun {
		if w := toks[i].low; w == "both" && !hasOrd && j == i+1 {
			return j, MediaAll, true
		}
		return 0, "", false
	}
	nounWord := word()
	j++
	pick := ""
	if n, err := strconv.Atoi(word()); err == nil && n > 0 && n < 100 {
		pick = strconv.Itoa(n)
		j++
	}
	above := false
	switch {
	case word() == "above":
		above = true
		j++
	case word() == "i" && j+1 < len(toks) && (toks[j+1].low == "shared" || toks[j+1].low == "sent" || toks[j+1].low == "uploaded"):
		above = true
		j += 2
	}
	if !hasDet && !hasOrd && pick == "" && !above {
		return 0, "", false // "image" alone is a word of the text
	}
	if nounWord == "one" && !hasDet && !hasOrd {
		return 0, "", false
	}
	switch {
	case pick != "":
	case hasOrd:
		pick = ord
	case det == MediaAll || plural:
		pick = MediaAll
	default:
		pick = MediaLast
	}
	return j, pick, true
}

// onlyUse says whether s, its media reference cut, only says to use it.
func onlyUse(s string) bool {
	toks, err := lex(s)
	if err != nil || len(toks) == 0 {
		return false
	}
	for _, t := range toks {
		if t.quoted || !useWords[t.low] {
			return false
		}
	}
	return toks[0].low != "it"
}
