package sandbox

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Media upload v2: one-shot POST /2/media/upload (images, GIFs, subtitles),
// chunked initialize / append / finalize, and STATUS polling while a video
// is processed (https://docs.x.com/x-api/media/quickstart/media-upload-chunked).
// Sizes are kept; of a video only the first and last segments, for the
// movie header its processing reads (x_video.go).

const (
	xMediaTTL        = 24 * time.Hour  // expires_after_secs 86400
	xImageMax        = 5_000_000       // tweet_image: "5 MB" (docs/reference/media-limits.md: decimal, the stricter reading)
	xGIFMax          = 15_000_000      // tweet_gif
	xVideoMax        = 512_000_000     // tweet_video: the media introduction's 512 MB, stricter than best practices' 8 GB
	xSegmentMax      = 5 << 20         // one APPEND
	xProcessPending  = 1 * time.Second // pending, then in_progress ...
	xProcessDuration = 3 * time.Second // ... then succeeded
	xUploadBodyMax   = xGIFMax*4/3 + 1<<16
	xAltMax          = 1000 // alt_text.text
)

type xMedia struct {
	ID          string        `json:"id"`
	Key         string        `json:"key"`
	Owner       string        `json:"owner"`
	Owners      []string      `json:"owners,omitempty"` // additional_owners
	Category    string        `json:"category"`
	Type        string        `json:"type"`
	TotalBytes  int64         `json:"total_bytes"`
	Segments    map[int]int64 `json:"segments,omitempty"`
	Sniffed     string        `json:"sniffed,omitempty"` // content type of the first bytes
	Finalized   bool          `json:"finalized"`
	FinalizedAt time.Time     `json:"finalized_at"`
	CreatedAt   time.Time     `json:"created_at"`
	Used        bool          `json:"used,omitempty"`
	AltText     string        `json:"alt_text,omitempty"`
	// Unprocessable: the video's processing ends "failed" (x_video.go).
	Unprocessable bool `json:"unprocessable,omitempty"`
	// Duration is a video's, read from its header at finalize.
	Duration time.Duration `json:"duration,omitempty"`

	kept map[int][]byte // a video's first and last segments, until finalize; not persisted
}

func (m *xMedia) isVideo() bool {
	return strings.HasSuffix(m.Category, "_video") || m.Category == "amplify_video" || strings.HasPrefix(m.Type, "video/")
}

// processes reports whether X processes the media after finalize (videos
// and GIFs get processing_info).
func (m *xMedia) processes() bool { return m.isVideo() || strings.HasSuffix(m.Category, "_gif") }

func (m *xMedia) expired(now time.Time) bool { return now.Sub(m.CreatedAt) > xMediaTTL }

// usableBy reports whether a post by user may attach m now: finalized,
// processed, not expired, owned by or shared with the user.
func (m *xMedia) usableBy(user string, now time.Time) bool {
	if !m.Finalized || m.expired(now) {
		return false
	}
	if m.processes() && m.processingAt(now)["state"] != "succeeded" {
		return false
	}
	if m.Owner == user {
		return true
	}
	for _, o := range m.Owners {
		if o == user {
			return true
		}
	}
	return false
}

// processingAt is the media's processing_info at now, nil when it has none.
func (m *xMedia) processingAt(now time.Time) map[string]any {
	if !m.processes() || !m.Finalized {
		return nil
	}
	age := now.Sub(m.FinalizedAt)
	switch {
	case age < xProcessPending:
		return map[string]any{"state": "pending", "check_after_secs": 1}
	case age < xProcessDuration:
		return map[string]any{"state": "in_progress", "check_after_secs": 1, "progress_percent": int(100 * age / xProcessDuration)}
	case m.Unprocessable:
		return map[string]any{"state": "failed", "progress_percent": 100}
	}
	return map[string]any{"state": "succeeded", "progress_percent": 100}
}

func (s *Sandbox) xMediaJSON(m *xMedia, withSize bool) map[string]any {
	now := s.now()
	d := map[string]any{"id": m.ID, "media_key": m.Key, "expires_after_secs": int(max(xMediaTTL-now.Sub(m.CreatedAt), 0) / time.Second)}
	if withSize {
		d["size"] = m.TotalBytes
	}
	if pi := m.processingAt(now); pi != nil {
		d["processing_info"] = pi
	}
	return d
}

func (s *Sandbox) xNewMedia(owner, category, typ string, total int64) *xMedia {
	seq := s.nextID()
	prefix := "3_"
	switch {
	case strings.HasSuffix(category, "_video") || category == "amplify_video":
		prefix = "7_"
	case strings.HasSuffix(category, "_gif"):
		prefix = "16_"
	}
	id := strconv.FormatInt(xMediaIDBase+seq, 10)
	m := &xMedia{ID: id, Key: prefix + id, Owner: owner, Category: category, Type: typ, TotalBytes: total,
		Segments: map[int]int64{}, CreatedAt: s.now()}
	s.xs().Media[id] = m
	s.touch()
	return m
}

// xForm is a media request body, multipart (bytes) or JSON (base64).
type xForm struct {
	fields map[string]string
	media  []byte
}

// xReadForm parses a multipart or JSON body (already in memory, see xAPI)
// with the allowed fields; ok is false after answering 400.
func xReadForm(w http.ResponseWriter, r *http.Request, allowed ...string) (xForm, bool) {
	f := xForm{fields: map[string]string{}}
	isAllowed := func(k string) bool {
		for _, a := range allowed {
			if a == k {
				return true
			}
		}
		return k == "media"
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "multipart/form-data":
		if err := r.ParseMultipartForm(32 << 20); err != nil {
			xInvalid(w, "Request body could not be read as multipart/form-data", nil)
			return f, false
		}
		for k, v := range r.MultipartForm.Value {
			if !isAllowed(k) {
				xInvalid(w, "$."+k+": is not defined in the schema and the schema does not allow additional properties", nil)
				return f, false
			}
			if k == "media" {
				f.media = []byte(v[0])
				continue
			}
			f.fields[k] = v[0]
		}
		if fh := r.MultipartForm.File["media"]; len(fh) > 0 {
			file, err := fh[0].Open()
			if err == nil {
				f.media, err = io.ReadAll(file)
				_ = file.Close()
			}
			if err != nil {
				xInvalid(w, "media could not be read", nil)
				return f, false
			}
		}
		for k := range r.MultipartForm.File {
			if k != "media" {
				xInvalid(w, "$."+k+": is not defined in the schema and the schema does not allow additional properties", nil)
				return f, false
			}
		}
	case "application/json":
		var raw map[string]json.RawMessage
		data, err := io.ReadAll(r.Body)
		if err != nil || json.Unmarshal(data, &raw) != nil {
			xInvalid(w, "Request body is not valid JSON", nil)
			return f, false
		}
		for k, v := range raw {
			if !isAllowed(k) {
				xInvalid(w, "$."+k+": is not defined in the schema and the schema does not allow additional properties", nil)
				return f, false
			}
			var sv string
			if json.Unmarshal(v, &sv) != nil {
				sv = string(bytes.TrimSpace(v))
			}
			if k == "media" {
				if f.media, err = base64.StdEncoding.DecodeString(sv); err != nil {
					xInvalid(w, "$.media: is not valid base64", nil)
					return f, false
				}
				continue
			}
			f.fields[k] = sv
		}
	default:
		xInvalid(w, "Content-Type must be multipart/form-data or application/json", nil)
		return f, false
	}
	return f, true
}

// xImageTypes are the image formats X takes: JPEG, PNG, GIF, WebP
// (docs/reference/media-limits.md, X); a BMP or an icon is not one.
var xImageTypes = map[string]bool{"image/jpeg": true, "image/png": true, "image/gif": true, "image/webp": true}

var xMediaCategories = map[string]bool{"tweet_image": true, "tweet_gif": true, "tweet_video": true, "dm_image": true,
	"dm_gif": true, "dm_video": true, "subtitles": true, "amplify_video": true}

// xMediaUpload is the one-shot upload. The spec (v2.167) allows media,
// media_category and additional_owners; the reference also documents
// media_type and shared, so those are accepted too.
func (s *Sandbox) xMediaUpload(w http.ResponseWriter, r *http.Request, c xCaller) {
	f, ok := xReadForm(w, r, "media_category", "additional_owners", "media_type", "shared")
	if !ok {
		return
	}
	cat := f.fields["media_category"]
	if len(f.media) == 0 || cat == "" {
		xInvalid(w, "The media and media_category parameters are required.", nil)
		return
	}
	if !xMediaCategories[cat] {
		xInvalid(w, "$.media_category: does not have a value in the enumeration", map[string][]string{"media_category": {cat}})
		return
	}
	sniffed := strings.Split(http.DetectContentType(f.media), ";")[0]
	switch {
	case strings.HasSuffix(cat, "_video") || cat == "amplify_video":
		xInvalid(w, "Videos are uploaded with initialize, append and finalize.", map[string][]string{"media_category": {cat}})
		return
	case cat == "subtitles":
	case !xImageTypes[sniffed]:
		xInvalid(w, "media type unrecognized.", nil)
		return
	case strings.HasSuffix(cat, "_gif") && len(f.media) > xGIFMax, !strings.HasSuffix(cat, "_gif") && len(f.media) > xImageMax:
		xInvalid(w, "File size exceeds the limit for "+cat+".", nil)
		return
	}
	m := s.xNewMedia(c.user.ID, cat, sniffed, int64(len(f.media)))
	if v := f.fields["additional_owners"]; v != "" {
		m.Owners = strings.Split(v, ",")
	}
	m.Segments[0], m.Sniffed = int64(len(f.media)), sniffed
	m.Finalized, m.FinalizedAt = true, s.now()
	writeJSON(w, http.StatusOK, map[string]any{"data": s.xMediaJSON(m, true)})
}

func (s *Sandbox) xMediaInit(w http.ResponseWriter, r *http.Request, c xCaller) {
	var req struct {
		TotalBytes       *int64   `json:"total_bytes"`
		MediaType        string   `json:"media_type"`
		MediaCategory    string   `json:"media_category"`
		Shared           bool     `json:"shared"`
		AdditionalOwners []string `json:"additional_owners"`
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<16))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		msg := "Request body is not valid JSON"
		if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			msg = "$." + strings.Trim(f, `"`) + ": is not defined in the schema and the schema does not allow additional properties"
		}
		xInvalid(w, msg, nil)
		return
	}
	if req.TotalBytes == nil || *req.TotalBytes <= 0 || req.MediaType == "" {
		xInvalid(w, "total_bytes and media_type are required.", nil)
		return
	}
	cat := req.MediaCategory
	if cat == "" {
		cat = "tweet_image"
		if strings.HasPrefix(req.MediaType, "video/") {
			cat = "tweet_video"
		} else if req.MediaType == "image/gif" {
			cat = "tweet_gif"
		}
	}
	if !xMediaCategories[cat] {
		xInvalid(w, "$.media_category: does not have a value in the enumeration", map[string][]string{"media_category": {cat}})
		return
	}
	limit := int64(xImageMax)
	switch {
	case strings.HasSuffix(cat, "_video") || cat == "amplify_video":
		limit = xVideoMax
	case strings.HasSuffix(cat, "_gif"):
		limit = xGIFMax
	}
	if *req.TotalBytes > limit {
		xInvalid(w, "File size exceeds the limit for "+cat+".", map[string][]string{"total_bytes": {strconv.FormatInt(*req.TotalBytes, 10)}})
		return
	}
	m := s.xNewMedia(c.user.ID, cat, req.MediaType, *req.TotalBytes)
	m.Owners = req.AdditionalOwners
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"id": m.ID, "media_key": m.Key, "expires_after_secs": int(xMediaTTL / time.Second)}})
}

// xUpload finds an unfinished upload of the caller; ok is false after answering.
func (s *Sandbox) xUpload(w http.ResponseWriter, id string, c xCaller) (*xMedia, bool) {
	m := s.xs().Media[id]
	if !xValidID(id) || m == nil || m.Owner != c.user.ID || m.expired(s.now()) {
		xInvalid(w, "The `id` ["+id+"] is not a valid media upload.", map[string][]string{"id": {id}})
		return nil, false
	}
	return m, true
}

func (s *Sandbox) xMediaAppend(w http.ResponseWriter, r *http.Request, c xCaller) {
	id := r.PathValue("id")
	f, ok := xReadForm(w, r, "segment_index")
	if !ok {
		return
	}
	m, ok := s.xUpload(w, id, c)
	if !ok {
		return
	}
	if m.Finalized {
		xInvalid(w, "The upload was already finalized.", map[string][]string{"id": {id}})
		return
	}
	seg, err := strconv.Atoi(f.fields["segment_index"])
	if err != nil || seg < 0 || seg > 999 {
		xInvalid(w, "$.segment_index: must be an integer between 0 and 999", map[string][]string{"segment_index": {f.fields["segment_index"]}})
		return
	}
	if len(f.media) == 0 || len(f.media) > xSegmentMax {
		xInvalid(w, "$.media: a segment holds 1 byte to 5 MB", nil)
		return
	}
	m.Segments[seg] = int64(len(f.media))
	if m.isVideo() {
		if m.kept == nil {
			m.kept = map[int][]byte{}
		}
		keepChunk(m.kept, seg, f.media)
	}
	if seg == 0 {
		m.Sniffed = strings.Split(http.DetectContentType(f.media), ";")[0]
	}
	s.touch()
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"expires_at": m.CreatedAt.Add(xMediaTTL).Unix()}})
}

func (s *Sandbox) xMediaFinalize(w http.ResponseWriter, r *http.Request, c xCaller) {
	id := r.PathValue("id")
	m, ok := s.xUpload(w, id, c)
	if !ok {
		return
	}
	if m.Finalized {
		xInvalid(w, "The upload was already finalized.", map[string][]string{"id": {id}})
		return
	}
	var sum int64
	for i := 0; i < len(m.Segments); i++ {
		n, present := m.Segments[i]
		if !present {
			xInvalid(w, "Segments are missing: segment_index "+strconv.Itoa(i)+" was never appended.", nil)
			return
		}
		sum += n
	}
	if sum != m.TotalBytes {
		xInvalid(w, "Segments do not add up to provided total file size.", nil)
		return
	}
	// Bytes that are plainly something else are refused (an unrecognised
	// container such as QuickTime sniffs as application/octet-stream).
	if m.isVideo() && (strings.HasPrefix(m.Sniffed, "text/") || strings.HasPrefix(m.Sniffed, "image/")) {
		xInvalid(w, "media type unrecognized.", nil)
		return
	}
	if m.isVideo() {
		v, err := probeChunks(m.Segments, m.kept)
		m.Unprocessable, m.Duration, m.kept = !xProcessable(v, err), v.duration, nil
	}
	m.Finalized, m.FinalizedAt = true, s.now()
	s.touch()
	writeJSON(w, http.StatusOK, map[string]any{"data": s.xMediaJSON(m, true)})
}

func (s *Sandbox) xMediaStatus(w http.ResponseWriter, r *http.Request, c xCaller) {
	q := r.URL.Query()
	if cmd := q.Get("command"); cmd != "" && cmd != "STATUS" {
		xInvalid(w, "The `command` query parameter value ["+cmd+"] is not one of [STATUS]", map[string][]string{"command": {cmd}})
		return
	}
	id := q.Get("media_id")
	m := s.xs().Media[id]
	if !xValidID(id) || m == nil || m.Owner != c.user.ID || m.expired(s.now()) || !m.Finalized {
		xInvalid(w, "The `media_id` query parameter value ["+id+"] is not valid", map[string][]string{"media_id": {id}})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": s.xMediaJSON(m, true)})
}

// xMediaMetadata is POST /2/media/metadata: alt text of an uploaded image
// ({"id", "metadata": {"alt_text": {"text"}}}, text ≤ 1,000 characters;
// platform-apis.md §9.3), kept on the media for the inspector.
func (s *Sandbox) xMediaMetadata(w http.ResponseWriter, r *http.Request, c xCaller) {
	var in struct {
		ID       string `json:"id"`
		Metadata struct {
			AltText *struct {
				Text string `json:"text"`
			} `json:"alt_text"`
		} `json:"metadata"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&in); err != nil {
		xInvalid(w, "The request body is not valid JSON", nil)
		return
	}
	m := s.xs().Media[in.ID]
	switch {
	case !xValidID(in.ID) || m == nil || m.Owner != c.user.ID || m.expired(s.now()):
		xInvalid(w, "The `id` value ["+in.ID+"] is not valid", map[string][]string{"id": {in.ID}})
		return
	case in.Metadata.AltText == nil:
		xInvalid(w, "The `metadata` value does not hold alt_text", nil)
		return
	case utf8.RuneCountInString(in.Metadata.AltText.Text) > xAltMax:
		xInvalid(w, "The `alt_text.text` value is longer than 1000 characters", nil)
		return
	}
	m.AltText = in.Metadata.AltText.Text
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"id": m.ID,
		"associated_metadata": map[string]any{"alt_text": map[string]any{"text": m.AltText}}}})
}
