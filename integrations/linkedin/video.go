package linkedin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/marketingminds/marketingminds/integrations/platform"
)

// uploadVideo fetches the video, registers it (initializeUpload with its
// size), PUTs each part LinkedIn asks for (byte ranges of uploadInstructions)
// keeping the ETag of each, then finalizes with those ETags and waits until
// LinkedIn has processed the video (a post may only use an AVAILABLE one).
// https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/videos-api
func (c *Client) uploadVideo(ctx context.Context, t platform.Target, rawURL string) (string, error) {
	const op = "upload video"
	m, err := c.fetch(ctx, op, rawURL)
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(m.ContentType, "video/") && m.ContentType != "application/octet-stream" {
		return "", permanent(op, fmt.Sprintf("%s is %q, not a video", rawURL, m.ContentType))
	}
	size := int64(len(m.Data))
	var ans initUploadAnswer
	in := map[string]any{"initializeUploadRequest": map[string]any{
		"owner": t.ExternalID, "fileSizeBytes": size, "uploadCaptions": false, "uploadThumbnail": false,
	}}
	if _, err := c.call(ctx, op, http.MethodPost, "/rest/videos?action=initializeUpload", t.AccessToken, in, &ans, nil); err != nil {
		return "", err
	}
	v := ans.Value
	if !strings.HasPrefix(v.Video, "urn:li:video:") || len(v.UploadInstructions) == 0 {
		return "", platform.Malformed(platform.LinkedIn, op, http.StatusOK, errors.New("initializeUpload without video or uploadInstructions"))
	}
	etags := make([]string, 0, len(v.UploadInstructions))
	for _, ins := range v.UploadInstructions {
		if ins.FirstByte < 0 || ins.LastByte < ins.FirstByte || ins.LastByte >= size || ins.UploadURL == "" {
			return "", platform.Malformed(platform.LinkedIn, op, http.StatusOK, fmt.Errorf("upload instruction for bytes %d-%d of a %d-byte video", ins.FirstByte, ins.LastByte, size))
		}
		resp, err := c.put(ctx, op, ins.UploadURL, t.AccessToken, "application/octet-stream", m.Data[ins.FirstByte:ins.LastByte+1])
		if err != nil {
			return "", err
		}
		etag := resp.Header.Get("ETag")
		if etag == "" {
			return "", platform.Malformed(platform.LinkedIn, op, resp.StatusCode, errors.New("uploaded part without an ETag"))
		}
		etags = append(etags, etag)
	}
	fin := map[string]any{"finalizeUploadRequest": map[string]any{
		"video": v.Video, "uploadToken": v.UploadToken, "uploadedPartIds": etags,
	}}
	if _, err := c.call(ctx, op, http.MethodPost, "/rest/videos?action=finalizeUpload", t.AccessToken, fin, nil, nil); err != nil {
		return "", err
	}
	if err := c.awaitMedia(ctx, t, op, v.Video); err != nil {
		return "", err
	}
	return v.Video, nil
}
