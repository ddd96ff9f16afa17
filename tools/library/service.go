package library

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// updateAttempts bounds how often Update re-reads an item that keeps
// changing under it before it gives up with ErrConflict.
const updateAttempts = 3

func checkKind(k Kind) error {
	if k != KindContent && k != KindTemplate {
		return fmt.Errorf("%w: kind %q: use content or template", ErrInvalid, k)
	}
	return nil
}

// withVariables fills a template's Variables.
func withVariables(it Item) Item {
	if it.Kind == KindTemplate {
		texts := []string{it.Title, it.Body}
		for _, p := range platform.Social {
			texts = append(texts, it.Variants[p])
		}
		it.Variables = variablesOf(texts...)
	}
	return it
}

// Create saves a new item of kind (content or template) in the caller's
// workspace; editors and admins. Every problem is reported at once
// (*ValidationError) and nothing is saved then.
func (s *Service) Create(ctx context.Context, c identity.Caller, kind Kind, in Input) (Item, error) {
	if err := c.Require(identity.Editor); err != nil {
		return Item{}, err
	}
	if err := checkKind(kind); err != nil {
		return Item{}, err
	}
	now := store.Trunc(s.now())
	it := Item{ID: store.NewID(), WorkspaceID: c.WorkspaceID, Kind: kind, Title: in.Title, Body: in.Body,
		Variants: maps.Clone(in.Variants), MediaURLs: slices.Clone(in.MediaURLs), MediaIDs: slices.Clone(in.MediaIDs), Link: in.Link,
		Tags: slices.Clone(in.Tags), CampaignID: in.CampaignID, CreatedBy: c.UserID, CreatedAt: now, UpdatedBy: c.UserID, UpdatedAt: now, Rev: 1}
	mediaProblems, err := s.resolveMedia(ctx, c, &it)
	if err != nil {
		return Item{}, err
	}
	if problems := append(mediaProblems, s.check(&it)...); len(problems) > 0 {
		return Item{}, &ValidationError{Problems: problems}
	}
	// The media are marked used before the item exists, so the cleanup
	// never sees them unused while it does.
	if err := s.useMedia(ctx, c, it.ID, it.MediaIDs); err != nil {
		return Item{}, err
	}
	if err := s.store.Insert(ctx, it); err != nil {
		if rerr := s.releaseMedia(ctx, c.WorkspaceID, it.ID); rerr != nil {
			return Item{}, errors.Join(err, rerr)
		}
		return Item{}, err
	}
	return withVariables(filled(it)), nil
}

// Get returns one item of kind; any role. Another workspace's id, or the
// id of an item of the other kind, is ErrNotFound.
func (s *Service) Get(ctx context.Context, c identity.Caller, kind Kind, id string) (Item, error) {
	if err := c.Require(identity.Viewer); err != nil {
		return Item{}, err
	}
	if err := checkKind(kind); err != nil {
		return Item{}, err
	}
	it, err := s.store.Get(ctx, c.WorkspaceID, kind, id)
	if err != nil {
		return Item{}, err
	}
	return withVariables(it), nil
}

// Update changes an item's fields that p holds; editors and admins. The
// result is checked whole, like a new item.
func (s *Service) Update(ctx context.Context, c identity.Caller, kind Kind, id string, p Patch) (Item, error) {
	if err := c.Require(identity.Editor); err != nil {
		return Item{}, err
	}
	if err := checkKind(kind); err != nil {
		return Item{}, err
	}
	if p.empty() {
		return Item{}, &ValidationError{Problems: []Problem{{Message: "nothing to change: give title, body, variants, media_urls, media_ids, link, tags or campaign_id"}}}
	}
	for attempt := 0; ; attempt++ {
		it, err := s.store.Get(ctx, c.WorkspaceID, kind, id)
		if err != nil {
			return Item{}, err
		}
		rev := it.Rev
		apply(&it, p)
		var mediaProblems []Problem
		if p.MediaIDs != nil {
			if mediaProblems, err = s.resolveMedia(ctx, c, &it); err != nil {
				return Item{}, err
			}
		}
		if problems := append(mediaProblems, s.check(&it)...); len(problems) > 0 {
			return Item{}, &ValidationError{Problems: problems}
		}
		it.UpdatedBy, it.UpdatedAt, it.Rev = c.UserID, store.Trunc(s.now()), rev+1
		err = s.store.Replace(ctx, it, rev)
		if errors.Is(err, ErrConflict) && attempt < updateAttempts-1 {
			continue
		}
		if err != nil {
			return Item{}, err
		}
		if p.MediaIDs != nil {
			if err := s.settleMedia(ctx, c, kind, it.ID); err != nil {
				return Item{}, err
			}
		}
		return withVariables(filled(it)), nil
	}
}

func apply(it *Item, p Patch) {
	if p.Title != nil {
		it.Title = *p.Title
	}
	if p.Body != nil {
		it.Body = *p.Body
	}
	if p.Variants != nil {
		it.Variants = maps.Clone(*p.Variants)
	}
	if p.MediaURLs != nil {
		it.MediaURLs = slices.Clone(*p.MediaURLs)
	}
	if p.MediaIDs != nil {
		it.MediaIDs = slices.Clone(*p.MediaIDs)
	}
	if p.Link != nil {
		it.Link = *p.Link
	}
	if p.Tags != nil {
		it.Tags = slices.Clone(*p.Tags)
	}
	if p.CampaignID != nil {
		it.CampaignID = *p.CampaignID
	}
}

// Delete removes an item of kind; editors and admins.
func (s *Service) Delete(ctx context.Context, c identity.Caller, kind Kind, id string) error {
	if err := c.Require(identity.Editor); err != nil {
		return err
	}
	if err := checkKind(kind); err != nil {
		return err
	}
	if err := s.store.Delete(ctx, c.WorkspaceID, kind, id); err != nil {
		return err
	}
	// Its media are free for the cleanup once nothing else uses them.
	return s.releaseMedia(ctx, c.WorkspaceID, id)
}

// List pages through the workspace's items of f.Kind (content by default),
// newest first, narrowed by f's text, tag and campaign; any role.
func (s *Service) List(ctx context.Context, c identity.Caller, f Filter) (Page, error) {
	if err := c.Require(identity.Viewer); err != nil {
		return Page{}, err
	}
	if f.Kind == "" {
		f.Kind = KindContent
	}
	if err := checkKind(f.Kind); err != nil {
		return Page{}, err
	}
	if f.Limit < 0 || f.Limit > 100 {
		return Page{}, fmt.Errorf("%w: limit must be from 1 to 100", ErrInvalid)
	}
	if f.Limit == 0 {
		f.Limit = 20
	}
	after, err := parseCursor(f.Cursor)
	if err != nil {
		return Page{}, err
	}
	q := Query{Kind: f.Kind, TagKey: tagKey(f.Tag), CampaignID: strings.TrimSpace(f.CampaignID), After: after, Limit: f.Limit + 1}
	if strings.TrimSpace(f.Text) != "" {
		if q.Keys = queryKeys(f.Text); len(q.Keys) == 0 {
			return Page{}, fmt.Errorf("%w: search for words of at least 2 letters or digits", ErrInvalid)
		}
	}
	items, err := s.store.List(ctx, c.WorkspaceID, q)
	if err != nil {
		return Page{}, err
	}
	page := Page{Items: make([]Item, 0, len(items))}
	if len(items) > f.Limit {
		items = items[:f.Limit]
		last := items[f.Limit-1]
		page.NextCursor = Cursor{CreatedAt: last.CreatedAt, ID: last.ID}.String()
	}
	for _, it := range items {
		page.Items = append(page.Items, withVariables(it))
	}
	return page, nil
}

// parseCursor reads a cursor an earlier page gave out.
func parseCursor(s string) (Cursor, error) {
	c, err := store.ParseCursor(s)
	if err != nil {
		return Cursor{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return c, nil
}

// Rendered is a template with its variables filled in.
type Rendered struct {
	TemplateID string                   `json:"template_id"`
	Title      string                   `json:"title"`
	Body       string                   `json:"body"`
	Variants   map[platform.Name]string `json:"variants"`
	MediaURLs  []string                 `json:"media_urls"`
	MediaIDs   []string                 `json:"media_ids"`
	Link       string                   `json:"link"`
	Tags       []string                 `json:"tags"`
	CampaignID string                   `json:"campaign_id"`
	// Unused names the values given that the template has no variable for
	// (a misspelt name, most likely).
	Unused []string `json:"unused,omitempty"`
	// Problems are the platform limits the rendered variants break.
	Problems []Problem `json:"problems,omitempty"`
}

// Render fills template id's variables with values; any role. A variable
// without a value fails the rendering with *MissingError naming every one;
// a value given as "" is used as empty text.
func (s *Service) Render(ctx context.Context, c identity.Caller, id string, values map[string]string) (Rendered, error) {
	t, err := s.Get(ctx, c, KindTemplate, id)
	if err != nil {
		return Rendered{}, err
	}
	missing := map[string]bool{}
	out := Rendered{TemplateID: t.ID, Title: fill(t.Title, values, missing), Body: fill(t.Body, values, missing),
		Variants: map[platform.Name]string{}, MediaURLs: t.MediaURLs, MediaIDs: t.MediaIDs, Link: t.Link, Tags: t.Tags, CampaignID: t.CampaignID}
	for p, v := range t.Variants {
		out.Variants[p] = fill(v, values, missing)
	}
	if len(missing) > 0 {
		var names []string
		for _, n := range t.Variables {
			if missing[n] {
				names = append(names, n)
			}
		}
		return Rendered{}, &MissingError{Names: names}
	}
	for name := range values {
		if !slices.Contains(t.Variables, name) {
			out.Unused = append(out.Unused, name)
		}
	}
	slices.Sort(out.Unused)
	for _, p := range platform.Social {
		if v, ok := out.Variants[p]; ok {
			out.Problems = append(out.Problems, s.platformProblems(p, v, t, true)...)
		}
	}
	return out, nil
}
