package httpapi

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/bot/present"
	"github.com/marketingminds/marketingminds/tools/library"
	"github.com/marketingminds/marketingminds/tools/media"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// What the media page says about each file beside its preview: where it is
// used, in words with links ("In a post scheduled for Tue 8 Dec, 09:00
// UTC"), who shared it and when, why it cannot be deleted when it cannot,
// and a link that posts it. A file's UsedBy entries ("post:<id>",
// "library:<id>", "approval:<id>") are read through the same services as
// their own pages, as the caller: an entry that no longer resolves is left
// out, and no id is ever shown.

// mediaUse is one place a file is used.
type mediaUse struct {
	Words string
	// Href is the place's page; "" when it has none.
	Href string
}

// mediaCard is what the media page says about a file.
type mediaCard struct {
	Uses []mediaUse
	// Shared says who shared it, from where and when: "Shared by Ana in
	// Slack, 2 hours ago"; SharedAt is the time in full, for its title.
	Shared, SharedAt string
	// Held says why the file cannot be deleted now; "" when it can.
	Held string
	// Expires says when the cleanup removes a file nothing uses: "Removed
	// after Tue 5 Jan if nothing uses it"; "" for a used one.
	Expires string
	// PostHref opens the composer with the file attached.
	PostHref string
}

// mediaCards reads, once a request, what the media page's cards need.
type mediaCards struct {
	s   *Server
	ctx context.Context
	v   *view
	env present.Env
	// posts, items: what each id resolved to; nil when it did not.
	posts map[string]*publish.PostView
	items map[string]*library.Item
	// waiting are the workspace's approvals still waiting for a person,
	// read on the first approval use; nil before.
	waiting map[string]agents.Approval
}

func (s *Server) mediaCards(r *http.Request, v *view) *mediaCards {
	return &mediaCards{s: s, ctx: r.Context(), v: v, env: present.Env{Loc: v.Loc, Now: s.deps.Now()},
		posts: map[string]*publish.PostView{}, items: map[string]*library.Item{}}
}

// learn reads the names of the people who shared ms, at once.
func (c *mediaCards) learn(ms ...media.Media) {
	ids := make([]string, 0, len(ms))
	for _, m := range ms {
		ids = append(ids, m.UploadedBy)
	}
	c.s.learnNames(c.ctx, c.v, ids...)
}

// card is what the page says about m (learn m first).
func (c *mediaCards) card(m media.Media) (*mediaCard, error) {
	d := &mediaCard{PostHref: composeHref("", "", nil, []string{m.ID}), SharedAt: present.When(c.env, m.CreatedAt)}
	for _, u := range m.UsedBy {
		kind, id, _ := strings.Cut(u, ":")
		var err error
		switch kind {
		case "post":
			err = c.post(d, id)
		case "library":
			err = c.libraryItem(d, id)
		case "approval":
			err = c.approval(d, id)
		}
		if err != nil {
			return nil, err
		}
	}
	d.Shared = sharedWords(m.Source, c.v.People.Of(m.UploadedBy), present.Relative(c.env, m.CreatedAt))
	switch until := m.CreatedAt.Add(media.Retention); {
	case len(m.UsedBy) > 0:
	case until.After(c.env.Now):
		d.Expires = "Removed after " + day(c.env, until) + " if nothing uses it"
	default:
		d.Expires = "Removed at the next weekly cleanup if nothing uses it"
	}
	return d, nil
}

// day is a date in the reader's zone: "Tue 5 Jan", with the year when it
// is not this year's.
func day(env present.Env, t time.Time) string {
	loc := env.Loc
	if loc == nil {
		loc = time.UTC
	}
	if t = t.In(loc); t.Year() != env.Now.In(loc).Year() {
		return t.Format("Mon 2 Jan 2006")
	}
	return t.Format("Mon 2 Jan")
}

// sharedWords: "Shared by Ana in Slack, 2 hours ago", "Uploaded by you on
// the dashboard, just now"; with no one, "Shared in Slack, …".
func sharedWords(source, by, ago string) string {
	verb, where := "Uploaded", " through the API"
	switch source {
	case media.SourceSlack:
		verb, where = "Shared", " in Slack"
	case media.SourceDashboard:
		where = " on the dashboard"
	}
	if by != "" {
		by = " by " + by
	}
	if ago == "now" {
		ago = "just now"
	}
	return verb + by + where + ", " + ago
}

// post adds the post id uses m in, and holds m while the post still waits
// to be published (the service refuses the deletion then).
func (c *mediaCards) post(d *mediaCard, id string) error {
	if c.s.deps.Posts == nil {
		return nil
	}
	p, ok := c.posts[id]
	if !ok {
		got, err := c.s.deps.Posts.Get(c.ctx, c.v.Caller, id)
		if err != nil && !errors.Is(err, publish.ErrNotFound) {
			return err
		}
		if err == nil {
			p = &got
		}
		c.posts[id] = p
	}
	if p == nil {
		return nil
	}
	d.Uses = append(d.Uses, mediaUse{Words: c.postWords(*p), Href: "/dashboard/posts/" + url.PathEscape(p.ID)})
	for _, t := range p.Targets {
		if !t.Status.Settled() && d.Held == "" {
			d.Held = "It can be deleted once its post is published or cancelled."
		}
	}
	return nil
}

// postWords: "In a post scheduled for Tue 8 Dec, 09:00 UTC", "In a post
// published Mon 7 Dec, 10:15 UTC"…
func (c *mediaCards) postWords(p publish.PostView) string {
	at := present.When(c.env, postTime(p))
	switch p.Status {
	case "scheduled":
		return "In a post scheduled for " + at
	case "published":
		return "In a post published " + at
	case "partial":
		return "In a post partly published " + at
	case "pending", "publishing":
		return "In a post being published now"
	case "cancelled":
		return "In a cancelled post"
	case "unconfirmed":
		return "In a post that may not have been published"
	}
	return "In a post that failed to publish"
}

// libraryItem adds the library item or template id uses m in.
func (c *mediaCards) libraryItem(d *mediaCard, id string) error {
	if c.s.deps.Library == nil {
		return nil
	}
	it, ok := c.items[id]
	if !ok {
		for _, kind := range []library.Kind{library.KindContent, library.KindTemplate} {
			got, err := c.s.deps.Library.Get(c.ctx, c.v.Caller, kind, id)
			if errors.Is(err, library.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			it = &got
			break
		}
		c.items[id] = it
	}
	if it == nil {
		return nil
	}
	words := "In the library: " + it.Title
	if it.Kind == library.KindTemplate {
		words = "In the template " + it.Title
	}
	d.Uses = append(d.Uses, mediaUse{Words: words, Href: "/dashboard/library/" + string(it.Kind) + "/" + url.PathEscape(it.ID)})
	return nil
}

// approval adds the approval id holds m for, while it still waits for a
// person (one decided has let go of it).
func (c *mediaCards) approval(d *mediaCard, id string) error {
	if c.s.deps.Approvals == nil {
		return nil
	}
	if c.waiting == nil {
		c.waiting = map[string]agents.Approval{}
		for _, st := range []agents.ApprovalStatus{agents.ApprovalAsking, agents.ApprovalPending, agents.ApprovalRunning} {
			list, err := c.s.deps.Approvals.Approvals(c.ctx, c.v.Caller, string(st))
			if err != nil {
				return err
			}
			for _, a := range list {
				c.waiting[a.ID] = a
			}
		}
		var askers []string
		for _, a := range c.waiting {
			askers = append(askers, a.RequestedBy)
		}
		c.s.learnNames(c.ctx, c.v, askers...)
	}
	a, ok := c.waiting[id]
	if !ok {
		return nil
	}
	u := mediaUse{Words: "Waiting for approval"}
	if a.Status == agents.ApprovalRunning {
		u.Words = "In a post being published now"
	} else if by := c.v.People.Of(a.RequestedBy); by != "" {
		u.Words += " (asked by " + by + ")"
	}
	if a.Channel == chatChannel(c.v) {
		u.Href = "/dashboard/chat"
	}
	d.Uses = append(d.Uses, u)
	d.Held = "It cannot be deleted while its post waits for approval: approve or reject the post first."
	return nil
}
