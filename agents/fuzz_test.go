package agents

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
)

// FuzzToolArgs: whatever the model writes as arguments, a tool either
// refuses it with an ArgsError or runs with arguments its schema accepts.
func FuzzToolArgs(f *testing.F) {
	for _, s := range []string{`{"text":"hi"}`, `{"text":"hi","times":2}`, `{"text":""}`, `{"times":"x"}`, `{"text":"hi","approved":true}`,
		`[]`, `null`, ``, `{"text":`, `{"text":"\u0000"}`, `{"text":"a","text":"b"}`, `{"text":"hi","times":1e400}`} {
		f.Add(s)
	}
	tool := echoTool()
	f.Fuzz(func(t *testing.T, raw string) {
		out, err := tool.Call(context.Background(), editor, json.RawMessage(raw))
		if err != nil {
			var ae *ArgsError
			if !errors.As(err, &ae) || ae.Tool != "echo" || ae.Problem == "" {
				t.Fatalf("%q: error %v is not an ArgsError", raw, err)
			}
			return
		}
		res, ok := out.(map[string]string)
		if !ok || res["echo"] == "" {
			t.Fatalf("%q ran with an empty text: %v", raw, out)
		}
	})
}
