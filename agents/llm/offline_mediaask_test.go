package llm_test

import (
	"strings"
	"testing"

	"github.com/marketingminds/marketingminds/agents/llm"
)

// TestPlannerAnswersMediaRequestsInWords: keeping, describing or deleting
// media with none shared says how to share one; deleting "both" asks which
// one, deleting the unused ones says how; alt text for "these" asks which one; "who am I" tells the role and what it
// allows.
func TestPlannerAnswersMediaRequestsInWords(t *testing.T) {
	t.Parallel()
	two := []llm.Media{{ID: "m1", Name: "launch.jpg", ContentType: "image/jpeg"}, {ID: "m2", Name: "shoe.png", ContentType: "image/png"}}
	for _, tc := range []struct {
		words  string
		role   string
		shared []llm.Media
		wants  []string
	}{
		{"save this image to the library", "editor", nil, []string{"I don't see an image or a video in this conversation to save.",
			"Drop one into a Slack conversation with me", "`save this image to the library`", "`show my images`", "save the second one"}},
		{`add alt text "A red shoe" to the image`, "editor", nil, []string{"I don't see an image or a video in this conversation to describe.",
			"`add alt text \"A red shoe\" to the image`"}},
		{`add alt text "A red shoe" to both images`, "editor", two, []string{"Which one? There are 2: 1. launch.jpg, 2. shoe.png.",
			"`add alt text \"A red shoe\" to the second image`"}},
		{"add alt text to the image", "editor", two, []string{"I couldn't read that: say what the alt text should be, in quotes.",
			"For example: `add alt text \"A red shoe\" to the image`"}},
		{"delete both images", "editor", two, []string{"Which one? There are 2: 1. launch.jpg, 2. shoe.png.", "`delete the second image`"}},
		{"delete the image", "editor", nil, []string{"I don't see an image or a video in this conversation to delete.", "`show my images`", "dashboard's Media page"}},
		{"delete unused images", "editor", two, []string{"Files nothing uses are cleaned up on their own", "“Not used yet”"}},
		{"clean up unused media", "editor", nil, []string{"the dashboard's Media page"}},
		{"can I post?", "viewer", nil, []string{"You're a viewer in this workspace"}},
		{"who am I?", "editor", nil, []string{"You're an editor in this workspace", "post and schedule", "Say `help`"}},
		{"what's my role", "admin", nil, []string{"You're an admin in this workspace", "change the workspace's settings"}},
		{"what can I do here?", "viewer", nil, []string{"You're a viewer in this workspace", "not post, schedule or change anything"}},
		{"what can you do?", "editor", nil, []string{"I'm the team's marketing assistant. I post and schedule", "Say `help` for examples"}},
	} {
		req := conversation(tc.words)
		req.Role, req.Media = tc.role, tc.shared
		resp := complete(t, req)
		if len(resp.Message.ToolCalls) > 0 {
			t.Fatalf("%q: called %+v, want words", tc.words, resp.Message.ToolCalls)
		}
		for _, w := range tc.wants {
			if !strings.Contains(resp.Message.Content, w) {
				t.Errorf("%q: answer lacks %q:\n%s", tc.words, w, resp.Message.Content)
			}
		}
	}
}

// TestPlannerPicksFromTheMediaJustListed: with nothing shared in the
// conversation, "the second one" is the second of the media list_media
// showed; "this image" is taken only when that list holds one, else the
// planner asks which.
func TestPlannerPicksFromTheMediaJustListed(t *testing.T) {
	t.Parallel()
	listed := func(items string) []llm.Message {
		return join([]llm.Message{user("what images do we have?")}, called("c1", "list_media", `{}`, `{"items":[`+items+`]}`))
	}
	a := `{"id":"m9","name":"new.jpg","content_type":"image/jpeg"}`
	b := `{"id":"m8","name":"old.jpg","content_type":"image/jpeg"}`
	for _, tc := range []struct {
		words, items, call, text string
	}{
		{words: `add alt text "Old shop front" to the second image`, items: a + "," + b,
			call: `set_media_alt {"alt":"Old shop front","media_id":"m8"}`},
		{words: "save the first one to the library", items: a + "," + b,
			call: `save_to_library {"body":"new.jpg","media_ids":["m9"],"title":"new.jpg"}`},
		{words: "post the second image to instagram", items: a + "," + b,
			call: `publish_post {"media_ids":["m8"],"platforms":["instagram"],"text":""}`},
		{words: "post the first one to Instagram", items: a + "," + b,
			call: `publish_post {"media_ids":["m9"],"platforms":["instagram"],"text":""}`},
		{words: `add alt text "Old shop" to the first one`, items: a + "," + b, call: `set_media_alt {"alt":"Old shop","media_id":"m9"}`},
		{words: `add alt text "Shop" to the image`, items: a, call: `set_media_alt {"alt":"Shop","media_id":"m9"}`},
		{words: `add alt text "Shop" to the image`, items: a + "," + b, text: "Which one? The list above shows 1. new.jpg, 2. old.jpg. Say for example \"the second one\"."},
	} {
		resp := complete(t, conversation(tc.words, listed(tc.items)...))
		if tc.call != "" {
			wantCalls(t, resp, tc.call)
			continue
		}
		if len(resp.Message.ToolCalls) > 0 || !strings.HasPrefix(resp.Message.Content, tc.text) {
			t.Fatalf("%q: answered %q with %d calls, want %q", tc.words, resp.Message.Content, len(resp.Message.ToolCalls), tc.text)
		}
	}
}

// TestPlannerSavesWhatItRefersTo: "save it to the library" keeps the
// image shared last, else the post last spoken of, else asks what to save.
func TestPlannerSavesWhatItRefersTo(t *testing.T) {
	t.Parallel()
	drafted := join([]llm.Message{user(`post "Autumn blend is back" to linkedin`)}, called("c1", "publish_post",
		`{"text":"Autumn blend is back","platforms":["linkedin"]}`, `{"status":"awaiting_approval"}`))
	shared := []llm.Media{{ID: "m1", Name: "a.jpg", ContentType: "image/jpeg"}, {ID: "m2", Name: "b.jpg", ContentType: "image/jpeg"}}

	req := conversation("save it to the library", drafted...)
	req.Media = shared
	wantCalls(t, complete(t, req), `save_to_library {"body":"b.jpg","media_ids":["m2"],"title":"b.jpg"}`)

	wantCalls(t, complete(t, conversation("save this to the library", drafted...)),
		`save_to_library {"body":"Autumn blend is back","title":"Autumn blend is back"}`)

	resp := complete(t, conversation("save it to the library"))
	if len(resp.Message.ToolCalls) > 0 || !strings.HasPrefix(resp.Message.Content, "What should I save? Give the text in quotes") {
		t.Fatalf("with nothing to refer to: %+v", resp.Message)
	}
}

// TestPlannerDeletesThePickedMedia: "delete the second image" deletes the
// second file shared, and "delete this image" the last one; the call
// waits for an approval like every delete_media call.
func TestPlannerDeletesThePickedMedia(t *testing.T) {
	t.Parallel()
	shared := []llm.Media{{ID: "m1", Name: "a.jpg", ContentType: "image/jpeg"}, {ID: "m2", Name: "b.jpg", ContentType: "image/jpeg"}}
	for words, want := range map[string]string{
		"delete the second image": `delete_media {"media_id":"m2"}`,
		"delete the first one":    `delete_media {"media_id":"m1"}`,
		"delete this image":       `delete_media {"media_id":"m2"}`,
	} {
		req := conversation(words)
		req.Role, req.Media = "editor", shared
		wantCalls(t, complete(t, req), want)
	}
}
