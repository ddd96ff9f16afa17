package llm

import (
	"testing"
	"time"
)

func TestRetryAfterHeaders(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		slot headerSlot
		want time.Duration
	}{
		{"seconds", headerSlot{retryAfter: "7"}, 7 * time.Second},
		{"fractional seconds", headerSlot{retryAfter: "1.5"}, 1500 * time.Millisecond},
		{"OpenAI's milliseconds win", headerSlot{retryAfterMS: "250", retryAfter: "1"}, 250 * time.Millisecond},
		{"HTTP date", headerSlot{retryAfter: "Tue, 01 Dec 2026 09:00:30 GMT"}, 30 * time.Second},
		{"date in the past", headerSlot{retryAfter: "Tue, 01 Dec 2026 08:00:00 GMT"}, 0},
		{"absent", headerSlot{}, 0},
		{"garbage", headerSlot{retryAfter: "soon"}, 0},
		{"negative", headerSlot{retryAfter: "-3"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.slot.wait(now); got != tt.want {
				t.Errorf("wait = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestBackoffGrowsWithJitterAndCaps(t *testing.T) {
	t.Parallel()
	m := &OpenAI{cfg: Config{BackoffBase: time.Second, BackoffMax: 8 * time.Second}}
	for n, hi := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second, 8 * time.Second} {
		for range 50 {
			if d := m.backoff(n); d < hi/2 || d > hi {
				t.Fatalf("backoff(%d) = %v, want within [%v, %v]", n, d, hi/2, hi)
			}
		}
	}
}
