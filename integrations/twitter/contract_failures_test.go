package twitter_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
)

func TestContractPublishFailures(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		fault *sandbox.Fault
		post  platform.Post
		prep  func(e *env, target platform.Target)
		kind  platform.Kind
		check func(t *testing.T, e *env, target platform.Target, pe *platform.Error)
	}{
		{name: "duplicate content", post: platform.Post{Text: "same words"},
			prep: func(e *env, target platform.Target) {
				_, _ = e.client.Publish(ctx, target, platform.Post{Text: "same words"})
			},
			kind: platform.KindPermanent,
			check: func(t *testing.T, _ *env, _ platform.Target, pe *platform.Error) {
				if pe.Status != 403 || pe.Message != "You are not allowed to create a Tweet with duplicate content." {
					t.Fatalf("duplicate: %v", pe)
				}
			}},
		{name: "too long", post: platform.Post{Text: strings.Repeat("é", 281)}, kind: platform.KindPermanent,
			check: func(t *testing.T, _ *env, _ platform.Target, pe *platform.Error) {
				if pe.Status != 400 || pe.Code != "invalid-request" || !strings.Contains(pe.Message, "too long") {
					t.Fatalf("too long: %v", pe)
				}
			}},
		{name: "rate limited", fault: &sandbox.Fault{Platform: "twitter", Method: "POST", Path: "/2/tweets", Kind: sandbox.FaultRateLimit, RetryAfter: 90 * time.Second, Times: 1},
			post: platform.Post{Text: "hello"}, kind: platform.KindRateLimit,
			check: func(t *testing.T, _ *env, _ platform.Target, pe *platform.Error) {
				if pe.RetryAfter != 90*time.Second || !errors.Is(pe, platform.ErrRateLimited) {
					t.Fatalf("rate limit: %v", pe)
				}
			}},
		{name: "server error", fault: &sandbox.Fault{Platform: "twitter", Path: "/2/tweets", Kind: sandbox.FaultServerError},
			post: platform.Post{Text: "hello"}, kind: platform.KindTransient},
		{name: "token expired", fault: &sandbox.Fault{Platform: "twitter", Path: "/2/tweets", Kind: sandbox.FaultTokenExpired},
			post: platform.Post{Text: "hello"}, kind: platform.KindAuth},
		{name: "media upload rate limited", fault: &sandbox.Fault{Platform: "twitter", Path: "/2/media/upload", Kind: sandbox.FaultRateLimit},
			post: platform.Post{Text: "pic", ImageURLs: []string{"/photo.png"}}, kind: platform.KindRateLimit},
		{name: "accepted then failed", fault: &sandbox.Fault{Platform: "twitter", Method: "POST", Path: "/2/tweets", Kind: sandbox.FaultServerError, Mode: sandbox.ModeAcceptThenFail},
			post: platform.Post{Text: "did it land?"}, kind: platform.KindTransient,
			check: func(t *testing.T, e *env, target platform.Target, _ *platform.Error) {
				e.sb.ClearFaults()
				recent, err := e.client.RecentPosts(ctx, target, e.clock.Now().Add(-time.Hour))
				if err != nil || len(recent) != 1 || recent[0].Text != "did it land?" {
					t.Fatalf("reconcile: %+v %v", recent, err)
				}
			}},
		{name: "accepted then dropped", fault: &sandbox.Fault{Platform: "twitter", Method: "POST", Path: "/2/tweets", Mode: sandbox.ModeAcceptThenDrop},
			post: platform.Post{Text: "did it land?"}, kind: platform.KindTransient},
		{name: "images and video", post: platform.Post{Text: "both", ImageURLs: []string{"/photo.png"}, VideoURL: "/clip.mp4"}, kind: platform.KindPermanent},
		{name: "media that is not an image", post: platform.Post{Text: "x", ImageURLs: []string{"/clip.mp4"}}, kind: platform.KindPermanent},
		{name: "nothing to post", post: platform.Post{}, kind: platform.KindPermanent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := setup(t)
			_, target := e.connect(t)
			for i, u := range tt.post.ImageURLs {
				tt.post.ImageURLs[i] = e.media.URL + u
			}
			if tt.post.VideoURL != "" {
				tt.post.VideoURL = e.media.URL + tt.post.VideoURL
			}
			if tt.prep != nil {
				tt.prep(e, target)
			}
			if tt.fault != nil {
				e.sb.InjectFault(*tt.fault)
			}
			_, err := e.client.Publish(ctx, target, tt.post)
			pe := wantKind(t, err, tt.kind)
			if tt.check != nil {
				tt.check(t, e, target, pe)
			}
		})
	}
}
