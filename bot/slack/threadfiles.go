package slack

import (
	"context"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/media"
)

// Participation tells whether the app takes part in a channel thread.
type Participation interface {
	// Participates reports whether the conversation (channel, thread) of
	// workspaceID exists: the app answered there, or keeps media shared
	// there.
	Participates(ctx context.Context, workspaceID, channel, thread string) (bool, error)
}

// Bounds of what a first mention in a thread reads of it.
const (
	threadPage     = 200 // replies per conversations.replies call, as Slack advises
	maxThreadPages = 5   // so at most 1,000 replies
	maxThreadFiles = 20  // the newest files before the mention
)

// threadShare reports whether ev may be files a person shared in a channel
// thread without mentioning the app: worth a look after the ack (the
// thread is checked there), when the door keeps media.
func (b *Bot) threadShare(ev event) bool {
	return b.d.Media != nil && b.d.Participation != nil && len(ev.Files) > 0 && fromPerson(ev) &&
		(ev.ChannelType == "channel" || ev.ChannelType == "group") && ev.ThreadTS != "" && ev.ThreadTS != ev.TS
}

// onThreadShare keeps the files a person shared in a channel thread the
// app takes part in as media of that conversation, and tells only that
// person, briefly: nobody asked anything, so no turn runs. A file in a
// thread the app is not part of is left alone (not downloaded); a message
// that mentions the app is handled once, as its app_mention.
func (b *Bot) onThreadShare(ctx context.Context, teamID string, ev event) {
	log := b.log.With().Str("team", teamID).Str("channel", ev.Channel).Str("thread", ev.ThreadTS).Logger()
	api, err := b.client(ctx, teamID)
	if err != nil {
		log.Error().Err(err).Msg("slack: thread files")
		return
	}
	self, err := b.botUser(ctx, api, teamID)
	if err != nil {
		log.Error().Err(err).Msg("slack: thread files: who the app is")
		return
	}
	if strings.Contains(ev.Text, "<@"+self+">") {
		return // the app_mention of the same message takes the files and the words
	}
	part, err := b.d.Participation.Participates(ctx, teamID, ev.Channel, ev.ThreadTS)
	if err != nil {
		log.Error().Err(err).Msg("slack: thread files: is the app part of the thread")
		return
	}
	if !part {
		return
	}
	c, err := b.caller(ctx, api, teamID, ev.User, identity.DoorSlack)
	if err != nil {
		log.Error().Err(err).Msg("slack: thread files: who shared them")
		return
	}
	kept, problems := b.takeFiles(ctx, api, teamID, c, ev.Channel, ev.ThreadTS, ev.Files)
	said := strings.TrimSpace(strings.Join(append([]string{threadFilesNoted(kept, self)}, problems...), "\n"))
	err = b.call(ctx, ev.Channel, false, func() error {
		_, err := api.PostEphemeralContext(ctx, ev.Channel, ev.User, slack.MsgOptionText(said, false), slack.MsgOptionTS(ev.ThreadTS))
		return err
	})
	if err != nil {
		log.Warn().Err(err).Msg("slack: thread files: tell the sharer")
	}
}

// threadFilesNoted tells the person who shared files in a thread that the
// app kept them, and how to use them: by mentioning it (self).
func threadFilesNoted(kept []media.Media, self string) string {
	if len(kept) == 0 {
		return ""
	}
	var b strings.Builder
	it := "it"
	if len(kept) == 1 {
		fmt.Fprintf(&b, "Got %s.", mediaLine(kept[0]))
	} else {
		it = "them"
		fmt.Fprintf(&b, "Got %d files:", len(kept))
		for i, m := range kept {
			fmt.Fprintf(&b, "\n%d. %s", i+1, mediaLine(m))
		}
	}
	fmt.Fprintf(&b, "\nMention me when you want to use %s: “<@%s> post this to Instagram”.", it, self)
	return b.String()
}

// mediaLine names a kept file with what it is: "photo.jpg (1080×1080 JPEG)".
func mediaLine(m media.Media) string {
	var what []string
	if m.Width > 0 && m.Height > 0 {
		what = append(what, fmt.Sprintf("%d×%d", m.Width, m.Height))
	}
	if f := formatName(m.ContentType); f != "" {
		what = append(what, f)
	}
	s := m.Name
	if len(what) > 0 {
		s += " (" + strings.Join(what, " ")
		if m.Duration > 0 {
			s += fmt.Sprintf(", %d s", int(m.Duration.Seconds()+0.5))
		}
		s += ")"
	}
	return s
}

// formatName is a media type as people name it.
func formatName(contentType string) string {
	switch contentType {
	case "image/jpeg":
		return "JPEG"
	case "image/png":
		return "PNG"
	case "image/gif":
		return "GIF"
	case "image/webp":
		return "WebP"
	case "video/mp4":
		return "MP4 video"
	case "video/quicktime":
		return "MOV video"
	}
	return ""
}

// earlierFiles are the media files people shared in ev's thread before
// ev, the app's first mention there: read with conversations.replies, a
// page at a time up to the mention (at most maxThreadPages pages), each
// call through the rate-limit helper; at most the newest maxThreadFiles,
// oldest first, each once and none of ev's own, so that "this" or "the
// image above" can name them. Nothing when the app already takes part in
// the thread (it took them then) or the thread cannot be read (the reason
// is logged); what the pages read gave when a later page cannot be.
func (b *Bot) earlierFiles(ctx context.Context, teamID string, ev event) []sharedFile {
	if b.d.Media == nil || b.d.Participation == nil || ev.ThreadTS == "" || ev.ThreadTS == ev.TS {
		return nil
	}
	log := b.log.With().Str("team", teamID).Str("channel", ev.Channel).Str("thread", ev.ThreadTS).Logger()
	part, err := b.d.Participation.Participates(ctx, teamID, ev.Channel, ev.ThreadTS)
	if err != nil || part {
		if err != nil {
			log.Error().Err(err).Msg("slack: earlier files: is the app part of the thread")
		}
		return nil
	}
	api, err := b.client(ctx, teamID)
	if err != nil {
		log.Error().Err(err).Msg("slack: earlier files")
		return nil
	}
	seen := map[string]bool{}
	for _, f := range ev.Files {
		seen[f.ID] = true
	}
	var out []sharedFile
	cursor := ""
	for page := 1; ; page++ {
		var msgs []slack.Message
		var more bool
		var next string // the cursor stays while a rate-limited call is retried
		err = b.call(ctx, "conversations.replies", false, func() error {
			var err error
			msgs, more, next, err = api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{
				ChannelID: ev.Channel, Timestamp: ev.ThreadTS, Limit: threadPage, Cursor: cursor})
			return err
		})
		if err != nil {
			// missing_scope: an install older than the history scopes;
			// not_in_channel, thread_not_found: nothing to read.
			log.Warn().Err(err).Int("page", page).Msg("slack: earlier files: conversations.replies")
			break
		}
		out = append(out, mediaBefore(msgs, ev.TS, seen)...)
		cursor = next
		if !more || cursor == "" || len(msgs) == 0 || !before(msgs[len(msgs)-1].Timestamp, ev.TS) {
			break
		}
		if page == maxThreadPages {
			log.Info().Int("pages", page).Msg("slack: earlier files: a long thread; only its first pages are read")
			break
		}
	}
	return out[max(0, len(out)-maxThreadFiles):]
}

// mediaBefore are the media files people shared in msgs (a page of a
// thread) before the message at ts, each once: seen records them.
func mediaBefore(msgs []slack.Message, ts string, seen map[string]bool) []sharedFile {
	var out []sharedFile
	for _, m := range msgs {
		if m.Timestamp == ts || !before(m.Timestamp, ts) || m.User == "" || m.BotID != "" ||
			(m.SubType != "" && m.SubType != "file_share" && m.SubType != "thread_broadcast") {
			continue
		}
		for _, f := range m.Files {
			if seen[f.ID] || !mediaType(f.Mimetype) {
				continue
			}
			seen[f.ID] = true
			out = append(out, sharedFile{ID: f.ID, Name: f.Name, Size: int64(f.Size), Mode: f.Mode, AltTxt: f.AltTxt, URLPrivateDownload: f.URLPrivateDownload})
		}
	}
	return out
}

// mediaType says whether a file with this mimetype may be media; a stub
// (a Slack Connect file, mode file_access) has none yet and is tried.
func mediaType(mimetype string) bool {
	return mimetype == "" || strings.HasPrefix(mimetype, "image/") || strings.HasPrefix(mimetype, "video/")
}

// before says whether message timestamp x ("1700000000.000100") is earlier than y.
func before(x, y string) bool {
	xs, xf, _ := strings.Cut(x, ".")
	ys, yf, _ := strings.Cut(y, ".")
	if len(xs) != len(ys) {
		return len(xs) < len(ys)
	}
	if xs != ys {
		return xs < ys
	}
	w := max(len(xf), len(yf))
	return xf+strings.Repeat("0", w-len(xf)) < yf+strings.Repeat("0", w-len(yf))
}

// botUser is the app's own user id in team: auth.test, asked once per team,
// even by the events of a cold team arriving at once (they share the one
// call in flight).
func (b *Bot) botUser(ctx context.Context, api *slack.Client, teamID string) (string, error) {
	if id := b.knownSelf(teamID); id != "" {
		return id, nil
	}
	v, err, _ := b.selfCalls.Do(teamID, func() (any, error) {
		if id := b.knownSelf(teamID); id != "" { // a call that just ended asked
			return id, nil
		}
		var resp *slack.AuthTestResponse
		err := b.call(ctx, "auth.test", false, func() error {
			var err error
			resp, err = api.AuthTestContext(ctx)
			return err
		})
		if err != nil {
			return "", fmt.Errorf("slack: auth.test: %w", err)
		}
		b.mu.Lock()
		b.selves[teamID] = resp.UserID
		b.mu.Unlock()
		return resp.UserID, nil
	})
	return v.(string), err
}

// knownSelf is the app's user id in team when auth.test told it already.
func (b *Bot) knownSelf(teamID string) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.selves[teamID]
}
