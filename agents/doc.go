// Package agents will hold the LLM orchestrator: the conversation loop with
// an explicit step bound, agent profiles, conversation memory and the
// approval gate that holds anything an LLM decided to publish until a person
// approves it. Its capabilities are the functions of tools/, called with the
// caller's identity; its prompts are in prompts/. It is built by its own
// issue, on the base that tools/ and integrations/ provide.
package agents
