// Package fault says whose fault a failure is and what to do next. It
// classifies the integrations' typed errors (platform.Error, a media
// download's safehttp.FetchError) and our own (anything with a Kind method,
// such as tools/publish's validation errors) into a Failure: a small typed
// value the doors word for a person. The technical detail is not in it: it
// stays in the log, under the Failure's Ref.
package fault

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net"
	"strings"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/safehttp"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// Kind is whose fault a failure is, which decides what to do next.
type Kind string

// The kinds.
const (
	// Validation: our own check of the content refused it (too long, no
	// media on Instagram); fix the post.
	Validation Kind = "validation"
	// Duplicate: the same text went to the same account within a day;
	// post anyway or cancel.
	Duplicate Kind = "duplicate"
	// Media: a media link could not be downloaded; fix the link.
	Media Kind = "media"
	// Refused: the platform said no to this post; change it.
	Refused Kind = "refused"
	// Token: the account's access expired or was revoked; reconnect.
	Token Kind = "token"
	// RateLimit: the platform asks to wait; retry at RetryAt.
	RateLimit Kind = "rate_limit"
	// Temporary: the platform had a passing problem; retry shortly.
	Temporary Kind = "temporary"
	// Forbidden: the person's role does not allow it.
	Forbidden Kind = "forbidden"
	// NotFound: what was named does not exist (any more).
	NotFound Kind = "not_found"
	// Internal: our own failure; the log says more under Ref.
	Internal Kind = "internal"
)

// Failure is a failed action as a person reads it.
type Failure struct {
	Kind Kind `json:"kind"`
	// Platform is set only when the platform itself answered.
	Platform platform.Name `json:"platform,omitempty"`
	// Account is the account's name, set only when the platform answered
	// for that account.
	Account string `json:"account,omitempty"`
	// Message is the cause in words fit for a person: the platform's own
	// message, our validation problems, what the media link did.
	Message string `json:"message,omitempty"`
	// URL is the media link that could not be downloaded (Media).
	URL string `json:"url,omitempty"`
	// RetryAt is when trying again makes sense (RateLimit, Temporary).
	RetryAt *time.Time `json:"retry_at,omitempty"`
	// PostID and AccountID name what an action on the failure acts on
	// (retry, post anyway); never shown, only carried by buttons.
	PostID    string `json:"post_id,omitempty"`
	AccountID string `json:"account_id,omitempty"`
	// Ref names the log entry holding the technical detail.
	Ref string `json:"ref,omitempty"`
	// Convert is a media conversion that mends (part of) a Validation
	// failure (tools/media/check): each door offers it as a Convert action;
	// once done, the post tried again shows the next, if any.
	Convert *Offer `json:"convert,omitempty"`
}

// Offer is one media conversion a failure can be mended by: the media (a
// link or an uploaded media id) and the platform it must fit; Reframe adds
// borders, shown before use.
type Offer struct {
	MediaURL string        `json:"media_url,omitempty"`
	MediaID  string        `json:"media_id,omitempty"`
	Platform platform.Name `json:"platform"`
	Reframe  bool          `json:"reframe,omitempty"`
}

// offering is an error that carries conversions mending it (tools/publish's
// validation error).
type offering interface{ ConvertOffers() []Offer }

// first is the first of offers, nil for none.
func first(offers []Offer) *Offer {
	if len(offers) == 0 {
		return nil
	}
	return &offers[0]
}

// Kinded is an error that knows its kind (tools/publish's validation and
// duplicate errors).
type Kinded interface {
	error
	FaultKind() Kind
}

// Of classifies err at now (for a rate limit's retry time). A nil err is
// no failure: the zero Failure.
func Of(err error, now time.Time) Failure {
	if err == nil {
		return Failure{}
	}
	var k Kinded
	if errors.As(err, &k) {
		f := Failure{Kind: k.FaultKind(), Message: words(err, k)}
		var o offering
		if errors.As(err, &o) {
			f.Convert = first(o.ConvertOffers())
		}
		return f
	}
	var fe *safehttp.FetchError
	if errors.As(err, &fe) {
		return Failure{Kind: Media, URL: fe.URL, Message: fe.Reason()}
	}
	var pe *platform.Error
	if errors.As(err, &pe) {
		f := Failure{Platform: pe.Platform, Message: pe.Message}
		switch pe.Kind {
		case platform.KindAuth:
			f.Kind = Token
		case platform.KindRateLimit:
			f.Kind = RateLimit
			wait := pe.RetryAfter
			if wait <= 0 {
				wait = time.Minute
			}
			at := now.Add(wait)
			f.RetryAt = &at
		case platform.KindPermanent:
			f.Kind = Refused
		default:
			f.Kind, f.Message = Temporary, ""
		}
		return f
	}
	var ne net.Error
	switch {
	case errors.Is(err, identity.ErrForbidden):
		return Failure{Kind: Forbidden}
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne):
		return Failure{Kind: Temporary}
	}
	return Failure{Kind: Internal}
}

// words is what a kinded error says for people: its Words when it has
// them, else what was said after it ("publish: invalid request: X" is X).
func words(err error, k Kinded) string {
	type worded interface{ Words() string }
	var w worded
	if errors.As(err, &w) {
		return w.Words()
	}
	msg, head := err.Error(), k.Error()+": "
	if i := strings.LastIndex(msg, head); i >= 0 && msg != k.Error() {
		return msg[i+len(head):]
	}
	return ""
}

// NewRef is a short random reference naming a log entry.
func NewRef() string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
