package agents

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/agents/llm"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/fault"
	"github.com/marketingminds/marketingminds/tools/identity"
)

type countArgs struct {
	N int `json:"n"`
}

type counted struct {
	N int `json:"n"`
}

// A turn carries each tool's typed result to the door (Reply.Results, and
// Sink.Result as it comes); a failure arrives classified, with a reference
// to the log line that holds its detail, which neither the person nor the
// model reads.
func TestRunCarriesTypedResults(t *testing.T) {
	t.Parallel()
	count := NewTool("count", "Counts.", func(ctx context.Context, c identity.Caller, a countArgs) (counted, error) {
		return counted{N: a.N}, nil
	}, ReadOnly())
	limited := NewTool("limited", "Is rate limited.", func(ctx context.Context, c identity.Caller, _ struct{}) (counted, error) {
		return counted{}, fmt.Errorf("x: create post: %w", &platform.Error{Platform: platform.Twitter, Kind: platform.KindRateLimit, Message: "Too Many Requests"})
	}, ReadOnly())
	broken := NewTool("broken", "Breaks.", func(ctx context.Context, c identity.Caller, _ struct{}) (counted, error) {
		return counted{}, errors.New("sql: database is locked")
	}, ReadOnly())
	var logs bytes.Buffer
	m := &scripted{steps: []func(llm.Request) (llm.Response, error){call("count", `{"n":3}`, "limited", `{}`, "broken", `{}`), say("")}}
	o, _ := newOrchestrator(t, m, []Tool{count, limited, broken}, func(c *Config) { c.Log = zerolog.New(&logs) })
	sink := &recorder{}
	reply, err := o.Run(context.Background(), Turn{Caller: editor, Channel: "C1", Thread: "1.1", Text: "go"}, sink)
	if err != nil {
		t.Fatal(err)
	}
	if len(reply.Results) != 3 || len(sink.results) != 3 {
		t.Fatalf("results = %+v, sink got %d", reply.Results, len(sink.results))
	}
	if v, ok := reply.Results[0].Value.(counted); !ok || v.N != 3 || reply.Results[0].Tool != "count" {
		t.Errorf("first result = %#v", reply.Results[0])
	}
	rl, ok := reply.Results[1].Value.(fault.Failure)
	if !ok || rl.Kind != fault.RateLimit || rl.Platform != platform.Twitter || rl.RetryAt == nil || rl.Ref == "" {
		t.Errorf("rate limited = %#v", reply.Results[1].Value)
	}
	in, ok := reply.Results[2].Value.(fault.Failure)
	if !ok || in.Kind != fault.Internal || in.Message != "" || in.Ref == "" {
		t.Errorf("broken = %#v", reply.Results[2].Value)
	}
	if !strings.Contains(logs.String(), in.Ref) || !strings.Contains(logs.String(), "database is locked") {
		t.Errorf("the detail is not logged under %s: %s", in.Ref, logs.String())
	}
	for _, msg := range m.reqs[1].Messages {
		if strings.Contains(msg.Content, "database is locked") {
			t.Errorf("the model read the internal error: %s", msg.Content)
		}
	}
}
