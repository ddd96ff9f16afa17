package linkedin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/safehttp"
)

// MaxCommentary is the Posts API's limit on commentary, in characters.
const MaxCommentary = 3000

// maxImages is multiImage's upper bound.
const maxImages = 20

type postBody struct {
	Author                    string       `json:"author"`
	Commentary                string       `json:"commentary"`
	Visibility                string       `json:"visibility"`
	Distribution              distribution `json:"distribution"`
	LifecycleState            string       `json:"lifecycleState"`
	IsReshareDisabledByAuthor bool         `json:"isReshareDisabledByAuthor"`
	Content                   *postContent `json:"content,omitempty"`
}

type distribution struct {
	FeedDistribution               string   `json:"feedDistribution"`
	TargetEntities                 []string `json:"targetEntities"`
	ThirdPartyDistributionChannels []string `json:"thirdPartyDistributionChannels"`
}

type postContent struct {
	Article    *article    `json:"article,omitempty"`
	Media      *media      `json:"media,omitempty"`
	MultiImage *multiImage `json:"multiImage,omitempty"`
}

type article struct {
	Source string `json:"source"`
	Title  string `json:"title"`
}

type media struct {
	ID      string `json:"id"`
	AltText string `json:"altText,omitempty"`
}

type multiImage struct {
	Images []media `json:"images"`
}

// Publish creates a post authored by t (a member or an organization URN):
// commentary escaped in the little text format; a link as an article; one
// image as media, several as multiImage (each uploaded first with the
// Images API); a video through the Videos API. LinkedIn has no threads: the
// parts of p.Thread are joined with blank lines. The post's URN comes from
// the x-restli-id header of the 201; a 201 without it is an error.
// https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/posts-api
func (c *Client) Publish(ctx context.Context, t platform.Target, p platform.Post) (platform.Published, error) {
	const op = "create post"
	text := p.Text
	if len(p.Thread) > 0 {
		text = strings.Join(p.Thread, "\n\n")
	}
	body := postBody{
		Author:         t.ExternalID,
		Visibility:     "PUBLIC",
		Distribution:   distribution{FeedDistribution: "MAIN_FEED", TargetEntities: []string{}, ThirdPartyDistributionChannels: []string{}},
		LifecycleState: "PUBLISHED",
	}
	if err := checkPost(t, p); err != nil {
		return platform.Published{}, err
	}
	hasMedia := p.VideoURL != "" || len(p.ImageURLs) > 0
	if p.Link != "" && hasMedia && !strings.Contains(text, p.Link) {
		// A post carries one kind of content: with media, the link goes in the text.
		text = strings.TrimSpace(text + "\n\n" + p.Link)
	}
	body.Commentary = EscapeLittleText(text)
	if n := utf8.RuneCountInString(body.Commentary); n > MaxCommentary {
		return platform.Published{}, permanent(op, fmt.Sprintf("commentary is %d characters once escaped; LinkedIn allows %d", n, MaxCommentary))
	}
	switch {
	case p.VideoURL != "":
		urn, err := c.uploadVideo(ctx, t, p.VideoURL)
		if err != nil {
			return platform.Published{}, err
		}
		body.Content = &postContent{Media: &media{ID: urn}}
	case len(p.ImageURLs) > 0:
		urns, err := c.uploadImages(ctx, t, p.ImageURLs)
		if err != nil {
			return platform.Published{}, err
		}
		if len(urns) == 1 {
			body.Content = &postContent{Media: &media{ID: urns[0], AltText: p.Alt[p.ImageURLs[0]]}}
		} else {
			imgs := make([]media, len(urns))
			for i, u := range urns {
				imgs[i] = media{ID: u, AltText: p.Alt[p.ImageURLs[i]]}
			}
			body.Content = &postContent{MultiImage: &multiImage{Images: imgs}}
		}
	case p.Link != "":
		body.Content = &postContent{Article: &article{Source: p.Link, Title: linkTitle(p.Link)}}
	}
	resp, err := c.call(ctx, op, http.MethodPost, "/rest/posts", t.AccessToken, body, nil, nil)
	if err != nil {
		return platform.Published{}, err
	}
	raw := resp.Header.Get("X-Restli-Id")
	if raw == "" {
		raw = resp.Header.Get("X-Linkedin-Id")
	}
	urn, uerr := url.QueryUnescape(raw)
	if raw == "" || uerr != nil || !strings.HasPrefix(urn, "urn:li:") {
		return platform.Published{}, &platform.Error{Platform: platform.LinkedIn, Op: op, Kind: platform.KindTransient, Status: resp.StatusCode,
			Message: fmt.Sprintf("LinkedIn answered %d without a post id (x-restli-id %q): the post may or may not exist", resp.StatusCode, raw)}
	}
	return platform.Published{ID: urn, URL: c.permalink(urn)}, nil
}

// checkPost refuses what LinkedIn would refuse, before anything is uploaded.
func checkPost(t platform.Target, p platform.Post) error {
	const op = "create post"
	switch {
	case !strings.HasPrefix(t.ExternalID, "urn:li:person:") && !isOrg(t.ExternalID):
		return permanent(op, fmt.Sprintf("author %q is not a member or organization URN", t.ExternalID))
	case p.VideoURL != "" && len(p.ImageURLs) > 0:
		return permanent(op, "a LinkedIn post carries either images or one video, not both")
	case len(p.ImageURLs) > maxImages:
		return permanent(op, fmt.Sprintf("a LinkedIn post carries at most %d images, got %d", maxImages, len(p.ImageURLs)))
	case strings.TrimSpace(p.Text) == "" && len(p.Thread) == 0 && p.Link == "" && p.VideoURL == "" && len(p.ImageURLs) == 0:
		return permanent(op, "nothing to post")
	}
	return nil
}

// linkTitle is the article title LinkedIn requires: the page's host and path.
func linkTitle(link string) string {
	u, err := url.Parse(link)
	if err != nil || u.Host == "" {
		return link
	}
	return strings.TrimSuffix(u.Host+u.Path, "/")
}

func permanent(op, msg string) *platform.Error {
	return &platform.Error{Platform: platform.LinkedIn, Op: op, Kind: platform.KindPermanent, Message: msg}
}

// fetch downloads a media URL through the SSRF-safe client. Refused
// addresses, a host name that does not exist, oversize bodies and HTTP
// errors are permanent; other network failures (a DNS server that did not
// answer among them) are transient, retried within the delivery's bounded
// attempts.
func (c *Client) fetch(ctx context.Context, op, rawURL string) (safehttp.Media, error) {
	if c.media == nil {
		return safehttp.Media{}, permanent(op, "no media client configured")
	}
	m, err := c.media.Fetch(ctx, rawURL)
	if err == nil {
		return m, nil
	}
	if ctx.Err() != nil {
		return safehttp.Media{}, fmt.Errorf("linkedin: %s: %w", op, ctx.Err())
	}
	kind := platform.KindPermanent
	var ne net.Error
	if !errors.Is(err, safehttp.ErrBlocked) && !errors.Is(err, safehttp.ErrUnresolved) && !errors.Is(err, safehttp.ErrTooLarge) && errors.As(err, &ne) {
		kind = platform.KindTransient
	}
	return safehttp.Media{}, &platform.Error{Platform: platform.LinkedIn, Op: op, Kind: kind, Message: err.Error(), Err: err}
}

type initUploadAnswer struct {
	Value struct {
		UploadURL          string `json:"uploadUrl"`
		Image              string `json:"image"`
		Video              string `json:"video"`
		UploadToken        string `json:"uploadToken"`
		UploadInstructions []struct {
			UploadURL string `json:"uploadUrl"`
			FirstByte int64  `json:"firstByte"`
			LastByte  int64  `json:"lastByte"`
		} `json:"uploadInstructions"`
	} `json:"value"`
}

// uploadImages fetches every image first (so a bad URL costs no upload),
// then registers and uploads each: initializeUpload with the author as
// owner, PUT of the bytes to uploadUrl, then its status until processed.
// https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/images-api
func (c *Client) uploadImages(ctx context.Context, t platform.Target, urls []string) ([]string, error) {
	const op = "upload image"
	data := make([]safehttp.Media, len(urls))
	for i, u := range urls {
		m, err := c.fetch(ctx, op, u)
		if err != nil {
			return nil, err
		}
		if !strings.HasPrefix(m.ContentType, "image/") {
			return nil, permanent(op, fmt.Sprintf("%s is %q, not an image", u, m.ContentType))
		}
		data[i] = m
	}
	urns := make([]string, len(urls))
	for i, m := range data {
		var ans initUploadAnswer
		in := map[string]any{"initializeUploadRequest": map[string]string{"owner": t.ExternalID}}
		if _, err := c.call(ctx, op, http.MethodPost, "/rest/images?action=initializeUpload", t.AccessToken, in, &ans, nil); err != nil {
			return nil, err
		}
		if ans.Value.UploadURL == "" || !strings.HasPrefix(ans.Value.Image, "urn:li:image:") {
			return nil, platform.Malformed(platform.LinkedIn, op, http.StatusOK, errors.New("initializeUpload without uploadUrl or image"))
		}
		if _, err := c.put(ctx, op, ans.Value.UploadURL, t.AccessToken, m.ContentType, m.Data); err != nil {
			return nil, err
		}
		if err := c.awaitMedia(ctx, t, op, ans.Value.Image); err != nil {
			return nil, err
		}
		urns[i] = ans.Value.Image
	}
	return urns, nil
}

// put uploads bytes to an upload URL LinkedIn handed out. The bearer token
// goes only to LinkedIn's own hosts (or the sandbox standing in for them).
func (c *Client) put(ctx context.Context, op, uploadURL, token, contentType string, data []byte) (*http.Response, error) {
	u, err := url.Parse(uploadURL)
	if err != nil || !c.trustedUploadURL(u) {
		return nil, platform.Malformed(platform.LinkedIn, op, http.StatusOK, fmt.Errorf("upload URL %q is not on a LinkedIn host", uploadURL))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, uploadURL, bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("linkedin: %s: %w", op, err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", contentType)
	resp, body, err := platform.Do(c.http, req, platform.LinkedIn, op)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, c.mapError(op, resp, body)
	}
	return resp, nil
}

func (c *Client) trustedUploadURL(u *url.URL) bool {
	if strings.HasPrefix(c.api, "https://api.linkedin.com") {
		return u.Scheme == "https" && (u.Host == "linkedin.com" || strings.HasSuffix(u.Host, ".linkedin.com"))
	}
	// Sandbox: the upload URL points back into the sandbox.
	sb, err := url.Parse(c.api)
	return err == nil && u.Scheme == sb.Scheme && u.Host == sb.Host
}
