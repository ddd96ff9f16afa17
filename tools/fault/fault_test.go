package fault_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/safehttp"
	"github.com/marketingminds/marketingminds/tools/fault"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// fetchErr downloads url with a real safehttp client and wraps the failure
// as an adapter does (a platform.Error whose cause is the download).
func fetchErr(t *testing.T, opts safehttp.Options, url string) error {
	t.Helper()
	_, err := safehttp.New(opts).Fetch(context.Background(), url)
	if err == nil {
		t.Fatalf("fetching %s worked", url)
	}
	return &platform.Error{Platform: platform.Twitter, Op: "upload media", Kind: platform.KindPermanent, Message: err.Error(), Err: err}
}

func TestOf(t *testing.T) {
	t.Parallel()
	missing := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(missing.Close)
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	retry := now.Add(15 * time.Minute)
	cases := []struct {
		name string
		err  error
		want fault.Failure
	}{
		{"media answered 404", fetchErr(t, safehttp.Options{AllowPrivate: true}, missing.URL+"/tent.jpg"),
			fault.Failure{Kind: fault.Media, URL: missing.URL + "/tent.jpg", Message: "it answered HTTP 404 Not Found"}},
		{"media at a private address", fetchErr(t, safehttp.Options{}, missing.URL+"/tent.jpg"),
			fault.Failure{Kind: fault.Media, URL: missing.URL + "/tent.jpg", Message: "it is not a public web address"}},
		{"rate limit", fmt.Errorf("publish: %w", &platform.Error{Platform: platform.Twitter, Kind: platform.KindRateLimit, RetryAfter: 15 * time.Minute, Message: "Too Many Requests"}),
			fault.Failure{Kind: fault.RateLimit, Platform: platform.Twitter, Message: "Too Many Requests", RetryAt: &retry}},
		{"expired token", &platform.Error{Platform: platform.LinkedIn, Kind: platform.KindAuth, Message: "Invalid access token"},
			fault.Failure{Kind: fault.Token, Platform: platform.LinkedIn, Message: "Invalid access token"}},
		{"refusal", &platform.Error{Platform: platform.LinkedIn, Kind: platform.KindPermanent, Message: "Content is a duplicate"},
			fault.Failure{Kind: fault.Refused, Platform: platform.LinkedIn, Message: "Content is a duplicate"}},
		{"temporary", &platform.Error{Platform: platform.Facebook, Kind: platform.KindTransient, Message: "(#2) Service temporarily unavailable"},
			fault.Failure{Kind: fault.Temporary, Platform: platform.Facebook}},
		{"our validation", fmt.Errorf("agents: %w", &publish.ValidationError{Problems: []publish.Problem{{Message: "Instagram needs an image or a video"}, {Message: "X allows 280 characters; this has 301"}}}),
			fault.Failure{Kind: fault.Validation, Message: "Instagram needs an image or a video; X allows 280 characters; this has 301"}},
		{"duplicate", &publish.DuplicateError{Problems: []publish.Problem{{Message: "the same text goes to account a1 (post p1)"}}},
			fault.Failure{Kind: fault.Duplicate}},
		{"our check of a time", fmt.Errorf("slack: %w", fmt.Errorf("%w: Thu 2 Jan 2020, 09:00 UTC is in the past", publish.ErrInvalid)),
			fault.Failure{Kind: fault.Validation, Message: "Thu 2 Jan 2020, 09:00 UTC is in the past"}},
		{"deadline", context.DeadlineExceeded, fault.Failure{Kind: fault.Temporary}},
		{"ours", errors.New("sql: database is locked"), fault.Failure{Kind: fault.Internal}},
	}
	for _, tc := range cases {
		got := fault.Of(tc.err, now)
		if fmt.Sprint(got) != fmt.Sprint(tc.want) || (got.RetryAt == nil) != (tc.want.RetryAt == nil) || (got.RetryAt != nil && !got.RetryAt.Equal(*tc.want.RetryAt)) {
			t.Errorf("%s: Of(%v) = %+v, want %+v", tc.name, tc.err, got, tc.want)
		}
	}
	if got := fault.Of(nil, now); got != (fault.Failure{}) {
		t.Errorf("Of(nil) = %+v", got)
	}
}
