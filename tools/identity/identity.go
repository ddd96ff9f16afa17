// Package identity knows who is calling: workspaces (Slack teams), their
// users with a role, and the API tokens REST clients authenticate with. Every
// door (Slack, slash command, REST, dashboard, agent) turns its credential into
// a Caller and hands it to the tools, which scope everything by its workspace.
package identity

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Role is what a user may do in a workspace.
type Role string

// The roles, from most to least powerful.
const (
	Admin  Role = "admin"
	Editor Role = "editor"
	Viewer Role = "viewer"
)

// ParseRole validates a role name.
func ParseRole(s string) (Role, error) {
	switch r := Role(s); r {
	case Admin, Editor, Viewer:
		return r, nil
	}
	return "", fmt.Errorf("unknown role %q (want admin, editor or viewer)", s)
}

func (r Role) rank() int {
	switch r {
	case Admin:
		return 3
	case Editor:
		return 2
	case Viewer:
		return 1
	}
	return 0
}

// AtLeast reports whether r is min or more powerful.
func (r Role) AtLeast(min Role) bool { return r.rank() >= min.rank() && r.rank() > 0 }

// Door is how a request came in; recorded with what it did.
type Door string

// The doors.
const (
	DoorSlack     Door = "slack"
	DoorSlash     Door = "slash"
	DoorAPI       Door = "api"
	DoorDashboard Door = "dashboard"
	DoorAgent     Door = "agent"
	DoorMCP       Door = "mcp" // Model Context Protocol clients (stdio or /mcp)
	DoorCLI       Door = "cli"
	DoorSystem    Door = "system" // recurring jobs
)

// Caller is the authenticated identity every tool function takes.
type Caller struct {
	WorkspaceID string
	UserID      string // Slack user id
	Role        Role
	Door        Door
	TokenID     string // the API token used, when Door is api
}

// ErrForbidden is returned when a caller's role is not enough.
var ErrForbidden = errors.New("forbidden")

// Require returns ErrForbidden (wrapped, naming the need) unless c has min.
func (c Caller) Require(min Role) error {
	if !c.Role.AtLeast(min) {
		return fmt.Errorf("%w: this needs the %s role, you are %s", ErrForbidden, min, c.Role)
	}
	return nil
}

// Workspace is a Slack team.
type Workspace struct {
	ID        string // Slack team id
	Name      string
	CreatedAt time.Time
}

// User is a Slack user in a workspace.
type User struct {
	WorkspaceID string
	ID          string // Slack user id
	DisplayName string
	TimeZone    string // IANA name; "" means UTC
	Role        Role
	CreatedAt   time.Time
}

// Location is the user's time zone, UTC when unset or unknown.
func (u User) Location() *time.Location {
	if u.TimeZone == "" {
		return time.UTC
	}
	loc, err := time.LoadLocation(u.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

type callerKey struct{}

// WithCaller returns ctx carrying c (set by the doors' authentication).
func WithCaller(ctx context.Context, c Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// CallerFrom returns the caller ctx carries.
func CallerFrom(ctx context.Context) (Caller, bool) {
	c, ok := ctx.Value(callerKey{}).(Caller)
	return c, ok
}
