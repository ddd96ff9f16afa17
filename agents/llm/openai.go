package llm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"
	openai "github.com/sashabaranov/go-openai"
)

// DefaultModel is used when Config.Model is empty.
const DefaultModel = "gpt-4o-mini"

// DefaultBaseURL is OpenAI's API.
const DefaultBaseURL = "https://api.openai.com/v1"

// Config configures the OpenAI-compatible model. Zero durations and counts
// take the defaults noted.
type Config struct {
	// APIKey is OPENAI_API_KEY; it may be empty for a local server (Ollama).
	APIKey string
	// BaseURL is OPENAI_BASE_URL (OpenAI, Azure's v1 API, Ollama, vLLM,
	// OpenRouter ...); empty: DefaultBaseURL.
	BaseURL string
	// Model is OPENAI_MODEL; empty: DefaultModel.
	Model string
	// HTTPClient sends the requests; nil: a new client. Its transport is
	// wrapped, not changed; without one, a transport that keeps
	// IdleConnsPerHost connections to the endpoint for the next calls.
	HTTPClient *http.Client
	Log        zerolog.Logger
	// Timeout bounds one attempt, a whole stream included (FirstByteTimeout
	// and 2 minutes more).
	Timeout time.Duration
	// FirstByteTimeout is how long a stream may think before its first
	// word (text or a tool call) arrives: reasoning models think long
	// (DefaultFirstByteTimeout; OPENAI_FIRST_BYTE_TIMEOUT).
	FirstByteTimeout time.Duration
	// StallTimeout ends a stream silent this long between two chunks once
	// its first word came (30 s).
	StallTimeout time.Duration
	// MaxRetries is how many times a 429, a 5xx, an unreachable endpoint or
	// a stream that never started is tried again (3; negative: never).
	MaxRetries int
	// BackoffBase and BackoffMax bound the exponential backoff with jitter
	// used when the endpoint gives no Retry-After (1 s and 30 s).
	BackoffBase time.Duration
	BackoffMax  time.Duration
	// MaxRetryAfter is the longest Retry-After that is waited; a longer one
	// ends the call at once with ErrRateLimited (60 s).
	MaxRetryAfter time.Duration
	// Sleep waits between attempts; nil: a timer that honours ctx. Tests
	// record the waits through it.
	Sleep func(ctx context.Context, d time.Duration) error
}

// DefaultFirstByteTimeout is Config.FirstByteTimeout's default: long
// enough for a reasoning model to think before it streams.
const DefaultFirstByteTimeout = 2 * time.Minute

// OpenAI is a Model on any OpenAI-compatible chat completions endpoint.
type OpenAI struct {
	cfg    Config
	client *openai.Client
	now    func() time.Time
}

var _ Model = (*OpenAI)(nil)

// New builds the OpenAI-compatible model.
func New(cfg Config) (*OpenAI, error) {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("llm: OPENAI_BASE_URL %q is not an http(s) URL", cfg.BaseURL)
	}
	if cfg.Model == "" {
		cfg.Model = DefaultModel
	}
	defaults(&cfg)
	hc := &http.Client{}
	if cfg.HTTPClient != nil {
		c := *cfg.HTTPClient
		hc = &c
	}
	base := hc.Transport
	if base == nil {
		base = pooledTransport()
	}
	hc.Transport = captureTransport{base: base}
	oc := openai.DefaultConfig(cfg.APIKey)
	oc.BaseURL = cfg.BaseURL
	oc.HTTPClient = hc
	return &OpenAI{cfg: cfg, client: openai.NewClientWithConfig(oc), now: time.Now}, nil
}

// IdleConnsPerHost is how many idle connections to the endpoint are kept:
// as many as calls are in flight in a burst, so each call after the first
// wave reuses one instead of a new TCP and TLS handshake (Go's default
// keeps 2).
const IdleConnsPerHost = 128

// pooledTransport is Go's default transport with a pool sized for bursts
// of model calls to one endpoint.
func pooledTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 2 * IdleConnsPerHost
	t.MaxIdleConnsPerHost = IdleConnsPerHost
	return t
}

func defaults(cfg *Config) {
	set := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	set(&cfg.FirstByteTimeout, DefaultFirstByteTimeout)
	set(&cfg.Timeout, cfg.FirstByteTimeout+2*time.Minute)
	set(&cfg.StallTimeout, 30*time.Second)
	set(&cfg.BackoffBase, time.Second)
	set(&cfg.BackoffMax, 30*time.Second)
	set(&cfg.MaxRetryAfter, time.Minute)
	switch {
	case cfg.MaxRetries == 0:
		cfg.MaxRetries = 3
	case cfg.MaxRetries < 0:
		cfg.MaxRetries = 0
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleep
	}
}

// Name is the configured model.
func (m *OpenAI) Name() string { return m.cfg.Model }

// Complete answers in one piece.
func (m *OpenAI) Complete(ctx context.Context, req Request) (Response, error) {
	body, err := m.body(req, false)
	if err != nil {
		return Response{}, err
	}
	var out Response
	err = m.retry(ctx, "complete", req.WorkspaceID, func(actx context.Context, _ *bool) error {
		resp, err := m.client.CreateChatCompletion(withBody(actx, body), m.stub(false))
		if err != nil {
			return err
		}
		if len(resp.Choices) == 0 {
			return &Error{Kind: ErrUnavailable, Err: errors.New("the response has no choices")}
		}
		out = Response{
			Message:      fromWire(resp.Choices[0].Message),
			FinishReason: string(resp.Choices[0].FinishReason),
			Usage:        Usage{PromptTokens: resp.Usage.PromptTokens, CompletionTokens: resp.Usage.CompletionTokens},
		}
		return nil
	})
	if err != nil {
		return Response{}, err
	}
	m.logUsage(req.WorkspaceID, "complete", out)
	return out, nil
}

// Stream calls onDelta with text as it arrives and returns the whole answer,
// tool calls merged by index. A stream whose first word has not come after
// FirstByteTimeout ends with ErrNoStart and is tried again; one silent for
// StallTimeout after that ends with ErrStalled, tried again only if
// nothing reached onDelta yet.
func (m *OpenAI) Stream(ctx context.Context, req Request, onDelta func(Delta)) (Response, error) {
	body, err := m.body(req, true)
	if err != nil {
		return Response{}, err
	}
	var out Response
	err = m.retry(ctx, "stream", req.WorkspaceID, func(actx context.Context, emitted *bool) error {
		resp, err := m.streamOnce(withBody(actx, body), m.stub(true), onDelta, emitted)
		if err != nil {
			return err
		}
		out = resp
		return nil
	})
	if err != nil {
		return Response{}, err
	}
	m.logUsage(req.WorkspaceID, "stream", out)
	return out, nil
}

func (m *OpenAI) streamOnce(ctx context.Context, creq openai.ChatCompletionRequest, onDelta func(Delta), emitted *bool) (Response, error) {
	sctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	// Until the first word the watchdog waits FirstByteTimeout from the
	// request, whatever empty chunks come; then StallTimeout per chunk.
	var started atomic.Bool
	watchdog := time.AfterFunc(m.cfg.FirstByteTimeout, func() {
		if started.Load() {
			cancel(ErrStalled)
		} else {
			cancel(ErrNoStart)
		}
	})
	defer watchdog.Stop()
	stalled := func(err error) error {
		for _, kind := range []error{ErrNoStart, ErrStalled} {
			if errors.Is(context.Cause(sctx), kind) {
				return &Error{Kind: kind, Err: err}
			}
		}
		return err
	}
	stream, err := m.client.CreateChatCompletionStream(sctx, creq)
	if err != nil {
		return Response{}, stalled(err)
	}
	defer stream.Close()
	var acc accumulator
	for {
		chunk, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Response{}, stalled(err)
		}
		if acc.add(chunk, func(d Delta) {
			*emitted = true
			if onDelta != nil {
				onDelta(d)
			}
		}) {
			started.Store(true)
		}
		if started.Load() {
			watchdog.Reset(m.cfg.StallTimeout)
		}
	}
	if acc.finish == "" {
		return Response{}, &Error{Kind: ErrCutOff, Err: errors.New("the stream ended without a finish reason")}
	}
	return acc.response(), nil
}

func (m *OpenAI) logUsage(workspace, op string, r Response) {
	m.cfg.Log.Debug().Str("model", m.cfg.Model).Str("workspace_id", workspace).Str("op", op).
		Int("prompt_tokens", r.Usage.PromptTokens).Int("completion_tokens", r.Usage.CompletionTokens).
		Int("tool_calls", len(r.Message.ToolCalls)).Str("finish_reason", r.FinishReason).
		Msg("llm: completion")
}

// stub is what go-openai is handed: it builds the HTTP request from it,
// and the transport sends body instead of its JSON.
func (m *OpenAI) stub(stream bool) openai.ChatCompletionRequest {
	return openai.ChatCompletionRequest{Model: m.cfg.Model, Stream: stream}
}

func fromWire(w openai.ChatCompletionMessage) Message {
	msg := Message{Role: RoleAssistant, Content: w.Content}
	for _, c := range w.ToolCalls {
		msg.ToolCalls = append(msg.ToolCalls, ToolCall{ID: c.ID, Name: c.Function.Name, Arguments: c.Function.Arguments})
	}
	return msg
}
