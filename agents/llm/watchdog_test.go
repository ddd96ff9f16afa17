package llm_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/agents/llm/llmtest"
)

func TestTimeoutsAndStalls(t *testing.T) {
	t.Parallel()
	short := func(c *llm.Config) {
		c.Timeout = 300 * time.Millisecond
		c.FirstByteTimeout = 100 * time.Millisecond
		c.StallTimeout = 100 * time.Millisecond
	}
	tests := []struct {
		name     string
		stream   bool
		turns    []llmtest.Turn
		wantErr  error
		wantText string // streamed to onDelta
		wantReqs int
	}{
		{
			name:     "a slow answer times out and is not retried",
			turns:    []llmtest.Turn{{Text: "late", Delay: 5 * time.Second}},
			wantErr:  llm.ErrTimeout,
			wantReqs: 1,
		},
		{
			name:     "a stream silent before its first word is retried",
			stream:   true,
			turns:    []llmtest.Turn{{Stall: true}, llmtest.Reply("second try")},
			wantText: "second try",
			wantReqs: 2,
		},
		{
			name:     "a stream that stalls mid-reply ends in plain words, not retried",
			stream:   true,
			turns:    []llmtest.Turn{{Text: "Half a sen", Stall: true}},
			wantErr:  llm.ErrStalled,
			wantText: "Half a sen",
			wantReqs: 1,
		},
		{
			name:     "a stream cut before its finish",
			stream:   true,
			turns:    []llmtest.Turn{{Text: "cut", Cut: true}},
			wantErr:  llm.ErrCutOff,
			wantText: "cut",
			wantReqs: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, short, tt.turns...)
			resp, streamed, err := call(context.Background(), b.model, tt.stream, ask("hi"))
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr == nil && (err != nil || resp.Message.Content != tt.wantText) {
				t.Fatalf("got %q, %v; want %q", resp.Message.Content, err, tt.wantText)
			}
			if tt.wantErr != nil && llm.Plain(err) != tt.wantErr.Error() {
				t.Errorf("Plain = %q, want %q", llm.Plain(err), tt.wantErr.Error())
			}
			if streamed != tt.wantText && !(tt.wantErr == nil && strings.HasSuffix(streamed, tt.wantText)) {
				t.Errorf("streamed %q, want %q", streamed, tt.wantText)
			}
			if n := len(b.srv.Requests()); n != tt.wantReqs {
				t.Errorf("requests = %d, want %d", n, tt.wantReqs)
			}
		})
	}
}

// A model that thinks longer than the stall timeout before its first word
// answers; once it has started, a silence as long as the stall timeout
// still ends the stream, and one that never starts ends after the
// first-byte timeout, not before.
func TestFirstByteTimeoutIsNotTheStall(t *testing.T) {
	t.Parallel()
	const stall, firstByte = 100 * time.Millisecond, 2 * time.Second
	timeouts := func(c *llm.Config) {
		c.StallTimeout, c.FirstByteTimeout, c.Timeout, c.MaxRetries = stall, firstByte, 10*time.Second, -1
	}
	t.Run("thinks before its first word", func(t *testing.T) {
		t.Parallel()
		b := setup(t, timeouts, llmtest.Turn{Text: "Thought it over.", Delay: 4 * stall})
		resp, streamed, err := call(context.Background(), b.model, true, ask("hi"))
		if err != nil || resp.Message.Content != "Thought it over." || streamed != resp.Message.Content {
			t.Fatalf("got %q (streamed %q), %v; want the answer after the delay", resp.Message.Content, streamed, err)
		}
		if n := len(b.srv.Requests()); n != 1 {
			t.Fatalf("requests = %d, want 1", n)
		}
	})
	t.Run("stalls between chunks", func(t *testing.T) {
		t.Parallel()
		b := setup(t, timeouts, llmtest.Turn{Text: "Half a sen", Stall: true})
		start := time.Now()
		_, streamed, err := call(context.Background(), b.model, true, ask("hi"))
		if !errors.Is(err, llm.ErrStalled) || streamed != "Half a sen" {
			t.Fatalf("err = %v, streamed %q; want ErrStalled after the words", err, streamed)
		}
		if el := time.Since(start); el >= firstByte {
			t.Fatalf("the stall ended the stream after %v, want the stall timeout, not the first-byte one", el)
		}
	})
	t.Run("never starts", func(t *testing.T) {
		t.Parallel()
		b := setup(t, func(c *llm.Config) { timeouts(c); c.FirstByteTimeout = 3 * stall }, llmtest.Turn{Stall: true})
		start := time.Now()
		_, _, err := call(context.Background(), b.model, true, ask("hi"))
		if !errors.Is(err, llm.ErrNoStart) || llm.Plain(err) != llm.ErrNoStart.Error() {
			t.Fatalf("err = %v, want ErrNoStart", err)
		}
		if el := time.Since(start); el < 3*stall {
			t.Fatalf("ended after %v: the role chunk must not count as the first word", el)
		}
	})
}

// Chunks that keep coming reset the watchdog: a stream longer than the stall
// timeout in total, but never silent that long, completes.
func TestWatchdogResetsOnEveryChunk(t *testing.T) {
	t.Parallel()
	text := strings.Repeat("steady words ", 12) // 156 bytes: 32 chunks
	b := setup(t, func(c *llm.Config) { c.StallTimeout = 500 * time.Millisecond },
		llmtest.Turn{Text: text, ChunkDelay: 25 * time.Millisecond})
	start := time.Now()
	resp, streamed, err := call(context.Background(), b.model, true, ask("hi"))
	if err != nil {
		t.Fatalf("Stream: %v", err)
	}
	if resp.Message.Content != text || streamed != text {
		t.Errorf("content %q streamed %q", resp.Message.Content, streamed)
	}
	if el := time.Since(start); el < 500*time.Millisecond {
		t.Errorf("the stream took %v, want longer than the stall timeout to prove the reset", el)
	}
}

func TestCallerCancels(t *testing.T) {
	t.Parallel()
	for _, stream := range []bool{false, true} {
		b := setup(t, nil, llmtest.Turn{Text: "never", Stall: true})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			_, _, err := call(ctx, b.model, stream, ask("hi"))
			done <- err
		}()
		deadline := time.Now().Add(5 * time.Second)
		for len(b.srv.Requests()) == 0 && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		cancel()
		err := <-done
		var e *llm.Error
		if !errors.Is(err, context.Canceled) || errors.As(err, &e) {
			t.Errorf("stream=%v: err = %v, want the caller's context.Canceled", stream, err)
		}
		if n := len(b.srv.Requests()); n != 1 {
			t.Errorf("stream=%v: requests = %d, want 1 (no retry after a cancel)", stream, n)
		}
	}
}

func TestNewRejectsBadBaseURL(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"api.openai.com/v1", "ftp://x/v1", "http://"} {
		if _, err := llm.New(llm.Config{BaseURL: u}); err == nil || !strings.Contains(err.Error(), "OPENAI_BASE_URL") {
			t.Errorf("New(%q) err = %v, want an error naming OPENAI_BASE_URL", u, err)
		}
	}
	if m, err := llm.Choose(llm.Config{BaseURL: "localhost:11434"}); err == nil || m != nil {
		t.Errorf("Choose with a bad base URL = %v, %v; want an error", m, err)
	}
	m, err := llm.New(llm.Config{APIKey: "k"})
	if err != nil || m.Name() != llm.DefaultModel {
		t.Errorf("New defaults: %v, name %q", err, m.Name())
	}
}
