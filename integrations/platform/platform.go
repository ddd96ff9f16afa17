// Package platform holds what every social platform adapter shares: the names of
// the platforms, the content a post is made of, the accounts a grant reveals,
// normalised metrics and the typed errors callers act on.
//
// Adapters (integrations/facebook, instagram, twitter, linkedin, zoho) map their
// platform's wire shapes into these types; tools/ never sees a wire shape.
package platform

import (
	"strings"
	"time"
)

// Name identifies a platform as the REST API and the store spell it.
type Name string

// The platforms a workspace can connect.
const (
	Facebook  Name = "facebook"
	Instagram Name = "instagram"
	Twitter   Name = "twitter" // X
	LinkedIn  Name = "linkedin"
	Zoho      Name = "zoho"
)

// Social lists the platforms that publish posts, in display order.
var Social = []Name{Facebook, Instagram, Twitter, LinkedIn}

// Post is the content of one delivery to one account, after per-platform
// variants were applied.
type Post struct {
	Text      string   `json:"text,omitempty"`
	Link      string   `json:"link,omitempty"`
	ImageURLs []string `json:"image_urls,omitempty"`
	VideoURL  string   `json:"video_url,omitempty"`
	// Thread, when it has more than one part, is published as a reply chain
	// where the platform supports it (X); Thread[0] replaces Text.
	Thread []string `json:"thread,omitempty"`
	// Media are files of our own media store (uploaded, not linked). Just
	// before sending, publishing gives each a fresh signed URL, appended to
	// ImageURLs or set as VideoURL, so adapters see only URLs.
	Media []MediaRef `json:"media,omitempty"`
	// Alt is the alt text of media by URL, sent where the platform takes it.
	Alt map[string]string `json:"alt,omitempty"`
}

// MediaRef is one uploaded file a post carries.
type MediaRef struct {
	ID          string `json:"id"`
	ContentType string `json:"content_type"`
	Alt         string `json:"alt,omitempty"`
}

// IsVideo tells whether the file is a video.
func (m MediaRef) IsVideo() bool { return strings.HasPrefix(m.ContentType, "video/") }

// Counts are how many images and videos b carries, linked and uploaded.
func (b Post) Counts() (images, videos int) {
	images = len(b.ImageURLs)
	if b.VideoURL != "" {
		videos++
	}
	for _, m := range b.Media {
		if m.IsVideo() {
			videos++
		} else {
			images++
		}
	}
	return images, videos
}

// Published is what the platform answered for an accepted post.
type Published struct {
	ID  string `json:"id"`  // the platform's post id (for a thread: the first part's)
	URL string `json:"url"` // permalink, empty when the platform does not give one
	// PartIDs holds every part's id for a thread, in order.
	PartIDs []string `json:"part_ids,omitempty"`
}

// RecentPost is a post read back from an account's timeline; publishing
// reconciles an unknown outcome against these.
type RecentPost struct {
	ID        string    `json:"id"`
	Text      string    `json:"text"`
	URL       string    `json:"url,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// Account is one publishable identity that a grant reveals: a Facebook Page,
// an Instagram business account, an X user, a LinkedIn member or organization.
type Account struct {
	ExternalID string `json:"external_id"` // the platform's id (for LinkedIn: the URN)
	Name       string `json:"name"`
	Handle     string `json:"handle,omitempty"`
	AvatarURL  string `json:"avatar_url,omitempty"`
	Kind       string `json:"kind"` // page, instagram_business, user, member, organization
	// AccessToken, when set, is the token that posts as this account (a
	// Facebook Page token); empty means the grant's own token.
	AccessToken string `json:"-"`
	// TokenExpiry of AccessToken; zero when it does not expire.
	TokenExpiry time.Time `json:"-"`
}

// Target is the account a call acts as: the platform's id for it and a usable
// access token.
type Target struct {
	ExternalID  string
	AccessToken string
}

// Metrics are normalised counts for a post or an account. A nil field is a
// figure the platform cannot give; it is unknown, never zero.
type Metrics struct {
	Impressions *int64 `json:"impressions"`
	Reach       *int64 `json:"reach"`
	Likes       *int64 `json:"likes"`
	Comments    *int64 `json:"comments"`
	Shares      *int64 `json:"shares"`
	Clicks      *int64 `json:"clicks"`
	Saves       *int64 `json:"saves"`
	VideoViews  *int64 `json:"video_views"`
	Followers   *int64 `json:"followers"`
}

// Count returns a pointer to n, for filling Metrics.
func Count(n int64) *int64 { return &n }

// Hosts says where a platform's real origins are reached. The zero value
// calls the real hosts; with Sandbox set, "https://api.x.com/2/tweets" becomes
// "<Sandbox>/api.x.com/2/tweets": the sandbox serves every real host under its
// own first path segment, so adapters run their real code paths against it.
type Hosts struct {
	Sandbox string // base URL of a sandbox, without a trailing slash
}

// Origin maps a real origin ("https://graph.facebook.com") to the one to call.
func (h Hosts) Origin(real string) string {
	if h.Sandbox == "" {
		return real
	}
	host := real
	if i := strings.Index(host, "://"); i >= 0 {
		host = host[i+3:]
	}
	return strings.TrimSuffix(h.Sandbox, "/") + "/" + strings.TrimSuffix(host, "/")
}

// Label is the platform's name as people write it: "X", "LinkedIn".
func (n Name) Label() string {
	switch n {
	case Twitter:
		return "X"
	case LinkedIn:
		return "LinkedIn"
	case Facebook:
		return "Facebook"
	case Instagram:
		return "Instagram"
	case Zoho:
		return "Zoho"
	}
	return string(n)
}
