package platform

import (
	"fmt"
	"io"
	"net/http"
)

// MaxResponseBytes bounds how much of a platform response is read.
const MaxResponseBytes = 8 << 20

// Do sends req and reads the whole response body (at most MaxResponseBytes).
// Failing to get or read a response is a transient *Error naming the platform
// and the operation; interpreting the status is the caller's job.
func Do(c *http.Client, req *http.Request, name Name, op string) (*http.Response, []byte, error) {
	resp, err := c.Do(req)
	if err != nil {
		if ctxErr := req.Context().Err(); ctxErr != nil {
			return nil, nil, fmt.Errorf("%s: %s: %w", name, op, ctxErr)
		}
		return nil, nil, &Error{Platform: name, Op: op, Kind: KindTransient, Message: "no response: " + err.Error(), Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponseBytes))
	if err != nil {
		return resp, nil, &Error{Platform: name, Op: op, Kind: KindTransient, Status: resp.StatusCode, Message: "truncated response: " + err.Error(), Err: err}
	}
	return resp, body, nil
}

// StatusKind is the default classification of an HTTP error status, for
// platforms whose body says nothing more specific.
func StatusKind(status int) Kind {
	switch {
	case status == http.StatusUnauthorized:
		return KindAuth
	case status == http.StatusTooManyRequests:
		return KindRateLimit
	case status >= 500 || status == http.StatusRequestTimeout:
		return KindTransient
	default:
		return KindPermanent
	}
}

// Malformed is the error for a response that does not have the documented shape.
func Malformed(name Name, op string, status int, err error) *Error {
	return &Error{Platform: name, Op: op, Kind: KindTransient, Status: status, Message: "unexpected response: " + err.Error(), Err: err}
}
