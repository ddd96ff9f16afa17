package llm_test

import (
	"context"
	"fmt"

	"github.com/marketingminds/marketingminds/agents/llm"
)

func ExampleOffline() {
	planner := llm.Offline()
	resp, _ := planner.Complete(context.Background(), llm.Request{
		Messages: []llm.Message{{Role: llm.RoleUser, Content: `post "Hello" to my X and LinkedIn accounts`}},
		Tools:    llm.NewTools([]llm.ToolDef{{Name: "publish_post"}}),
	})
	call := resp.Message.ToolCalls[0]
	fmt.Println(call.Name, call.Arguments)
	// Output: publish_post {"platforms":["twitter","linkedin"],"text":"Hello"}
}

func ExampleChoose() {
	offline, _ := llm.Choose(llm.Config{})
	online, _ := llm.Choose(llm.Config{APIKey: "sk-…", Model: "gpt-4o-mini"})
	fmt.Println(offline.Name(), "|", online.Name())
	// Output: offline planner | gpt-4o-mini
}
