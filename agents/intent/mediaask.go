package intent

import "strings"

// The words of the requests about shared media beyond posting them.
var (
	altWords    = setOf("alt", "alt-text", "alttext", "alt_text")
	altMarks    = setOf("as", "is", "reads", "read", "saying", "says", "to")
	deleteVerbs = setOf("delete", "remove", "trash", "discard", "erase", "bin", "purge", "clean")
	// askingFirst start a question about media, not a request to change it
	// ("show images without alt text").
	askingFirst    = setOf("show", "list", "which", "what", "what's", "whats", "any", "are", "is", "do", "does", "how", "find", "see")
	saveVerbs      = setOf("save", "keep", "store", "stash")
	pronouns       = setOf("it", "this", "that")
	unusedWords    = setOf("unused", "unattached")
	clearVerbs     = setOf("clear", "drop", "reset")
	libraryWordSet = setOf(libraryWords...)
	// notMediaWord name what else a verb may act on; draftWords too, but
	// for saving ("save the picture in my drafts") they name the library.
	notMediaWord = setOf("post", "posts", "tweet", "tweets", "account", "accounts", "job", "jobs",
		"template", "templates", "scheduled", "campaign", "email", "comment", "comments", "note", "notes")
	draftWords = setOf("draft", "drafts")
)

// readMediaAsk reads the requests about media that are not posting them:
// alt text ("add alt text "A red shoe" to the image", "describe the second
// photo as …"), deleting ("delete the image") and keeping in the library
// ("save this image to the library"). ok is false for any other request.
func readMediaAsk(s string) (c Command, ok bool, err error) {
	toks, lexErr := lex(s)
	if lexErr != nil || len(toks) == 0 {
		return Command{}, false, nil
	}
	if c, ok, err := readAlt(s, toks); ok {
		return c, true, err
	}
	verb := -1
	for i, t := range toks {
		if !t.quoted && (deleteVerbs[t.low] || saveVerbs[t.low] || t.low == "add") {
			verb = i
			break
		}
	}
	if verb < 0 || anyWord(toks, notMediaWord) {
		return Command{}, false, nil
	}
	v := toks[verb].low
	if deleteVerbs[v] && anyWord(toks, draftWords) {
		return Command{}, false, nil
	}
	_, _, pick, found := findMedia(toks, verb+1)
	// "save" and "store" keep in the library on their own; "keep", "stash"
	// and "add" only when the library is named.
	toLibrary := v == "save" || v == "store" || anyWord(toks, libraryWordSet)
	switch {
	case deleteVerbs[v] && (found || anyWord(toks, nounWords)):
		c = Command{Kind: KindMediaDelete, Media: pick}
		if anyWord(toks, unusedWords) {
			c.Status = StatusUnused
		}
		return c, true, nil
	case found && toLibrary:
		return Command{Kind: KindSave, Text: firstQuoted(toks), Media: pick}, true, nil
	case !deleteVerbs[v] && toLibrary && verb+1 < len(toks) && !toks[verb+1].quoted && pronouns[toks[verb+1].low] && firstQuoted(toks) == "":
		// "save it to the library", "add this to the library": the media
		// shared last, else the post last spoken of.
		return Command{Kind: KindSave, Ref: RefLast}, true, nil
	}
	return Command{}, false, nil
}

// readAlt reads a request to set media's alt text, or to remove it (Text
// ""). Without a media reference it is for the media shared last.
func readAlt(s string, toks []token) (Command, bool, error) {
	at := -1
	for i, t := range toks {
		if t.quoted {
			continue
		}
		if altWords[t.low] || t.low == "describe" && i == firstWord(toks) {
			at = i
			break
		}
	}
	if at < 0 || firstQuoted(toks) == "" && asking(toks) {
		return Command{}, false, nil
	}
	refAt, refEnd, pick, found := findMedia(toks, 0)
	if toks[at].low == "describe" && !found {
		return Command{}, false, nil // "describe our brand voice"
	}
	if !found {
		pick = MediaLast
	}
	c := Command{Kind: KindMediaAlt, Media: pick, Text: firstQuoted(toks)}
	if c.Text == "" && clearing(toks[:at]) { // "remove the alt text from the image": Text stays ""
		return c, true, nil
	}
	if c.Text == "" {
		c.Text = altAfterMark(s, toks, at, refAt, refEnd)
	}
	if c.Text == "" {
		return Command{}, true, usageErr(KindMediaAlt, "say what the alt text should be, in quotes")
	}
	return c, true, nil
}

// clearing says whether the words before the alt word remove it.
func clearing(toks []token) bool {
	return anyWord(toks, deleteVerbs) || anyWord(toks, clearVerbs)
}

// altAfterMark is the unquoted alt text: the words after "as", "is" or a
// colon that follow the alt word, up to a media reference after them.
func altAfterMark(s string, toks []token, at, refAt, refEnd int) string {
	for i := at; i < len(toks)-1; i++ {
		t := toks[i]
		mark := altMarks[t.low] || strings.HasSuffix(t.raw, ":")
		if !mark || i >= refAt && i < refEnd || t.low == "to" && i+1 == refAt {
			continue
		}
		end, before := len(s), refAt > i && refAt < len(toks)
		if before {
			end = toks[refAt].start
		}
		text := strings.TrimSpace(s[toks[i+1].start:end])
		for _, prep := range []string{" for", " to", " on", " of", ","} {
			if before && strings.HasSuffix(strings.ToLower(text), prep) {
				text = strings.TrimSpace(text[:len(text)-len(prep)])
			}
		}
		return strings.TrimSpace(strings.TrimRight(text, ".!?"))
	}
	return ""
}

// findMedia finds the first media reference at or after from, outside
// quotes: where it starts and ends and what it picks.
func findMedia(toks []token, from int) (start, end int, pick string, ok bool) {
	for i := from; i < len(toks); i++ {
		if toks[i].quoted {
			continue
		}
		if j, pick, ok := mediaAt(toks, i); ok {
			return i, j, pick, true
		}
	}
	return len(toks), len(toks), "", false
}

// nounWords are the media nouns but "one", which may name anything.
var nounWords = func() map[string]bool {
	m := map[string]bool{}
	for n := range mediaNouns {
		if n != "one" && n != "ones" {
			m[n] = true
		}
	}
	return m
}()

func anyWord(toks []token, set map[string]bool) bool {
	for _, t := range toks {
		if !t.quoted && set[t.low] {
			return true
		}
	}
	return false
}

func firstQuoted(toks []token) string {
	for _, t := range toks {
		if t.quoted {
			return strings.TrimSpace(t.raw)
		}
	}
	return ""
}

// asking says whether toks start a question ("show images without alt
// text") rather than a request to change something.
func asking(toks []token) bool {
	i := firstWord(toks)
	return i < len(toks) && askingFirst[toks[i].low]
}

var politeness = setOf("please", "pls", "can", "could", "you", "now", "ok", "okay", "hey", "and")

// firstWord is the index of the first word that is not a politeness.
func firstWord(toks []token) int {
	for i, t := range toks {
		if t.quoted || !politeness[t.low] {
			return i
		}
	}
	return len(toks)
}
