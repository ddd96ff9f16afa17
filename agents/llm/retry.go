package llm

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// retry runs attempt until it succeeds, fails for good or runs out of
// retries. Each attempt has its own timeout; emitted is set by an attempt
// that handed text to the caller, which cannot be taken back, so such an
// attempt is never repeated.
func (m *OpenAI) retry(ctx context.Context, op, workspace string, attempt func(ctx context.Context, emitted *bool) error) error {
	for n := 0; ; n++ {
		slot := &headerSlot{}
		actx, cancel := context.WithTimeout(context.WithValue(ctx, slotKey{}, slot), m.cfg.Timeout)
		var emitted bool
		err := attempt(actx, &emitted)
		err = m.classify(ctx, actx, err, slot)
		cancel()
		if err == nil {
			return nil
		}
		var e *Error
		if !errors.As(err, &e) || !e.retryable() || emitted || n >= m.cfg.MaxRetries {
			return err
		}
		wait := e.RetryAfter
		switch {
		case wait > m.cfg.MaxRetryAfter:
			return err
		case wait <= 0:
			wait = m.backoff(n)
		}
		m.cfg.Log.Warn().Str("model", m.cfg.Model).Str("workspace_id", workspace).Str("op", op).
			Int("attempt", n+1).Int("status", e.Status).Dur("wait", wait).Str("kind", e.Kind.Error()).
			Msg("llm: retrying")
		if err := m.cfg.Sleep(ctx, wait); err != nil {
			return fmt.Errorf("llm: %s: %w", op, err)
		}
	}
}

// backoff is the wait before retry n+1: BackoffBase doubled n times, capped
// at BackoffMax, with its upper half jittered.
func (m *OpenAI) backoff(n int) time.Duration {
	d := m.cfg.BackoffBase
	for i := 0; i < n && d < m.cfg.BackoffMax; i++ {
		d *= 2
	}
	d = min(d, m.cfg.BackoffMax)
	half := d / 2
	return half + rand.N(half+1)
}

// classify turns what an attempt returned into an *Error, or into the
// caller's own context error when the caller gave up.
func (m *OpenAI) classify(parent, actx context.Context, err error, slot *headerSlot) error {
	if err == nil {
		return nil
	}
	if perr := parent.Err(); perr != nil {
		return fmt.Errorf("llm: %w", perr)
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	if errors.Is(actx.Err(), context.DeadlineExceeded) {
		return &Error{Kind: ErrTimeout, Err: err}
	}
	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	switch {
	case errors.As(err, &apiErr) && apiErr.HTTPStatusCode != 0:
		return m.byStatus(apiErr.HTTPStatusCode, code(apiErr.Code), apiErr.Message, slot, err)
	case errors.As(err, &reqErr) && reqErr.HTTPStatusCode != 0:
		return m.byStatus(reqErr.HTTPStatusCode, "", snippet(reqErr.Body), slot, err)
	case errors.As(err, &apiErr):
		// An error event inside a stream.
		return &Error{Kind: ErrUnavailable, Detail: apiErr.Message, Err: err}
	case errors.Is(err, openai.ErrChatCompletionInvalidModel):
		return &Error{Kind: ErrModel, Err: err}
	}
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		return &Error{Kind: ErrUnreachable, Err: err}
	}
	return &Error{Kind: ErrUnavailable, Err: err}
}

func (m *OpenAI) byStatus(status int, code, detail string, slot *headerSlot, err error) *Error {
	e := &Error{Status: status, Detail: detail, Err: err}
	switch {
	case status == http.StatusTooManyRequests && code == "insufficient_quota":
		e.Kind = ErrQuota
	case status == http.StatusTooManyRequests:
		e.Kind = ErrRateLimited
		e.RetryAfter = slot.wait(m.now())
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		e.Kind = ErrAuth
	case status == http.StatusNotFound:
		e.Kind = ErrModel
	case status == http.StatusRequestTimeout || status >= 500:
		e.Kind = ErrUnavailable
		e.RetryAfter = slot.wait(m.now())
	case code == "context_length_exceeded":
		e.Kind = ErrTooLong
	default:
		e.Kind = ErrRejected
	}
	return e
}

func code(c any) string {
	if c == nil {
		return ""
	}
	return fmt.Sprint(c)
}

func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// go-openai does not expose the headers of a failed response, so the
// transport copies the retry headers into a slot the attempt put in the
// request's context. It also sends the body the model encoded (see body)
// in place of go-openai's.
type slotKey struct{}

type headerSlot struct {
	retryAfterMS string
	retryAfter   string
}

type captureTransport struct{ base http.RoundTripper }

func (t captureTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(swapBody(r))
	if resp != nil {
		if slot, ok := r.Context().Value(slotKey{}).(*headerSlot); ok {
			slot.retryAfterMS = resp.Header.Get("Retry-After-Ms")
			slot.retryAfter = resp.Header.Get("Retry-After")
		}
	}
	return resp, err
}

// wait reads retry-after-ms (OpenAI's) or Retry-After in seconds or
// as an HTTP date; 0 when absent or unreadable.
func (s *headerSlot) wait(now time.Time) time.Duration {
	if ms, err := strconv.ParseFloat(s.retryAfterMS, 64); err == nil && ms > 0 {
		return time.Duration(ms * float64(time.Millisecond))
	}
	v := strings.TrimSpace(s.retryAfter)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		return time.Duration(secs * float64(time.Second))
	}
	if at, err := http.ParseTime(v); err == nil && at.After(now) {
		return at.Sub(now)
	}
	return 0
}
