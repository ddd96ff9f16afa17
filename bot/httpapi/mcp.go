package httpapi

import (
	"encoding/json"
	"io"
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
		writeRPCError(w, fail.status, requestID(r), fail.code, fail.message)
		return
	}
	c.Door = identity.DoorMCP
	log := zerolog.Ctx(r.Context()).With().Str("workspace", c.WorkspaceID).Str("user", c.UserID).Logger()
	s.deps.MCP.ServeHTTP(w, r.WithContext(identity.WithCaller(log.WithContext(r.Context()), c)))
}

// writeRPCError answers with a JSON-RPC error response to the request id
// (null when the body holds none); data.code is the REST API's error code.
func writeRPCError(w http.ResponseWriter, status int, id json.RawMessage, code, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"jsonrpc": "2.0", "id": id,
		"error": map[string]any{"code": mcpUnauthorized, "message": message, "data": map[string]string{"code": code}},
	})
}

// requestID is the id of the JSON-RPC request in r's body, so that a
// client matches the refusal to its call; null when there is none.
func requestID(r *http.Request) json.RawMessage {
	var req struct {
		ID json.RawMessage `json:"id"`
	}
	if r.Body == nil || json.NewDecoder(io.LimitReader(r.Body, maxBodyBytes)).Decode(&req) != nil || len(req.ID) == 0 {
		return json.RawMessage("null")
	}
	var v any
	if json.Unmarshal(req.ID, &v) != nil {
		return json.RawMessage("null")
	}
	switch v.(type) {
	case string, float64:
		return req.ID
	}
	return json.RawMessage("null")
}
