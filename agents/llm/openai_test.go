package llm_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/agents/llm/llmtest"
)

// waits records the pauses between retries instead of sleeping.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) sleep(_ context.Context, d time.Duration) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.d = append(w.d, d)
	return nil
}

func (w *waits) all() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.d...)
}

type bundle struct {
	srv   *llmtest.Server
	model *llm.OpenAI
	waits *waits
}

func setup(t *testing.T, mod func(*llm.Config), turns ...llmtest.Turn) bundle {
	t.Helper()
	srv := llmtest.New(t, turns...)
	srv.APIKey = "sk-test"
	w := &waits{}
	cfg := llm.Config{
		APIKey: "sk-test", BaseURL: srv.URL, Model: "gpt-test", HTTPClient: srv.Client(),
		Log: zerolog.Nop(), BackoffBase: 100 * time.Millisecond, BackoffMax: time.Second,
		Sleep: w.sleep,
	}
	if mod != nil {
		mod(&cfg)
	}
	m, err := llm.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return bundle{srv: srv, model: m, waits: w}
}

var publishTool = llm.ToolDef{
	Name: "publish_post", Description: "Publish a post now.",
	Parameters: json.RawMessage(`{"type":"object","properties":{"text":{"type":"string"}},"required":["text"]}`),
}

func ask(text string) llm.Request {
	return llm.Request{
		WorkspaceID: "T1",
		Messages: []llm.Message{
			{Role: llm.RoleSystem, Content: "You are Marketing Minds."},
			{Role: llm.RoleUser, Content: text},
		},
		Tools: llm.NewTools([]llm.ToolDef{publishTool}),
	}
}

// call runs the request through Complete or Stream and returns the text
// streamed to onDelta too.
func call(ctx context.Context, m llm.Model, stream bool, req llm.Request) (llm.Response, string, error) {
	if !stream {
		resp, err := m.Complete(ctx, req)
		return resp, "", err
	}
	var b strings.Builder
	resp, err := m.Stream(ctx, req, func(d llm.Delta) { b.WriteString(d.Text) })
	return resp, b.String(), err
}

func TestReplyAndToolCalls(t *testing.T) {
	t.Parallel()
	for _, stream := range []bool{false, true} {
		name := map[bool]string{false: "complete", true: "stream"}[stream]
		t.Run(name+"/text", func(t *testing.T) {
			t.Parallel()
			text := "Here is a draft for your launch: big news is coming on Monday, stay tuned!"
			turn := llmtest.Reply(text)
			turn.Usage = &llmtest.Usage{PromptTokens: 120, CompletionTokens: 17}
			b := setup(t, nil, turn)
			resp, streamed, err := call(context.Background(), b.model, stream, ask("draft a launch post"))
			if err != nil {
				t.Fatalf("call: %v", err)
			}
			if resp.Message.Content != text || resp.Message.Role != llm.RoleAssistant || len(resp.Message.ToolCalls) != 0 {
				t.Errorf("message = %+v, want the text %q", resp.Message, text)
			}
			if stream && streamed != text {
				t.Errorf("deltas = %q, want %q", streamed, text)
			}
			if resp.Usage != (llm.Usage{PromptTokens: 120, CompletionTokens: 17}) || resp.FinishReason != "stop" {
				t.Errorf("usage %+v finish %q, want 120/17 stop", resp.Usage, resp.FinishReason)
			}
			reqs := b.srv.Requests()
			if len(reqs) != 1 {
				t.Fatalf("requests = %d, want 1", len(reqs))
			}
			r := reqs[0]
			if r.Model != "gpt-test" || r.Stream != stream || r.IncludeUsage != stream {
				t.Errorf("request model %q stream %v usage %v", r.Model, r.Stream, r.IncludeUsage)
			}
			if got := r.Header.Get("Authorization"); got != "Bearer sk-test" {
				t.Errorf("Authorization = %q", got)
			}
			if len(r.Messages) != 2 || r.Messages[1].Content != "draft a launch post" || r.Messages[0].Role != "system" {
				t.Errorf("messages = %+v", r.Messages)
			}
			if names := r.ToolNames(); len(names) != 1 || names[0] != "publish_post" || !strings.Contains(string(r.Tools[0].Parameters), `"required":["text"]`) {
				t.Errorf("tools = %+v", r.Tools)
			}
		})
		t.Run(name+"/parallel tool calls", func(t *testing.T) {
			t.Parallel()
			b := setup(t, nil, llmtest.Calls(
				llmtest.ToolCall{ID: "call_x", Name: "publish_post", Arguments: `{"text":"Hello from the launch team","platforms":["twitter"]}`},
				llmtest.ToolCall{ID: "call_li", Name: "publish_post", Arguments: `{"text":"Hello from the launch team","platforms":["linkedin"]}`},
			))
			resp, streamed, err := call(context.Background(), b.model, stream, ask("post hello to x and linkedin"))
			if err != nil {
				t.Fatalf("call: %v", err)
			}
			want := []llm.ToolCall{
				{ID: "call_x", Name: "publish_post", Arguments: `{"text":"Hello from the launch team","platforms":["twitter"]}`},
				{ID: "call_li", Name: "publish_post", Arguments: `{"text":"Hello from the launch team","platforms":["linkedin"]}`},
			}
			if len(resp.Message.ToolCalls) != 2 || resp.Message.ToolCalls[0] != want[0] || resp.Message.ToolCalls[1] != want[1] {
				t.Errorf("tool calls = %+v, want %+v", resp.Message.ToolCalls, want)
			}
			if resp.FinishReason != "tool_calls" || streamed != "" {
				t.Errorf("finish %q streamed %q", resp.FinishReason, streamed)
			}
			if resp.Usage.PromptTokens == 0 || resp.Usage.CompletionTokens == 0 {
				t.Errorf("usage = %+v, want the server's counts", resp.Usage)
			}
		})
	}
}

func TestConversationWithToolResults(t *testing.T) {
	t.Parallel()
	b := setup(t, nil, llmtest.Reply("Published to X."))
	req := ask("post hello to x")
	req.Messages = append(req.Messages,
		llm.Message{Role: llm.RoleAssistant, ToolCalls: []llm.ToolCall{{ID: "call_1", Name: "publish_post", Arguments: `{"text":"hello"}`}}},
		llm.Message{Role: llm.RoleTool, ToolCallID: "call_1", Name: "publish_post", Content: `{"posts":[{"platform":"twitter"}]}`},
	)
	resp, err := b.model.Complete(context.Background(), req)
	if err != nil {
		t.Fatalf("Complete: %v", err)
	}
	if resp.Message.Content != "Published to X." {
		t.Errorf("content = %q", resp.Message.Content)
	}
	got := b.srv.Requests()[0].Messages
	if len(got) != 4 || got[2].ToolCalls[0].ID != "call_1" || got[3].ToolCallID != "call_1" || got[3].Role != "tool" {
		t.Errorf("messages sent = %+v", got)
	}
}

// Empty tool results and empty assistant replies still make a request
// OpenAI accepts (go-openai drops empty content).
func TestEmptyContentStillValid(t *testing.T) {
	t.Parallel()
	b := setup(t, nil, llmtest.Reply("fine"))
	req := ask("hi")
	req.Messages = append(req.Messages,
		llm.Message{Role: llm.RoleAssistant, ToolCalls: []llm.ToolCall{{ID: "c1", Name: "publish_post", Arguments: `{}`}}},
		llm.Message{Role: llm.RoleTool, ToolCallID: "c1"},
		llm.Message{Role: llm.RoleAssistant},
		llm.Message{Role: llm.RoleUser, Content: "and?"},
	)
	if _, err := b.model.Complete(context.Background(), req); err != nil {
		t.Fatalf("Complete: %v", err)
	}
	got := b.srv.Requests()[0].Messages
	if got[3].Content != "(empty)" || got[4].Content != "(empty)" {
		t.Errorf("messages = %+v", got)
	}
}

func TestRetries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		turns     []llmtest.Turn
		wantWaits func(t *testing.T, w []time.Duration)
		wantReqs  int
		wantErr   error
		wantPlain string
	}{
		{
			name:     "429 honours Retry-After",
			turns:    []llmtest.Turn{llmtest.Fail(429, "7"), llmtest.Reply("ok")},
			wantReqs: 2,
			wantWaits: func(t *testing.T, w []time.Duration) {
				if len(w) != 1 || w[0] != 7*time.Second {
					t.Errorf("waits = %v, want [7s]", w)
				}
			},
		},
		{
			name:     "500 twice then success with growing backoff",
			turns:    []llmtest.Turn{llmtest.Fail(500, ""), llmtest.Fail(503, ""), llmtest.Reply("ok")},
			wantReqs: 3,
			wantWaits: func(t *testing.T, w []time.Duration) {
				if len(w) != 2 {
					t.Fatalf("waits = %v, want 2", w)
				}
				if w[0] < 50*time.Millisecond || w[0] > 100*time.Millisecond || w[1] < 100*time.Millisecond || w[1] > 200*time.Millisecond {
					t.Errorf("waits = %v, want [50ms..100ms] then [100ms..200ms]", w)
				}
			},
		},
		{
			name:      "429 every time gives up in plain words",
			turns:     []llmtest.Turn{llmtest.Fail(429, ""), llmtest.Fail(429, ""), llmtest.Fail(429, ""), llmtest.Fail(429, "")},
			wantReqs:  4,
			wantErr:   llm.ErrRateLimited,
			wantPlain: "the language model is rate-limiting us; try again in a minute",
			wantWaits: func(t *testing.T, w []time.Duration) {
				if len(w) != 3 {
					t.Errorf("waits = %v, want 3", w)
				}
			},
		},
		{
			name:     "Retry-After beyond the limit is not waited",
			turns:    []llmtest.Turn{llmtest.Fail(429, "120")},
			wantReqs: 1,
			wantErr:  llm.ErrRateLimited,
		},
		{
			name:      "500 every time",
			turns:     []llmtest.Turn{llmtest.Fail(500, ""), llmtest.Fail(502, ""), llmtest.Fail(500, ""), llmtest.Fail(500, "")},
			wantReqs:  4,
			wantErr:   llm.ErrUnavailable,
			wantPlain: "the language model is unavailable right now; try again in a few minutes",
		},
		{
			name:      "401 is not retried",
			turns:     []llmtest.Turn{llmtest.Fail(401, "")},
			wantReqs:  1,
			wantErr:   llm.ErrAuth,
			wantPlain: "the language model rejected our credentials; check OPENAI_API_KEY",
		},
		{
			name:     "quota exhausted is not retried",
			turns:    []llmtest.Turn{{Status: 429, ErrorCode: "insufficient_quota", ErrorMessage: "You exceeded your current quota"}},
			wantReqs: 1,
			wantErr:  llm.ErrQuota,
		},
		{
			name:     "context too long",
			turns:    []llmtest.Turn{{Status: 400, ErrorCode: "context_length_exceeded", ErrorMessage: "This model's maximum context length is 128000 tokens."}},
			wantReqs: 1,
			wantErr:  llm.ErrTooLong,
		},
		{
			name:      "other 400 keeps the provider's words",
			turns:     []llmtest.Turn{{Status: 400, ErrorMessage: "Invalid 'tools[0].function.name'"}},
			wantReqs:  1,
			wantErr:   llm.ErrRejected,
			wantPlain: "the language model rejected the request: Invalid 'tools[0].function.name'",
		},
		{
			name:     "unknown model",
			turns:    []llmtest.Turn{{Status: 404, ErrorMessage: "The model `gpt-test` does not exist"}},
			wantReqs: 1,
			wantErr:  llm.ErrModel,
		},
	}
	for _, tt := range tests {
		for _, stream := range []bool{false, true} {
			t.Run(tt.name+map[bool]string{false: "/complete", true: "/stream"}[stream], func(t *testing.T) {
				t.Parallel()
				b := setup(t, nil, tt.turns...)
				resp, _, err := call(context.Background(), b.model, stream, ask("hi"))
				if tt.wantErr == nil {
					if err != nil || resp.Message.Content != "ok" {
						t.Fatalf("got %+v, %v; want the reply after retries", resp.Message, err)
					}
				} else if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				if tt.wantPlain != "" && llm.Plain(err) != tt.wantPlain {
					t.Errorf("Plain = %q, want %q", llm.Plain(err), tt.wantPlain)
				}
				if n := len(b.srv.Requests()); n != tt.wantReqs {
					t.Errorf("requests = %d, want %d", n, tt.wantReqs)
				}
				if tt.wantWaits != nil {
					tt.wantWaits(t, b.waits.all())
				}
			})
		}
	}
}

func TestRateLimitErrorCarriesRetryAfter(t *testing.T) {
	t.Parallel()
	b := setup(t, nil, llmtest.Fail(http.StatusTooManyRequests, "120"))
	_, err := b.model.Complete(context.Background(), ask("hi"))
	var e *llm.Error
	if !errors.As(err, &e) || e.RetryAfter != 120*time.Second || e.Status != 429 {
		t.Fatalf("err = %#v, want an *llm.Error with RetryAfter 2m0s and status 429", err)
	}
	if !strings.Contains(e.Detail, "Rate limit reached") {
		t.Errorf("detail = %q, want the provider's message", e.Detail)
	}
}
