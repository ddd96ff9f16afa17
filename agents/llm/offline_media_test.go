package llm_test

import (
	"testing"

	"github.com/marketingminds/marketingminds/agents/llm"
)

// TestPlannerAttachesSharedMedia: the media shared in the conversation
// (Request.Media, oldest first) are what "post this", "the second one",
// "both" and "the image above" attach; a pick beyond them, or media when
// none were shared, is answered in words.
func TestPlannerAttachesSharedMedia(t *testing.T) {
	t.Parallel()
	shared := []llm.Media{{ID: "m1", Name: "a.jpg", ContentType: "image/jpeg"}, {ID: "m2", Name: "b.jpg", ContentType: "image/jpeg"}}
	drafted := join([]llm.Message{user(`post "Autumn blend is back" to linkedin`)}, called("c1", "publish_post",
		`{"text":"Autumn blend is back","platforms":["linkedin"]}`, `{"status":"awaiting_approval"}`))
	for _, tc := range []struct {
		words  string
		shared []llm.Media
		msgs   []llm.Message
		call   string
		text   string
	}{
		{words: "post this to Instagram and X tomorrow 9am", shared: shared[:1],
			call: `schedule_post {"media_ids":["m1"],"platforms":["instagram","twitter"],"text":"","time":"tomorrow 9am"}`},
		{words: "post this to Instagram and X tomorrow 9am", shared: shared,
			call: `schedule_post {"media_ids":["m2"],"platforms":["instagram","twitter"],"text":"","time":"tomorrow 9am"}`},
		{words: "post the second one to instagram", shared: shared,
			call: `publish_post {"media_ids":["m2"],"platforms":["instagram"],"text":""}`},
		{words: "post both to x", shared: shared,
			call: `publish_post {"media_ids":["m1","m2"],"platforms":["twitter"],"text":""}`},
		{words: `post "Autumn is here" to instagram with the image above`, shared: shared,
			call: `publish_post {"media_ids":["m2"],"platforms":["instagram"],"text":"Autumn is here"}`},
		{words: "use the first one", shared: shared, msgs: drafted,
			call: `publish_post {"media_ids":["m1"],"platforms":["linkedin"],"text":"Autumn blend is back"}`},
		{words: "post it with the second image", shared: shared, msgs: drafted,
			call: `publish_post {"media_ids":["m2"],"platforms":["linkedin"],"text":"Autumn blend is back"}`},
		{words: "attach the first photo to the post", shared: shared, msgs: drafted,
			call: `publish_post {"media_ids":["m1"],"platforms":["linkedin"],"text":"Autumn blend is back"}`},
		{words: "use the second one", shared: shared,
			text: "Where should it go? For example: `post this to instagram tomorrow 9am`."},
		{words: "post the third one to x", shared: shared,
			text: "There are only 2 in this conversation: 1. a.jpg, 2. b.jpg."},
		{words: "post the image above to x",
			text: "I don't see an image or a video in this conversation. Share one here (drop the file in this thread), then tell me where to post it."},
		{words: `post "No media" to x`, shared: shared, call: `publish_post {"platforms":["twitter"],"text":"No media"}`},
	} {
		req := conversation(tc.words, tc.msgs...)
		req.Media = tc.shared
		resp := complete(t, req)
		if tc.call != "" {
			wantCalls(t, resp, tc.call)
			continue
		}
		if len(resp.Message.ToolCalls) > 0 || resp.Message.Content != tc.text {
			t.Fatalf("%q: answered %q with %d calls, want %q", tc.words, resp.Message.Content, len(resp.Message.ToolCalls), tc.text)
		}
	}
}
