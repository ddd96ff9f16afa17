package platform

import (
	"errors"
	"fmt"
	"time"
)

// Kind is what a caller can do about a failed platform call.
type Kind int

const (
	// KindTransient: try again later (5xx, timeout, connection reset).
	KindTransient Kind = iota
	// KindAuth: the access token is expired or revoked; refresh or re-authorize.
	KindAuth
	// KindRateLimit: wait RetryAfter, then try again; not the request's fault.
	KindRateLimit
	// KindPermanent: the platform rejected the request (validation, duplicate,
	// missing permission); retrying the same request fails the same way.
	KindPermanent
)

func (k Kind) String() string {
	switch k {
	case KindAuth:
		return "auth"
	case KindRateLimit:
		return "rate_limit"
	case KindPermanent:
		return "permanent"
	default:
		return "transient"
	}
}

// Sentinels for errors.Is on an *Error.
var (
	ErrTokenExpired = errors.New("access token expired or revoked")
	ErrRateLimited  = errors.New("rate limited")
	ErrPermanent    = errors.New("rejected by the platform")
	ErrTransient    = errors.New("temporary platform failure")
)

// Error is a failed platform call, classified.
type Error struct {
	Platform Name
	Op       string // "create post", "exchange code", ...
	Kind     Kind
	Status   int    // HTTP status, 0 when no response was received
	Code     string // the platform's own error code ("190", "DUPLICATE_POST", "usage-capped")
	Message  string // the platform's own message, fit to show a person
	// RetryAfter is how long to wait before trying again (KindRateLimit), when known.
	RetryAfter time.Duration
	// Err is the underlying cause (a network error), if any.
	Err error
}

func (e *Error) Error() string {
	msg := e.Message
	if msg == "" && e.Err != nil {
		msg = e.Err.Error()
	}
	s := fmt.Sprintf("%s: %s: %s", e.Platform, e.Op, msg)
	if e.Status != 0 {
		s += fmt.Sprintf(" (HTTP %d", e.Status)
		if e.Code != "" {
			s += ", code " + e.Code
		}
		s += ")"
	}
	if e.Kind == KindRateLimit && e.RetryAfter > 0 {
		s += fmt.Sprintf("; retry after %s", e.RetryAfter.Round(time.Second))
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Is matches the sentinel of the error's kind.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrTokenExpired:
		return e.Kind == KindAuth
	case ErrRateLimited:
		return e.Kind == KindRateLimit
	case ErrPermanent:
		return e.Kind == KindPermanent
	case ErrTransient:
		return e.Kind == KindTransient
	}
	return false
}

// KindOf classifies any error: an *Error in the chain gives its kind; anything
// else (a context deadline, a network error) is transient.
func KindOf(err error) Kind {
	var pe *Error
	if errors.As(err, &pe) {
		return pe.Kind
	}
	return KindTransient
}

// RetryAfter returns how long a rate-limited error asks to wait.
func RetryAfter(err error) (time.Duration, bool) {
	var pe *Error
	if errors.As(err, &pe) && pe.Kind == KindRateLimit {
		return pe.RetryAfter, true
	}
	return 0, false
}

// Message returns the platform's own words for err, or err's text.
func Message(err error) string {
	var pe *Error
	if errors.As(err, &pe) && pe.Message != "" {
		return pe.Message
	}
	return err.Error()
}
