package library

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/identity"
)

const saleText = "Our summer sale starts Friday! Everything at Acme Cloud is 30% off. Summer sale ends Sunday. https://acme.example/sale @acme"

func TestSuggestHashtags(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	// The workspace's library: its tags and the hashtags its items use.
	e.create(t, KindContent, Input{Body: "Last year's #SummerSale was huge #RetailTherapy", Tags: []string{"SummerSale", "AcmeCloud"}})
	e.create(t, KindContent, Input{Body: "Join our #ProductLaunch webinar", Tags: []string{"CloudComputing"}})
	e.create(t, KindTemplate, Input{Body: "Hi {{name}}", Variants: map[platform.Name]string{"instagram": "#summersale again"}})

	type tag = Hashtag
	for _, tc := range []struct {
		name     string
		caller   identity.Caller
		text, p  string
		n        int
		want     []tag
		max      int
		noteSays string
	}{
		{"X keeps to two, the workspace's tags first", e.viewer, saleText, "twitter", 0,
			[]tag{{"#SummerSale", "text+library"}, {"#AcmeCloud", "text+library"}}, 3, ""},
		{"X at most three", e.viewer, saleText, "x", 5,
			[]tag{{"#SummerSale", "text+library"}, {"#AcmeCloud", "text+library"}, {"#CloudComputing", "library"}}, 3,
			"X posts carry at most 3 hashtags: suggesting up to 3"},
		{"hashtags in the text count and are not repeated", e.viewer, "Summer sale at Acme Cloud #SummerSale", "twitter", 0,
			[]tag{{"#AcmeCloud", "text+library"}, {"#CloudComputing", "library"}}, 2, ""},
		{"X full already", e.viewer, "Big news #one #two #three", "twitter", 0, []tag{}, 0, "already has 3 hashtags"},
		{"Instagram takes many; phrase words come last", e.viewer, saleText, "instagram", 10,
			[]tag{{"#SummerSale", "text+library"}, {"#AcmeCloud", "text+library"}, {"#CloudComputing", "library"},
				{"#Summer", "text"}, {"#Sale", "text"}, {"#Acme", "text"}, {"#Cloud", "text"}}, 30, ""},
		{"Instagram beyond 30", e.viewer, "Sunny beach days #a #b", "instagram", 40, []tag{{"#Sunny", "text"}, {"#Beach", "text"}}, 28,
			"Instagram posts carry at most 30 hashtags and the text has 2: suggesting up to 28"},
		{"LinkedIn: repeated phrases and acronyms, not parts of a title", e.viewer,
			"We are hiring a Senior Data Engineer to build our cloud analytics platform with AI and machine learning. Machine learning experience is a plus.",
			"linkedin", 0, []tag{{"#MachineLearning", "text"}, {"#AI", "text"}, {"#Engineer", "text"}}, 5, ""},
		{"spellings kept: acronyms and inner capitals", e.viewer, "Introducing the iPhone case for SaaS founders in NYC", "", 3,
			[]tag{{"#NYC", "text"}, {"#SaaS", "text"}, {"#Founders", "text"}}, 10, ""},
		{"links and mentions are not words", e.viewer, "Launch notes: https://docs.example/launch by @bigco. Launch today!", "facebook", 0,
			[]tag{{"#Launch", "text"}, {"#Notes", "text"}}, 3, ""},
		{"another workspace's library stays out", e.stranger, saleText, "twitter", 0,
			[]tag{{"#SummerSale", "text"}, {"#AcmeCloud", "text"}}, 3, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := e.svc.SuggestHashtags(ctx, tc.caller, tc.text, tc.p, tc.n)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Hashtags, tc.want) || got.Max != tc.max || !strings.Contains(got.Note, tc.noteSays) || (tc.noteSays == "") != (got.Note == "") {
				t.Fatalf("got %v max %d note %q\nwant %v max %d note %q", got.Hashtags, got.Max, got.Note, tc.want, tc.max, tc.noteSays)
			}
			again, _ := e.svc.SuggestHashtags(ctx, tc.caller, tc.text, tc.p, tc.n)
			if !reflect.DeepEqual(again, got) {
				t.Fatalf("not deterministic: %v then %v", got, again)
			}
		})
	}
}

func TestSuggestHashtagsRejects(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name, text, p string
		n             int
		says          string
	}{
		{"platform", "hello world", "tiktok", 0, `"tiktok" is not a platform`},
		{"empty text", "  ", "twitter", 0, "give the text"},
		{"negative count", "hello world", "", -1, "0 for the platform's usual count"},
	} {
		if _, err := e.svc.SuggestHashtags(ctx, e.viewer, tc.text, tc.p, tc.n); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%s: %v, want ErrInvalid saying %q", tc.name, err, tc.says)
		}
	}
	if _, err := e.svc.SuggestHashtags(ctx, identity.Caller{WorkspaceID: "T1"}, "hello", "", 0); !errors.Is(err, identity.ErrForbidden) {
		t.Errorf("no role: %v", err)
	}
}

func TestCamel(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"summer": "Summer", "SUMMER": "Summer", "NYC": "NYC", "SaaS": "SaaS", "iPhone": "iPhone", "été": "Été", "AI": "AI"} {
		if got := camel(in); got != want {
			t.Errorf("camel(%q) = %q, want %q", in, got, want)
		}
	}
}

// No suggestion is longer than MaxHashtagChars, however long a word of the
// text (a 60,000-letter word once came back as a 60,000-character
// hashtag), and a text past limit.TextChars is refused.
func TestSuggestHashtagsBounded(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	text := "Launch " + strings.Repeat("a", 60_000) + " Cloud Summit " + strings.Repeat("B", MaxHashtagChars+1)
	got, err := e.svc.SuggestHashtags(ctx, e.viewer, text, "instagram", 30)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Hashtags) == 0 {
		t.Fatal("no suggestion at all; want the short words")
	}
	for _, h := range got.Hashtags {
		if n := len([]rune(h.Tag)) - 1; n > MaxHashtagChars {
			t.Errorf("suggested a %d-character hashtag %.50q…", n, h.Tag)
		}
	}
	if _, err := e.svc.SuggestHashtags(ctx, e.viewer, strings.Repeat("word ", 20_000), "", 0); !errors.Is(err, ErrInvalid) {
		t.Errorf("a 100,000-character text: %v, want ErrInvalid", err)
	}
}
