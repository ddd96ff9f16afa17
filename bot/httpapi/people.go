package httpapi

import (
	"context"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/bot/present"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// People names a workspace's users and the workspace itself for the
// dashboard (*identity.Service): a person reads names, never Slack ids.
type People interface {
	// Names maps each of userIDs known with a display name to it.
	Names(ctx context.Context, workspaceID string, userIDs []string) (map[string]string, error)
	Workspace(ctx context.Context, workspaceID string) (identity.Workspace, error)
}

// people is how a page writes the people it shows: "you" for the reader,
// else their display name, else "a teammate" (never their id).
type people struct {
	reader string
	known  map[string]string
}

// Of is how userID reads on the page; "" for no one.
func (n people) Of(userID string) string {
	switch {
	case userID == "":
		return ""
	case userID == n.reader:
		return "you"
	case n.known[userID] != "":
		return n.known[userID]
	}
	return "a teammate"
}

// Subject is Of at the start of a sentence: "You", "A teammate" (a name
// stays as its owner writes it).
func (n people) Subject(userID string) string {
	switch w := n.Of(userID); w {
	case "you":
		return "You"
	case "a teammate":
		return "A teammate"
	default:
		return w
	}
}

// Me is the reader's own name, "" when none is known.
func (n people) Me() string { return n.known[n.reader] }

// learnNames adds the names of userIDs to what v's page knows. Not knowing
// them is no reason to fail the page: they read as "a teammate".
func (s *Server) learnNames(ctx context.Context, v *view, userIDs ...string) {
	if s.deps.People == nil || len(userIDs) == 0 {
		return
	}
	got, err := s.deps.People.Names(ctx, v.Caller.WorkspaceID, userIDs)
	if err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Msg("dashboard: names of people")
		return
	}
	if v.People.known == nil {
		v.People.known = make(map[string]string, len(got))
	}
	for id, name := range got {
		v.People.known[id] = name
	}
}

// signature fills the page header's who: the reader's name and the
// workspace's, when known.
func (s *Server) signature(ctx context.Context, v *view) {
	if s.deps.People == nil {
		return
	}
	s.learnNames(ctx, v, v.Caller.UserID)
	w, err := s.deps.People.Workspace(ctx, v.Caller.WorkspaceID)
	if err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Msg("dashboard: the workspace's name")
		return
	}
	v.WorkspaceName = w.Name
}

// Byline says who made something and through which door: "By Ana from
// the dashboard", "By you with the assistant"; a recurring job's reads
// "Made by a recurring job".
func (n people) Byline(userID string, door identity.Door) string {
	if userID == "" || door == identity.DoorSystem {
		return "Made by a recurring job"
	}
	by := "By " + n.Of(userID)
	if w := doorWords[door]; w != "" {
		by += " " + w
	}
	return by
}

// roleWords is a role with its article: "an admin", "a viewer".
func roleWords(r identity.Role) string {
	if r == identity.Admin || r == identity.Editor {
		return "an " + string(r)
	}
	return "a " + string(r)
}

// doorWords is how a door reads after "By Ana".
var doorWords = map[identity.Door]string{
	identity.DoorSlack:     "from Slack",
	identity.DoorSlash:     "with /mm in Slack",
	identity.DoorAPI:       "through the API",
	identity.DoorDashboard: "from the dashboard",
	identity.DoorAgent:     "with the assistant",
	identity.DoorMCP:       "through an MCP client",
	identity.DoorCLI:       "from the terminal",
}

// decidedText is what an approval the reader just approved or rejected
// reads as: who decided it ("you") and what came of it. An answered
// question reads as the assistant's own words.
func (s *Server) decidedText(ctx context.Context, v *view, decision string, res agents.ApprovalResult) string {
	if decision != "approve" && decision != "reject" {
		return res.Text
	}
	s.learnNames(ctx, v, res.Approval.DecidedBy)
	return present.Decided(res.Approval, v.People.Of(res.Approval.DecidedBy))
}
