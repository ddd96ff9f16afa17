package mcp

import (
	"context"
	"fmt"
	"net/http"

	"github.com/modelcontextprotocol/go-sdk/auth"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/marketingminds/marketingminds/tools/identity"
)

// callerKey holds the caller in the SDK's per-request token information.
const callerKey = "marketingminds.caller"

// maxBody bounds an MCP request body.
const maxBody = 1 << 20

// Handler serves MCP over streamable HTTP. It is stateless (every POST
// stands alone, so any replica answers any request) and answers in JSON.
// The door authenticates every request before it and puts the caller in
// its context (identity.WithCaller); a request without one is refused
// with 401. The SDK's DNS-rebinding guard is off: the credential is a
// bearer token a rebinding page cannot read, and behind a local proxy the
// Host header is the public name.
func (s *Server) Handler() http.Handler {
	h := sdk.NewStreamableHTTPHandler(func(*http.Request) *sdk.Server { return s.http }, &sdk.StreamableHTTPOptions{
		Stateless: true, JSONResponse: true, DisableLocalhostProtection: true, MaxRequestBodyBytes: maxBody,
	})
	return auth.RequireBearerToken(verify, &auth.RequireBearerTokenOptions{AllowMissingExpiration: true})(h)
}

// verify hands the door's caller to the SDK as the token's information.
// The token itself was checked by the door; its revocation takes effect
// on the next request.
func verify(ctx context.Context, _ string, _ *http.Request) (*auth.TokenInfo, error) {
	c, ok := identity.CallerFrom(ctx)
	if !ok {
		return nil, fmt.Errorf("%w: the request was not authenticated", auth.ErrInvalidToken)
	}
	c.Door = identity.DoorMCP
	return &auth.TokenInfo{UserID: c.WorkspaceID + "/" + c.UserID, Extra: map[string]any{callerKey: c}}, nil
}

// Serve answers one client over t (stdio for a desktop client) as c until
// the client leaves or ctx ends.
func (s *Server) Serve(ctx context.Context, t sdk.Transport, c identity.Caller) error {
	c.Door = identity.DoorMCP
	srv := s.build(func(sdk.Request) (identity.Caller, error) { return c, nil })
	if err := srv.Run(ctx, t); err != nil && ctx.Err() == nil {
		return fmt.Errorf("mcp: serve: %w", err)
	}
	return nil
}
