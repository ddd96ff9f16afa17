package present_test

import (
	"strings"
	"testing"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/bot/present"
	"github.com/marketingminds/marketingminds/tools/library"
	"github.com/marketingminds/marketingminds/tools/media"
)

// TestLibraryAndMediaSayWhatWasAskedFor: an empty library says so and how
// to fill it; a search that finds nothing names what it looked for; an
// empty list of unused media does not claim nothing was uploaded; alt text
// set reads saved, alt text emptied reads removed.
func TestLibraryAndMediaSayWhatWasAskedFor(t *testing.T) {
	t.Parallel()
	r := present.New()
	for _, tc := range []struct {
		v     any
		wants []string
	}{
		{agents.LibraryFound{Items: []library.Item{}}, []string{"The library is empty.", `save "Spring sale starts Monday" to the library`, "save this image to the library"}},
		{agents.LibraryFound{Query: "spring", Items: []library.Item{}}, []string{"Nothing in the library matches “spring”.", `Say "show my library"`}},
		{agents.LibraryFound{Tag: "sale", Items: []library.Item{}}, []string{"Nothing in the library matches tag “sale”."}},
		{agents.LibraryFound{Query: "spring", Items: []library.Item{{Title: "Spring", Body: "Hello spring"}}}, []string{"1 match for “spring” in the library"}},
		{agents.LibraryFound{Items: []library.Item{{Title: "Spring", Body: "Hello spring"}}}, []string{"1 draft in the library"}},
		{agents.MediaList{Unused: true, Items: []media.Media{}}, []string{"No unused media"}},
		{agents.MediaList{Items: []media.Media{}}, []string{"No media uploaded yet."}},
		{media.Media{Name: "shoe.jpg", ContentType: "image/jpeg", Alt: "A red shoe"}, []string{"Alt text saved", "alt: “A red shoe”"}},
		{media.Media{Name: "shoe.jpg", ContentType: "image/jpeg"}, []string{"Alt text removed", "no alt text"}},
	} {
		got := r.Terminal(present.Env{}, tc.v).Text
		for _, w := range tc.wants {
			if !strings.Contains(got, w) {
				t.Errorf("%+v reads %q, want %q in it", tc.v, got, w)
			}
		}
	}
}
