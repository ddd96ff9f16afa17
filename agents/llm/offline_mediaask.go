package llm

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/marketingminds/marketingminds/agents/intent"
)

// listedMedia reads list_media's answer: the media as the person saw them
// listed, newest first.
func listedMedia(content string) []Media {
	var l struct {
		Items []struct {
			ID          string `json:"id"`
			Name        string `json:"name"`
			ContentType string `json:"content_type"`
		} `json:"items"`
	}
	if json.Unmarshal([]byte(content), &l) != nil {
		return nil
	}
	out := make([]Media, 0, len(l.Items))
	for _, m := range l.Items {
		out = append(out, Media{ID: m.ID, Name: m.Name, ContentType: m.ContentType})
	}
	return out
}

// pickable says whether pick names one of the listed media plainly: a
// position, all of them, or "this image" when the list holds only one.
func pickable(pick string, listed []Media) bool {
	switch pick {
	case "":
		return false
	case intent.MediaLast:
		return len(listed) == 1
	}
	return len(listed) > 0
}

// noMedia says what to do when a request picks media and none was shared
// in the conversation (or listed in it).
func noMedia(k intent.Kind) string {
	switch k {
	case intent.KindSave:
		return "I don't see an image or a video in this conversation to save. Drop one into a Slack conversation with me and say " +
			"`save this image to the library`, or say `show my images` and pick one from the list (\"save the second one to the library\")."
	case intent.KindMediaAlt:
		return "I don't see an image or a video in this conversation to describe. Drop one into a Slack conversation with me and say " +
			"`add alt text \"A red shoe\" to the image`, or say `show my images` and pick one from the list " +
			"(\"add alt text \"A red shoe\" to the second image\")."
	case intent.KindMediaDelete:
		return "I don't see an image or a video in this conversation to delete. Say `show my images` and pick one from the list " +
			"(\"delete the second one\"), or delete it on the dashboard's Media page, which shows where each file is used. " +
			"Files nothing uses are cleaned up on their own."
	}
	return "I don't see an image or a video in this conversation. Share one here (drop the file in this thread), then tell me where to post it."
}

// mediaCalls maps the requests about media that are not posts: keeping
// them in the library, their alt text and deleting them.
func mediaCalls(c intent.Command, h history) ([]call, string) {
	picked := pickedMedia(h)
	switch c.Kind {
	case intent.KindSave:
		name := mediaTitle(picked)
		args := map[string]any{"title": name, "body": name, "media_ids": h.picked}
		if c.Text != "" {
			args["title"], args["body"] = title(c.Text), c.Text
		}
		return []call{{"save_to_library", args}}, ""
	case intent.KindMediaAlt:
		if len(picked) != 1 {
			example := "add alt text \"" + c.Text + "\" to the second image"
			if c.Text == "" {
				example = "remove the alt text from the second image"
			}
			return nil, fmt.Sprintf("Which one? There are %d: %s. For example: `%s`.", len(h.media), mediaNames(h.media), example)
		}
		return []call{{"set_media_alt", map[string]any{"media_id": picked[0].ID, "alt": c.Text}}}, ""
	case intent.KindMediaDelete:
		switch {
		case c.Status == intent.StatusUnused:
			return nil, "Files nothing uses are cleaned up on their own after a while. To delete them now, open the dashboard's Media page " +
				"and choose “Not used yet”, or say `show unused images` and pick one (\"delete the second one\")."
		case len(h.media) == 0:
			return nil, noMedia(c.Kind)
		case len(picked) != 1:
			return nil, fmt.Sprintf("Which one? There are %d: %s. For example: `delete the second image`.", len(h.media), mediaNames(h.media))
		}
		return []call{{"delete_media", map[string]any{"media_id": picked[0].ID}}}, ""
	}
	return nil, ""
}

// pickedMedia are the media of h.picked, in the order picked.
func pickedMedia(h history) []Media {
	var out []Media
	for _, id := range h.picked {
		for _, m := range h.media {
			if m.ID == id {
				out = append(out, m)
				break
			}
		}
	}
	return out
}

// mediaTitle names media for a library item without words of its own:
// "launch.jpg", "a.jpg and b.jpg".
func mediaTitle(ms []Media) string {
	var names []string
	for _, m := range ms {
		if m.Name != "" {
			names = append(names, m.Name)
		}
	}
	switch {
	case len(names) == 0 && len(ms) == 1:
		return "Untitled " + ms[0].Kind()
	case len(names) == 0:
		return fmt.Sprintf("%d media files", len(ms))
	case len(names) == 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// about is what the assistant does, in short.
const about = "I'm the team's marketing assistant. I post and schedule to Facebook, Instagram, X and LinkedIn " +
	"(with images shared here or uploaded on the dashboard), show your accounts, posts, analytics and the best time to post, " +
	"keep drafts and images in the library, draft e-mail campaigns and look up Zoho CRM leads. Posting waits for an approval " +
	"unless your workspace turned that off. Say `help` for examples, or `who am I?` for what your role lets you do."

// whoAmI says what the person's role lets them do here.
func whoAmI(role string) string {
	switch role {
	case "admin":
		return "You're an admin in this workspace: you can post and schedule, connect and disconnect accounts, keep drafts and media " +
			"in the library, approve or reject anyone's waiting posts, change the workspace's settings and create API tokens. " +
			"Say `help` for what I understand."
	case "editor":
		return "You're an editor in this workspace: you can post and schedule (publishing waits for an approval unless the workspace " +
			"turned that off), connect and disconnect accounts, and keep drafts and media in the library; you decide the approvals " +
			"you asked for. Admins also decide anyone's approvals and change the settings. Say `help` for what I understand."
	case "viewer":
		return "You're a viewer in this workspace: you can see the accounts, posts, analytics, the library and the media, but not " +
			"post, schedule or change anything; ask an admin of the workspace if you need to. Say `help` for what I understand."
	}
	return "I don't know your role in this workspace, so I can only show things, not change them. Say `help` for what I understand."
}
