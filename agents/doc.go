// Package agents is the LLM orchestrator every conversational door uses
// (Slack, the terminal, web chat): a conversation per thread, loaded and
// saved around each turn and kept to a token budget; a loop of model calls
// and tool calls (concurrent within a step) bounded by a step limit and
// timeouts, every call recorded in agent_events; typed tools whose JSON
// schemas are generated and enforced (NewTool); specialist agents offered as
// tools; and the approval gate that holds every side-effecting call the model
// makes in approval_requests until the person who asked, or an admin,
// approves it, and then runs it exactly once. Its capabilities are the
// functions of tools/, called with the caller's identity; its prompts are in
// prompts/.
package agents
