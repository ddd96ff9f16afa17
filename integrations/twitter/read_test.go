package twitter

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/marketingminds/marketingminds/integrations/platform"
)

// TestPostMetricsSpellings decodes metrics in the documented spelling
// (retweet_count, with non-public metrics) and in the v2.167 spec's
// (repost_count, non-public metrics withheld with a partial error).
func TestPostMetricsSpellings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file                                        string
		impressions, likes, comments, shares, saves int64
		clicks                                      *int64
	}{
		{"post_metrics_200.json", 2412, 88, 3, 14, 5, platform.Count(40)},
		{"post_metrics_v2167_200.json", 900, 30, 1, 8, 2, nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			body := readTestdata(t, tt.file)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/api.x.com/2/tweets/1900000000000000007" || r.URL.Query().Get("tweet.fields") != "public_metrics,non_public_metrics,organic_metrics" {
					t.Errorf("request %s", r.URL)
				}
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write(body)
			}))
			defer srv.Close()
			c := NewClient(srv.Client(), platform.Hosts{Sandbox: srv.URL}, Config{}, nil)
			m, err := c.PostMetrics(context.Background(), platform.Target{AccessToken: "t"}, "1900000000000000007")
			if err != nil {
				t.Fatal(err)
			}
			if *m.Impressions != tt.impressions || *m.Likes != tt.likes || *m.Comments != tt.comments || *m.Shares != tt.shares || *m.Saves != tt.saves {
				t.Errorf("metrics %+v", m)
			}
			if (tt.clicks == nil) != (m.Clicks == nil) || (tt.clicks != nil && *m.Clicks != *tt.clicks) {
				t.Errorf("clicks %v, want %v", m.Clicks, tt.clicks)
			}
			if m.Reach != nil || m.Followers != nil {
				t.Errorf("unknown figures given: %+v", m)
			}
		})
	}
}

// TestMalformedAnswers checks that a success status with an unexpected body
// is an error naming X and the operation, never a panic or a fake success.
func TestMalformedAnswers(t *testing.T) {
	t.Parallel()
	for _, body := range []string{``, `{`, `[]`, `{"data":null}`, `{"data":{"text":"no id"}}`, `{"data":{"id":""}}`, `<html>`} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte(body))
		}))
		c := NewClient(srv.Client(), platform.Hosts{Sandbox: srv.URL}, Config{}, nil)
		_, err := c.Publish(context.Background(), platform.Target{ExternalID: "1", AccessToken: "t"}, platform.Post{Text: "hi"})
		srv.Close()
		if err == nil || platform.KindOf(err) != platform.KindTransient {
			t.Errorf("body %q: %v", body, err)
		}
	}
}
