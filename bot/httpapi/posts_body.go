package httpapi

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// contentBody is the brief's nested "content" object.
type contentBody struct {
	Text      string   `json:"text"`
	ImageURL  string   `json:"image_url"`
	ImageURLs []string `json:"image_urls"`
	VideoURL  string   `json:"video_url"`
	Link      string   `json:"link"`
	Thread    []string `json:"thread"`
	// MediaIDs are uploaded media (POST /api/media), sent after the image URLs.
	MediaIDs []string `json:"media_ids"`
}

// postBody is what the publish endpoints take: the brief's shape
// ({"account_id", "content": {...}, "user_id"}) or the flat one (the content
// fields at the top level); both at once must agree. account_id and
// account_ids may both be given; image_url is one more image.
type postBody struct {
	AccountID  string       `json:"account_id"`
	AccountIDs []string     `json:"account_ids"`
	Content    *contentBody `json:"content"`
	// UserID is accepted as the brief sends it, never trusted: it must be
	// the token's user.
	UserID         string                   `json:"user_id"`
	Text           string                   `json:"text"`
	Link           string                   `json:"link"`
	ImageURL       string                   `json:"image_url"`
	ImageURLs      []string                 `json:"image_urls"`
	VideoURL       string                   `json:"video_url"`
	Thread         []string                 `json:"thread"`
	MediaIDs       []string                 `json:"media_ids"`
	Variants       map[platform.Name]string `json:"variants"`
	CampaignID     string                   `json:"campaign_id"`
	SkipInvalid    bool                     `json:"skip_invalid"`
	AllowDuplicate bool                     `json:"allow_duplicate"`
	// ScheduledTime (or run_at) is only for /api/social/post/schedule:
	// RFC 3339 with an offset, or a local time read in the user's zone.
	ScheduledTime string `json:"scheduled_time"`
	RunAt         string `json:"run_at"`
}

// requestError is a body that decodes but cannot be taken as it is.
type requestError struct {
	status    int
	code, msg string
}

func (e *requestError) write(w http.ResponseWriter) { writeError(w, e.status, e.code, e.msg) }

// checkUser refuses a user_id that is not the caller's.
func checkUser(userID string, c identity.Caller) *requestError {
	if userID == "" || userID == c.UserID {
		return nil
	}
	return &requestError{http.StatusForbidden, "user_mismatch",
		fmt.Sprintf("user_id %q is not the user this API token belongs to (%q); send your own user_id or leave it out", userID, c.UserID)}
}

// mergeString takes the nested value or the flat one; different non-empty
// values are an error naming the field.
func mergeString(field, nested, flat string) (string, *requestError) {
	switch {
	case nested == "":
		return flat, nil
	case flat == "" || flat == nested:
		return nested, nil
	}
	return "", conflictingField(field)
}

func mergeList(field string, nested, flat []string) ([]string, *requestError) {
	switch {
	case len(nested) == 0:
		return flat, nil
	case len(flat) == 0 || slices.Equal(flat, nested):
		return nested, nil
	}
	return nil, conflictingField(field)
}

func conflictingField(field string) *requestError {
	return &requestError{http.StatusBadRequest, "conflicting_fields",
		fmt.Sprintf("content.%s and the top-level %s differ; send the content once (in \"content\", or at the top level)", field, field)}
}

// content is the post's content, from the nested object and the flat
// fields, merged.
func (b postBody) content() (publish.Content, *requestError) {
	n := contentBody{}
	if b.Content != nil {
		n = *b.Content
	}
	var out publish.Content
	var bad *requestError
	merge := func(field string, dst *string, nested, flat string) {
		if bad == nil {
			*dst, bad = mergeString(field, nested, flat)
		}
	}
	merge("text", &out.Text, n.Text, b.Text)
	merge("link", &out.Link, n.Link, b.Link)
	merge("video_url", &out.VideoURL, n.VideoURL, b.VideoURL)
	var image string
	merge("image_url", &image, n.ImageURL, b.ImageURL)
	if bad != nil {
		return publish.Content{}, bad
	}
	if out.ImageURLs, bad = mergeList("image_urls", n.ImageURLs, b.ImageURLs); bad != nil {
		return publish.Content{}, bad
	}
	if out.Thread, bad = mergeList("thread", n.Thread, b.Thread); bad != nil {
		return publish.Content{}, bad
	}
	if out.MediaIDs, bad = mergeList("media_ids", n.MediaIDs, b.MediaIDs); bad != nil {
		return publish.Content{}, bad
	}
	if image != "" && !slices.Contains(out.ImageURLs, image) {
		out.ImageURLs = append([]string{image}, out.ImageURLs...)
	}
	return out, nil
}

// request is the publish request the body asks for, on behalf of c.
func (b postBody) request(c identity.Caller) (publish.Request, *requestError) {
	if bad := checkUser(b.UserID, c); bad != nil {
		return publish.Request{}, bad
	}
	content, bad := b.content()
	if bad != nil {
		return publish.Request{}, bad
	}
	r := publish.Request{Content: content, Variants: b.Variants, CampaignID: b.CampaignID, SkipInvalid: b.SkipInvalid,
		AllowDuplicate: b.AllowDuplicate}
	if b.AccountID != "" {
		r.AccountIDs = append(r.AccountIDs, b.AccountID)
	}
	r.AccountIDs = append(r.AccountIDs, b.AccountIDs...)
	return r, nil
}

// contentPatch is the nested "content" object of a PATCH.
type contentPatch struct {
	Text      *string   `json:"text"`
	ImageURLs *[]string `json:"image_urls"`
	VideoURL  *string   `json:"video_url"`
	Link      *string   `json:"link"`
	Thread    *[]string `json:"thread"`
}

// patchBody is what PATCH takes: any of the content fields (flat or in
// "content"), the accounts to post to (account_ids, the new full list) and
// a new time.
type patchBody struct {
	publish.Patch
	Content       *contentPatch `json:"content"`
	UserID        string        `json:"user_id"`
	ScheduledTime string        `json:"scheduled_time"`
	RunAt         string        `json:"run_at"`
}

func mergePtr[T any](field string, nested, flat *T, equal func(a, b T) bool) (*T, *requestError) {
	switch {
	case nested == nil:
		return flat, nil
	case flat == nil || equal(*nested, *flat):
		return nested, nil
	}
	return nil, conflictingField(field)
}

func sameString(a, b string) bool { return a == b }

// patch is the change the body asks for, on behalf of c.
func (b patchBody) patch(c identity.Caller) (publish.Patch, *requestError) {
	if bad := checkUser(b.UserID, c); bad != nil {
		return publish.Patch{}, bad
	}
	p := b.Patch
	if b.Content == nil {
		return p, nil
	}
	n := *b.Content
	var bad *requestError
	for _, f := range []struct {
		field        string
		nested, flat **string
	}{{"text", &n.Text, &p.Text}, {"link", &n.Link, &p.Link}, {"video_url", &n.VideoURL, &p.VideoURL}} {
		if *f.flat, bad = mergePtr(f.field, *f.nested, *f.flat, sameString); bad != nil {
			return publish.Patch{}, bad
		}
	}
	for _, f := range []struct {
		field        string
		nested, flat **[]string
	}{{"image_urls", &n.ImageURLs, &p.ImageURLs}, {"thread", &n.Thread, &p.Thread}} {
		if *f.flat, bad = mergePtr(f.field, *f.nested, *f.flat, slices.Equal[[]string]); bad != nil {
			return publish.Patch{}, bad
		}
	}
	return p, nil
}
