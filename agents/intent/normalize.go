package intent

import (
	"strings"
	"unicode"
)

// merges are two words that name one thing.
var merges = map[[2]string]string{
	{"face", "book"}: "facebook", {"linked", "in"}: "linkedin", {"bird", "app"}: "twitter", {"insta", "gram"}: "instagram",
	{"e", "mail"}: "email", {"news", "letter"}: "newsletter", {"api", "key"}: "token", {"api", "token"}: "token",
	{"keep", "in"}: "keep-in", {"try", "again"}: "retry", {"another", "go"}: "retry",
}

// spellings are other ways to write a word.
var spellings = map[string]string{
	"e-mail": "email", "emails": "email", "re-send": "resend", "u": "you", "r": "are", "pls": "please", "plz": "please",
	"reconnect": "connect", "re-connect": "connect", "whats": "what's", "wats": "what's", "hows": "how's", "when's": "when", "where's": "where", "tiem": "time",
}

// normalize merges, respells and corrects the words of toks (never a
// quoted text); it returns the far platform guesses it made.
func normalize(toks []token) ([]token, []Guess) {
	var out []token
	var guesses []Guess
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.quoted {
			out = append(out, t)
			continue
		}
		if i+1 < len(toks) && !toks[i+1].quoted {
			if m, ok := merges[[2]string{t.low, toks[i+1].low}]; ok {
				t.low, t.end = m, toks[i+1].end
				t.raw = t.raw + " " + toks[i+1].raw
				out = append(out, t)
				i++
				continue
			}
		}
		if s, ok := spellings[t.low]; ok {
			t.low = s
		}
		t.low = strings.TrimSuffix(t.low, "-wise")
		if parts := strings.Split(t.low, "+"); len(parts) > 1 && allPlatforms(parts) {
			for _, p := range parts {
				pt := t
				pt.low = p
				out = append(out, pt)
			}
			continue
		}
		if w, far := correct(t.low, len(out) == 0 || out[len(out)-1].low == "please"); w != "" {
			if far {
				guesses = append(guesses, Guess{Wrote: t.raw, Meant: w})
			}
			t.low = w
		}
		out = append(out, t)
	}
	return out, guesses
}

func allPlatforms(parts []string) bool {
	for _, p := range parts {
		if _, ok := platform(p); !ok {
			return false
		}
	}
	return true
}

// symbol says whether a word is only punctuation or emoji.
func symbol(low string) bool {
	for _, r := range low {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// words is the unquoted words of a request, to ask questions of.
type words struct {
	toks []token
	set  map[string]int // word → first index
}

func newWords(toks []token) words {
	w := words{toks: toks, set: map[string]int{}}
	for i, t := range toks {
		if _, seen := w.set[t.low]; !seen && !t.quoted {
			w.set[t.low] = i
		}
	}
	return w
}

// has says whether any of ws is among the words.
func (w words) has(ws ...string) bool {
	_, ok := w.at(ws...)
	return ok
}

// at is where the first of ws to appear is.
func (w words) at(ws ...string) (int, bool) {
	best := -1
	for _, s := range ws {
		if i, ok := w.set[s]; ok && (best < 0 || i < best) {
			best = i
		}
	}
	return best, best >= 0
}

// phrase says whether the words hold seq in a row.
func (w words) phrase(seq ...string) bool {
	for i := 0; i+len(seq) <= len(w.toks); i++ {
		ok := true
		for j, s := range seq {
			if w.toks[i+j].quoted || w.toks[i+j].low != s {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// quoted is the request's quoted text, if any.
func (w words) quoted() bool {
	for _, t := range w.toks {
		if t.quoted {
			return true
		}
	}
	return false
}

// platforms are the platforms named, in order.
func (w words) platforms() []string {
	var ps []string
	for _, t := range w.toks {
		if p, ok := platform(t.low); ok && !t.quoted {
			ps = appendOnce(ps, p)
		}
	}
	return ps
}

// first is the first word that is not a filler: where a command word
// stands in command form.
func (w words) first() int {
	for i, t := range w.toks {
		if !fillers[t.low] || verbs[t.low] != "" {
			return i
		}
	}
	return 0
}
