package agents

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/twitter"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// previewTime is how an approval's preview writes a time: in the zone the
// time was read in (the person's), in words.
const previewTime = "Mon 2 Jan 2006, 15:04 MST"

// postArgs is a post as the model writes it.
type postArgs struct {
	Text       string            `json:"text" jsonschema:"description=The post's text; may be empty when the post has media (an image on Instagram or X)."`
	Platforms  []string          `json:"platforms,omitempty" jsonschema:"description=Platforms by name: facebook instagram x linkedin. A platform with several accounts goes to the workspace's default for it; without one the person is asked which."`
	AccountIDs []string          `json:"account_ids,omitempty" jsonschema:"description=Exact accounts (account_id from list_accounts)."`
	Groups     []string          `json:"groups,omitempty" jsonschema:"description=Account groups by name (list_account_groups): every account of the group."`
	Link       string            `json:"link,omitempty" jsonschema:"format=uri"`
	ImageURLs  []string          `json:"image_urls,omitempty"`
	VideoURL   string            `json:"video_url,omitempty" jsonschema:"format=uri"`
	MediaIDs   []string          `json:"media_ids,omitempty" jsonschema:"description=Uploaded images or a video by media_id (the media shared in this conversation or list_media); sent after image_urls."`
	Variants   map[string]string `json:"variants,omitempty" jsonschema:"description=Text per platform replacing text there (keys: facebook instagram x linkedin)."`
	CampaignID string            `json:"campaign_id,omitempty"`
	// AllowDuplicate is set by the approval gate when a person said "post anyway".
	AllowDuplicate bool `json:"allow_duplicate,omitempty" jsonschema:"description=Send although the same text went to the same account within 24 hours; only when the person said post anyway."`
}

type scheduleArgs struct {
	postArgs
	Time string `json:"time" jsonschema:"minLength=1,description=When: RFC 3339 or the person's local time such as 2026-12-01 09:00 or tomorrow 9am."`
}

// targets resolves a post's accounts through tools/publish: the ones
// named, a group's, a platform's only account or its default; a platform
// with several accounts and no default is a *publish.ChoiceError.
func targets(ctx context.Context, cp Capabilities, c identity.Caller, a postArgs) ([]publish.Target, error) {
	ts, err := cp.Targets.Resolve(ctx, c, publish.Where{Platforms: a.Platforms, AccountIDs: a.AccountIDs, Groups: a.Groups})
	if errors.Is(err, publish.ErrChoose) {
		return nil, err
	}
	return ts, known(err)
}

// request turns the model's post into a publishing request for ts.
func request(a postArgs, ts []publish.Target) (publish.Request, error) {
	req := publish.Request{Content: publish.Content{Text: a.Text, Link: a.Link, ImageURLs: a.ImageURLs, VideoURL: a.VideoURL, MediaIDs: a.MediaIDs}, CampaignID: a.CampaignID,
		AllowDuplicate: a.AllowDuplicate}
	for _, t := range ts {
		req.AccountIDs = append(req.AccountIDs, t.AccountID)
	}
	for k, v := range a.Variants {
		p, err := platformOf(k)
		if err != nil {
			return publish.Request{}, err
		}
		if req.Variants == nil {
			req.Variants = map[platform.Name]string{}
		}
		req.Variants[p] = v
	}
	return req, nil
}

// DraftCheck is draft_post's answer: whether the draft passes everywhere,
// and each platform's check.
type DraftCheck struct {
	OK        bool          `json:"ok"`
	Platforms []DraftReport `json:"platforms"`
}

// DraftReport is one platform's check of a draft.
type DraftReport struct {
	Platform   string   `json:"platform"`
	Characters int      `json:"characters"`
	Limit      int      `json:"limit"`
	OK         bool     `json:"ok"`
	Problems   []string `json:"problems,omitempty"`
}

// check validates the post for each platform, as publishing will.
func check(req publish.Request, platforms []platform.Name) []DraftReport {
	var out []DraftReport
	for _, p := range platforms {
		body := platform.Post{Text: req.Text, Link: req.Link, ImageURLs: req.ImageURLs, VideoURL: req.VideoURL}
		if v, ok := req.Variants[p]; ok && strings.TrimSpace(v) != "" {
			body.Text = v
		}
		r := DraftReport{Platform: p.Label(), Characters: len([]rune(body.Text)), OK: true}
		switch p {
		case platform.Twitter:
			r.Characters, r.Limit = twitter.WeightedLength(body.Text), publish.DefaultLimits.XWeighted
		case platform.LinkedIn:
			r.Limit = publish.DefaultLimits.LinkedInChars
		case platform.Instagram:
			r.Limit = publish.DefaultLimits.InstagramChars
		case platform.Facebook:
			r.Limit = publish.DefaultLimits.FacebookChars
		}
		for _, pr := range publish.Validate(p, body, publish.DefaultLimits) {
			r.OK = false
			r.Problems = append(r.Problems, pr.Message)
		}
		out = append(out, r)
	}
	return out
}

func platformsOf(ts []publish.Target) []platform.Name {
	var ps []platform.Name
	for _, t := range ts {
		if !slices.Contains(ps, t.Platform) {
			ps = append(ps, t.Platform)
		}
	}
	return ps
}

// checkPost runs publishing's checks (validation, duplicates) on a post
// before a person is asked, and says what it will do, naming every account.
func checkPost(ctx context.Context, cp Capabilities, c identity.Caller, a postArgs, when string, at time.Time) (Check, error) {
	ts, err := targets(ctx, cp, c, a)
	if err != nil {
		return Check{}, err
	}
	req, err := request(a, ts)
	if err != nil {
		return Check{}, err
	}
	if _, err := cp.Posts.Preflight(ctx, c, req, at); err != nil {
		if errors.Is(err, publish.ErrDuplicate) {
			return Check{}, err
		}
		return Check{}, known(err)
	}
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.Label()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s to %s:\n", when, strings.Join(names, ", "))
	if strings.TrimSpace(a.Text) == "" {
		b.WriteString("(no text)")
	} else {
		fmt.Fprintf(&b, "“%s”", a.Text)
	}
	for _, p := range slices.Sorted(maps.Keys(req.Variants)) {
		fmt.Fprintf(&b, "\nOn %s: “%s”", p.Label(), req.Variants[p])
	}
	if a.Link != "" {
		fmt.Fprintf(&b, "\nLink: %s", a.Link)
	}
	switch n := len(a.ImageURLs); {
	case n == 1:
		b.WriteString("\n1 linked image")
	case n > 1:
		fmt.Fprintf(&b, "\n%d linked images", n)
	}
	if a.VideoURL != "" {
		fmt.Fprintf(&b, "\nVideo: %s", a.VideoURL)
	}
	if len(a.MediaIDs) > 0 {
		b.WriteString("\n" + attachedWords(ctx, cp, c, a.MediaIDs))
	}
	return Check{Preview: b.String(), Targets: ts}, nil
}

// attachedWords names a post's uploaded media for its preview: "Attached:
// launch.jpg (image, 1080×1350, alt text: “…”)"; a file the person cannot
// read (it was checked before) is counted, not named.
func attachedWords(ctx context.Context, cp Capabilities, c identity.Caller, ids []string) string {
	var names []string
	for _, id := range ids {
		if cp.Media == nil {
			break
		}
		m, err := cp.Media.Get(ctx, c, id)
		if err != nil {
			break
		}
		d := llm.Media{Name: m.Name, ContentType: m.ContentType, Width: m.Width, Height: m.Height, Duration: m.Duration}.Describe()
		if m.Alt != "" {
			d += ", alt text “" + m.Alt + "”"
		} else if strings.HasPrefix(m.ContentType, "image/") {
			d += ", no alt text"
		}
		names = append(names, d)
	}
	if len(names) < len(ids) {
		return fmt.Sprintf("Attached: %d uploaded files", len(ids))
	}
	return "Attached: " + strings.Join(names, "; ")
}

type listArgs struct {
	Status   string `json:"status,omitempty" jsonschema:"enum=published,enum=scheduled,enum=pending,enum=publishing,enum=failed,enum=partial,enum=cancelled,enum=unconfirmed,description=Only posts in this state."`
	Platform string `json:"platform,omitempty" jsonschema:"enum=facebook,enum=instagram,enum=twitter,enum=x,enum=linkedin,description=Only posts with a target on this platform."`
	DateFrom string `json:"date_from,omitempty" jsonschema:"pattern=^[0-9]{4}-[0-9]{2}-[0-9]{2}$,description=Only posts scheduled (or sent) on or after this day (UTC)."`
	DateTo   string `json:"date_to,omitempty" jsonschema:"pattern=^[0-9]{4}-[0-9]{2}-[0-9]{2}$,description=Only posts scheduled (or sent) on or before this day (UTC)."`
	Limit    int    `json:"limit,omitempty" jsonschema:"minimum=1,maximum=50"`
}

// targetStatus is the target status a post in an overall status has at
// least one of: the store filters by it, list_posts checks the rest.
var targetStatus = map[string]publish.Status{
	"published": publish.StatusPublished, "partial": publish.StatusPublished, "scheduled": publish.StatusPending,
	"pending": publish.StatusPending, "publishing": publish.StatusPublishing, "failed": publish.StatusFailed,
	"cancelled": publish.StatusCancelled, "unconfirmed": publish.StatusUnconfirmed,
}

// listPages bounds the pages list_posts reads to fill its limit when the
// overall status is narrower than the store's target-status filter.
const listPages = 20

// listPosts lists the newest posts the store's filters select (target
// status, platform, window), paging on until limit posts in the overall
// status asked for are found.
func listPosts(ctx context.Context, cp Capabilities, c identity.Caller, a listArgs) ([]publish.PostView, error) {
	limit := a.Limit
	if limit == 0 {
		limit = 10
	}
	opts := []publish.ListOption{publish.WithStatus(targetStatus[a.Status])}
	if a.Platform != "" {
		p, err := platformOf(a.Platform)
		if err != nil {
			return nil, err
		}
		opts = append(opts, publish.OnPlatform(p))
	}
	var from, to time.Time
	for _, d := range []struct {
		field, v string
		into     *time.Time
		days     int
	}{{"date_from", a.DateFrom, &from, 0}, {"date_to", a.DateTo, &to, 1}} {
		if d.v == "" {
			continue
		}
		t, err := time.Parse(time.DateOnly, d.v)
		if err != nil {
			return nil, Say(err, "%s %q is not a date like 2026-12-01", d.field, d.v)
		}
		*d.into = t.AddDate(0, 0, d.days)
	}
	opts = append(opts, publish.Between(from, to))
	out := []publish.PostView{}
	cursor := ""
	for range listPages {
		posts, next, err := cp.Posts.List(ctx, c, limit, cursor, opts...)
		if err != nil {
			return nil, known(err)
		}
		for _, p := range posts {
			if a.Status == "" || p.Status == a.Status {
				out = append(out, p)
			}
			if len(out) == limit {
				return out, nil
			}
		}
		if next == "" {
			break
		}
		cursor = next
	}
	return out, nil
}

type postIDArgs struct {
	PostID string `json:"post_id" jsonschema:"minLength=1"`
}

func postTools(cp Capabilities) []Tool {
	return []Tool{
		NewTool("draft_post", "Checks a draft against each platform's rules (length, media) without sending anything; returns characters and problems per platform.",
			func(ctx context.Context, c identity.Caller, a postArgs) (DraftCheck, error) {
				req, err := request(a, nil)
				if err != nil {
					return DraftCheck{}, err
				}
				ps, err := draftPlatforms(ctx, cp, c, a)
				if err != nil {
					return DraftCheck{}, err
				}
				reports := check(req, ps)
				ok := !slices.ContainsFunc(reports, func(r DraftReport) bool { return !r.OK })
				return DraftCheck{OK: ok, Platforms: reports}, nil
			}, ReadOnly()),
		NewTool("publish_post", "Publishes a post now to the platforms or accounts given. Needs approval.",
			func(ctx context.Context, c identity.Caller, a postArgs) (publish.Outcome, error) {
				ts, err := targets(ctx, cp, c, a)
				if err != nil {
					return publish.Outcome{}, known(err)
				}
				req, err := request(a, ts)
				if err != nil {
					return publish.Outcome{}, err
				}
				out, err := cp.Posts.PublishNow(ctx, c, req)
				return out, known(err)
			}, Mutating(), OpenWorld(), WithCheck(func(ctx context.Context, c identity.Caller, a postArgs) (Check, error) {
				return checkPost(ctx, cp, c, a, "Publish now", time.Time{})
			})),
		NewTool("schedule_post", "Schedules a post for a time to the platforms or accounts given; answers the scheduled post. Needs approval.",
			func(ctx context.Context, c identity.Caller, a scheduleArgs) (publish.PostView, error) {
				at, err := cp.Posts.ParseTime(ctx, c, a.Time)
				if err != nil {
					return publish.PostView{}, known(err)
				}
				ts, err := targets(ctx, cp, c, a.postArgs)
				if err != nil {
					return publish.PostView{}, known(err)
				}
				req, err := request(a.postArgs, ts)
				if err != nil {
					return publish.PostView{}, err
				}
				out, err := cp.Posts.Schedule(ctx, c, req, at)
				if err != nil {
					return publish.PostView{}, known(err)
				}
				p, err := cp.Posts.Get(ctx, c, out.PostID)
				return p, known(err)
			}, Mutating(), OpenWorld(), WithCheck(func(ctx context.Context, c identity.Caller, a scheduleArgs) (Check, error) {
				at, err := cp.Posts.ParseTime(ctx, c, a.Time)
				if err != nil {
					return Check{}, known(err)
				}
				return checkPost(ctx, cp, c, a.postArgs, "Schedule for "+at.Format(previewTime), at)
			})),
		NewTool("list_posts", "Lists the workspace's latest posts with each target's status, of a state, platform or days when given.",
			func(ctx context.Context, c identity.Caller, a listArgs) ([]publish.PostView, error) {
				return listPosts(ctx, cp, c, a)
			}, ReadOnly()),
		NewTool("retry_post", "Sends a post's failed targets again. Needs approval.",
			func(ctx context.Context, c identity.Caller, a postIDArgs) (publish.Outcome, error) {
				out, err := cp.Posts.Retry(ctx, c, a.PostID)
				return out, known(err)
			}, Mutating(), OpenWorld(), WithPreview(func(ctx context.Context, c identity.Caller, a postIDArgs) (string, error) {
				p, err := cp.Posts.Get(ctx, c, a.PostID)
				if err != nil {
					return "", known(err)
				}
				return fmt.Sprintf("Send the post again where it failed:\n“%s”", p.Content.Text), nil
			})),
	}
}

// draftPlatforms is the platforms a draft is checked for: those named, and
// those of the accounts and groups named; all four when none is named.
func draftPlatforms(ctx context.Context, cp Capabilities, c identity.Caller, a postArgs) ([]platform.Name, error) {
	if len(a.Platforms) == 0 && len(a.AccountIDs) == 0 && len(a.Groups) == 0 {
		return []platform.Name{platform.Facebook, platform.Instagram, platform.Twitter, platform.LinkedIn}, nil
	}
	var ps []platform.Name
	for _, name := range a.Platforms {
		p, err := platformOf(name)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(ps, p) {
			ps = append(ps, p)
		}
	}
	if len(a.AccountIDs) > 0 || len(a.Groups) > 0 {
		ts, err := targets(ctx, cp, c, postArgs{AccountIDs: a.AccountIDs, Groups: a.Groups})
		if err != nil {
			return nil, known(err)
		}
		for _, p := range platformsOf(ts) {
			if !slices.Contains(ps, p) {
				ps = append(ps, p)
			}
		}
	}
	return ps, nil
}
