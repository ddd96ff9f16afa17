package facebook

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/marketingminds/marketingminds/integrations/platform"
)

// APIError is the Graph API error envelope shared by Facebook and Instagram:
// {"error":{"message","type","code","error_subcode","error_user_title",
// "error_user_msg","fbtrace_id","is_transient"}}.
//
// https://developers.facebook.com/docs/graph-api/guides/error-handling
type APIError struct {
	Message     string `json:"message"`
	Type        string `json:"type"`
	Code        int    `json:"code"`
	Subcode     int    `json:"error_subcode"`
	UserTitle   string `json:"error_user_title"`
	UserMsg     string `json:"error_user_msg"`
	FBTraceID   string `json:"fbtrace_id"`
	IsTransient bool   `json:"is_transient"`
}

// ParseError reads a Graph error envelope; ok is false when body is not one.
func ParseError(body []byte) (e APIError, ok bool) {
	var env struct {
		Error *APIError `json:"error"`
	}
	if err := json.Unmarshal(body, &env); err != nil || env.Error == nil {
		return APIError{}, false
	}
	if env.Error.Code == 0 && env.Error.Message == "" {
		return APIError{}, false
	}
	return *env.Error, true
}

// Default waits when a rate-limit answer does not say how long to wait.
const (
	// defaultRateWait: a Graph rate limit without a usable header.
	defaultRateWait = time.Minute
	// usageFullWait: X-App-Usage / X-Page-Usage at 100 % of their rolling
	// one-hour window, which says nothing of when it frees up: a quarter of it.
	usageFullWait = 15 * time.Minute
	// publishLimitWait: Instagram's 24-hour publishing limit (code 9).
	publishLimitWait = time.Hour
)

// MapError classifies a failed Graph call (any non-2xx, or a 2xx carrying an
// error envelope) into a *platform.Error for name and op.
func MapError(name platform.Name, op string, status int, header http.Header, body []byte) *platform.Error {
	e, ok := ParseError(body)
	if !ok {
		kind := platform.StatusKind(status)
		perr := &platform.Error{Platform: name, Op: op, Kind: kind, Status: status,
			Message: fmt.Sprintf("HTTP %d without a Graph error body", status)}
		if kind == platform.KindRateLimit {
			perr.RetryAfter = retryAfter(header, defaultRateWait)
		}
		return perr
	}
	perr := &platform.Error{Platform: name, Op: op, Status: status, Code: strconv.Itoa(e.Code), Message: e.Message}
	if e.Subcode != 0 {
		perr.Code += "/" + strconv.Itoa(e.Subcode)
	}
	if e.UserMsg != "" {
		perr.Message = e.UserMsg
	}
	if perr.Message == "" {
		perr.Message = e.UserTitle
	}
	if perr.Message == "" {
		perr.Message = "Graph error code " + perr.Code
	}
	perr.Kind = classify(e, status)
	if perr.Kind == platform.KindRateLimit {
		wait := defaultRateWait
		if e.Code == 9 {
			wait = publishLimitWait
		}
		perr.RetryAfter = retryAfter(header, wait)
	}
	return perr
}

func classify(e APIError, status int) platform.Kind {
	switch {
	case e.Code == 190 || e.Code == 102:
		return platform.KindAuth
	case isRateLimitCode(e.Code):
		return platform.KindRateLimit
	case e.Code == 9007 && e.Subcode == 2207027:
		// Instagram container not ready yet: it will be, so try again.
		return platform.KindTransient
	case e.Code == 1 || e.Code == 2 || e.Code == -1 || e.Code == -2:
		// Unknown / service errors; Instagram's -1/-2 rows say "try again".
		return platform.KindTransient
	case e.Code == 10 || (e.Code >= 200 && e.Code <= 299) || e.Code == 100 || e.Code == 506 ||
		e.Code == 368 || e.Code == 1609005 || e.Code == 9004 || (e.Code >= 36000 && e.Code <= 36003):
		return platform.KindPermanent
	case e.IsTransient || status >= 500:
		return platform.KindTransient
	}
	return platform.StatusKind(status)
}

// isRateLimitCode: app (4), user (17), page (32), custom (613), business use
// case (80001 Pages, 80002 Instagram, 80003–80014 others), application limit
// (341) and Instagram's publishing limit (9).
func isRateLimitCode(code int) bool {
	switch code {
	case 4, 9, 17, 32, 341, 613:
		return true
	}
	return code >= 80001 && code <= 80014
}

// retryAfter reads how long to wait from the Graph usage headers: the
// largest estimated_time_to_regain_access (minutes) of
// X-Business-Use-Case-Usage, else usageFullWait when X-App-Usage or
// X-Page-Usage is at 100 %, else def.
//
// https://developers.facebook.com/docs/graph-api/overview/rate-limiting
func retryAfter(h http.Header, def time.Duration) time.Duration {
	if d, ok := bucRetryAfter(h.Get("X-Business-Use-Case-Usage")); ok {
		return d
	}
	for _, name := range []string{"X-App-Usage", "X-Page-Usage"} {
		if usageFull(h.Get(name)) && usageFullWait > def {
			return usageFullWait
		}
	}
	return def
}

func bucRetryAfter(v string) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	var buc map[string][]struct {
		Minutes float64 `json:"estimated_time_to_regain_access"`
	}
	if err := json.Unmarshal([]byte(v), &buc); err != nil {
		return 0, false
	}
	best := 0.0
	for _, entries := range buc {
		for _, e := range entries {
			if e.Minutes > best && e.Minutes < 7*24*60 {
				best = e.Minutes
			}
		}
	}
	if best <= 0 {
		return 0, false
	}
	return time.Duration(math.Ceil(best)) * time.Minute, true
}

func usageFull(v string) bool {
	if v == "" {
		return false
	}
	var u struct {
		CallCount    float64 `json:"call_count"`
		TotalCPUTime float64 `json:"total_cputime"`
		TotalTime    float64 `json:"total_time"`
	}
	if err := json.Unmarshal([]byte(v), &u); err != nil {
		return false
	}
	return u.CallCount >= 100 || u.TotalCPUTime >= 100 || u.TotalTime >= 100
}

// MapTokenError classifies a failure of the /oauth/access_token endpoint
// (from x/oauth2 or a direct call). There a rejected, used or expired code
// (Graph code 100, subcodes 36007–36009) or token (190) means the grant is
// gone: KindAuth, like OAuth's invalid_grant. A wrong client secret (code 1,
// "Error validating client secret") is configuration: KindPermanent.
func MapTokenError(name platform.Name, op string, err error) error {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		var pe *platform.Error
		if errors.As(err, &pe) {
			return tokenKind(pe, nil)
		}
		return &platform.Error{Platform: name, Op: op, Kind: platform.KindTransient, Message: err.Error(), Err: err}
	}
	status := 0
	var header http.Header
	if re.Response != nil {
		status, header = re.Response.StatusCode, re.Response.Header
	}
	e, ok := ParseError(re.Body)
	pe := MapError(name, op, status, header, re.Body)
	pe.Err = err
	if !ok {
		if re.ErrorCode == "invalid_grant" {
			pe.Kind = platform.KindAuth
		}
		if re.ErrorDescription != "" {
			pe.Message = re.ErrorDescription
		}
		return pe
	}
	return tokenKind(pe, &e)
}

func tokenKind(pe *platform.Error, e *APIError) *platform.Error {
	code := pe.Code
	if i := strings.IndexByte(code, '/'); i >= 0 {
		code = code[:i]
	}
	switch code {
	case "100", "190":
		pe.Kind = platform.KindAuth
	case "1", "101":
		if e == nil || e.Type == "OAuthException" {
			pe.Kind = platform.KindPermanent
		}
	}
	return pe
}
