// Package llmtest is a scripted OpenAI-compatible chat completions server on
// httptest. A test scripts the model turn by turn (a reply, tool calls, an
// HTTP error, a delay, a stalled stream), points a real client at URL, and
// afterwards asserts on every request the server received. Requests are
// checked the way OpenAI checks them: a malformed one gets a 400 with
// OpenAI's error body, so a client bug shows up as it would in production.
//
//	srv := llmtest.New(t,
//		llmtest.Fail(429, "1"), // retried after the Retry-After
//		llmtest.Calls(llmtest.Call("publish_post", `{"text":"Hi","platforms":["twitter"]}`),
//			llmtest.Call("publish_post", `{"text":"Hi","platforms":["linkedin"]}`)),
//		llmtest.Reply("Published to X and LinkedIn."),
//	)
//	model, _ := llm.New(llm.Config{APIKey: "k", BaseURL: srv.URL, HTTPClient: srv.Client(),
//		Sleep: func(context.Context, time.Duration) error { return nil }})
//	… run the conversation …
//	reqs := srv.Requests() // reqs[2].Messages holds both tool results
package llmtest

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// ToolCall is one call a scripted turn makes. An empty ID is filled in as
// "call_<n>", n counting every call the server has made.
type ToolCall struct {
	ID        string
	Name      string
	Arguments string
}

// Usage is the token count a turn reports.
type Usage struct {
	PromptTokens     int
	CompletionTokens int
}

// Turn is one scripted answer.
type Turn struct {
	// Text is the assistant's reply.
	Text string
	// ToolCalls are the calls the assistant asks for, several for parallel
	// calls.
	ToolCalls []ToolCall
	// Status, when not zero, answers with this HTTP status and OpenAI's error
	// body instead of a completion.
	Status int
	// ErrorCode and ErrorMessage fill the error body ("rate_limit_exceeded").
	ErrorCode    string
	ErrorMessage string
	// RetryAfter is sent as the Retry-After header ("2", an HTTP date).
	RetryAfter string
	// Delay is waited before the server answers (headers included).
	Delay time.Duration
	// ChunkDelay is waited between the chunks of a streamed answer.
	ChunkDelay time.Duration
	// Stall makes a streamed answer send its text, then hang before its tool
	// calls and finish until the client goes away; a non-streamed answer
	// hangs without a word.
	Stall bool
	// Cut makes a streamed answer end without its finish chunk and [DONE].
	Cut bool
	// Usage overrides the estimated token counts.
	Usage *Usage
	// FinishReason overrides "stop" / "tool_calls".
	FinishReason string
	// Respond, when set, computes the turn from the request it answers.
	Respond func(Request) Turn
}

// Reply is a turn answering with text.
func Reply(text string) Turn { return Turn{Text: text} }

// Calls is a turn asking for tool calls (several: parallel calls).
func Calls(calls ...ToolCall) Turn { return Turn{ToolCalls: calls} }

// Call is one tool call with its JSON arguments.
func Call(name, arguments string) ToolCall { return ToolCall{Name: name, Arguments: arguments} }

// Fail is a turn answering with an HTTP error; retryAfter may be "".
func Fail(status int, retryAfter string) Turn { return Turn{Status: status, RetryAfter: retryAfter} }

// Server is the scripted endpoint. Its methods are safe for concurrent use.
type Server struct {
	// URL is the base URL a client is configured with (it ends in /v1).
	URL string
	// APIKey, when not empty, is the bearer token every request must carry.
	APIKey string

	srv      *httptest.Server
	t        testing.TB
	mu       sync.Mutex
	turns    []Turn
	requests []Request
	calls    int
	seq      int
	conns    int
	done     chan struct{}
}

// New starts a server answering with turns in order, closed when the test
// ends. A request beyond the script fails the test and gets a 500.
func New(t testing.TB, turns ...Turn) *Server {
	t.Helper()
	s := &Server{t: t, turns: turns, done: make(chan struct{})}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serveHTTP))
	s.srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.mu.Lock()
			s.conns++
			s.mu.Unlock()
		}
	}
	s.srv.Start()
	s.URL = s.srv.URL + "/v1"
	t.Cleanup(s.srv.Close)
	// Cleanups run last-in first-out: stalled and delayed answers give up
	// before Close waits for them.
	t.Cleanup(func() { close(s.done) })
	return s
}

// Script appends turns to the script.
func (s *Server) Script(turns ...Turn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.turns = append(s.turns, turns...)
}

// Requests returns every well-formed request received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// NewConns is how many connections clients have opened to the server.
func (s *Server) NewConns() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}

// Remaining is how many scripted turns have not been used.
func (s *Server) Remaining() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.turns)
}

// Client is the server's HTTP client (plain loopback).
func (s *Server) Client() *http.Client { return s.srv.Client() }

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1/chat/completions" {
		writeError(w, http.StatusNotFound, apiError{
			Message: fmt.Sprintf("Invalid URL (%s %s)", r.Method, r.URL.Path),
			Type:    "invalid_request_error",
		})
		return
	}
	if r.Method != http.MethodPost {
		writeError(w, http.StatusMethodNotAllowed, apiError{
			Message: fmt.Sprintf("Invalid method for URL (%s %s)", r.Method, r.URL.Path),
			Type:    "invalid_request_error",
		})
		return
	}
	if s.APIKey != "" && r.Header.Get("Authorization") != "Bearer "+s.APIKey {
		writeError(w, http.StatusUnauthorized, apiError{
			Message: "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.",
			Type:    "invalid_request_error",
			Code:    "invalid_api_key",
		})
		return
	}
	req, aerr := decodeRequest(r)
	if aerr != nil {
		writeError(w, http.StatusBadRequest, *aerr)
		return
	}
	s.mu.Lock()
	s.requests = append(s.requests, req)
	n := len(s.requests)
	if len(s.turns) == 0 {
		s.mu.Unlock()
		s.t.Errorf("llmtest: request %d has no scripted turn left (last message: %q)", n, lastContent(req))
		writeError(w, http.StatusInternalServerError, apiError{
			Message: fmt.Sprintf("llmtest: no scripted turn left for request %d", n),
			Type:    "server_error",
		})
		return
	}
	turn := s.turns[0]
	s.turns = s.turns[1:]
	s.mu.Unlock()

	if turn.Respond != nil {
		turn = turn.Respond(req)
	}
	if !s.wait(r, turn.Delay) {
		return
	}
	if turn.Status != 0 {
		s.writeStatus(w, turn)
		return
	}
	calls := s.assignIDs(turn.ToolCalls)
	if req.Stream {
		s.stream(w, r, req, turn, calls)
		return
	}
	if turn.Stall {
		s.hang(r)
		return
	}
	writeJSON(w, http.StatusOK, s.completion(req, turn, calls))
}

func (s *Server) writeStatus(w http.ResponseWriter, turn Turn) {
	if turn.RetryAfter != "" {
		w.Header().Set("Retry-After", turn.RetryAfter)
	}
	e := apiError{Message: turn.ErrorMessage, Type: "server_error", Code: turn.ErrorCode}
	switch {
	case turn.Status == http.StatusTooManyRequests:
		e.Type = "requests"
		if e.Code == "" {
			e.Code = "rate_limit_exceeded"
		}
		if e.Message == "" {
			e.Message = "Rate limit reached for requests. Please try again later."
		}
	case turn.Status >= 500:
		if e.Message == "" {
			e.Message = "The server had an error while processing your request. Sorry about that!"
		}
	default:
		e.Type = "invalid_request_error"
		if e.Message == "" {
			e.Message = http.StatusText(turn.Status)
		}
	}
	writeError(w, turn.Status, e)
}

// assignIDs gives every call without an ID the next "call_<n>".
func (s *Server) assignIDs(calls []ToolCall) []ToolCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]ToolCall, len(calls))
	for i, c := range calls {
		s.calls++
		if c.ID == "" {
			c.ID = fmt.Sprintf("call_%d", s.calls)
		}
		out[i] = c
	}
	return out
}

func (s *Server) nextID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	return fmt.Sprintf("chatcmpl-llmtest%d", s.seq)
}

// wait waits d, or until the client goes away or the test ends; false
// means the answer is abandoned.
func (s *Server) wait(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	case <-s.done:
		return false
	}
}

// hang waits until the client goes away or the test ends.
func (s *Server) hang(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-s.done:
	}
}

func lastContent(req Request) string {
	if len(req.Messages) == 0 {
		return ""
	}
	return req.Messages[len(req.Messages)-1].Content
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, e apiError) {
	writeJSON(w, status, map[string]apiError{"error": e})
}
