package agents

import (
	"context"
	"errors"
	"strings"

	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/media"
)

// Media is the media store as the tools call it (*media.Service).
type Media interface {
	List(ctx context.Context, c identity.Caller, f media.Filter) (media.Page, error)
	Get(ctx context.Context, c identity.Caller, id string) (media.Media, error)
	Update(ctx context.Context, c identity.Caller, id string, p media.Patch) (media.Media, error)
	Delete(ctx context.Context, c identity.Caller, id string) error
}

type listMediaArgs struct {
	Unused bool   `json:"unused,omitempty" jsonschema:"description=Only media no post or library item uses yet."`
	Kind   string `json:"kind,omitempty" jsonschema:"enum=image,enum=video,description=Only images or only videos; both when left out."`
	Limit  int    `json:"limit,omitempty" jsonschema:"minimum=1,maximum=50"`
}

type mediaAltArgs struct {
	MediaID string `json:"media_id" jsonschema:"minLength=1,description=The media_id from list_media or the media shared in this conversation."`
	Alt     string `json:"alt" jsonschema:"maxLength=1000,description=Alt text describing the image for people who cannot see it."`
}

type mediaIDArgs struct {
	MediaID string `json:"media_id" jsonschema:"minLength=1,description=The media_id from list_media or the media shared in this conversation."`
}

// MediaDeleted is delete_media's answer: the file that is gone.
type MediaDeleted struct {
	Media media.Media `json:"media"`
}

// MediaList is list_media's answer: the workspace's media, newest first.
type MediaList struct {
	Items []media.Media `json:"items"`
	// More says there are older media than these.
	More bool `json:"more,omitempty"`
	// Unused says the list holds only media nothing uses yet.
	Unused bool `json:"unused,omitempty"`
	// Kind says the list holds only images or only videos.
	Kind string `json:"kind,omitempty"`
}

func mediaTools(cp Capabilities) []Tool {
	return []Tool{
		NewTool("list_media", "Lists the images and videos uploaded to the workspace (from Slack, the dashboard or the API), newest first, "+
			"with their media_id, name, alt text, type, pixel size and bytes. Attach one to a post with media_ids.",
			func(ctx context.Context, c identity.Caller, a listMediaArgs) (MediaList, error) {
				if a.Limit <= 0 || a.Limit > 50 {
					a.Limit = 20
				}
				page, err := cp.Media.List(ctx, c, media.Filter{Unused: a.Unused, Kind: a.Kind, Limit: a.Limit})
				if err != nil {
					return MediaList{}, mediaKnown(err)
				}
				return MediaList{Items: page.Items, More: page.Next != "", Unused: a.Unused, Kind: a.Kind}, nil
			}, ReadOnly()),
		NewTool("set_media_alt", "Sets the alt text of an uploaded image or video; it is sent with every post that carries it where the platform takes alt text.",
			func(ctx context.Context, c identity.Caller, a mediaAltArgs) (media.Media, error) {
				m, err := cp.Media.Update(ctx, c, a.MediaID, media.Patch{Alt: &a.Alt})
				return m, mediaKnown(err)
			}, Writes()),
		NewTool("delete_media", "Deletes an uploaded image or video from the workspace. Posts already published keep their copy; "+
			"a file that a scheduled post or a post waiting for approval uses cannot be deleted until that post is out or cancelled. Needs approval.",
			func(ctx context.Context, c identity.Caller, a mediaIDArgs) (MediaDeleted, error) {
				m, err := cp.Media.Get(ctx, c, a.MediaID)
				if err == nil {
					err = cp.Media.Delete(ctx, c, a.MediaID)
				}
				if err != nil {
					return MediaDeleted{}, mediaKnown(err)
				}
				return MediaDeleted{Media: m}, nil
			}, Mutating(), Destructive(), WithPreview(func(ctx context.Context, c identity.Caller, a mediaIDArgs) (string, error) {
				m, err := cp.Media.Get(ctx, c, a.MediaID)
				if err != nil {
					return "", mediaKnown(err)
				}
				return "Delete " + mediaPreviewName(m) + " from the workspace's media", nil
			})),
	}
}

// mediaPreviewName names media in an approval's preview: "launch.jpg
// (image)", "an untitled video".
func mediaPreviewName(m media.Media) string {
	kind := "image"
	if strings.HasPrefix(m.ContentType, "video/") {
		kind = "video"
	}
	if m.Name == "" {
		return "an untitled " + kind
	}
	return m.Name + " (" + kind + ")"
}

// mediaKnown is known for the media store's errors.
func mediaKnown(err error) error {
	for _, k := range []error{media.ErrNotFound, media.ErrInvalid, media.ErrInUse} {
		if errors.Is(err, k) {
			return Say(err, "%s", err.Error())
		}
	}
	return known(err)
}
