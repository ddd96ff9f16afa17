package publish

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/marketingminds/marketingminds/integrations/instagram"
	"github.com/marketingminds/marketingminds/integrations/linkedin"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/twitter"
)

// Limits are the per-platform rules checked before anything is sent.
type Limits struct {
	XWeighted           int // weighted characters per X post (or thread part)
	XImages             int
	LinkedInChars       int // characters of commentary, once escaped
	LinkedInImages      int
	InstagramChars      int
	InstagramHashtags   int
	InstagramCarousel   int
	FacebookChars       int
	MaxThreadParts      int
	MaxImagesPerPost    int
	MaxTextBytesPerPost int
}

// DefaultLimits are the platforms' documented limits.
//
// Instagram hashtags: the API reference and the adapter say 30; Instagram
// announced in December 2025 that posts carry at most 5, but the API is not
// documented to reject more, so the default follows the API (30) and a team
// that wants the product rule sets InstagramHashtags to 5.
var DefaultLimits = Limits{
	XWeighted:           twitter.MaxWeightedLength,
	XImages:             4,
	LinkedInChars:       linkedin.MaxCommentary,
	LinkedInImages:      20,
	InstagramChars:      instagram.MaxCaptionRunes,
	InstagramHashtags:   instagram.MaxHashtags,
	InstagramCarousel:   instagram.MaxCarousel,
	FacebookChars:       63206,
	MaxThreadParts:      25,
	MaxImagesPerPost:    20,
	MaxTextBytesPerPost: 256 << 10,
}

// bodyFor is what platform p is sent: the variant replaces the text (and the
// thread) when there is one; media are c.MediaIDs' files.
func bodyFor(c Content, variants map[platform.Name]string, p platform.Name, media []platform.MediaRef) platform.Post {
	b := platform.Post{Text: c.Text, Link: c.Link, ImageURLs: c.ImageURLs, VideoURL: c.VideoURL, Thread: c.Thread, Media: media}
	if v, ok := variants[p]; ok && strings.TrimSpace(v) != "" {
		b.Text, b.Thread = v, nil
	}
	return b
}

// sentTexts is the text each post the platform creates carries, as the
// adapters build it (thread parts on X, joined elsewhere; the link appended
// where the platform has no link field). Only the first matters for
// reconciliation; validation checks them all.
func sentTexts(p platform.Name, b platform.Post) []string {
	switch p {
	case platform.Twitter:
		parts := []string{b.Text}
		if len(b.Thread) > 0 {
			parts = append([]string(nil), b.Thread...)
		}
		if b.Link != "" && !strings.Contains(parts[0], b.Link) {
			parts[0] = strings.TrimSpace(parts[0] + "\n\n" + b.Link)
		}
		return parts
	}
	text := b.Text
	if len(b.Thread) > 0 {
		text = strings.Join(b.Thread, "\n\n")
	}
	hasMedia := b.VideoURL != "" || len(b.ImageURLs) > 0 || len(b.Media) > 0
	switch {
	case b.Link == "" || strings.Contains(text, b.Link):
	case p == platform.Instagram, hasMedia:
		text = strings.TrimSpace(text + "\n\n" + b.Link)
	}
	return []string{text}
}

// textHash identifies what an account is sent, for the duplicate guard.
func textHash(p platform.Name, b platform.Post) string {
	h := sha256.New()
	for _, t := range sentTexts(p, b) {
		h.Write([]byte(strings.TrimSpace(t)))
		h.Write([]byte{0})
	}
	if b.Link != "" {
		h.Write([]byte(b.Link))
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// Validate lists every problem with sending b to platform p, all at once.
func Validate(p platform.Name, b platform.Post, lim Limits) []Problem {
	var out []Problem
	add := func(field, format string, args ...any) {
		out = append(out, Problem{Platform: p, Field: field, Message: p.Label() + ": " + fmt.Sprintf(format, args...)})
	}
	hasText := strings.TrimSpace(b.Text) != ""
	for _, t := range b.Thread {
		hasText = hasText || strings.TrimSpace(t) != ""
	}
	images, videos := b.Counts()
	hasMedia := images+videos > 0
	if !hasText && !hasMedia && b.Link == "" {
		add("text", "the post is empty: give it text, a link, an image or a video")
	}
	for i, t := range b.Thread {
		if strings.TrimSpace(t) == "" {
			add("thread", "thread part %d is empty", i+1)
		}
	}
	if len(b.Thread) > lim.MaxThreadParts {
		add("thread", "a thread has at most %d parts, this one has %d", lim.MaxThreadParts, len(b.Thread))
	}
	size := len(b.Text)
	for _, t := range b.Thread {
		size += len(t)
	}
	if size > lim.MaxTextBytesPerPost {
		add("text", "the text is too long (%d bytes)", size)
	}
	if b.Link != "" {
		if msg := checkURL(b.Link); msg != "" {
			add("link", "the link %s", msg)
		}
	}
	for i, u := range b.ImageURLs {
		if msg := checkURL(u); msg != "" {
			add("image_urls", "image %d %s", i+1, msg)
		}
	}
	if b.VideoURL != "" {
		if msg := checkURL(b.VideoURL); msg != "" {
			add("video_url", "the video %s", msg)
		}
	}
	if videos > 1 {
		add("media_ids", "a post carries one video at most, this one has %d", videos)
	}
	if images > lim.MaxImagesPerPost {
		add("image_urls", "at most %d images per post", lim.MaxImagesPerPost)
	}
	texts := sentTexts(p, b)
	switch p {
	case platform.Twitter:
		for i, t := range texts {
			if n := twitter.WeightedLength(t); n > lim.XWeighted {
				where := "the text"
				if len(texts) > 1 {
					where = fmt.Sprintf("thread part %d", i+1)
				}
				add("text", "%s is %d characters as X counts them (links count 23, emoji and CJK count 2); X allows %d", where, n, lim.XWeighted)
			}
		}
		if images > 0 && videos > 0 {
			add("image_urls", "a post carries images or one video, not both")
		}
		if images > lim.XImages {
			add("image_urls", "a post carries at most %d images, this one has %d", lim.XImages, images)
		}
	case platform.LinkedIn:
		if n := utf8.RuneCountInString(linkedin.EscapeLittleText(texts[0])); n > lim.LinkedInChars {
			add("text", "the text is %d characters (special characters count twice, escaped); LinkedIn allows %d", n, lim.LinkedInChars)
		}
		if images > 0 && videos > 0 {
			add("image_urls", "a post carries images or one video, not both")
		}
		if images > lim.LinkedInImages {
			add("image_urls", "a post carries at most %d images, this one has %d", lim.LinkedInImages, images)
		}
	case platform.Instagram:
		if n := utf8.RuneCountInString(texts[0]); n > lim.InstagramChars {
			add("text", "the caption is %d characters; Instagram allows %d", n, lim.InstagramChars)
		}
		if !hasMedia {
			add("image_urls", "a post needs at least one image or a video")
		}
		if n := instagram.CountHashtags(texts[0]); n > lim.InstagramHashtags {
			add("text", "the caption has %d hashtags; at most %d are allowed", n, lim.InstagramHashtags)
		}
		if items := images + videos; items > lim.InstagramCarousel {
			add("image_urls", "a carousel has at most %d items, this one has %d", lim.InstagramCarousel, items)
		}
	case platform.Facebook:
		if n := utf8.RuneCountInString(texts[0]); n > lim.FacebookChars {
			add("text", "the text is %d characters; Facebook allows %d", n, lim.FacebookChars)
		}
		if images > 0 && videos > 0 {
			add("image_urls", "a post carries images or one video, not both")
		}
	default:
		add("account_id", "publishing to %s is not supported", p)
	}
	return out
}

// checkURL says what is wrong with a media or link URL, or "".
func checkURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	switch {
	case err != nil:
		return fmt.Sprintf("is not a valid URL (%q)", raw)
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Sprintf("must be an http or https URL (%q)", raw)
	case u.Host == "":
		return fmt.Sprintf("has no host (%q)", raw)
	}
	return ""
}
