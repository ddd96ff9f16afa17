package llmtest_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/agents/llm/llmtest"
)

func post(t *testing.T, s *llmtest.Server, path, body string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer sk-test")
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		b.WriteString(sc.Text() + "\n")
	}
	return resp.StatusCode, resp.Header, b.String()
}

func TestRejectsWhatOpenAIRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, path, body string
		status           int
		wantMsg          string
	}{
		{"not JSON", "/chat/completions", `{"model":`, 400, "could not parse the JSON body"},
		{"no model", "/chat/completions", `{"messages":[{"role":"user","content":"hi"}]}`, 400, "you must provide a model parameter"},
		{"no messages", "/chat/completions", `{"model":"m"}`, 400, "Missing required parameter: 'messages'."},
		{"empty messages", "/chat/completions", `{"model":"m","messages":[]}`, 400, "empty array"},
		{"bad role", "/chat/completions", `{"model":"m","messages":[{"role":"robot","content":"hi"}]}`, 400, "Invalid value: 'robot'"},
		{"user without content", "/chat/completions", `{"model":"m","messages":[{"role":"user"}]}`, 400, "messages[0].content"},
		{"tool without a call", "/chat/completions", `{"model":"m","messages":[{"role":"user","content":"hi"},{"role":"tool","tool_call_id":"c1","content":"{}"}]}`, 400, "must be a response to a preceeding message with 'tool_calls'"},
		{"call without an answer", "/chat/completions", `{"model":"m","messages":[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"user","content":"and?"}]}`, 400, "did not have response messages: c1"},
		{"bad tool name", "/chat/completions", `{"model":"m","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"publish post"}}]}`, 400, "does not match pattern"},
		{"tool schema not an object", "/chat/completions", `{"model":"m","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"string"}}}]}`, 400, "Invalid schema for function 'f'"},
		{"stream_options without stream", "/chat/completions", `{"model":"m","messages":[{"role":"user","content":"hi"}],"stream_options":{"include_usage":true}}`, 400, "only allowed when 'stream' is enabled"},
		{"wrong path", "/completions", `{}`, 404, "Invalid URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := llmtest.New(t)
			status, _, body := post(t, s, tt.path, tt.body)
			var e struct {
				Error struct {
					Message string `json:"message"`
					Type    string `json:"type"`
				} `json:"error"`
			}
			if err := json.Unmarshal([]byte(body), &e); err != nil {
				t.Fatalf("body %q is not OpenAI's error shape: %v", body, err)
			}
			if status != tt.status || !strings.Contains(e.Error.Message, tt.wantMsg) || e.Error.Type != "invalid_request_error" {
				t.Errorf("status %d error %+v, want %d containing %q", status, e.Error, tt.status, tt.wantMsg)
			}
			if n := len(s.Requests()); n != 0 {
				t.Errorf("recorded %d malformed requests, want 0", n)
			}
		})
	}
}

func TestAPIKeyChecked(t *testing.T) {
	t.Parallel()
	s := llmtest.New(t, llmtest.Reply("hi"))
	s.APIKey = "sk-other"
	status, _, body := post(t, s, "/chat/completions", `{"model":"m","messages":[{"role":"user","content":"hi"}]}`)
	if status != 401 || !strings.Contains(body, "invalid_api_key") {
		t.Errorf("status %d body %s, want 401 invalid_api_key", status, body)
	}
}

func TestScriptedTurns(t *testing.T) {
	t.Parallel()
	s := llmtest.New(t,
		llmtest.Fail(429, "3"),
		llmtest.Calls(llmtest.Call("list_accounts", `{}`), llmtest.Call("get_dashboard", `{}`)),
		llmtest.Turn{Respond: func(r llmtest.Request) llmtest.Turn {
			return llmtest.Reply(fmt.Sprintf("you said %q", r.Messages[len(r.Messages)-1].Content))
		}},
	)
	body := `{"model":"m","messages":[{"role":"user","content":"hello"}]}`
	status, h, _ := post(t, s, "/chat/completions", body)
	if status != 429 || h.Get("Retry-After") != "3" {
		t.Errorf("turn 1: status %d Retry-After %q, want 429 and 3", status, h.Get("Retry-After"))
	}
	_, _, out := post(t, s, "/chat/completions", body)
	var c struct {
		Choices []struct {
			Message struct {
				ToolCalls []struct {
					ID       string                `json:"id"`
					Function struct{ Name string } `json:"function"`
				} `json:"tool_calls"`
			} `json:"message"`
			FinishReason string `json:"finish_reason"`
		} `json:"choices"`
	}
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		t.Fatal(err)
	}
	calls := c.Choices[0].Message.ToolCalls
	if len(calls) != 2 || calls[0].ID != "call_1" || calls[1].ID != "call_2" || calls[1].Function.Name != "get_dashboard" || c.Choices[0].FinishReason != "tool_calls" {
		t.Errorf("turn 2 = %s", out)
	}
	_, _, out = post(t, s, "/chat/completions", `{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"echo"}]}`)
	if !strings.Contains(out, `"object":"chat.completion.chunk"`) || !strings.HasSuffix(out, "data: [DONE]\n\n") ||
		!strings.Contains(out, `"prompt_tokens"`) {
		t.Errorf("turn 3 stream = %s", out)
	}
	var text strings.Builder
	for _, line := range strings.Split(out, "\n") {
		var chunk struct {
			Choices []struct {
				Delta struct{ Content string } `json:"delta"`
			} `json:"choices"`
		}
		if data, ok := strings.CutPrefix(line, "data: "); ok && data != "[DONE]" {
			if err := json.Unmarshal([]byte(data), &chunk); err != nil {
				t.Fatalf("chunk %q: %v", data, err)
			}
			for _, ch := range chunk.Choices {
				text.WriteString(ch.Delta.Content)
			}
		}
	}
	if text.String() != `you said "echo"` {
		t.Errorf("streamed text = %q", text.String())
	}
	reqs := s.Requests()
	if len(reqs) != 3 || !reqs[2].Stream || !reqs[2].IncludeUsage || s.Remaining() != 0 {
		t.Errorf("recorded %d requests, remaining %d", len(reqs), s.Remaining())
	}
}

// recorder stands in for the test to catch the failure an unscripted request
// reports.
type recorder struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestUnscriptedRequestFailsTheTest(t *testing.T) {
	t.Parallel()
	rec := &recorder{TB: t}
	s := llmtest.New(rec)
	status, _, _ := post(t, s, "/chat/completions", `{"model":"m","messages":[{"role":"user","content":"anyone?"}]}`)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if status != 500 || len(rec.errs) != 1 || !strings.Contains(rec.errs[0], `no scripted turn left (last message: "anyone?")`) {
		t.Errorf("status %d errors %q", status, rec.errs)
	}
}

// A test that ends while its client still waits on a stalled answer does
// not hang in cleanup: the server lets go of the request.
func TestCleanupReleasesStalledAnswers(t *testing.T) {
	t.Parallel()
	errc := make(chan error, 1)
	start := time.Now()
	t.Run("stalled", func(t *testing.T) {
		s := llmtest.New(t, llmtest.Turn{Stall: true})
		go func() {
			resp, err := s.Client().Post(s.URL+"/chat/completions", "application/json",
				strings.NewReader(`{"model":"m","messages":[{"role":"user","content":"hi"}]}`))
			if err == nil {
				_, err = io.ReadAll(resp.Body)
				resp.Body.Close()
			}
			errc <- err
		}()
		deadline := time.Now().Add(5 * time.Second)
		for len(s.Requests()) == 0 && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
	})
	<-errc
	if el := time.Since(start); el > 3*time.Second {
		t.Errorf("cleanup took %v, want the stalled answer released at once", el)
	}
}
