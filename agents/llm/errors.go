package llm

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// The kinds of failure, in the plain words a person is shown. Check them
// with errors.Is on any error a Model returns.
var (
	ErrRateLimited = errors.New("the language model is rate-limiting us; try again in a minute")
	ErrQuota       = errors.New("the language model account has run out of credit; check the plan and billing behind OPENAI_API_KEY")
	ErrUnavailable = errors.New("the language model is unavailable right now; try again in a few minutes")
	ErrUnreachable = errors.New("the language model could not be reached; check OPENAI_BASE_URL and the network")
	ErrTimeout     = errors.New("the language model took too long to answer; try again")
	ErrNoStart     = errors.New("the language model did not start answering in time; try again")
	ErrStalled     = errors.New("the language model stopped answering mid-reply; try again")
	ErrCutOff      = errors.New("the language model's reply was cut off; try again")
	ErrAuth        = errors.New("the language model rejected our credentials; check OPENAI_API_KEY")
	ErrModel       = errors.New("the language model endpoint does not know this model; check OPENAI_MODEL")
	ErrTooLong     = errors.New("the conversation is too long for the language model; start a new thread")
	ErrRejected    = errors.New("the language model rejected the request")
)

// Error is a failed model call: its kind (one of the Err* sentinels), the
// HTTP status and the provider's own message when there was a response.
type Error struct {
	Kind       error
	Status     int
	RetryAfter time.Duration
	// Detail is the provider's message ("Rate limit reached for ...").
	Detail string
	// Err is the underlying cause.
	Err error
}

func (e *Error) Error() string {
	s := "llm: " + e.Kind.Error()
	switch {
	case e.Status != 0 && e.Detail != "":
		s += fmt.Sprintf(" (HTTP %d: %s)", e.Status, e.Detail)
	case e.Status != 0:
		s += fmt.Sprintf(" (HTTP %d)", e.Status)
	case e.Err != nil:
		s += " (" + e.Err.Error() + ")"
	}
	return s
}

// Unwrap gives both the kind and the cause to errors.Is and errors.As.
func (e *Error) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

// retryable says whether trying again may help.
func (e *Error) retryable() bool {
	switch e.Kind {
	case ErrRateLimited, ErrUnavailable, ErrUnreachable, ErrNoStart, ErrStalled:
		return true
	}
	return false
}

// Plain says what went wrong in words fit to show the person who asked.
func Plain(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		if e.Kind == ErrRejected && e.Detail != "" {
			return e.Kind.Error() + ": " + e.Detail
		}
		return e.Kind.Error()
	case errors.Is(err, context.Canceled):
		return "the request to the language model was cancelled"
	case errors.Is(err, context.DeadlineExceeded):
		return ErrTimeout.Error()
	}
	return "something went wrong talking to the language model; try again"
}
