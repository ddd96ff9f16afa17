package llm_test

import (
	"context"
	"strings"
	"testing"

	"github.com/marketingminds/marketingminds/agents/llm"
)

// conversation is a request whose messages are msgs, then the user's words.
func conversation(words string, msgs ...llm.Message) llm.Request {
	all := append([]llm.Message{{Role: llm.RoleSystem, Content: "system prompt"}}, msgs...)
	return llm.Request{WorkspaceID: "T1", Role: "editor", Tools: llm.NewTools(contract), Messages: append(all, llm.Message{Role: llm.RoleUser, Content: words})}
}

func user(s string) llm.Message      { return llm.Message{Role: llm.RoleUser, Content: s} }
func assistant(s string) llm.Message { return llm.Message{Role: llm.RoleAssistant, Content: s} }

// called is an assistant's call and the tool's result.
func called(id, name, args, result string) []llm.Message {
	return []llm.Message{
		{Role: llm.RoleAssistant, ToolCalls: []llm.ToolCall{{ID: id, Name: name, Arguments: args}}},
		{Role: llm.RoleTool, ToolCallID: id, Name: name, Content: result},
	}
}

func join(parts ...[]llm.Message) []llm.Message {
	var out []llm.Message
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func complete(t *testing.T, req llm.Request) llm.Response {
	t.Helper()
	resp, err := llm.Offline().Complete(context.Background(), req)
	if err != nil {
		t.Fatalf("Complete: %v", err)
	}
	return resp
}

// wantCalls checks the response asks for exactly these calls, as
// "name args" strings.
func wantCalls(t *testing.T, resp llm.Response, want ...string) {
	t.Helper()
	var got []string
	for _, c := range resp.Message.ToolCalls {
		got = append(got, c.Name+" "+c.Arguments)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("calls:\n%s\nwant:\n%s\n(text %q)", strings.Join(got, "\n"), strings.Join(want, "\n"), resp.Message.Content)
	}
}

func TestPlannerResolvesReferences(t *testing.T) {
	t.Parallel()
	published := join([]llm.Message{user(`post "Launch day" to linkedin and x`)}, called("c1", "publish_post",
		`{"platforms":["linkedin","twitter"],"text":"Launch day"}`, `{"success":true,"post_id":"p_9","results":[]}`))
	pending := join([]llm.Message{user(`post "Launch day" to linkedin`)}, called("c1", "publish_post",
		`{"platforms":["linkedin"],"text":"Launch day"}`, `{"status":"awaiting_approval","approval_id":"ap_1","summary":"Publish now"}`))
	approved := append(append([]llm.Message(nil), pending...),
		assistant("[approval ap_1] Approved by U1 and done: Publish now\nResult: {\"success\":true,\"post_id\":\"p_5\",\"results\":[]}"))
	listed := join([]llm.Message{user("show me failed posts")}, called("c1", "list_posts", `{"status":"failed"}`,
		`[{"id":"p_1","status":"failed","content":{"text":"a"}},{"id":"p_2","status":"partial","content":{"text":"b"}}]`))
	tests := []struct {
		name  string
		req   llm.Request
		calls []string
		text  string
	}{
		{"cancel it after a post", conversation("cancel it", published...), []string{`cancel_job {"id":"p_9"}`}, ""},
		{"retry that after a post", conversation("try that again", published...), []string{`retry_post {"post_id":"p_9"}`}, ""},
		{"schedule that after a post", conversation("schedule that for tomorrow at 9am", published...),
			[]string{`schedule_post {"platforms":["linkedin","twitter"],"text":"Launch day","time":"tomorrow 9am"}`}, ""},
		{"schedule that while it waits for approval", conversation("schedule it for next Tuesday 10am instead", pending...),
			[]string{`schedule_post {"platforms":["linkedin"],"text":"Launch day","time":"next Tuesday 10am"}`}, ""},
		{"post it elsewhere too", conversation("post it to facebook too", published...),
			[]string{`publish_post {"platforms":["facebook"],"text":"Launch day"}`}, ""},
		{"schedule it elsewhere", conversation("can you schedule that for next Tuesday 10am on IG instead", published...),
			[]string{`schedule_post {"platforms":["instagram"],"text":"Launch day","time":"next Tuesday 10am"}`}, ""},
		{"cancel it while it waits for approval", conversation("cancel it", pending...), nil, "waiting for approval"},
		{"cancel it once scheduled", conversation("cancel it", called("c1", "schedule_post", `{"platforms":["linkedin"],"text":"a","time":"tomorrow 9am"}`,
			`{"id":"p_7","status":"scheduled","content":{"text":"a"},"targets":[{"platform":"linkedin"}]}`)...), []string{`cancel_job {"id":"p_7"}`}, ""},
		{"cancel it once approved", conversation("cancel that post", approved...), []string{`cancel_job {"id":"p_5"}`}, ""},
		{"retry the failed ones after a list", conversation("retry the failed ones", listed...),
			[]string{`retry_post {"post_id":"p_1"}`, `retry_post {"post_id":"p_2"}`}, ""},
		{"retry the failed ones once the list is stale", conversation("retry the failed ones", join(listed,
			called("c2", "retry_post", `{"post_id":"p_1"}`, `{"success":true,"post_id":"p_1","results":[]}`))...),
			[]string{`list_posts {"status":"failed"}`}, ""},
		{"nothing to schedule", conversation("schedule that for tomorrow 9am"), nil, "Schedule what?"},
		{"an e-mail with none spoken of", conversation("send the email tomorrow at 9am"), nil, "Which e-mail campaign?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp := complete(t, tt.req)
			wantCalls(t, resp, tt.calls...)
			if !strings.Contains(resp.Message.Content, tt.text) {
				t.Errorf("text %q lacks %q", resp.Message.Content, tt.text)
			}
		})
	}
}

// "show me failed posts and retry them" lists the failed posts, then
// retries each one the list found.
func TestPlannerListsThenRetriesTheFailedPosts(t *testing.T) {
	t.Parallel()
	req := conversation("show me failed posts and retry them")
	first := complete(t, req)
	wantCalls(t, first, `list_posts {"status":"failed"}`)
	id := first.Message.ToolCalls[0].ID
	req.Messages = append(req.Messages, first.Message, llm.Message{Role: llm.RoleTool, ToolCallID: id, Name: "list_posts",
		Content: `[{"id":"p_1","status":"failed","content":{"text":"a"}},{"id":"p_3","status":"failed","content":{"text":"c"}}]`})
	second := complete(t, req)
	wantCalls(t, second, `retry_post {"post_id":"p_1"}`, `retry_post {"post_id":"p_3"}`)
	req.Messages = append(req.Messages, second.Message)
	for _, c := range second.Message.ToolCalls {
		req.Messages = append(req.Messages, llm.Message{Role: llm.RoleTool, ToolCallID: c.ID, Name: c.Name,
			Content: `{"status":"awaiting_approval","approval_id":"ap","summary":"Retry"}`})
	}
	// The door renders the results: the planner adds nothing.
	if third := complete(t, req); len(third.Message.ToolCalls) != 0 || third.Message.Content != "" {
		t.Fatalf("third step = %+v, want an empty answer", third)
	}

	none := conversation("show me failed posts and retry them")
	none.Messages = append(none.Messages, first.Message, llm.Message{Role: llm.RoleTool, ToolCallID: id, Name: "list_posts", Content: `[]`})
	if resp := complete(t, none); !strings.Contains(resp.Message.Content, "No failed posts") {
		t.Errorf("with none failed: %q", resp.Message.Content)
	}
}

// A platform far from its name is asked about; a yes runs the request.
func TestPlannerAsksAboutAFarTypo(t *testing.T) {
	t.Parallel()
	req := conversation(`post "Big news" to lnkdn`)
	asked := complete(t, req)
	if len(asked.Message.ToolCalls) != 0 || !strings.HasPrefix(asked.Message.Content, "Did you mean LinkedIn?") {
		t.Fatalf("answer = %+v", asked.Message)
	}
	yes := conversation("yes please", user(`post "Big news" to lnkdn`), asked.Message)
	wantCalls(t, complete(t, yes), `publish_post {"platforms":["linkedin"],"text":"Big news"}`)
	no := conversation("no", user(`post "Big news" to lnkdn`), asked.Message)
	if resp := complete(t, no); len(resp.Message.ToolCalls) != 0 || !strings.Contains(resp.Message.Content, "I won't") {
		t.Errorf("no: %+v", resp.Message)
	}
	// A near typo is simply read.
	wantCalls(t, complete(t, conversation(`pst "Big news" to linkdin`)), `publish_post {"platforms":["linkedin"],"text":"Big news"}`)
}

// Drafting an e-mail saves a draft and lists the mailing lists, asks which
// one, and creates the campaign for the list named.
func TestPlannerDraftsAnEmailAndAsksForTheList(t *testing.T) {
	t.Parallel()
	req := conversation("draft an email campaign about the spring sale")
	first := complete(t, req)
	calls := first.Message.ToolCalls
	if len(calls) != 2 || calls[0].Name != "save_to_library" || calls[1].Name != "list_mailing_lists" ||
		!strings.Contains(calls[0].Arguments, `"title":"Spring sale"`) || !strings.Contains(calls[0].Arguments, `"tags":["email"]`) {
		t.Fatalf("calls = %+v", calls)
	}
	req.Messages = append(req.Messages, first.Message,
		llm.Message{Role: llm.RoleTool, ToolCallID: calls[0].ID, Name: calls[0].Name, Content: `{"id":"lib_1"}`},
		llm.Message{Role: llm.RoleTool, ToolCallID: calls[1].ID, Name: calls[1].Name,
			Content: `[{"list_key":"k_news","name":"Newsletter"},{"list_key":"k_vip","name":"VIP customers"}]`})
	second := complete(t, req)
	if !strings.Contains(second.Message.Content, "Which mailing list should it go to?") {
		t.Fatalf("second = %q", second.Message.Content)
	}
	wrong := req
	wrong.Messages = append(append([]llm.Message(nil), req.Messages...), second.Message, user("the gold members"))
	if resp := complete(t, wrong); !strings.Contains(resp.Message.Content, "The lists are: Newsletter, VIP customers.") {
		t.Errorf("an unknown list: %q", resp.Message.Content)
	}
	req.Messages = append(req.Messages, second.Message, user("the VIP customers one"))
	third := complete(t, req)
	if len(third.Message.ToolCalls) != 1 || third.Message.ToolCalls[0].Name != "create_email_campaign" ||
		!strings.Contains(third.Message.ToolCalls[0].Arguments, `"list_keys":["k_vip"]`) ||
		!strings.Contains(third.Message.ToolCalls[0].Arguments, `"subject":"Spring sale"`) {
		t.Fatalf("third = %+v", third.Message)
	}
}

// Something unknown is answered with the three closest things, ranked by
// what was asked; only an admin hears about configuring a model, once.
func TestPlannerAnswersTheUnknownWithTheClosest(t *testing.T) {
	t.Parallel()
	for words, first := range map[string]string{"undo": "`cancel ID`", "trending keywords": "`hashtags for", "make me a logo": ""} {
		resp := complete(t, conversation(words))
		lines := strings.Split(resp.Message.Content, "\n")
		if len(lines) != 4 || !strings.HasPrefix(lines[1], "• "+first) || strings.Contains(resp.Message.Content, "OPENAI") {
			t.Errorf("%q: answer %q, want three suggestions, the first %s", words, resp.Message.Content, first)
		}
	}
	admin := conversation("make me a logo")
	admin.Role = "admin"
	resp := complete(t, admin)
	if !strings.Contains(resp.Message.Content, "OPENAI_API_KEY") || !strings.Contains(resp.Message.Content, "For admins") {
		t.Fatalf("admin answer %q lacks how to configure a model", resp.Message.Content)
	}
	again := conversation("and a song", user("make me a logo"), resp.Message)
	again.Role = "admin"
	if resp := complete(t, again); strings.Contains(resp.Message.Content, "OPENAI") {
		t.Errorf("the admin note came twice: %q", resp.Message.Content)
	}
}
