package agents

import (
	"context"
	"strings"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/library"
)

type saveArgs struct {
	Title      string            `json:"title" jsonschema:"minLength=1"`
	Body       string            `json:"body" jsonschema:"minLength=1"`
	Variants   map[string]string `json:"variants,omitempty" jsonschema:"description=Text per platform (facebook instagram x linkedin)."`
	MediaURLs  []string          `json:"media_urls,omitempty" jsonschema:"description=Images or a video by public URL."`
	MediaIDs   []string          `json:"media_ids,omitempty" jsonschema:"description=Uploaded images or a video by media_id (the media shared in this conversation or list_media); at most 10 and one video."`
	Link       string            `json:"link,omitempty"`
	Tags       []string          `json:"tags,omitempty"`
	CampaignID string            `json:"campaign_id,omitempty"`
}

type searchArgs struct {
	Query      string `json:"query,omitempty"`
	Tag        string `json:"tag,omitempty"`
	CampaignID string `json:"campaign_id,omitempty"`
	Limit      int    `json:"limit,omitempty" jsonschema:"minimum=1,maximum=50"`
}

type hashtagArgs struct {
	Text     string `json:"text" jsonschema:"minLength=1"`
	Platform string `json:"platform,omitempty" jsonschema:"enum=facebook,enum=instagram,enum=twitter,enum=x,enum=linkedin"`
	N        int    `json:"n,omitempty" jsonschema:"minimum=1,maximum=30"`
}

// LibraryFound is search_library's answer: what was looked for (all empty:
// the whole library) and the items found, newest first.
type LibraryFound struct {
	Query      string         `json:"query,omitempty"`
	Tag        string         `json:"tag,omitempty"`
	CampaignID string         `json:"campaign_id,omitempty"`
	Items      []library.Item `json:"items"`
	// More says there are older items than these.
	More bool `json:"more,omitempty"`
}

func libraryTools(cp Capabilities) []Tool {
	return []Tool{
		NewTool("save_to_library", "Saves content (a draft, per-platform variants, tags, images or a video: media_ids of the media shared in this conversation or from list_media) to the team's content library.",
			func(ctx context.Context, c identity.Caller, a saveArgs) (library.Item, error) {
				in := library.Input{Title: a.Title, Body: a.Body, MediaURLs: a.MediaURLs, MediaIDs: a.MediaIDs, Link: a.Link, Tags: a.Tags,
					CampaignID: a.CampaignID}
				for k, v := range a.Variants {
					p, err := platformOf(k)
					if err != nil {
						return library.Item{}, err
					}
					if in.Variants == nil {
						in.Variants = map[platform.Name]string{}
					}
					in.Variants[p] = v
				}
				it, err := cp.Library.Create(ctx, c, library.KindContent, in)
				return it, known(err)
			}, Writes()),
		NewTool("search_library", "Finds content in the team's library by words, tag or campaign, newest first; an item's media_ids go into a post as they are.",
			func(ctx context.Context, c identity.Caller, a searchArgs) (LibraryFound, error) {
				page, err := cp.Library.List(ctx, c, library.Filter{Kind: library.KindContent, Text: a.Query, Tag: a.Tag, CampaignID: a.CampaignID, Limit: a.Limit})
				if err != nil {
					return LibraryFound{}, known(err)
				}
				found := LibraryFound{Query: strings.TrimSpace(a.Query), Tag: strings.TrimSpace(a.Tag), CampaignID: strings.TrimSpace(a.CampaignID),
					Items: page.Items, More: page.NextCursor != ""}
				if found.Items == nil {
					found.Items = []library.Item{}
				}
				return found, nil
			}, ReadOnly()),
		NewTool("suggest_hashtags", "Suggests hashtags for a text: from its words, the team's own tags and the platform's norm.",
			func(ctx context.Context, c identity.Caller, a hashtagArgs) (library.Suggestions, error) {
				p := ""
				if a.Platform != "" {
					name, err := platformOf(a.Platform)
					if err != nil {
						return library.Suggestions{}, err
					}
					p = string(name)
				}
				s, err := cp.Library.SuggestHashtags(ctx, c, a.Text, p, a.N)
				return s, known(err)
			}, ReadOnly()),
	}
}
