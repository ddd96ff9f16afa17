package intent_test

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/marketingminds/marketingminds/agents/intent"
)

// labelled is one phrasing of the corpus with what it means.
type labelled struct {
	line   int
	kind   string
	args   map[string]string
	phrase string
}

var labelArg = regexp.MustCompile(`(\w+)=("[^"]*"|\S+)`)

func readCorpus(t *testing.T) []labelled {
	t.Helper()
	f, err := os.Open("testdata/corpus.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []labelled
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		label, phrase, ok := strings.Cut(sc.Text(), " :: ")
		if !ok || strings.HasPrefix(label, "#") {
			continue
		}
		l := labelled{line: n, args: map[string]string{}, phrase: phrase}
		if first, _, _ := strings.Cut(label, " "); !strings.Contains(first, "=") {
			l.kind = first
		}
		for _, m := range labelArg.FindAllStringSubmatch(label, -1) {
			l.args[m[1]] = strings.Trim(m[2], `"`)
		}
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// mismatch says how c differs from the label, "" when it is as labelled.
func mismatch(c intent.Command, l labelled) string {
	if l.kind != "" && string(c.Kind) != l.kind {
		return fmt.Sprintf("kind %q, want %q", c.Kind, l.kind)
	}
	got := map[string]string{
		"platform": c.Platform, "platforms": strings.Join(c.Platforms, ","), "text": c.Text, "when": c.When,
		"status": c.Status, "days": strconv.Itoa(c.Days), "from": c.DateFrom, "to": c.DateTo, "id": c.ID, "ref": c.Ref,
		"query": strings.ToLower(c.Query), "media": c.Media,
	}
	if len(c.Guesses) > 0 {
		got["guess"] = c.Guesses[0].Meant
	}
	for k, want := range l.args {
		if k == "query" {
			want = strings.ToLower(want)
		}
		if got[k] != want {
			return fmt.Sprintf("%s %q, want %q", k, got[k], want)
		}
	}
	return ""
}

// TestCorpus reads every labelled phrasing and prints the share read as
// labelled; below 95% fails.
func TestCorpus(t *testing.T) {
	t.Parallel()
	corpus := readCorpus(t)
	if len(corpus) < 300 {
		t.Fatalf("the corpus holds %d phrasings, want at least 300", len(corpus))
	}
	ok := 0
	for _, l := range corpus {
		c, err := intent.Read(l.phrase)
		switch why := ""; {
		case err != nil:
			t.Logf("line %d %q: %v", l.line, l.phrase, err)
		default:
			if why = mismatch(c, l); why != "" {
				t.Logf("line %d %q: %s", l.line, l.phrase, why)
				continue
			}
			ok++
		}
	}
	share := float64(ok) / float64(len(corpus))
	fmt.Printf("corpus: %d of %d phrasings read as labelled (%.1f%%)\n", ok, len(corpus), 100*share)
	if share < 0.95 {
		t.Errorf("%.1f%% of the corpus read as labelled, want at least 95%%", 100*share)
	}
}
