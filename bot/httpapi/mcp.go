package httpapi

import (
	"encoding/json"
	"net/http"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/tools/identity"
)

// mcpUnauthorized is the JSON-RPC error code of a refused credential at
// /mcp (the implementation-defined server error range).
const mcpUnauthorized = -32001

// mcp serves the Model Context Protocol at /mcp (bot/mcp): the bearer API
// token decides workspace, user and role, checked on every request, so a
// revoked token stops at once. A refusal is a JSON-RPC error an MCP client
// shows as it is, with the HTTP status (401, 503) of the REST API.
func (s *Server) mcp(w http.ResponseWriter, r *http.Request) {
	c, fail := s.authenticate(r)
	if fail != nil {
		if fail.status == http.StatusUnauthorized {
			w.Header().Set("WWW-Authenticate", `Bearer realm="marketingminds"`)
		}
		writeRPCError(w, fail.status, fail.code, fail.message)
		return
	}
	c.Door = identity.DoorMCP
	log := zerolog.Ctx(r.Context()).With().Str("workspace", c.WorkspaceID).Str("user", c.UserID).Logger()
	s.deps.MCP.ServeHTTP(w, r.WithContext(identity.WithCaller(log.WithContext(r.Context()), c)))
}

// writeRPCError answers with a JSON-RPC error response without an id (the
// request was not read); data.code is the REST API's error code.
func writeRPCError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"jsonrpc": "2.0", "id": nil,
		"error": map[string]any{"code": mcpUnauthorized, "message": message, "data": map[string]string{"code": code}},
	})
}
