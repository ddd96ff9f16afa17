package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/safehttp"
	"github.com/marketingminds/marketingminds/tools/fault"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/media"
	"github.com/marketingminds/marketingminds/tools/media/check"
)

// Converter is the convert_media capability (*check.Service): the same
// function the agent's tool and a problem's Convert offer call.
type Converter interface {
	ConvertMedia(ctx context.Context, c identity.Caller, r check.ConvertRequest) (check.Converted, error)
}

// convertBody is POST /api/media/convert's body: a problem's convert offer.
type convertBody struct {
	MediaURL string `json:"media_url,omitempty"`
	MediaID  string `json:"media_id,omitempty"`
	Platform string `json:"platform"`
	Reframe  bool   `json:"reframe,omitempty"`
}

// mediaConvert: POST /api/media/convert {"media_url"|"media_id", "platform", "reframe"}
// converts an image a platform refuses into a JPEG that fits, kept as new media.
func (s *Server) mediaConvert(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	var b convertBody
	if !decodeJSON(w, r, &b) {
		return
	}
	p := platform.Name(strings.ToLower(strings.TrimSpace(b.Platform)))
	if p == "x" {
		p = platform.Twitter
	}
	out, err := s.deps.Converter.ConvertMedia(r.Context(), c, check.ConvertRequest{MediaURL: b.MediaURL, MediaID: b.MediaID, Platform: p, Reframe: b.Reframe})
	var fe *safehttp.FetchError
	switch {
	case err == nil:
		writeJSON(w, http.StatusOK, map[string]any{"success": true, "converted": out})
	case errors.Is(err, identity.ErrForbidden):
		writeError(w, http.StatusForbidden, "forbidden", err.Error())
	case errors.Is(err, media.ErrNotFound):
		writeError(w, http.StatusNotFound, "not_found", "no such media in this workspace")
	case errors.Is(err, check.ErrNotConvertible):
		writeError(w, http.StatusBadRequest, "not_convertible", fault.Of(err, s.deps.Now()).Message)
	case errors.As(err, &fe):
		writeError(w, http.StatusBadRequest, "media_unreachable", "the media could not be downloaded: "+fe.Reason())
	default:
		zerolog.Ctx(r.Context()).Error().Err(err).Msg("http: convert media")
		writeError(w, http.StatusInternalServerError, "internal", "the conversion failed; try again")
	}
}

// convertOps is the OpenAPI entry of the conversion route; see apiOp.
var convertOps = []apiOp{
	{Method: "POST", Path: "/api/media/convert", Summary: "Convert an image a platform refuses (format, size, frame) into a JPEG that fits it, kept as new media; reframe adds borders (never crops) and must be shown before use; videos are not converted",
		Auth: "editor", Request: convertBody{}, Response: object{"success": false, "converted": check.Converted{}}},
}
