package llm_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/marketingminds/marketingminds/agents/llm"
)

// contract is every tool of the shared contract, as the orchestrator offers
// them.
var contract = func() []llm.ToolDef {
	var defs []llm.ToolDef
	for _, n := range []string{"connect_account", "list_accounts", "disconnect_account", "publish_post", "schedule_post",
		"list_posts", "list_jobs", "cancel_job", "retry_post", "get_analytics", "review_analytics", "best_time_to_post", "get_dashboard",
		"draft_post", "save_to_library", "search_library", "suggest_hashtags", "list_mailing_lists", "create_email_campaign",
		"schedule_email_campaign", "email_report", "crm_summary", "search_leads", "remember", "recall", "list_media", "set_media_alt", "delete_media"} {
		defs = append(defs, llm.ToolDef{Name: n, Parameters: []byte(`{"type":"object"}`)})
	}
	return defs
}()

func userSays(words string) llm.Request {
	return llm.Request{WorkspaceID: "T1", Tools: llm.NewTools(contract), Messages: []llm.Message{
		{Role: llm.RoleSystem, Content: "system prompt"},
		{Role: llm.RoleUser, Content: words},
	}}
}

func TestPlannerCallsTheRightTool(t *testing.T) {
	t.Parallel()
	one := []llm.Media{{ID: "m1", Name: "launch.jpg", ContentType: "image/jpeg"}}
	two := append(one, llm.Media{ID: "m2", Name: "shoe.png", ContentType: "image/png"})
	tests := []struct {
		words, tool, args string
		shared            []llm.Media // media shared in the conversation, oldest first
	}{
		{`post "Hello" to x,linkedin`, "publish_post", `{"platforms":["twitter","linkedin"],"text":"Hello"}`, nil},
		{`Post 'Hello world' to my X and LinkedIn accounts`, "publish_post", `{"platforms":["twitter","linkedin"],"text":"Hello world"}`, nil},
		{`schedule "text" to linkedin tomorrow 9am`, "schedule_post", `{"platforms":["linkedin"],"text":"text","time":"tomorrow 9am"}`, nil},
		{`schedule 'launch day' on linkedin next Monday 14:30`, "schedule_post", `{"platforms":["linkedin"],"text":"launch day","time":"next Monday 14:30"}`, nil},
		{`post "New menu" to instagram with image https://cdn.acme.com/m.jpg`, "publish_post", `{"image_urls":["https://cdn.acme.com/m.jpg"],"platforms":["instagram"],"text":"New menu"}`, nil},
		{`schedule "Read" to linkedin in 2 hours link https://acme.com/b`, "schedule_post", `{"link":"https://acme.com/b","platforms":["linkedin"],"text":"Read","time":"in 2 hours"}`, nil},
		{`accounts`, "list_accounts", `{}`, nil},
		{`list my instagram accounts`, "list_accounts", `{"platform":"instagram"}`, nil},
		{`what images do we have?`, "list_media", `{}`, nil},
		{`show unused images`, "list_media", `{"unused":true}`, nil},
		{`show my videos`, "list_media", `{"kind":"video"}`, nil},
		{`which videos are not used yet?`, "list_media", `{"kind":"video","unused":true}`, nil},
		{`connect instagram`, "connect_account", `{"platform":"instagram"}`, nil},
		{`disconnect acc_1`, "disconnect_account", `{"account_id":"acc_1"}`, nil},
		{`analytics 7d`, "review_analytics", `{"days":7}`, nil},
		{`show analytics for the last 30 days`, "review_analytics", `{"days":30}`, nil},
		{`analytics 2026-11-01..2026-11-30 linkedin`, "get_analytics", `{"date_from":"2026-11-01","date_to":"2026-11-30","platform":"linkedin"}`, nil},
		{`what's the best time to post on instagram`, "best_time_to_post", `{"platform":"instagram"}`, nil},
		{`jobs`, "list_jobs", `{}`, nil},
		{`jobs failed`, "list_jobs", `{"status":"failed"}`, nil},
		{`cancel job j_7`, "cancel_job", `{"id":"j_7"}`, nil},
		{`retry p_3`, "retry_post", `{"post_id":"p_3"}`, nil},
		{`dashboard`, "get_dashboard", `{}`, nil},
		{`show my library`, "search_library", `{}`, nil},
		{`what's in the library`, "search_library", `{}`, nil},
		{`find drafts about spring sale`, "search_library", `{"query":"spring sale"}`, nil},
		{`save this image to the library`, "save_to_library", `{"body":"launch.jpg","media_ids":["m1"],"title":"launch.jpg"}`, one},
		{`save the second photo to the library as "Red shoe"`, "save_to_library", `{"body":"Red shoe","media_ids":["m2"],"title":"Red shoe"}`, two},
		{`keep both pictures in the library`, "save_to_library", `{"body":"launch.jpg and shoe.png","media_ids":["m1","m2"],"title":"launch.jpg and shoe.png"}`, two},
		{`add alt text "A red shoe" to the image`, "set_media_alt", `{"alt":"A red shoe","media_id":"m2"}`, two},
		{`describe the first photo as two mugs on a table`, "set_media_alt", `{"alt":"two mugs on a table","media_id":"m1"}`, two},
		{`alt text: a red shoe`, "set_media_alt", `{"alt":"a red shoe","media_id":"m1"}`, one},
		{`post the last image to instagram tomorrow 9am`, "schedule_post", `{"media_ids":["m2"],"platforms":["instagram"],"text":"","time":"tomorrow 9am"}`, two},
		{`which images aren't used yet`, "list_media", `{"unused":true}`, nil},
		{`what's in my media library`, "list_media", `{}`, nil},
		{`show images without alt text`, "list_media", `{}`, nil},
		{`save image 2 to the library`, "save_to_library", `{"body":"shoe.png","media_ids":["m2"],"title":"shoe.png"}`, two},
		{`change the alt text of image 2 to "Blue shoe"`, "set_media_alt", `{"alt":"Blue shoe","media_id":"m2"}`, two},
		{`remove the alt text from the first image`, "set_media_alt", `{"alt":"","media_id":"m1"}`, two},
	}
	for _, tt := range tests {
		t.Run(tt.words, func(t *testing.T) {
			t.Parallel()
			req := userSays(tt.words)
			req.Media = tt.shared
			resp, err := llm.Offline().Complete(context.Background(), req)
			if err != nil {
				t.Fatalf("Complete: %v", err)
			}
			calls := resp.Message.ToolCalls
			if len(calls) != 1 || calls[0].Name != tt.tool || calls[0].Arguments != tt.args {
				t.Fatalf("calls = %+v, want one %s %s", calls, tt.tool, tt.args)
			}
			if calls[0].ID == "" || resp.FinishReason != "tool_calls" || resp.Message.Role != llm.RoleAssistant {
				t.Errorf("response = %+v", resp)
			}
			again, _ := llm.Offline().Complete(context.Background(), req)
			if !reflect.DeepEqual(again, resp) {
				t.Errorf("not deterministic: %+v then %+v", resp, again)
			}
		})
	}
}

func TestPlannerAnswersInText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		req   llm.Request
		wants []string
	}{
		{"outside the grammar", userSays("what is the weather in Lisbon"), []string{
			"I didn't catch that. The closest things I can do:", "• `"}},
		{"help", userSays("help"), []string{"Without a language model I understand", "show my scheduled posts", "cancel it"}},
		{"help on a command", userSays("help schedule"), []string{"For example: `schedule \"text\" to linkedin tomorrow 9am`"}},
		{"a command written wrongly", userSays(`post "Hello"`), []string{
			"I couldn't read that: post needs the platforms to publish on", "For example: `post \"text\" to x,linkedin`"}},
		{"an unreadable time", userSays(`schedule "Hi" to x whenever`), []string{`I can't read the time "whenever"`}},
		{"token", userSays("token"), []string{"/mm token"}},
		{"writing", userSays("write a caption for our new product"), []string{"Writing copy needs a language model"}},
		{"best time with no platform", userSays("when should I post?"), []string{"Which platform"}},
		{"a far typo", userSays(`post "Big news" to lnkdn`), []string{`Did you mean LinkedIn? ("lnkdn" is not a platform I know.)`}},
		{"a reference with nothing to refer to", userSays("cancel it"), []string{"Which post should I cancel?"}},
		{"a tool the conversation does not offer", llm.Request{Messages: []llm.Message{{Role: llm.RoleUser, Content: "dashboard"}},
			Tools: llm.NewTools([]llm.ToolDef{{Name: "publish_post"}})}, []string{"I can't run get_dashboard here"}},
		{"no messages", llm.Request{}, []string{"The closest things I can do"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var streamed strings.Builder
			resp, err := llm.Offline().Stream(context.Background(), tt.req, func(d llm.Delta) { streamed.WriteString(d.Text) })
			if err != nil {
				t.Fatalf("Stream: %v", err)
			}
			if len(resp.Message.ToolCalls) != 0 || resp.FinishReason != "stop" {
				t.Fatalf("response = %+v, want text only", resp)
			}
			for _, w := range tt.wants {
				if !strings.Contains(resp.Message.Content, w) {
					t.Errorf("answer lacks %q:\n%s", w, resp.Message.Content)
				}
			}
			if streamed.String() != resp.Message.Content {
				t.Errorf("streamed %q, want the whole answer", streamed.String())
			}
		})
	}
}

// afterTool is a conversation whose last message is the result of a call.
func afterTool(tool, content string) llm.Request {
	return llm.Request{Tools: llm.NewTools(contract), Messages: []llm.Message{
		{Role: llm.RoleUser, Content: "do it"},
		{Role: llm.RoleAssistant, ToolCalls: []llm.ToolCall{{ID: "offline_1", Name: tool, Arguments: `{}`}}},
		{Role: llm.RoleTool, ToolCallID: "offline_1", Content: content},
	}}
}

// Given tool results, the planner writes nothing about them: the door
// renders the typed results itself (bot/present), so each reads once.
func TestPlannerLeavesResultsToTheDoor(t *testing.T) {
	t.Parallel()
	for _, content := range []string{`{"post_id":"p1","results":[]}`, `{"error":"no connected X account"}`, `not json`} {
		var streamed strings.Builder
		resp, err := llm.Offline().Stream(context.Background(), afterTool("publish_post", content), func(d llm.Delta) { streamed.WriteString(d.Text) })
		if err != nil || resp.Message.Content != "" || len(resp.Message.ToolCalls) != 0 || resp.FinishReason != "stop" || streamed.Len() != 0 {
			t.Errorf("after %s: answer %+v, streamed %q, %v; want an empty answer", content, resp, streamed.String(), err)
		}
	}
}

func TestPlannerHonoursContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := llm.Offline().Complete(ctx, userSays("jobs")); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if llm.Offline().Name() != "offline planner" {
		t.Errorf("Name = %q", llm.Offline().Name())
	}
}

func BenchmarkPlanner(b *testing.B) {
	req := userSays(`post "Hello" to my X and LinkedIn accounts`)
	for b.Loop() {
		if _, err := llm.Offline().Complete(context.Background(), req); err != nil {
			b.Fatal(err)
		}
	}
}
