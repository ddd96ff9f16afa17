package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/marketingminds/marketingminds/tools/limit"
)

// maxBodyBytes bounds every request body.
const maxBodyBytes = 1 << 20

// errorBody is the shape of every error: {"success": false, "error": {"code", "message"}}.
type errorBody struct {
	Success bool      `json:"success"`
	Error   errorInfo `json:"error"`
}

type errorInfo struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// writeJSON writes v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError writes the error shape with status; code is a stable
// snake_case word clients can switch on, message is for people.
func writeError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, errorBody{Error: errorInfo{Code: code, Message: message}})
}

// decodeJSON reads the request body into dst: bounded, one JSON value,
// valid UTF-8, lists and texts within their caps (checkBody), unknown fields
// rejected. A body sent as a form (curl -d's default type) is taken when it
// is JSON. On failure it writes a specific 400 (or 413, 415) and returns
// false.
func decodeJSON(w http.ResponseWriter, r *http.Request, dst any) bool {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "" && ct != "application/json" && ct != formType {
		writeError(w, http.StatusUnsupportedMediaType, "unsupported_media_type", contentTypeHint(ct))
		return false
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, "invalid_json", fmt.Sprintf("the body is larger than %d bytes", tooBig.Limit))
			return false
		}
		writeError(w, http.StatusBadRequest, "invalid_json", "the body could not be read")
		return false
	}
	if ct == formType && !json.Valid(data) {
		writeError(w, http.StatusUnsupportedMediaType, "unsupported_media_type", contentTypeHint(ct))
		return false
	}
	if msg := checkBody(data); msg != "" {
		writeError(w, http.StatusBadRequest, "invalid_json", msg)
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		writeError(w, http.StatusBadRequest, "invalid_json", decodeMessage(err))
		return false
	}
	if dec.More() {
		writeError(w, http.StatusBadRequest, "invalid_json", "the body holds more than one JSON value")
		return false
	}
	if _, err := dec.Token(); err != io.EOF {
		writeError(w, http.StatusBadRequest, "invalid_json", "unexpected data after the JSON value")
		return false
	}
	return true
}

// formType is what curl -d sends unless told otherwise.
const formType = "application/x-www-form-urlencoded"

// contentTypeHint says how to send a body that came with another type.
func contentTypeHint(ct string) string {
	return "the body must be JSON sent as application/json, not " + limit.Clip(ct) +
		"; with curl add -H 'Content-Type: application/json'"
}

// decodeMessage says what is wrong with a body in words a client can act on.
func decodeMessage(err error) string {
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return "the body is empty; send a JSON object"
	case errors.As(err, &syntax):
		return fmt.Sprintf("malformed JSON at byte %d", syntax.Offset)
	case errors.As(err, &typeErr):
		return fmt.Sprintf("field %q must be %s", limit.Clip(typeErr.Field), typeErr.Type)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "unknown field " + limit.Clip(strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	return "malformed JSON: " + err.Error()
}
