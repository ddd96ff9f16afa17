package agents

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// list_posts asks the store for what it wants (state, platform, days) and
// pages on: a post older than the newest hundred is still found.
func TestListPostsUsesTheStoresFilters(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	x := w.connect(t, editor, platform.Twitter)[0]
	li := w.connect(t, editor, platform.LinkedIn)[0]
	schedule := func(text, account string, at time.Time) string {
		t.Helper()
		s, err := w.posts.Schedule(ctx, editor, publish.Request{Content: publish.Content{Text: text}, AccountIDs: []string{account}}, at)
		if err != nil {
			t.Fatal(err)
		}
		return s.PostID
	}
	day := time.Date(2098, 6, 1, 9, 0, 0, 0, time.UTC)
	old := schedule("The oldest one, on LinkedIn", li.ID, day)
	if _, err := w.posts.Cancel(ctx, editor, old); err != nil {
		t.Fatal(err)
	}
	kept := schedule("Still scheduled, on LinkedIn", li.ID, day.AddDate(0, 0, 1))
	var newer []string
	for i := range 101 {
		newer = append(newer, schedule(fmt.Sprintf("Post %d on X", i), x.ID, day.AddDate(1, 0, 0).Add(time.Duration(i)*time.Minute)))
	}
	var tool Tool
	for _, tl := range CoreTools(w.caps) {
		if tl.Name == "list_posts" {
			tool = tl
		}
	}
	for _, tc := range []struct {
		args  string
		among []string // the posts it may list
		n     int      // how many
	}{
		{`{"status":"cancelled"}`, []string{old}, 1},
		{`{"platform":"linkedin"}`, []string{kept, old}, 2},
		{`{"platform":"linkedin","status":"scheduled"}`, []string{kept}, 1},
		{`{"date_to":"2098-06-01"}`, []string{old}, 1},
		{`{"date_from":"2098-06-02","date_to":"2098-12-31"}`, []string{kept}, 1},
		{`{"status":"scheduled","limit":3}`, newer, 3},
		{`{"platform":"x","limit":50}`, newer, 50},
		{`{"status":"published"}`, nil, 0},
	} {
		res, err := tool.Call(ctx, editor, json.RawMessage(tc.args))
		if err != nil {
			t.Fatalf("%s: %v", tc.args, err)
		}
		var got []string
		for _, p := range res.([]publish.PostView) {
			if !slices.Contains(tc.among, p.ID) || slices.Contains(got, p.ID) {
				t.Errorf("%s lists %s (%q)", tc.args, p.ID, p.Content.Text)
			}
			got = append(got, p.ID)
		}
		if len(got) != tc.n {
			t.Errorf("%s lists %d posts, want %d", tc.args, len(got), tc.n)
		}
	}
	if _, err := tool.Call(ctx, editor, json.RawMessage(`{"status":"draft"}`)); err == nil {
		t.Error("an unknown state is accepted")
	}
}
