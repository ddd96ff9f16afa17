package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Images and videos: initializeUpload, the PUT upload URLs, finalizeUpload.
// https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/images-api
// https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/videos-api

type liImage struct {
	URN    string `json:"urn"`
	Owner  string `json:"owner"`
	Status string `json:"status"` // WAITING_UPLOAD, AVAILABLE, PROCESSING_FAILED (linkedin_limits.go)
}

type liVideo struct {
	URN    string   `json:"urn"`
	Owner  string   `json:"owner"`
	Size   int64    `json:"size"`
	Status string   `json:"status"` // WAITING_UPLOAD, AVAILABLE, PROCESSING_FAILED (linkedin_limits.go)
	ETags  []string `json:"etags"`  // per part; "" until uploaded

	kept map[int][]byte // the first and last parts, for the movie header; not persisted
}

// liVideoPart is the size of each part LinkedIn asks for (4 MiB).
const liVideoPart = 4 << 20

// liMediaID is a fresh id in LinkedIn's style for images and videos.
func (s *Sandbox) liMediaID(prefix string) string {
	return prefix + strings.ToUpper(strconv.FormatInt(1_000_000_000+s.nextID(), 36))
}

func (s *Sandbox) liInitImage(r *http.Request, body []byte) liAnswer {
	t, v, bad := s.liREST(r)
	if bad != nil {
		return *bad
	}
	if r.URL.Query().Get("action") != "initializeUpload" {
		return liJSON(400, liErr(400, 0, "ILLEGAL_ARGUMENT", "Unsupported action "+r.URL.Query().Get("action")))
	}
	var in struct {
		Req *struct {
			Owner string `json:"owner"`
		} `json:"initializeUploadRequest"`
	}
	if json.Unmarshal(body, &in) != nil || in.Req == nil || in.Req.Owner == "" {
		return liRequired("/initializeUploadRequest/owner")
	}
	if !s.liCanWrite(t, in.Req.Owner) {
		return liDenied("images", "ACTION-initializeUpload", v)
	}
	id := s.liMediaID("D4E10AQ")
	urn := "urn:li:image:" + id
	s.st.LinkedIn.Images[urn] = &liImage{URN: urn, Owner: in.Req.Owner, Status: "WAITING_UPLOAD"}
	s.st.LinkedIn.Uploads[id] = &liPending{Image: urn}
	s.touch()
	return liJSON(200, map[string]any{"value": map[string]any{
		"uploadUrlExpiresAt": s.now().Add(24 * time.Hour).UnixMilli(),
		"uploadUrl":          s.base(r) + "/www.linkedin.com/dms-uploads/" + id + "?ca=vector_feedshare&cn=uploads&sync=0&v=beta&ut=" + randomToken(9),
		"image":              urn,
	}})
}

func (s *Sandbox) liGetImage(r *http.Request, _ []byte) liAnswer {
	_, _, bad := s.liREST(r)
	if bad != nil {
		return *bad
	}
	im := s.st.LinkedIn.Images[r.PathValue("urn")]
	if im == nil {
		return liNotFound("Image " + r.PathValue("urn"))
	}
	out := map[string]any{"id": im.URN, "owner": im.Owner, "status": im.Status}
	if im.Status == "AVAILABLE" {
		out["downloadUrl"] = s.liMediaURL(r, strings.TrimPrefix(im.URN, "urn:li:image:"))
		out["downloadUrlExpiresAt"] = s.now().Add(24 * time.Hour).UnixMilli()
	}
	return liJSON(200, out)
}

func (s *Sandbox) liVideoAction(r *http.Request, body []byte) liAnswer {
	t, v, bad := s.liREST(r)
	if bad != nil {
		return *bad
	}
	switch r.URL.Query().Get("action") {
	case "initializeUpload":
		var in struct {
			Req *struct {
				Owner         string `json:"owner"`
				FileSizeBytes int64  `json:"fileSizeBytes"`
			} `json:"initializeUploadRequest"`
		}
		if json.Unmarshal(body, &in) != nil || in.Req == nil || in.Req.Owner == "" {
			return liRequired("/initializeUploadRequest/owner")
		}
		if in.Req.FileSizeBytes <= 0 || in.Req.FileSizeBytes > 5<<30 {
			return liBadInput(422, "/initializeUploadRequest/fileSizeBytes", "INVALID_VALUE", "fileSizeBytes must be between 1 byte and 5 GB", "ERROR :: /initializeUploadRequest/fileSizeBytes :: out of range")
		}
		if !s.liCanWrite(t, in.Req.Owner) {
			return liDenied("videos", "ACTION-initializeUpload", v)
		}
		id := s.liMediaID("D5605AQ")
		urn := "urn:li:video:" + id
		parts := int((in.Req.FileSizeBytes + liVideoPart - 1) / liVideoPart)
		s.st.LinkedIn.Videos[urn] = &liVideo{URN: urn, Owner: in.Req.Owner, Size: in.Req.FileSizeBytes, Status: "WAITING_UPLOAD", ETags: make([]string, parts)}
		instr := make([]map[string]any, parts)
		for i := range parts {
			partID := id + "-" + strconv.Itoa(i)
			s.st.LinkedIn.Uploads[partID] = &liPending{Video: urn, Part: i}
			last := min(int64(i+1)*liVideoPart, in.Req.FileSizeBytes) - 1
			instr[i] = map[string]any{"uploadUrl": s.base(r) + "/www.linkedin.com/dms-uploads/" + partID + "?ca=vector_feedshare&cn=uploads&v=beta",
				"firstByte": int64(i) * liVideoPart, "lastByte": last}
		}
		s.touch()
		return liJSON(200, map[string]any{"value": map[string]any{
			"uploadUrlsExpireAt": s.now().Add(24 * time.Hour).UnixMilli(), "video": urn, "uploadInstructions": instr, "uploadToken": "",
		}})
	case "finalizeUpload":
		var in struct {
			Req *struct {
				Video           string   `json:"video"`
				UploadedPartIDs []string `json:"uploadedPartIds"`
			} `json:"finalizeUploadRequest"`
		}
		if json.Unmarshal(body, &in) != nil || in.Req == nil || in.Req.Video == "" {
			return liRequired("/finalizeUploadRequest/video")
		}
		vid := s.st.LinkedIn.Videos[in.Req.Video]
		if vid == nil {
			return liNotFound("Video " + in.Req.Video)
		}
		if !s.liCanWrite(t, vid.Owner) {
			return liDenied("videos", "ACTION-finalizeUpload", v)
		}
		if len(in.Req.UploadedPartIDs) != len(vid.ETags) {
			return liJSON(400, liErr(400, 0, "ILLEGAL_ARGUMENT", fmt.Sprintf("Expected %d uploaded part ids, got %d", len(vid.ETags), len(in.Req.UploadedPartIDs))))
		}
		for i, e := range vid.ETags {
			if e == "" || in.Req.UploadedPartIDs[i] != e {
				return liJSON(400, liErr(400, 0, "ILLEGAL_ARGUMENT", fmt.Sprintf("Part %d was not uploaded or its id does not match", i)))
			}
		}
		// Processing is instant in the sandbox: the video is AVAILABLE, or
		// PROCESSING_FAILED when it breaks LinkedIn's limits.
		vid.Status = liVideoStatus(vid)
		vid.kept = nil
		s.touch()
		return liAnswer{status: http.StatusOK}
	}
	return liJSON(400, liErr(400, 0, "ILLEGAL_ARGUMENT", "Unsupported action "+r.URL.Query().Get("action")))
}

func (s *Sandbox) liGetVideo(r *http.Request, _ []byte) liAnswer {
	_, _, bad := s.liREST(r)
	if bad != nil {
		return *bad
	}
	vid := s.st.LinkedIn.Videos[r.PathValue("urn")]
	if vid == nil {
		return liNotFound("Video " + r.PathValue("urn"))
	}
	return liJSON(200, map[string]any{"id": vid.URN, "owner": vid.Owner, "status": vid.Status})
}

// liUpload receives the bytes of an image or of one video part. Of the
// body only the head is kept (an image's header; a whole video part) and the
// rest counted. It answers 201; a video part also gets its ETag.
func (s *Sandbox) liUpload(w http.ResponseWriter, r *http.Request) {
	head, err := io.ReadAll(io.LimitReader(r.Body, mediaHeadBytes))
	var rest int64
	if err == nil {
		rest, err = io.Copy(io.Discard, io.LimitReader(r.Body, liUploadMax+1-int64(len(head))))
	}
	n := int64(len(head)) + rest
	if err != nil || n > liUploadMax {
		writeJSON(w, http.StatusBadRequest, liErr(400, 0, "ILLEGAL_ARGUMENT", "upload body unreadable or too large"))
		return
	}
	a := func() liAnswer {
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, bad := s.liToken(r); bad != nil {
			return *bad
		}
		st := s.st.LinkedIn
		pend := st.Uploads[r.PathValue("id")]
		if pend == nil {
			return liNotFound("Upload " + r.PathValue("id"))
		}
		if pend.Image != "" {
			if n == 0 {
				return liJSON(400, liErr(400, 0, "ILLEGAL_ARGUMENT", "empty upload"))
			}
			st.Images[pend.Image].Status = liImageStatus(head, n)
			delete(st.Uploads, r.PathValue("id"))
			s.touch()
			return liAnswer{status: http.StatusCreated}
		}
		vid := st.Videos[pend.Video]
		want := min(int64(pend.Part+1)*liVideoPart, vid.Size) - int64(pend.Part)*liVideoPart
		if n != want {
			return liJSON(400, liErr(400, 0, "ILLEGAL_ARGUMENT", fmt.Sprintf("part %d must be %d bytes, got %d", pend.Part, want, n)))
		}
		etag := "/ambry-video/signedId/" + randomToken(12)
		vid.ETags[pend.Part] = etag
		if vid.kept == nil {
			vid.kept = map[int][]byte{}
		}
		keepChunk(vid.kept, pend.Part, head)
		delete(st.Uploads, r.PathValue("id"))
		s.touch()
		return liAnswer{status: http.StatusOK, header: http.Header{"Etag": {etag}}}
	}()
	for k, v := range a.header {
		w.Header()[k] = v
	}
	if a.body == nil {
		w.WriteHeader(a.status)
		return
	}
	writeJSON(w, a.status, a.body)
}

// liPlaceholderImage serves a small PNG for every picture the sandbox hands out.
func liPlaceholderImage(w http.ResponseWriter, r *http.Request) {
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	img.Set(3, 3, color.RGBA{0x0a, 0x66, 0xc2, 0xff})
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	w.Header().Set("Content-Type", "image/png")
	_, _ = w.Write(buf.Bytes())
}
