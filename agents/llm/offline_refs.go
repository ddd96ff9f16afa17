package llm

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/marketingminds/marketingminds/agents/intent"
)

// history is what the conversation so far lets "it", "that" and "the
// failed ones" refer to, read from earlier tool calls and their results.
type history struct {
	// post is the post last spoken of: published, scheduled, retried,
	// waiting for approval, or the only one a list showed.
	post postRef
	// failed are the failed posts of the latest list of posts; listed says
	// whether that list is the last thing done (after a retry or anything
	// else, the list is stale).
	failed []string
	listed bool
	// email is the e-mail campaign last spoken of; draft the e-mail draft
	// saved last.
	email string
	draft *emailDraft
	// lists are the mailing lists last listed.
	lists []mailingList
	// asked is the request a did-you-mean question was about, when that
	// question is the last thing the planner said; listAsked says the last
	// thing it said asked for a mailing list.
	asked     string
	listAsked bool
	// media are the conversation's media, oldest first; picked the ones
	// the request being planned takes.
	media  []Media
	picked []string
	// mediaListed are the media list_media answered last, as listed.
	mediaListed []Media
}

type postRef struct {
	id        string
	text      string
	platforms []string
	pending   bool // waiting for approval, not created yet
}

type emailDraft struct {
	title, body string
}

type mailingList struct {
	Key  string `json:"list_key"`
	Name string `json:"name"`
}

// Markers of the planner's own questions, found again in the history.
const (
	didYouMean   = "Did you mean "
	listQuestion = "Which mailing list should it go to?"
)

// readHistory reads msgs in order.
func readHistory(msgs []Message) history {
	var h history
	calls := map[string]ToolCall{}
	lastUser := ""
	for _, m := range msgs {
		switch m.Role {
		case RoleUser:
			lastUser = m.Content
		case RoleAssistant:
			for _, c := range m.ToolCalls {
				calls[c.ID] = c
			}
			if len(m.ToolCalls) == 0 {
				h.asked, h.listAsked = "", strings.Contains(m.Content, listQuestion)
				if strings.HasPrefix(m.Content, didYouMean) {
					h.asked = lastUser
				}
			}
			if _, res, ok := strings.Cut(m.Content, "\nResult: "); ok && strings.HasPrefix(m.Content, "[approval ") {
				h.result("", nil, res)
			}
		case RoleTool:
			c := calls[m.ToolCallID]
			name := m.Name
			if name == "" {
				name = c.Name
			}
			var args map[string]any
			_ = json.Unmarshal([]byte(c.Arguments), &args)
			h.result(name, args, m.Content)
		}
	}
	return h
}

// result reads one tool's result (name "" for an approved action's).
func (h *history) result(name string, args map[string]any, content string) {
	var obj map[string]any
	if json.Unmarshal([]byte(content), &obj) == nil {
		if _, failed := obj["error"]; failed {
			h.listed = false
			return
		}
	}
	h.listed = false
	switch name {
	case "publish_post", "schedule_post", "retry_post", "":
		id, _ := obj["post_id"].(string)
		if _, post := obj["targets"]; id == "" && post {
			id, _ = obj["id"].(string) // a post itself (schedule_post's answer)
		}
		if id != "" {
			if name != "" || h.post.id == "" || h.post.pending {
				h.post.id, h.post.pending = id, false
			}
		} else if obj["status"] == "awaiting_approval" && args["text"] != nil {
			h.post = postRef{pending: true}
		}
		if t, _ := args["text"].(string); t != "" {
			h.post.text, h.post.platforms = t, stringList(args["platforms"])
		}
		if id, _ := obj["id"].(string); id != "" && name == "" && obj["subject"] != nil {
			h.email = id
		}
	case "list_posts":
		h.posts(content)
	case "list_media":
		h.mediaListed = listedMedia(content)
	case "create_email_campaign", "schedule_email_campaign", "email_report":
		if id, _ := obj["id"].(string); id != "" {
			h.email = id
		}
	case "save_to_library":
		if slices.Contains(stringList(args["tags"]), emailTag) {
			t, _ := args["title"].(string)
			b, _ := args["body"].(string)
			h.draft = &emailDraft{title: t, body: b}
		}
	case "list_mailing_lists":
		var lists []mailingList
		if json.Unmarshal([]byte(content), &lists) == nil {
			h.lists = lists
		}
	}
}

// posts reads a list of posts: its failures, and the post when it is the
// only one.
func (h *history) posts(content string) {
	var posts []struct {
		ID      string `json:"id"`
		Status  string `json:"status"`
		Content struct {
			Text string `json:"text"`
		} `json:"content"`
		Targets []struct {
			Platform string `json:"platform"`
		} `json:"targets"`
	}
	if json.Unmarshal([]byte(content), &posts) != nil {
		return
	}
	h.listed, h.failed = true, nil
	for _, p := range posts {
		if p.Status == "failed" || p.Status == "partial" {
			h.failed = append(h.failed, p.ID)
		}
	}
	if len(posts) == 1 {
		p := posts[0]
		h.post = postRef{id: p.ID, text: p.Content.Text}
		for _, t := range p.Targets {
			if !slices.Contains(h.post.platforms, t.Platform) {
				h.post.platforms = append(h.post.platforms, t.Platform)
			}
		}
	}
}

// stringList reads a JSON array of strings.
func stringList(v any) []string {
	arr, _ := v.([]any)
	var out []string
	for _, a := range arr {
		if s, ok := a.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// resolve fills in what a command refers to: the command to run, or the
// calls to make, or what to say when there is nothing to refer to.
func (h history) resolve(c intent.Command) (intent.Command, []call, string) {
	switch {
	case c.Kind == intent.KindRetry && c.Ref == intent.RefFailed:
		if !h.listed {
			return c, []call{{"list_posts", map[string]any{"status": "failed"}}}, ""
		}
		return c, retries(h.failed), nothingFailed(h.failed)
	case c.Kind == intent.KindEmailSchedule || c.Kind == intent.KindEmailReport:
		switch {
		case h.email != "":
			c.ID = h.email
		case h.draft != nil:
			return c, nil, "The e-mail is still a draft in the library: tell me which mailing list it goes to first " +
				"(`show my mailing lists`)."
		default:
			return c, nil, "Which e-mail campaign? I don't see one in this conversation."
		}
	case (c.Kind == intent.KindSchedule || c.Kind == intent.KindPost) && h.post.text == "" && len(h.picked) > 0:
		if len(c.Platforms) == 0 { // "use the second one", nothing drafted
			return c, nil, "Where should it go? For example: `post this to instagram tomorrow 9am`."
		}
	case c.Kind == intent.KindSave && len(h.picked) > 0: // "save it": the media shared last
	case c.Kind == intent.KindSave:
		if h.post.text == "" {
			return c, nil, "What should I save? Give the text in quotes (`save \"text\" to the library`), or share an image " +
				"and say `save this image to the library`."
		}
		c.Text = h.post.text
	case c.Kind == intent.KindSchedule || c.Kind == intent.KindPost:
		if h.post.text == "" || len(h.post.platforms) == 0 && len(c.Platforms) == 0 {
			return c, nil, fmt.Sprintf("%s what? I don't see a post in this conversation; for example: "+
				"`schedule \"text\" to linkedin tomorrow 9am`.", strings.ToUpper(string(c.Kind[:1]))+string(c.Kind[1:]))
		}
		c.Text = h.post.text
		if len(c.Platforms) == 0 {
			c.Platforms = h.post.platforms
		}
	case h.post.pending && h.post.id == "":
		return c, nil, "That post hasn't been sent: it is waiting for approval. Reject it there to drop it."
	case h.post.id == "":
		return c, nil, fmt.Sprintf("Which post should I %s? I don't see one in this conversation; `show my scheduled posts` lists them.", c.Kind)
	default:
		c.ID = h.post.id
	}
	c.Ref = ""
	return c, nil, ""
}

func retries(ids []string) []call {
	var cs []call
	for _, id := range ids {
		cs = append(cs, call{"retry_post", map[string]any{"post_id": id}})
	}
	return cs
}

func nothingFailed(ids []string) string {
	if len(ids) == 0 {
		return "No failed posts: nothing to retry."
	}
	return ""
}

// turn is the current request and what was called for it so far.
func turn(msgs []Message) (request string, called []string, results []Message) {
	i := len(msgs) - 1
	for i >= 0 && msgs[i].Role != RoleUser {
		i--
	}
	if i < 0 {
		return "", nil, nil
	}
	for _, m := range msgs[i+1:] {
		for _, c := range m.ToolCalls {
			called = append(called, c.Name)
		}
		if m.Role == RoleTool {
			results = append(results, m)
		}
	}
	return msgs[i].Content, called, results
}

// followUp is the next step of a request that needs two: retry what the
// list of failed posts found.
func followUp(req Request) (Response, bool) {
	request, called, _ := turn(req.Messages)
	cmd, err := intent.Read(request)
	if err != nil || cmd.Kind != intent.KindRetry || cmd.Ref != intent.RefFailed ||
		!slices.Contains(called, "list_posts") || slices.Contains(called, "retry_post") {
		return Response{}, false
	}
	h := readHistory(req.Messages)
	if len(h.failed) == 0 {
		return text(nothingFailed(nil)), true
	}
	return calls(req, retries(h.failed)...), true
}

// question is what the planner asks once a turn's results are in: the
// mailing list of a new e-mail draft.
func question(req Request) string {
	_, called, results := turn(req.Messages)
	if !slices.Contains(called, "list_mailing_lists") || !slices.Contains(called, "save_to_library") {
		return ""
	}
	for _, r := range results {
		if r.Name == "list_mailing_lists" && strings.HasPrefix(strings.TrimSpace(r.Content), "[") {
			return "I saved the draft in the library. " + listQuestion + " Reply with the list's name."
		}
	}
	return ""
}

// listNames names the mailing lists to choose from.
func listNames(lists []mailingList) string {
	names := make([]string, len(lists))
	for i, l := range lists {
		names[i] = l.Name
	}
	return "The lists are: " + strings.Join(names, ", ") + "."
}

// chooseList reads the reply to the mailing-list question: the e-mail
// campaign to create, to the list named.
func chooseList(h history, words string) (call, bool) {
	if !h.listAsked || h.draft == nil {
		return call{}, false
	}
	low := strings.ToLower(words)
	for _, l := range h.lists {
		name := strings.ToLower(l.Name)
		if name != "" && (strings.Contains(low, name) || strings.Contains(name, strings.Trim(low, " .!"))) {
			return call{"create_email_campaign", map[string]any{"name": h.draft.title, "subject": h.draft.title,
				"text": h.draft.body, "list_keys": []string{l.Key}}}, true
		}
	}
	return call{}, false
}
