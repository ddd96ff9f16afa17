package zoho

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
)

// Error mapping. Zoho has three error dialects:
//   - the accounts server answers HTTP 200 (or 400) with {"error":"invalid_code"};
//   - CRM answers 4xx/5xx with {"code","details","message","status":"error"};
//   - Campaigns answers HTTP 200 with {"status":"error","code":"<n>","message"},
//     sometimes inside a "response" wrapper.

// Defaults where Zoho does not say how long to wait.
const (
	// defaultCRMRetry applies to a CRM 429 without retry_after: Zoho's
	// concurrency and credit limits give no reset time, so one minute.
	defaultCRMRetry = time.Minute
	// campaignsLockout is Zoho Campaigns' lock after 500 calls in 5 minutes:
	// that API stays locked for 30 minutes (create-campaign docs).
	campaignsLockout = 30 * time.Minute
	// oauthThrottle applies to the accounts server's "too many requests"
	// answer, which names no time either.
	oauthThrottle = time.Minute
)

// oauthErr is the accounts server's error body.
type oauthErr struct {
	Code        string `json:"error"`
	Description string `json:"error_description"`
}

// parseOAuthError reads {"error": "..."}; ok is false when body is not one.
func parseOAuthError(body []byte) (oauthErr, bool) {
	var e oauthErr
	if err := json.Unmarshal(bytes.TrimSpace(body), &e); err != nil || e.Code == "" {
		return oauthErr{}, false
	}
	return e, true
}

func (e oauthErr) toError(op string, status int) *platform.Error {
	pe := &platform.Error{Platform: name, Op: op, Status: status, Code: e.Code, Message: e.Code}
	if e.Description != "" {
		pe.Message = e.Code + ": " + e.Description
	}
	code := strings.ToLower(e.Code)
	switch {
	case code == "invalid_code", code == "invalid_token", code == "invalid_grant", code == "access_denied":
		// A used, expired or revoked code or refresh token, or a user who
		// said no: the account must be connected (again).
		pe.Kind = platform.KindAuth
	case code == "access denied" && strings.Contains(strings.ToLower(e.Description), "too many requests"):
		// "You have made too many requests continuously": throttled.
		pe.Kind = platform.KindRateLimit
		pe.RetryAfter = oauthThrottle
	default:
		// invalid_client, invalid_client_secret, invalid_redirect_uri,
		// unsupported_grant_type, invalid_request ...: the configuration is
		// wrong and retrying cannot help.
		pe.Kind = platform.KindPermanent
	}
	return pe
}

// crmErr is the CRM error envelope (also the shape of one record's result).
type crmErr struct {
	Code    string          `json:"code"`
	Details json.RawMessage `json:"details"`
	Message string          `json:"message"`
	Status  string          `json:"status"`
}

type crmDetails struct {
	ParamName  string          `json:"param_name"`
	APIName    string          `json:"api_name"`
	RetryAfter json.RawMessage `json:"retry_after"`
}

// parseCRMError reads the CRM error envelope; ok is false when body is not one.
func parseCRMError(body []byte) (crmErr, bool) {
	var e crmErr
	if err := json.Unmarshal(bytes.TrimSpace(body), &e); err != nil || e.Code == "" {
		return crmErr{}, false
	}
	return e, true
}

func (e crmErr) details() crmDetails {
	var d crmDetails
	_ = json.Unmarshal(e.Details, &d)
	return d
}

// crmError classifies a failed CRM response.
func crmError(op string, resp *http.Response, body []byte) *platform.Error {
	e, ok := parseCRMError(body)
	if !ok {
		return statusError(op, resp, body)
	}
	return e.toError(op, resp.StatusCode, resp.Header)
}

func (e crmErr) toError(op string, status int, h http.Header) *platform.Error {
	pe := &platform.Error{Platform: name, Op: op, Status: status, Code: e.Code, Message: e.Message}
	if pe.Message == "" {
		pe.Message = e.Code
	}
	d := e.details()
	if d.ParamName != "" {
		pe.Message += " (" + d.ParamName + ")"
	} else if d.APIName != "" {
		pe.Message += " (" + d.APIName + ")"
	}
	switch e.Code {
	case "INVALID_TOKEN", "AUTHENTICATION_FAILURE", "UNAUTHORIZED":
		pe.Kind = platform.KindAuth
	case "TOO_MANY_REQUESTS":
		pe.Kind = platform.KindRateLimit
	case "LIMIT_EXCEEDED":
		// The v8 spec uses LIMIT_EXCEEDED (HTTP 400, details.param_name) for
		// too many fields or ids in one request: permanent. Without a
		// parameter, or with 429, it is the API credit limit.
		if d.ParamName == "" || status == http.StatusTooManyRequests {
			pe.Kind = platform.KindRateLimit
		} else {
			pe.Kind = platform.KindPermanent
		}
	case "INTERNAL_ERROR", "INTERNAL_SERVER_ERROR":
		pe.Kind = platform.KindTransient
	case "OAUTH_SCOPE_MISMATCH", "NO_PERMISSION", "INVALID_DATA", "REQUIRED_PARAM_MISSING",
		"INVALID_MODULE", "MANDATORY_NOT_FOUND", "DUPLICATE_DATA", "INVALID_URL_PATTERN",
		"INVALID_REQUEST_METHOD", "PAGINATION_LIMIT_EXCEEDED", "DISCRETE_PAGINATION_LIMIT_EXCEEDED",
		"PATTERN_NOT_MATCHED", "NOT_APPROVED", "RECORD_LOCKED", "AUTHORIZATION_FAILED":
		// A scope mismatch needs a new consent with more scopes, not a
		// refresh: permanent, like the rest.
		pe.Kind = platform.KindPermanent
	default:
		pe.Kind = platform.StatusKind(status)
	}
	if status == http.StatusTooManyRequests {
		pe.Kind = platform.KindRateLimit
	}
	if pe.Kind == platform.KindRateLimit {
		pe.RetryAfter = retryAfter(h, d.RetryAfter, defaultCRMRetry)
	}
	return pe
}

// retryAfter reads the Retry-After header, then details.retry_after
// (seconds, as in the v8 spec's 429 example), else def.
func retryAfter(h http.Header, detail json.RawMessage, def time.Duration) time.Duration {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n >= 0 {
			return time.Duration(n) * time.Second
		}
		if t, err := http.ParseTime(v); err == nil {
			if d := time.Until(t); d > 0 {
				return d
			}
		}
	}
	if s := strings.Trim(string(detail), `" `); s != "" {
		if n, err := strconv.ParseFloat(s, 64); err == nil && n > 0 && n < 86400 {
			return time.Duration(n * float64(time.Second))
		}
	}
	return def
}

// statusError classifies a response by its status alone (a body that is not
// in any documented shape: an HTML error page, a proxy's answer).
func statusError(op string, resp *http.Response, body []byte) *platform.Error {
	msg := strings.TrimSpace(string(body))
	if len(msg) > 200 {
		msg = msg[:200]
	}
	if msg == "" {
		msg = http.StatusText(resp.StatusCode)
	}
	pe := &platform.Error{Platform: name, Op: op, Kind: platform.StatusKind(resp.StatusCode), Status: resp.StatusCode, Message: msg}
	if pe.Kind == platform.KindRateLimit {
		pe.RetryAfter = retryAfter(resp.Header, nil, defaultCRMRetry)
	}
	return pe
}

// campaignsEnvelope is what every Campaigns answer may carry. code is a
// number in some answers and a string in others.
type campaignsEnvelope struct {
	Status   string          `json:"status"`
	Code     json.RawMessage `json:"code"`
	Message  string          `json:"message"`
	Response *struct {
		Status  string          `json:"status"`
		Code    json.RawMessage `json:"code"`
		Message string          `json:"message"`
	} `json:"response"`
}

// campaignsErr is a Campaigns error: its code and message.
type campaignsErr struct {
	Code    string
	Message string
}

// Success codes of Campaigns v1.1 (error-codes page: 0, 200, 3023, 6201).
var campaignsOK = []string{"0", "200", "3023", "6201"}

// parseCampaignsError reports whether body is a Campaigns failure: status
// "error", or a code that is not a success code. A body that is not JSON is
// a failure with code "".
func parseCampaignsError(body []byte) (campaignsErr, bool) {
	var env campaignsEnvelope
	if err := json.Unmarshal(bytes.TrimSpace(body), &env); err != nil {
		return campaignsErr{Message: "response is not JSON"}, true
	}
	status, code, msg := env.Status, rawString(env.Code), env.Message
	if env.Response != nil && status == "" && code == "" {
		status, code, msg = env.Response.Status, rawString(env.Response.Code), env.Response.Message
	}
	if strings.EqualFold(status, "error") || (code != "" && !knownIn(code, campaignsOK) && !strings.EqualFold(status, "success")) {
		return campaignsErr{Code: code, Message: msg}, true
	}
	return campaignsErr{}, false
}

// rawString reads a JSON string or number as text.
func rawString(r json.RawMessage) string {
	s := strings.TrimSpace(string(r))
	if s == "" || s == "null" {
		return ""
	}
	var v string
	if json.Unmarshal(r, &v) == nil {
		return v
	}
	return s
}

// Codes of Campaigns v1.1 whose message says "please retry after sometime".
var campaignsRetryCodes = []string{"500", "2001", "2101", "2201", "2402", "2502", "2601", "2707", "6001", "6610", "7002"}

func (e campaignsErr) toError(op string, status int, h http.Header) *platform.Error {
	pe := &platform.Error{Platform: name, Op: op, Status: status, Code: e.Code, Message: e.Message}
	if pe.Message == "" {
		pe.Message = "Zoho Campaigns error " + e.Code
	}
	switch {
	case e.Code == "1007" || e.Code == "401" || e.Code == "INVALID_TOKEN":
		// 1007 "Unauthorized key": the OAuth token is not accepted.
		pe.Kind = platform.KindAuth
	case e.Code == "429" || e.Code == "TOO_MANY_REQUESTS" || status == http.StatusTooManyRequests:
		pe.Kind = platform.KindRateLimit
		pe.RetryAfter = retryAfter(h, nil, campaignsLockout)
	case knownIn(e.Code, campaignsRetryCodes) || status >= 500:
		pe.Kind = platform.KindTransient
	case e.Code == "":
		pe.Kind = platform.StatusKind(status)
		if status == http.StatusOK {
			pe.Kind = platform.KindTransient // an unreadable 200
		}
	default:
		pe.Kind = platform.KindPermanent
	}
	return pe
}

// campaignsError classifies a failed Campaigns response of any status: a
// CRM-style envelope (what Zoho's gateway sends on 401/429/5xx) or the
// Campaigns one.
func campaignsError(op string, resp *http.Response, body []byte) *platform.Error {
	if resp.StatusCode != http.StatusOK {
		if e, ok := parseCRMError(body); ok {
			return e.toError(op, resp.StatusCode, resp.Header)
		}
		if e, ok := parseCampaignsError(body); ok && e.Code != "" {
			pe := e.toError(op, resp.StatusCode, resp.Header)
			if k := platform.StatusKind(resp.StatusCode); k != platform.KindPermanent {
				pe.Kind = k
				if k == platform.KindRateLimit && pe.RetryAfter == 0 {
					pe.RetryAfter = retryAfter(resp.Header, nil, campaignsLockout)
				}
			}
			return pe
		}
		pe := statusError(op, resp, body)
		if pe.Kind == platform.KindRateLimit {
			pe.RetryAfter = retryAfter(resp.Header, nil, campaignsLockout)
		}
		return pe
	}
	e, _ := parseCampaignsError(body)
	return e.toError(op, resp.StatusCode, resp.Header)
}
