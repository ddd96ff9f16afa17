package llm

import (
	openai "github.com/sashabaranov/go-openai"
)

// accumulator builds a Response from stream chunks: text concatenated,
// tool-call pieces merged by their Index.
type accumulator struct {
	text   []byte
	calls  []ToolCall
	byIdx  map[int]int
	finish string
	usage  Usage
}

// add takes a chunk and says whether it carried any of the answer (text,
// a piece of a tool call or the finish), as opposed to a role or usage
// chunk.
func (a *accumulator) add(chunk openai.ChatCompletionStreamResponse, emit func(Delta)) bool {
	words := false
	if chunk.Usage != nil {
		a.usage = Usage{PromptTokens: chunk.Usage.PromptTokens, CompletionTokens: chunk.Usage.CompletionTokens}
	}
	for _, choice := range chunk.Choices {
		if choice.Index != 0 {
			continue
		}
		if d := choice.Delta.Content; d != "" {
			a.text = append(a.text, d...)
			emit(Delta{Text: d})
			words = true
		}
		for _, tc := range choice.Delta.ToolCalls {
			a.mergeCall(tc)
			words = true
		}
		if choice.FinishReason != "" {
			a.finish = string(choice.FinishReason)
			words = true
		}
	}
	return words
}

// mergeCall adds a piece of a tool call. A piece without an Index (some
// servers omit it) continues the last call unless it brings a new ID.
func (a *accumulator) mergeCall(tc openai.ToolCall) {
	if a.byIdx == nil {
		a.byIdx = map[int]int{}
	}
	pos := -1
	switch {
	case tc.Index != nil:
		if p, ok := a.byIdx[*tc.Index]; ok {
			pos = p
		} else {
			a.calls = append(a.calls, ToolCall{})
			pos = len(a.calls) - 1
			a.byIdx[*tc.Index] = pos
		}
	case len(a.calls) > 0 && (tc.ID == "" || tc.ID == a.calls[len(a.calls)-1].ID):
		pos = len(a.calls) - 1
	default:
		a.calls = append(a.calls, ToolCall{})
		pos = len(a.calls) - 1
	}
	c := &a.calls[pos]
	if tc.ID != "" {
		c.ID = tc.ID
	}
	if tc.Function.Name != "" {
		c.Name = tc.Function.Name
	}
	c.Arguments += tc.Function.Arguments
}

func (a *accumulator) response() Response {
	return Response{
		Message:      Message{Role: RoleAssistant, Content: string(a.text), ToolCalls: a.calls},
		Usage:        a.usage,
		FinishReason: a.finish,
	}
}
