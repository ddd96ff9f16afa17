package slack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/slack-go/slack"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/tools/fault"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/media"
)

// DefaultMaxFileBytes is the largest file taken from Slack: 512 MB, X's
// largest video (the largest any platform we publish to takes by upload).
const DefaultMaxFileBytes int64 = 512 << 20

// Media is the media store as the door sees it (*media.Service).
type Media interface {
	Upload(ctx context.Context, c identity.Caller, in media.Upload) (media.Media, error)
}

// sharedFile is one file of a message event's "files". A Slack Connect or
// restricted file comes as a stub (mode "file_access") without URLs:
// files.info gives the rest.
type sharedFile struct {
	ID                 string `json:"id"`
	Name               string `json:"name"`
	Size               int64  `json:"size"`
	Mode               string `json:"mode"`
	AltTxt             string `json:"alt_txt"`
	URLPrivateDownload string `json:"url_private_download"`
}

// Why a shared file was not kept.
var (
	errFileTooLarge = errors.New("slack: the file is above the size limit")
	errFileRefused  = errors.New("slack: Slack did not hand over the file")
)

// takeFiles keeps the files shared with a message as media of the
// conversation (channel, thread), downloaded with the bot token and
// streamed to the media store within MaxFileBytes. It returns what was
// kept and a sentence for each file that was not.
func (b *Bot) takeFiles(ctx context.Context, api *slack.Client, teamID string, c identity.Caller, channel, thread string, files []sharedFile) ([]media.Media, []string) {
	var kept []media.Media
	var problems []string
	conv := agents.ConversationKey{WorkspaceID: c.WorkspaceID, Channel: channel, Thread: thread}.String()
	for _, f := range files {
		m, err := b.takeFile(ctx, api, teamID, c, conv, f)
		if err == nil {
			kept = append(kept, m)
			continue
		}
		problems = append(problems, b.fileProblem(f, err))
	}
	return kept, problems
}

func (b *Bot) takeFile(ctx context.Context, api *slack.Client, teamID string, c identity.Caller, conv string, f sharedFile) (media.Media, error) {
	if f.URLPrivateDownload == "" {
		info, _, _, err := api.GetFileInfoContext(ctx, f.ID, 0, 0)
		if err != nil {
			return media.Media{}, fmt.Errorf("slack: files.info %s: %w", f.ID, err)
		}
		f.Name, f.Size, f.URLPrivateDownload = info.Name, int64(info.Size), info.URLPrivateDownload
	}
	if f.Size > b.cfg.MaxFileBytes {
		return media.Media{}, errFileTooLarge
	}
	body, err := b.download(ctx, teamID, f.URLPrivateDownload)
	if err != nil {
		return media.Media{}, err
	}
	defer body.Close()
	m, err := b.d.Media.Upload(ctx, c, media.Upload{Name: f.Name, Alt: f.AltTxt, Source: media.SourceSlack, Conversation: conv,
		Body: &capped{r: body, left: b.cfg.MaxFileBytes}})
	if err != nil {
		return media.Media{}, fmt.Errorf("slack: keep file %s: %w", f.ID, err)
	}
	return m, nil
}

// download opens a file's url_private_download with the bot token, the way
// Slack requires. Without a valid token Slack answers with a redirect to
// its sign-in page, never the file: a redirect or an HTML page is a refusal.
// The token goes only to Slack's file host or the configured Web API's.
func (b *Bot) download(ctx context.Context, teamID, raw string) (io.ReadCloser, error) {
	u, err := url.Parse(raw)
	if err != nil || !b.fileHost(u) {
		return nil, fmt.Errorf("%w: %q is not a Slack file URL", errFileRefused, raw)
	}
	token, err := b.botToken(ctx, teamID)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("slack: download: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	hc := *b.d.HTTP
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("slack: download: %w", err)
	}
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	switch {
	case resp.StatusCode != http.StatusOK:
		resp.Body.Close()
		return nil, fmt.Errorf("%w: HTTP %d (%s)", errFileRefused, resp.StatusCode, resp.Header.Get("Location"))
	case ct == "text/html":
		resp.Body.Close()
		return nil, fmt.Errorf("%w: a sign-in page instead of the file", errFileRefused)
	case resp.ContentLength > b.cfg.MaxFileBytes:
		resp.Body.Close()
		return nil, errFileTooLarge
	}
	return resp.Body, nil
}

// fileHost says whether u is where Slack serves files: files.slack.com, or
// the host of the configured Web API (a proxy, the tests' fake).
func (b *Bot) fileHost(u *url.URL) bool {
	api, err := url.Parse(b.cfg.APIURL)
	if err != nil {
		return false
	}
	switch {
	case u.Scheme == "https" && u.Host == "files.slack.com":
		return true
	case u.Scheme == api.Scheme && u.Host == api.Host:
		return true
	}
	return false
}

// capped reads r and fails with errFileTooLarge past left bytes.
type capped struct {
	r    io.Reader
	left int64
}

func (c *capped) Read(p []byte) (int, error) {
	if c.left < 0 {
		return 0, errFileTooLarge
	}
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	if c.left < 0 {
		return n, errFileTooLarge
	}
	return n, err
}

// fileProblem words why f was not kept, for its sharer.
func (b *Bot) fileProblem(f sharedFile, err error) string {
	name := f.Name
	if name == "" {
		name = "the file"
	}
	switch {
	case errors.Is(err, errFileTooLarge):
		return fmt.Sprintf("%s is too large for me: I take files up to %s from Slack.", name, sizeText(b.cfg.MaxFileBytes))
	case errors.Is(err, media.ErrTooLarge):
		return fmt.Sprintf("%s is too large for me: I take files up to %s.", name, sizeText(media.MaxBytes))
	case errors.Is(err, errFileRefused):
		b.log.Warn().Err(err).Str("file", f.ID).Msg("slack: file download refused")
		return fmt.Sprintf("Slack did not let me download %s. The app may be missing the files:read permission: ask an admin to reinstall it.", name)
	}
	fl := fault.Of(err, b.now())
	switch fl.Kind {
	case fault.Validation:
		return fmt.Sprintf("I can't use %s: only images (JPEG, PNG, GIF, WebP) and videos (MP4, MOV) can go into posts.", name)
	case fault.Forbidden:
		return fmt.Sprintf("I did not keep %s: viewers can't add media. Ask an admin for the editor role.", name)
	}
	b.log.Error().Err(err).Str("file", f.ID).Str("ref", fl.Ref).Msg("slack: keep a shared file")
	return fmt.Sprintf("Something went wrong keeping %s (ref %s); please share it again.", name, fl.Ref)
}

// sizeText is a byte count in words: "512 MB", "1 GB".
func sizeText(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GB", n>>30)
	case n >= 1<<20:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// filesNoted is the answer to files shared without words: what was kept,
// numbered for "the second one", and what to say next.
func filesNoted(kept []media.Media) string {
	if len(kept) == 0 {
		return ""
	}
	var b strings.Builder
	if len(kept) == 1 {
		fmt.Fprintf(&b, "Got %s.", kept[0].Name)
	} else {
		fmt.Fprintf(&b, "Got %d files:", len(kept))
		for i, m := range kept {
			fmt.Fprintf(&b, "\n%d. %s", i+1, m.Name)
		}
	}
	b.WriteString("\nTell me what to do with it, for example: “post this to Instagram tomorrow 9am”.")
	if len(kept) > 1 {
		return strings.Replace(b.String(), "with it", "with them", 1)
	}
	return b.String()
}
