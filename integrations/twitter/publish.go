package twitter

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/safehttp"
)

// maxImages is how many images one post carries; a post has images or one
// video, never both.
const maxImages = 4

type createPostRequest struct {
	Text  string        `json:"text,omitempty"`
	Media *postMedia    `json:"media,omitempty"`
	Reply *postReplyRef `json:"reply,omitempty"`
}

type postMedia struct {
	MediaIDs []string `json:"media_ids"`
}

type postReplyRef struct {
	InReplyToTweetID string `json:"in_reply_to_tweet_id"`
}

// Publish posts p as the target user: media first (images one-shot, a video
// in chunks, waiting for X to process it), then POST /2/tweets. A link is
// added to the text (X makes a card of it). When p.Thread has more than one
// part, the parts go out as a reply chain, media and link on the first part;
// Published.PartIDs lists every part's id. If a later part fails, the error is
// returned with the Published of the parts already out, so the caller knows
// what exists.
//
// https://docs.x.com/x-api/posts/create-post
func (c *Client) Publish(ctx context.Context, t platform.Target, p platform.Post) (platform.Published, error) {
	const op = "create post"
	parts := []string{p.Text}
	if len(p.Thread) > 1 {
		parts = append([]string(nil), p.Thread...)
	} else if len(p.Thread) == 1 {
		parts = []string{p.Thread[0]}
	}
	if p.Link != "" && !strings.Contains(parts[0], p.Link) {
		parts[0] = strings.TrimSpace(parts[0] + "\n\n" + p.Link)
	}
	if len(p.ImageURLs) > 0 && p.VideoURL != "" || len(p.ImageURLs) > maxImages {
		return platform.Published{}, &platform.Error{Platform: platform.Twitter, Op: op, Kind: platform.KindPermanent,
			Message: fmt.Sprintf("a post carries up to %d images or one video", maxImages)}
	}
	mediaIDs, err := c.uploadAll(ctx, t, p)
	if err != nil {
		return platform.Published{}, err
	}
	if strings.TrimSpace(parts[0]) == "" && len(mediaIDs) == 0 {
		return platform.Published{}, &platform.Error{Platform: platform.Twitter, Op: op, Kind: platform.KindPermanent,
			Message: "a post needs text or media"}
	}

	var pub platform.Published
	prev := ""
	for i, text := range parts {
		req := createPostRequest{Text: text}
		if i == 0 && len(mediaIDs) > 0 {
			req.Media = &postMedia{MediaIDs: mediaIDs}
		}
		if prev != "" {
			req.Reply = &postReplyRef{InReplyToTweetID: prev}
		}
		var out struct {
			Data *struct {
				ID   string `json:"id"`
				Text string `json:"text"`
			} `json:"data"`
		}
		partOp := op
		if len(parts) > 1 {
			partOp = fmt.Sprintf("%s (thread part %d of %d)", op, i+1, len(parts))
		}
		if err := c.call(ctx, partOp, http.MethodPost, "/2/tweets", t.AccessToken, req, http.StatusCreated, &out); err != nil {
			return pub, err
		}
		if out.Data == nil || out.Data.ID == "" {
			return pub, platform.Malformed(platform.Twitter, partOp, http.StatusCreated, fmt.Errorf("201 without a post id"))
		}
		prev = out.Data.ID
		if i == 0 {
			pub.ID, pub.URL = prev, c.permalink(prev)
		}
		if len(parts) > 1 {
			pub.PartIDs = append(pub.PartIDs, prev)
		}
	}
	return pub, nil
}

func (c *Client) uploadAll(ctx context.Context, t platform.Target, p platform.Post) ([]string, error) {
	var ids []string
	for _, u := range p.ImageURLs {
		id, err := c.uploadImage(ctx, t, u)
		if err != nil {
			return nil, err
		}
		if alt := p.Alt[u]; alt != "" {
			if err := c.setAlt(ctx, t, id, alt); err != nil {
				return nil, err
			}
		}
		ids = append(ids, id)
	}
	if p.VideoURL != "" {
		id, err := c.uploadVideo(ctx, t, p.VideoURL)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func (c *Client) fetch(ctx context.Context, op, rawURL string) (safehttp.Media, error) {
	if c.media == nil {
		return safehttp.Media{}, &platform.Error{Platform: platform.Twitter, Op: op, Kind: platform.KindPermanent, Message: "no media client configured"}
	}
	m, err := c.media.Fetch(ctx, rawURL)
	if err != nil {
		// The URL is the person's: a refused or unreachable address will not
		// get better by retrying the post.
		return m, &platform.Error{Platform: platform.Twitter, Op: op, Kind: platform.KindPermanent, Message: err.Error(), Err: err}
	}
	if mt := mediaType(m); mt != "" {
		m.ContentType = mt
	}
	return m, nil
}

// mediaType is the MIME type of m without parameters; a generic type is
// replaced by what the bytes say.
func mediaType(m safehttp.Media) string {
	ct := strings.ToLower(strings.TrimSpace(strings.Split(m.ContentType, ";")[0]))
	if ct == "" || ct == "application/octet-stream" || ct == "binary/octet-stream" {
		ct = strings.Split(http.DetectContentType(m.Data), ";")[0]
	}
	return ct
}

type mediaData struct {
	ID             string          `json:"id"`
	ProcessingInfo *processingInfo `json:"processing_info"`
}

type processingInfo struct {
	State          string `json:"state"`
	CheckAfterSecs int    `json:"check_after_secs"`
	Error          *struct {
		Code    int    `json:"code"`
		Name    string `json:"name"`
		Message string `json:"message"`
	} `json:"error"`
}

// uploadImage sends one image in one request (multipart, POST /2/media/upload).
//
// https://docs.x.com/x-api/media/upload-media
func (c *Client) uploadImage(ctx context.Context, t platform.Target, rawURL string) (string, error) {
	const op = "upload image"
	m, err := c.fetch(ctx, op, rawURL)
	if err != nil {
		return "", err
	}
	category := "tweet_image"
	if m.ContentType == "image/gif" {
		category = "tweet_gif"
	} else if !strings.HasPrefix(m.ContentType, "image/") {
		return "", &platform.Error{Platform: platform.Twitter, Op: op, Kind: platform.KindPermanent,
			Message: fmt.Sprintf("%s is %s, not an image", rawURL, m.ContentType)}
	}
	body, err := multipartBody(map[string]string{"media_category": category}, m.Data)
	if err != nil {
		return "", fmt.Errorf("%s: %s: %w", platform.Twitter, op, err)
	}
	var out struct {
		Data *mediaData `json:"data"`
	}
	if err := c.call(ctx, op, http.MethodPost, "/2/media/upload", t.AccessToken, body, http.StatusOK, &out); err != nil {
		return "", err
	}
	if out.Data == nil || out.Data.ID == "" {
		return "", platform.Malformed(platform.Twitter, op, http.StatusOK, fmt.Errorf("no media id"))
	}
	if err := c.awaitProcessing(ctx, t, op, out.Data); err != nil {
		return "", err
	}
	return out.Data.ID, nil
}

// setAlt gives an uploaded image its alt text (POST /2/media/metadata).
//
// https://docs.x.com/x-api/media/metadata-create
func (c *Client) setAlt(ctx context.Context, t platform.Target, mediaID, alt string) error {
	type altText struct {
		Text string `json:"text"`
	}
	body := struct {
		ID       string `json:"id"`
		Metadata struct {
			AltText altText `json:"alt_text"`
		} `json:"metadata"`
	}{ID: mediaID}
	body.Metadata.AltText.Text = alt
	return c.call(ctx, "set alt text", http.MethodPost, "/2/media/metadata", t.AccessToken, body, http.StatusOK, nil)
}

// uploadVideo sends a video in chunks: initialize, append each segment,
// finalize, then poll STATUS until X has processed it.
//
// https://docs.x.com/x-api/media/quickstart/media-upload-chunked
func (c *Client) uploadVideo(ctx context.Context, t platform.Target, rawURL string) (string, error) {
	const op = "upload video"
	m, err := c.fetch(ctx, op, rawURL)
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(m.ContentType, "video/") {
		return "", &platform.Error{Platform: platform.Twitter, Op: op, Kind: platform.KindPermanent,
			Message: fmt.Sprintf("%s is %s, not a video", rawURL, m.ContentType)}
	}
	init := map[string]any{"media_type": m.ContentType, "total_bytes": len(m.Data), "media_category": "tweet_video"}
	var started struct {
		Data *mediaData `json:"data"`
	}
	if err := c.call(ctx, op, http.MethodPost, "/2/media/upload/initialize", t.AccessToken, init, http.StatusOK, &started); err != nil {
		return "", err
	}
	if started.Data == nil || started.Data.ID == "" {
		return "", platform.Malformed(platform.Twitter, op, http.StatusOK, fmt.Errorf("initialize without a media id"))
	}
	id := started.Data.ID
	for seg, off := 0, 0; off < len(m.Data); seg, off = seg+1, off+c.cfg.ChunkSize {
		chunk := m.Data[off:min(off+c.cfg.ChunkSize, len(m.Data))]
		body, err := multipartBody(map[string]string{"segment_index": strconv.Itoa(seg)}, chunk)
		if err != nil {
			return "", fmt.Errorf("%s: %s: %w", platform.Twitter, op, err)
		}
		// The spec answers 200 with data.expires_at; older docs show an
		// empty 2xx. Either is an acknowledgement.
		if err := c.call(ctx, op, http.MethodPost, "/2/media/upload/"+id+"/append", t.AccessToken, body, 0, nil); err != nil {
			return "", err
		}
	}
	var done struct {
		Data *mediaData `json:"data"`
	}
	if err := c.call(ctx, op, http.MethodPost, "/2/media/upload/"+id+"/finalize", t.AccessToken, nil, http.StatusOK, &done); err != nil {
		return "", err
	}
	if done.Data == nil || done.Data.ID == "" {
		return "", platform.Malformed(platform.Twitter, op, http.StatusOK, fmt.Errorf("finalize without a media id"))
	}
	if err := c.awaitProcessing(ctx, t, op, done.Data); err != nil {
		return "", err
	}
	return id, nil
}

// awaitProcessing polls GET /2/media/upload?command=STATUS while X processes
// the media, waiting check_after_secs between polls, for at most
// Config.MaxProcessingWait in total.
//
// https://docs.x.com/x-api/media/get-media-upload-status
func (c *Client) awaitProcessing(ctx context.Context, t platform.Target, op string, d *mediaData) error {
	var waited time.Duration
	for {
		pi := d.ProcessingInfo
		if pi == nil || pi.State == "succeeded" {
			return nil
		}
		switch pi.State {
		case "failed":
			return processingFailed(op, pi)
		case "pending", "in_progress":
		default:
			return platform.Malformed(platform.Twitter, op, http.StatusOK, fmt.Errorf("unknown processing state %q", pi.State))
		}
		wait := time.Duration(max(pi.CheckAfterSecs, 1)) * time.Second
		if waited+wait > c.cfg.MaxProcessingWait {
			return &platform.Error{Platform: platform.Twitter, Op: op, Kind: platform.KindTransient, Code: "processing_timeout",
				Message: fmt.Sprintf("media %s still %s after %s", d.ID, pi.State, waited)}
		}
		if err := c.cfg.Wait(ctx, wait); err != nil {
			return fmt.Errorf("%s: %s: %w", platform.Twitter, op, err)
		}
		waited += wait
		var out struct {
			Data *mediaData `json:"data"`
		}
		path := "/2/media/upload?command=STATUS&media_id=" + d.ID
		if err := c.call(ctx, op, http.MethodGet, path, t.AccessToken, nil, http.StatusOK, &out); err != nil {
			return err
		}
		if out.Data == nil {
			return platform.Malformed(platform.Twitter, op, http.StatusOK, fmt.Errorf("STATUS without data"))
		}
		d = out.Data
	}
}

// multipartBody builds a multipart/form-data body with fields and the media
// bytes as the "media" part.
func multipartBody(fields map[string]string, media []byte) (rawBody, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			return rawBody{}, err
		}
	}
	part, err := w.CreateFormFile("media", "media")
	if err != nil {
		return rawBody{}, err
	}
	if _, err := part.Write(media); err != nil {
		return rawBody{}, err
	}
	if err := w.Close(); err != nil {
		return rawBody{}, err
	}
	return rawBody{data: buf.Bytes(), contentType: w.FormDataContentType()}, nil
}
