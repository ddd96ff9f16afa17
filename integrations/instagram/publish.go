package instagram

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/marketingminds/marketingminds/integrations/platform"
)

// Publish creates a media container for p (an image, a Reel for a video, a
// carousel for several items), waits until it is FINISHED, publishes it and
// returns the media id and permalink. A post without media is refused before
// anything is sent.
//
// https://developers.facebook.com/docs/instagram-platform/content-publishing
func (c *Client) Publish(ctx context.Context, t platform.Target, p platform.Post) (platform.Published, error) {
	caption := p.Text
	if len(p.Thread) > 0 {
		caption = strings.Join(p.Thread, "\n\n")
	}
	if p.Link != "" {
		// Instagram has no link posts: the link goes in the caption.
		caption = strings.TrimSpace(caption + "\n\n" + p.Link)
	}
	if err := validate(caption, p); err != nil {
		return platform.Published{}, err
	}
	user := "/" + url.PathEscape(t.ExternalID)
	var creation string
	var err error
	items := len(p.ImageURLs)
	if p.VideoURL != "" {
		items++
	}
	switch {
	case items > 1:
		creation, err = c.carousel(ctx, t, user, caption, p)
	case p.VideoURL != "":
		creation, err = c.container(ctx, t, user, url.Values{"media_type": {"REELS"}, "video_url": {p.VideoURL}, "caption": {caption}})
	default:
		creation, err = c.container(ctx, t, user, withAlt(url.Values{"image_url": {p.ImageURLs[0]}, "caption": {caption}}, p.Alt[p.ImageURLs[0]]))
	}
	if err != nil {
		return platform.Published{}, err
	}
	if err := c.wait(ctx, t, creation); err != nil {
		return platform.Published{}, err
	}
	id, err := c.publish(ctx, t, user, creation)
	if err != nil {
		return platform.Published{}, err
	}
	return platform.Published{ID: id, URL: c.permalink(ctx, t, id)}, nil
}

func validate(caption string, p platform.Post) error {
	msg := ""
	switch {
	case len(p.ImageURLs) == 0 && p.VideoURL == "":
		msg = "an Instagram post needs an image or a video"
	case len(p.ImageURLs)+boolInt(p.VideoURL != "") > MaxCarousel:
		msg = fmt.Sprintf("an Instagram carousel has at most %d items", MaxCarousel)
	case utf8.RuneCountInString(caption) > MaxCaptionRunes:
		msg = fmt.Sprintf("an Instagram caption is at most %d characters", MaxCaptionRunes)
	case CountHashtags(caption) > MaxHashtags:
		msg = fmt.Sprintf("an Instagram caption has at most %d hashtags", MaxHashtags)
	}
	if msg == "" {
		return nil
	}
	return &platform.Error{Platform: platform.Instagram, Op: "create post", Kind: platform.KindPermanent, Message: msg}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// CountHashtags counts the "#word" tags of a caption.
func CountHashtags(s string) int {
	n := 0
	for i, r := range s {
		if r != '#' {
			continue
		}
		next, _ := utf8.DecodeRuneInString(s[i+1:])
		if next != utf8.RuneError && (unicode.IsLetter(next) || unicode.IsDigit(next) || next == '_') {
			n++
		}
	}
	return n
}

// container creates one media container and returns its id.
//
// https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media
func (c *Client) container(ctx context.Context, t platform.Target, user string, form url.Values) (string, error) {
	const op = "create media container"
	var resp struct {
		ID string `json:"id"`
	}
	if err := c.graph.Post(ctx, op, t.AccessToken, user+"/media", form, &resp); err != nil {
		return "", err
	}
	if resp.ID == "" {
		return "", platform.Malformed(platform.Instagram, op, http.StatusOK, errors.New("container without id"))
	}
	return resp.ID, nil
}

// carousel creates a container per item (is_carousel_item), waits for each,
// then the CAROUSEL container.
func (c *Client) carousel(ctx context.Context, t platform.Target, user, caption string, p platform.Post) (string, error) {
	var children []string
	for _, img := range p.ImageURLs {
		id, err := c.container(ctx, t, user, withAlt(url.Values{"is_carousel_item": {"true"}, "image_url": {img}}, p.Alt[img]))
		if err != nil {
			return "", err
		}
		children = append(children, id)
	}
	if p.VideoURL != "" {
		id, err := c.container(ctx, t, user, url.Values{"is_carousel_item": {"true"}, "media_type": {"VIDEO"}, "video_url": {p.VideoURL}})
		if err != nil {
			return "", err
		}
		children = append(children, id)
	}
	for _, id := range children {
		if err := c.wait(ctx, t, id); err != nil {
			return "", err
		}
	}
	return c.container(ctx, t, user, url.Values{"media_type": {"CAROUSEL"}, "children": {strings.Join(children, ",")}, "caption": {caption}})
}

// wait polls the container's status_code until FINISHED, at most c.timeout.
// ERROR and EXPIRED are permanent failures saying why (container_errors.go).
//
// https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-container
func (c *Client) wait(ctx context.Context, t platform.Target, id string) error {
	const op = "wait for media container"
	deadline := time.Now().Add(c.timeout)
	for {
		var resp struct {
			StatusCode string `json:"status_code"`
			Status     string `json:"status"`
		}
		q := url.Values{"fields": {"status_code,status"}}
		if err := c.graph.Get(ctx, op, t.AccessToken, "/"+url.PathEscape(id), q, &resp); err != nil {
			return err
		}
		switch resp.StatusCode {
		case "FINISHED":
			return nil
		case "ERROR", "EXPIRED", "PUBLISHED":
			return containerError(op, id, resp.StatusCode, resp.Status)
		case "IN_PROGRESS":
		default:
			return platform.Malformed(platform.Instagram, op, http.StatusOK, fmt.Errorf("unknown status_code %q", resp.StatusCode))
		}
		if !time.Now().Add(c.interval).Before(deadline) {
			return &platform.Error{Platform: platform.Instagram, Op: op, Kind: platform.KindTransient, Code: "IN_PROGRESS",
				Message: fmt.Sprintf("media container %s still IN_PROGRESS after %s; gave up waiting", id, c.timeout)}
		}
		timer := time.NewTimer(c.interval)
		select {
		case <-ctx.Done():
			timer.Stop()
			return fmt.Errorf("instagram: %s: %w", op, ctx.Err())
		case <-timer.C:
		}
	}
}

// publish calls media_publish; a container reported not ready (9007/2207027)
// is waited for and published once more.
//
// https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media_publish
func (c *Client) publish(ctx context.Context, t platform.Target, user, creation string) (string, error) {
	const op = "publish media"
	for attempt := 0; ; attempt++ {
		var resp struct {
			ID string `json:"id"`
		}
		err := c.graph.Post(ctx, op, t.AccessToken, user+"/media_publish", url.Values{"creation_id": {creation}}, &resp)
		if err == nil {
			if resp.ID == "" {
				return "", platform.Malformed(platform.Instagram, op, http.StatusOK, errors.New("published media without id"))
			}
			return resp.ID, nil
		}
		var pe *platform.Error
		if attempt > 0 || !errors.As(err, &pe) || pe.Code != "9007/2207027" {
			return "", err
		}
		if werr := c.wait(ctx, t, creation); werr != nil {
			return "", werr
		}
	}
}

// permalink reads the media's permalink; the media exists whatever happens
// here, so a failed read leaves the URL empty rather than failing.
//
// https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-media
func (c *Client) permalink(ctx context.Context, t platform.Target, id string) string {
	var resp struct {
		Permalink string `json:"permalink"`
	}
	if err := c.graph.Get(ctx, "read media", t.AccessToken, "/"+url.PathEscape(id), url.Values{"fields": {"permalink"}}, &resp); err != nil {
		return ""
	}
	return c.site(resp.Permalink)
}

// withAlt adds an image container's alt_text (image containers only, not
// Reels or Stories; platform-apis.md §9.1).
func withAlt(form url.Values, alt string) url.Values {
	if alt != "" {
		form.Set("alt_text", alt)
	}
	return form
}
