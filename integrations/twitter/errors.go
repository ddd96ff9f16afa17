package twitter

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/marketingminds/marketingminds/integrations/platform"
)

// apiProblem is one of X's error shapes, decoded leniently: an RFC 7807-like
// problem ({"title","detail","type","status"}), the 400 invalid-request
// problem with its errors[] of {"parameters","message"}, and the v1.1-style
// {"errors":[{"code","message"}]} the rate-limit docs show. Partial errors in
// a 200 response are problems too.
type apiProblem struct {
	Title  string     `json:"title"`
	Detail string     `json:"detail"`
	Type   string     `json:"type"`
	Status int        `json:"status"`
	Reason string     `json:"reason"` // client-forbidden
	Period string     `json:"period"` // usage-capped
	Scope  string     `json:"scope"`  // usage-capped
	Errors []apiError `json:"errors"`
}

type apiError struct {
	// v1.1 shape.
	Code    json.Number `json:"code"`
	Message string      `json:"message"`
	// Problem shape (partial errors).
	Title        string `json:"title"`
	Detail       string `json:"detail"`
	Type         string `json:"type"`
	ResourceType string `json:"resource_type"`
	ResourceID   string `json:"resource_id"`
}

// problemKind returns the last segment of a problem type URI: both
// https://api.twitter.com/2/problems/usage-capped and
// https://api.x.com/2/problems/usage-capped give "usage-capped"; about:blank
// gives "".
func problemKind(typ string) string {
	const marker = "/2/problems/"
	if i := strings.LastIndex(typ, marker); i >= 0 {
		return typ[i+len(marker):]
	}
	return ""
}

// parseProblem decodes an error body. ok is false when the body is not JSON
// with any of the known fields.
func parseProblem(body []byte) (p apiProblem, ok bool) {
	if err := json.Unmarshal(body, &p); err != nil {
		return apiProblem{}, false
	}
	return p, p.Title != "" || p.Detail != "" || p.Type != "" || len(p.Errors) > 0
}

// message is the platform's own words for the problem.
func (p apiProblem) message() string {
	var msgs []string
	for _, e := range p.Errors {
		switch {
		case e.Message != "":
			msgs = append(msgs, e.Message)
		case e.Detail != "":
			msgs = append(msgs, e.Detail)
		}
	}
	if len(msgs) > 0 && (p.Detail == "" || problemKind(p.Type) == "invalid-request") {
		return strings.Join(msgs, "; ")
	}
	if p.Detail != "" {
		return p.Detail
	}
	if p.Title != "" {
		return p.Title
	}
	return strings.Join(msgs, "; ")
}

// code is the platform's code for the problem: the problem kind, else the
// first v1.1 numeric code, else the first partial error's kind.
func (p apiProblem) code() string {
	if k := problemKind(p.Type); k != "" {
		return k
	}
	for _, e := range p.Errors {
		if e.Code != "" {
			return e.Code.String()
		}
		if k := problemKind(e.Type); k != "" {
			return k
		}
	}
	return ""
}

// v1.1 codes that say more than the status does.
var v1Kinds = map[string]platform.Kind{
	"32":  platform.KindAuth,      // could not authenticate you
	"89":  platform.KindAuth,      // invalid or expired token
	"88":  platform.KindRateLimit, // rate limit exceeded
	"185": platform.KindRateLimit, // over daily status update limit
	"130": platform.KindTransient, // over capacity
	"131": platform.KindTransient, // internal error
	"187": platform.KindPermanent, // duplicate status
}

// mapError classifies a failed response (status >= 400, or a 200 carrying
// only errors[]) into a *platform.Error.
func mapError(op string, status int, header http.Header, body []byte, now time.Time) *platform.Error {
	e := &platform.Error{Platform: platform.Twitter, Op: op, Status: status, Kind: platform.StatusKind(status)}
	p, ok := parseProblem(body)
	if ok {
		e.Code = p.code()
		e.Message = p.message()
		if k, found := v1Kinds[e.Code]; found && status < 500 {
			e.Kind = k
		}
		switch problemKind(p.Type) {
		case "usage-capped":
			e.Kind = platform.KindRateLimit
		case "unsupported-authentication":
			e.Kind = platform.KindAuth
		}
		if status == http.StatusOK {
			e.Kind = platform.KindPermanent // resource-not-found, not-authorized-for-resource, ...
		}
	}
	if e.Message == "" {
		e.Message = http.StatusText(status)
	}
	if e.Message == "" {
		e.Message = "HTTP " + strconv.Itoa(status)
	}
	if status >= 500 {
		e.Kind = platform.KindTransient
	}
	if e.Kind == platform.KindRateLimit {
		e.RetryAfter = retryAfter(header, now)
	}
	return e
}

// retryAfter reads how long to wait from X's headers: the 24-hour user or app
// cap when it is exhausted, else the 15-minute window's x-rate-limit-reset
// (unix seconds), else a standard Retry-After.
func retryAfter(h http.Header, now time.Time) time.Duration {
	reset := func(name string) (time.Duration, bool) {
		v := strings.TrimSpace(h.Get(name))
		if v == "" {
			return 0, false
		}
		sec, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, false
		}
		d := time.Unix(sec, 0).Sub(now)
		if d < time.Second {
			d = time.Second // the window has just reset; try again shortly
		}
		return d, true
	}
	if h.Get("x-user-limit-24hour-remaining") == "0" {
		if d, ok := reset("x-user-limit-24hour-reset"); ok {
			return d
		}
	}
	if h.Get("x-app-limit-24hour-remaining") == "0" {
		if d, ok := reset("x-app-limit-24hour-reset"); ok {
			return d
		}
	}
	if d, ok := reset("x-rate-limit-reset"); ok {
		return d
	}
	if d, ok := reset("x-user-limit-24hour-reset"); ok {
		return d
	}
	if v := h.Get("Retry-After"); v != "" {
		if sec, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && sec >= 0 {
			return time.Duration(sec) * time.Second
		}
	}
	return 0
}

// tokenError is the OAuth 2.0 error body of the token and revoke endpoints.
type tokenError struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

// mapOAuthError classifies a failure of x/oauth2's token calls. An invalid,
// used or revoked code or refresh token (X answers invalid_request, RFC 6749
// says invalid_grant) means the grant is gone: KindAuth, re-authorize.
func mapOAuthError(op string, err error, now time.Time) error {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		var pe *platform.Error
		if errors.As(err, &pe) {
			return err
		}
		return &platform.Error{Platform: platform.Twitter, Op: op, Kind: platform.KindTransient, Message: err.Error(), Err: err}
	}
	status := 0
	header := http.Header{}
	if re.Response != nil {
		status = re.Response.StatusCode
		header = re.Response.Header
	}
	return mapTokenEndpoint(op, status, header, re.Body, re.ErrorCode, re.ErrorDescription, now, err)
}

func mapTokenEndpoint(op string, status int, header http.Header, body []byte, code, desc string, now time.Time, cause error) *platform.Error {
	if code == "" {
		var te tokenError
		if json.Unmarshal(body, &te) == nil {
			code, desc = te.Error, te.ErrorDescription
		}
	}
	if code == "" {
		// Not an OAuth error body: a problem (429, 5xx) or nothing.
		e := mapError(op, status, header, body, now)
		e.Err = cause
		return e
	}
	e := &platform.Error{Platform: platform.Twitter, Op: op, Status: status, Code: code, Message: desc, Err: cause}
	if e.Message == "" {
		e.Message = code
	}
	switch code {
	case "invalid_grant", "invalid_request", "invalid_token", "access_denied":
		e.Kind = platform.KindAuth
	case "temporarily_unavailable", "server_error":
		e.Kind = platform.KindTransient
	default: // invalid_client, unauthorized_client, unsupported_grant_type, invalid_scope
		e.Kind = platform.KindPermanent
	}
	switch {
	case status == http.StatusTooManyRequests:
		e.Kind = platform.KindRateLimit
		e.RetryAfter = retryAfter(header, now)
	case status >= 500:
		e.Kind = platform.KindTransient
	}
	return e
}
