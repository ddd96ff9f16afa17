package slackfake

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// methods are the Web API methods the fake answers, each checking its
// required arguments as Slack does.
var methods = map[string]func(f *Fake, a url.Values) map[string]any{
	"auth.test": func(*Fake, url.Values) map[string]any {
		return map[string]any{"ok": true, "url": "https://fake.slack.com/", "team": "Fake", "user": "mm", "team_id": "T1", "user_id": "UBOT", "bot_id": "BBOT"}
	},
	"chat.postMessage": func(f *Fake, a url.Values) map[string]any {
		if r := f.needChannel(a.Get("channel")); r != nil {
			return r
		}
		if r := f.member(a.Get("channel")); r != nil {
			return r
		}
		md := a.Get("markdown_text")
		if a.Get("text") == "" && a.Get("blocks") == "" && md == "" {
			return fail("no_text")
		}
		if md != "" && (a.Get("text") != "" || a.Get("blocks") != "") {
			return fail("invalid_arguments") // markdown_text goes alone
		}
		if r := checkBlocks(a.Get("blocks")); r != nil {
			return r
		}
		if t := a.Get("thread_ts"); t != "" && !f.exists(a.Get("channel"), t) {
			return fail("thread_not_found")
		}
		ts := f.nextTS()
		f.messages[a.Get("channel")+"/"+ts] = a.Get("text") + md
		f.wrote(a.Get("channel"), ts, a.Get("thread_ts"))
		f.replied(a.Get("channel"), a.Get("thread_ts"))
		return map[string]any{"ok": true, "channel": a.Get("channel"), "ts": ts}
	},
	"chat.update": func(f *Fake, a url.Values) map[string]any {
		if r := f.needChannel(a.Get("channel")); r != nil {
			return r
		}
		if !f.exists(a.Get("channel"), a.Get("ts")) {
			return fail("message_not_found")
		}
		if r := checkBlocks(a.Get("blocks")); r != nil {
			return r
		}
		f.messages[a.Get("channel")+"/"+a.Get("ts")] = a.Get("text")
		return map[string]any{"ok": true, "channel": a.Get("channel"), "ts": a.Get("ts")}
	},
	"chat.postEphemeral": func(f *Fake, a url.Values) map[string]any {
		if r := f.needChannel(a.Get("channel")); r != nil {
			return r
		}
		if r := f.member(a.Get("channel")); r != nil {
			return r
		}
		if _, ok := f.users[a.Get("user")]; !ok {
			return fail("user_not_in_channel")
		}
		if a.Get("text") == "" && a.Get("blocks") == "" {
			return fail("no_text")
		}
		return map[string]any{"ok": true, "message_ts": f.nextTS()}
	},
	"chat.startStream": func(f *Fake, a url.Values) map[string]any {
		if f.noStream {
			return fail("unknown_method")
		}
		if r := f.needChannel(a.Get("channel")); r != nil {
			return r
		}
		if !f.exists(a.Get("channel"), a.Get("thread_ts")) {
			return fail("invalid_arguments")
		}
		ts := f.nextTS()
		f.messages[a.Get("channel")+"/"+ts] = a.Get("markdown_text")
		f.wrote(a.Get("channel"), ts, a.Get("thread_ts"))
		f.replied(a.Get("channel"), a.Get("thread_ts"))
		return map[string]any{"ok": true, "channel": a.Get("channel"), "ts": ts}
	},
	"chat.appendStream": func(f *Fake, a url.Values) map[string]any {
		key := a.Get("channel") + "/" + a.Get("ts")
		if _, ok := f.messages[key]; !ok {
			return fail("message_not_found")
		}
		if a.Get("markdown_text") == "" {
			return fail("invalid_arguments")
		}
		f.messages[key] += a.Get("markdown_text")
		return map[string]any{"ok": true, "channel": a.Get("channel"), "ts": a.Get("ts")}
	},
	"chat.stopStream": func(f *Fake, a url.Values) map[string]any {
		key := a.Get("channel") + "/" + a.Get("ts")
		if _, ok := f.messages[key]; !ok {
			return fail("message_not_found")
		}
		f.messages[key] += a.Get("markdown_text")
		return map[string]any{"ok": true, "channel": a.Get("channel"), "ts": a.Get("ts")}
	},
	"assistant.threads.setStatus": func(f *Fake, a url.Values) map[string]any {
		if r := f.needChannel(a.Get("channel_id")); r != nil {
			return r
		}
		if a.Get("thread_ts") == "" {
			return fail("invalid_arguments")
		}
		f.statuses[a.Get("channel_id")+"/"+a.Get("thread_ts")] = a.Get("status")
		return map[string]any{"ok": true}
	},
	"assistant.threads.setSuggestedPrompts": func(f *Fake, a url.Values) map[string]any {
		if r := f.needChannel(a.Get("channel_id")); r != nil {
			return r
		}
		var prompts []map[string]string
		if json.Unmarshal([]byte(a.Get("prompts")), &prompts) != nil || len(prompts) == 0 || len(prompts) > 4 {
			return fail("invalid_arguments")
		}
		return map[string]any{"ok": true}
	},
	"users.info": func(f *Fake, a url.Values) map[string]any {
		u, ok := f.users[a.Get("user")]
		if !ok {
			return fail("user_not_found")
		}
		return map[string]any{"ok": true, "user": map[string]any{"id": u.ID, "name": u.Name, "real_name": u.Name, "tz": u.TZ,
			"is_admin": u.Admin, "is_owner": u.Owner, "is_bot": u.Bot, "profile": map[string]any{"display_name": u.DisplayName}}}
	},
	"views.open": func(f *Fake, a url.Values) map[string]any {
		if a.Get("trigger_id") == "" {
			return fail("invalid_trigger_id")
		}
		return checkView(a.Get("view"), "modal")
	},
	"files.info":            filesInfo,
	"conversations.replies": replies,
	"views.update": func(f *Fake, a url.Values) map[string]any {
		if a.Get("view_id") == "" && a.Get("external_id") == "" {
			return fail("invalid_arguments")
		}
		return checkView(a.Get("view"), "modal")
	},
	"files.getUploadURLExternal":   getUploadURL,
	"files.completeUploadExternal": completeUpload,
	"views.publish": func(f *Fake, a url.Values) map[string]any {
		if _, ok := f.users[a.Get("user_id")]; !ok {
			return fail("user_not_found")
		}
		return checkView(a.Get("view"), "home")
	},
}

// replied removes the assistant status of a thread the app just wrote
// in, as Slack does.
func (f *Fake) replied(channel, thread string) {
	if thread != "" {
		delete(f.statuses, channel+"/"+thread)
	}
}

func (f *Fake) needChannel(id string) map[string]any {
	if id == "" || !f.channels[id] {
		return fail("channel_not_found")
	}
	return nil
}

// exists reports whether the fake knows message ts in channel; a thread
// root the test never posted is accepted when the channel exists (a
// person's message the bot answers).
func (f *Fake) exists(channel, ts string) bool {
	if ts == "" {
		return false
	}
	if _, ok := f.messages[channel+"/"+ts]; ok {
		return true
	}
	return f.channels[channel]
}

// blockTypes are the layout blocks the fake accepts.
var blockTypes = map[string]bool{"section": true, "actions": true, "context": true, "divider": true, "input": true, "header": true, "image": true, "markdown": true}

// checkBlocks is Slack's invalid_blocks: the JSON must be an array of known
// blocks, sections with at most 3,000 characters, actions with action ids,
// images with an image_url (at most 3,000 characters) and alt_text (at
// most 2,000) that Slack can download: Slack fetches the image when the
// message is posted and refuses it ("downloading image failed") when it
// cannot.
func checkBlocks(raw string) map[string]any {
	if raw == "" {
		return nil
	}
	var blocks []struct {
		Type     string                 `json:"type"`
		Text     *struct{ Text string } `json:"text"`
		ImageURL string                 `json:"image_url"`
		AltText  string                 `json:"alt_text"`
		Elements []struct {
			Type     string `json:"type"`
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
		} `json:"elements"`
	}
	if err := json.Unmarshal([]byte(raw), &blocks); err != nil || len(blocks) > 50 {
		return fail("invalid_blocks")
	}
	for _, b := range blocks {
		if !blockTypes[b.Type] {
			return fail("invalid_blocks")
		}
		if b.Type == "section" && (b.Text == nil || len(b.Text.Text) > 3000) {
			return fail("invalid_blocks")
		}
		if b.Type == "image" && (b.ImageURL == "" || len(b.ImageURL) > 3000 || b.AltText == "" || len(b.AltText) > 2000 || !downloadable(b.ImageURL)) {
			return fail("invalid_blocks")
		}
		if b.Type == "actions" {
			if len(b.Elements) == 0 || len(b.Elements) > 25 {
				return fail("invalid_blocks")
			}
			for _, e := range b.Elements {
				if e.ActionID == "" || len(e.Value) > 2000 {
					return fail("invalid_blocks")
				}
			}
		}
	}
	return nil
}

// downloadable fetches an image block's URL as Slack does: it must answer
// 200 with an image.
func downloadable(u string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode == http.StatusOK && strings.HasPrefix(resp.Header.Get("Content-Type"), "image/")
}

func checkView(raw, kind string) map[string]any {
	var v struct {
		Type   string          `json:"type"`
		Blocks json.RawMessage `json:"blocks"`
	}
	if err := json.Unmarshal([]byte(raw), &v); err != nil || v.Type != kind {
		return fail("invalid_arguments")
	}
	if r := checkBlocks(string(v.Blocks)); r != nil {
		return r
	}
	return map[string]any{"ok": true, "view": map[string]any{"id": "V1", "type": kind}}
}
