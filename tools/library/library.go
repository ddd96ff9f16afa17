// Package library is the workspace's content library (content_library):
// ready pieces of content (a title, a body, per-platform variants, media,
// a link, tags, an optional campaign) and templates (the same, with
// {{variables}} filled in when rendered), searchable by words and tags,
// listed newest first page by page; and hashtag suggestions drawn from a
// text, the workspace's own tags and the platforms' norms.
//
// Templates are items of kind "template" in the same collection, not a
// collection of their own: they have exactly the shape of content, are
// searched, tagged and paged the same way, and their tags feed hashtag
// suggestions like any other. One store, one conformance suite, one search.
// The kind is part of every lookup, so a template's id is not found among
// content (and the reverse), and the two REST surfaces never overlap.
//
// Every capability is a method taking the caller (identity.Caller): viewers
// read, editors write, and everything is scoped to the caller's workspace.
package library

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/limit"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// Kind is what an item is.
type Kind string

// The kinds of items.
const (
	KindContent  Kind = "content"
	KindTemplate Kind = "template"
)

// Item is one piece of the library as every door shows it.
type Item struct {
	ID          string                   `json:"id"`
	WorkspaceID string                   `json:"workspace_id"`
	Kind        Kind                     `json:"kind"`
	Title       string                   `json:"title"`
	Body        string                   `json:"body"`
	Variants    map[platform.Name]string `json:"variants"`
	MediaURLs   []string                 `json:"media_urls"`
	// MediaIDs are uploaded media of the workspace (tools/media), in order.
	MediaIDs []string `json:"media_ids"`
	// MediaVideos is how many of MediaIDs are videos (0 or 1), as the media
	// library said when they were attached.
	MediaVideos int      `json:"media_videos"`
	Link        string   `json:"link"`
	Tags        []string `json:"tags"`
	CampaignID  string   `json:"campaign_id"`
	// Variables are a template's {{names}}, in order of first use (title,
	// body, then variants by platform).
	Variables []string  `json:"variables,omitempty"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedBy string    `json:"updated_by"`
	UpdatedAt time.Time `json:"updated_at"`
	// Rev counts the item's writes.
	Rev int64 `json:"rev"`
}

// Input is a new item. Title may be left out: the body's first line (cut
// to a length) becomes it.
type Input struct {
	Title      string                   `json:"title"`
	Body       string                   `json:"body"`
	Variants   map[platform.Name]string `json:"variants,omitempty"`
	MediaURLs  []string                 `json:"media_urls,omitempty"`
	MediaIDs   []string                 `json:"media_ids,omitempty"`
	Link       string                   `json:"link,omitempty"`
	Tags       []string                 `json:"tags,omitempty"`
	CampaignID string                   `json:"campaign_id,omitempty"`
}

// Patch changes an item: a nil field stays as it is; a given list or map
// (variants, media, tags) replaces the old one whole.
type Patch struct {
	Title      *string                   `json:"title,omitempty"`
	Body       *string                   `json:"body,omitempty"`
	Variants   *map[platform.Name]string `json:"variants,omitempty"`
	MediaURLs  *[]string                 `json:"media_urls,omitempty"`
	MediaIDs   *[]string                 `json:"media_ids,omitempty"`
	Link       *string                   `json:"link,omitempty"`
	Tags       *[]string                 `json:"tags,omitempty"`
	CampaignID *string                   `json:"campaign_id,omitempty"`
}

func (p Patch) empty() bool {
	return p.Title == nil && p.Body == nil && p.Variants == nil && p.MediaURLs == nil && p.MediaIDs == nil && p.Link == nil && p.Tags == nil && p.CampaignID == nil
}

// Filter narrows List. Text matches items having every one of its words
// (case-insensitive) as a word, or the start of one, of the title, body or
// tags: "launch" finds "Launches" and "launch-day", not "relaunch". Tag
// matches a tag exactly (case- and '#'-insensitive).
type Filter struct {
	Kind       Kind   `json:"kind,omitempty"` // "" is content
	Text       string `json:"text,omitempty"`
	Tag        string `json:"tag,omitempty"`
	CampaignID string `json:"campaign_id,omitempty"`
	// Limit is the page size: default 20, at most 100.
	Limit int `json:"limit,omitempty"`
	// Cursor is a previous page's NextCursor.
	Cursor string `json:"cursor,omitempty"`
}

// Page is one page of a list, newest first.
type Page struct {
	Items []Item `json:"items"`
	// NextCursor fetches the next page; "" on the last.
	NextCursor string `json:"next_cursor"`
}

// Errors callers switch on (the REST layer maps them to statuses).
var (
	// ErrNotFound: no such item of that kind in the caller's workspace
	// (another workspace's id included: never a leak).
	ErrNotFound = errors.New("library: no such item in this workspace")
	// ErrConflict: the item kept changing under a write.
	ErrConflict = errors.New("library: the item was changed by someone else meanwhile; try again")
	// ErrInvalid wraps bad arguments that are not content problems (a bad
	// cursor, a search with no words).
	ErrInvalid = errors.New("library: invalid request")
)

// Problem is one thing wrong with an item or a rendering.
type Problem struct {
	// Field is the input's field: "title", "body", "tags", "variants.twitter", ...
	Field   string `json:"field"`
	Message string `json:"message"`
}

// ValidationError lists every problem found, all at once; nothing was saved.
type ValidationError struct{ Problems []Problem }

func (e *ValidationError) Error() string {
	kept, more := limit.First(e.Problems)
	msgs := make([]string, len(kept))
	for i, p := range kept {
		msgs[i] = p.Message
	}
	return "library: " + limit.Join(msgs, more)
}

// MissingError names the variables a rendering lacks values for.
type MissingError struct{ Names []string }

func (e *MissingError) Error() string {
	return fmt.Sprintf("library: render: no value for %s", strings.Join(e.Names, ", "))
}

// Config is the service's configuration and collaborators.
type Config struct {
	Store Store
	Now   func() time.Time
	// Limits are the platform rules variants are checked against (default
	// publish.DefaultLimits).
	Limits *publish.Limits
	// Media checks and records the uploaded media items attach (media_ids);
	// nil: items cannot take uploaded media.
	Media MediaLibrary
}

// Service is the library capability.
type Service struct {
	store  Store
	now    func() time.Time
	limits publish.Limits
	media  MediaLibrary
}

// New returns the service.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil {
		return nil, errors.New("library: a store is required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	lim := publish.DefaultLimits
	if cfg.Limits != nil {
		lim = *cfg.Limits
	}
	return &Service{store: cfg.Store, now: cfg.Now, limits: lim, media: cfg.Media}, nil
}
