package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

// benchModel is an OpenAI-compatible chat completions server for `bench
// slack`: every answer is a short text, after turn (the scripted model's
// latency), streamed when asked.
func benchModel(turn time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/chat/completions") {
			http.NotFound(w, r)
			return
		}
		// Only "stream" matters; decoding the whole body (tools and all)
		// would put a model server's work on the service's two cores.
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		stream := bytes.Contains(body, []byte(`"stream":true`))
		t := time.NewTimer(turn)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return
		}
		const text = "Last week went well: 12 posts, engagement up 8%."
		if !stream {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"id":"bench","object":"chat.completion","created":%d,"model":"bench","choices":[{"index":0,"message":{"role":"assistant","content":%q},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}`,
				time.Now().Unix(), text)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		chunk := func(delta, finish string) {
			fin := "null"
			if finish != "" {
				fin = `"` + finish + `"`
			}
			fmt.Fprintf(w, "data: {\"id\":\"bench\",\"object\":\"chat.completion.chunk\",\"created\":%d,\"model\":\"bench\",\"choices\":[{\"index\":0,\"delta\":%s,\"finish_reason\":%s}]}\n\n",
				time.Now().Unix(), delta, fin)
		}
		chunk(fmt.Sprintf(`{"role":"assistant","content":%q}`, text), "")
		chunk(`{}`, "stop")
		io.WriteString(w, "data: [DONE]\n\n")
	})
}

// startOurs runs serve on port with a fresh data directory, Slack's Web API
// at apiURL and the bench model.
func startOurs(ctx context.Context, o slackBenchOptions, apiURL string, port int, logOut io.Writer) (func() error, error) {
	dir, err := os.MkdirTemp("", "mm-bench-slack-")
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("bench: model listener: %w", err)
	}
	model := &http.Server{Handler: benchModel(o.turn), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = model.Serve(ln) }()
	env := map[string]string{"MM_DATA_DIR": dir, "MM_LOG_FORMAT": "console", "MM_LOG_LEVEL": "warn",
		"MM_HTTP_ADDR": fmt.Sprintf("127.0.0.1:%d", port), "MM_PUBLIC_URL": fmt.Sprintf("http://127.0.0.1:%d", port),
		"SLACK_SIGNING_SECRET": benchSecret, "SLACK_BOT_TOKEN": benchToken, "SLACK_API_URL": apiURL,
		"OPENAI_API_KEY": "bench", "OPENAI_BASE_URL": "http://" + ln.Addr().String() + "/v1"}
	cfg, err := loadConfig(func(k string) string { return env[k] })
	if err != nil {
		model.Close()
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg, io.Discard, logOut) }()
	return func() error {
		cancel()
		err := <-done
		model.Close()
		os.RemoveAll(dir)
		return err
	}, nil
}
