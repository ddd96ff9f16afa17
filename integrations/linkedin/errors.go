package linkedin

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/marketingminds/marketingminds/integrations/platform"
)

// apiError is every error body LinkedIn sends: the REST shape
// {"status","serviceErrorCode","code","message"} (versioned APIs add the string
// code; validation errors add errorDetails.inputErrors) and the OAuth shape
// {"error","error_description"} of www.linkedin.com/oauth/v2.
type apiError struct {
	Status           int    `json:"status"`
	ServiceErrorCode int    `json:"serviceErrorCode"`
	Code             string `json:"code"`
	Message          string `json:"message"`
	ErrorDetailType  string `json:"errorDetailType"`
	ErrorDetails     struct {
		InputErrors []struct {
			Description string `json:"description"`
			Code        string `json:"code"`
		} `json:"inputErrors"`
	} `json:"errorDetails"`
	OAuthError       string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

// parseAPIError decodes an error body; ok is false when body is not one.
func parseAPIError(body []byte) (e apiError, ok bool) {
	if err := json.Unmarshal(body, &e); err != nil {
		return apiError{}, false
	}
	ok = e.Status != 0 || e.Code != "" || e.Message != "" || e.ServiceErrorCode != 0 ||
		e.OAuthError != "" || len(e.ErrorDetails.InputErrors) > 0
	return e, ok
}

// inputErrorCode returns the first errorDetails.inputErrors code, if any.
func (e apiError) inputErrorCode() string {
	for _, ie := range e.ErrorDetails.InputErrors {
		if ie.Code != "" {
			return ie.Code
		}
	}
	return ""
}

// mapError turns a non-2xx answer of the REST API into a *platform.Error.
// https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/error-handling
func (c *Client) mapError(op string, resp *http.Response, body []byte) *platform.Error {
	return mapStatusError(op, resp.StatusCode, resp.Header, body, c.cfg.APIVersion, c.now())
}

// mapStatusError is mapError without a client, for table tests and fuzzing.
//
//   - 401 (serviceErrorCode 65600 invalid, 65601 revoked, 65602 expired) → KindAuth.
//   - 403 ACCESS_DENIED, 400/422 validation → KindPermanent with LinkedIn's message.
//   - 422 DUPLICATE_POST (in errorDetails.inputErrors) → KindPermanent, code DUPLICATE_POST.
//   - 426 NONEXISTENT_VERSION → KindPermanent, saying the configured LinkedIn-Version is gone.
//   - 429 → KindRateLimit. LinkedIn sends no rate-limit headers: Retry-After is
//     honoured if present, otherwise the wait runs to the next midnight UTC,
//     when LinkedIn's daily application and member quotas reset.
//   - 5xx, 408 → KindTransient.
func mapStatusError(op string, status int, h http.Header, body []byte, version string, now time.Time) *platform.Error {
	pe := &platform.Error{Platform: platform.LinkedIn, Op: op, Status: status, Kind: platform.StatusKind(status)}
	e, ok := parseAPIError(body)
	if ok {
		pe.Code = e.Code
		if pe.Code == "" && e.ServiceErrorCode != 0 {
			pe.Code = strconv.Itoa(e.ServiceErrorCode)
		}
		pe.Message = e.Message
		if e.OAuthError != "" {
			pe.Code, pe.Message = e.OAuthError, e.ErrorDescription
			if pe.Message == "" {
				pe.Message = e.OAuthError
			}
		}
	} else {
		pe.Message = snippet(body)
	}
	if pe.Message == "" {
		pe.Message = http.StatusText(status)
	}
	if pe.Message == "" {
		pe.Message = fmt.Sprintf("HTTP %d", status)
	}
	switch {
	case e.OAuthError == "invalid_client" || e.OAuthError == "unauthorized_client":
		// The app's own credentials are wrong: no member action helps.
		pe.Kind = platform.KindPermanent
	case status == http.StatusUnauthorized:
		pe.Kind = platform.KindAuth
	case e.inputErrorCode() == "DUPLICATE_POST":
		pe.Kind, pe.Code = platform.KindPermanent, "DUPLICATE_POST"
		pe.Message = "duplicate: " + pe.Message
	case status == http.StatusUpgradeRequired || e.Code == "NONEXISTENT_VERSION":
		pe.Kind = platform.KindPermanent
		pe.Message = fmt.Sprintf("the configured LinkedIn-Version %q is no longer active; configure a current version (%s)", version, pe.Message)
	case status == http.StatusTooManyRequests:
		pe.Kind = platform.KindRateLimit
		pe.RetryAfter = retryAfter(h, now)
	case ok && e.OAuthError != "":
		switch e.OAuthError {
		case "invalid_grant", "invalid_token":
			pe.Kind = platform.KindAuth
		}
	}
	if pe.Code == "" {
		if c := e.inputErrorCode(); c != "" {
			pe.Code = c
		}
	}
	return pe
}

// retryAfter reads Retry-After (seconds or an HTTP date); without it, the
// time left until the next midnight UTC, when LinkedIn's daily quotas reset.
func retryAfter(h http.Header, now time.Time) time.Duration {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n >= 0 {
			return time.Duration(n) * time.Second
		}
		if t, err := http.ParseTime(v); err == nil {
			if d := t.Sub(now); d > 0 {
				return d
			}
			return 0
		}
	}
	now = now.UTC()
	midnight := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, time.UTC)
	return midnight.Sub(now)
}

// mapOAuthError maps a failure of the token endpoint (x/oauth2's
// *oauth2.RetrieveError, or a transport error) for op. invalid_grant and
// invalid_token mean the grant is gone: KindAuth. LinkedIn answers failed
// code exchanges with invalid_request and does not document its answer for
// an unusable refresh token, so when refreshing invalid_request is KindAuth
// too: whatever the reason, the member must connect again.
func mapOAuthError(op string, err error, refreshing bool, now time.Time) error {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		var pe *platform.Error
		if errors.As(err, &pe) {
			return err
		}
		return &platform.Error{Platform: platform.LinkedIn, Op: op, Kind: platform.KindTransient, Message: err.Error(), Err: err}
	}
	status := 0
	h := http.Header{}
	if re.Response != nil {
		status, h = re.Response.StatusCode, re.Response.Header
	}
	pe := mapStatusError(op, status, h, re.Body, "", now)
	pe.Err = err
	if re.ErrorCode != "" {
		pe.Code = re.ErrorCode
		if re.ErrorDescription != "" {
			pe.Message = re.ErrorDescription
		}
	}
	switch pe.Code {
	case "invalid_grant", "invalid_token":
		pe.Kind = platform.KindAuth
	case "invalid_request":
		if refreshing {
			pe.Kind = platform.KindAuth
		}
	case "invalid_client", "unauthorized_client":
		pe.Kind = platform.KindPermanent
	}
	return pe
}

// snippet is a short, printable excerpt of a non-JSON body.
func snippet(body []byte) string {
	s := strings.TrimSpace(string(body))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return strings.ToValidUTF8(s, "")
}
