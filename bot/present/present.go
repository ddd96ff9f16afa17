// Package present is how each typed result reads in each door. Tools
// return typed values (accounts, post outcomes, analytics, failures…); the
// orchestrator hands them to the door (agents.Reply.Results, Sink.Result)
// and the model gets them as compact JSON. A door asks a Registry to render
// a value for it: Slack (mrkdwn and Block Kit), the web (an HTML partial)
// or the terminal (aligned plain text with numbered choices). Every result
// type has one renderer per door, registered in one place (New); there is
// no generic fallback that dumps fields.
//
// What a person reads holds no JSON, no Go error, no field counts and no
// bare internal id: an id needed to act travels in a Choice, which becomes a
// button (Slack, web) or a numbered reply (terminal). Times read in the
// person's zone and in words.
package present

import (
	"time"

	"github.com/slack-go/slack"

	"github.com/marketingminds/marketingminds/tools/media"
)

// Env is what every renderer needs to know about the person reading.
type Env struct {
	// Loc is the person's time zone; nil reads as UTC.
	Loc *time.Location
	// Now is the time of the rendering, for "in 2 hours".
	Now time.Time
	// PublicURL is where the dashboard is served ("" when it is not).
	PublicURL string
	// MediaURL is where this door's reader fetches a stored media's
	// thumbnail (Slack: a signed URL; the web: a same-origin route); nil:
	// media are named, not shown.
	MediaURL func(id string) string
	// Media reads a stored media's metadata (its alt text, name, kind) for
	// the alt text of its image; nil, or false for a media it cannot read:
	// an image is described by its place in the post.
	Media func(id string) (media.Media, bool)
	// markTimes: Relative marks its words for the web (see reltime.go).
	markTimes bool
}

func (e Env) loc() *time.Location {
	if e.Loc == nil {
		return time.UTC
	}
	return e.Loc
}

// Slack is a result as a Slack message.
type Slack struct {
	// Text is the message in mrkdwn: the notification's fallback, and the
	// whole message when Blocks is empty.
	Text   string
	Blocks []slack.Block
	// Images are uploaded by the Slack door into the message's thread.
	Images []Image
}

// Terminal is a result as terminal text. Choices are what the person can
// do about it; the console numbers them ("reply 2 to retry …").
type Terminal struct {
	Text    string
	Choices []Choice
}

// Choice is an action a person can take on a result: a button in Slack and
// on the web, a numbered reply in the terminal.
type Choice struct {
	// Label says what it does, as a button's text ("Retry on X").
	Label string
	// Action is the action's id: one of the Act constants (the Slack
	// door's action ids).
	Action string
	// Value is what the action acts on (a post id, an approval id); it is
	// carried, never shown.
	Value string
	// Style is StylePrimary, StyleDanger or "".
	Style string
}

// The actions a Choice can name. Their values: ActApprove and ActReject an
// approval id; ActRetry and ActCancel a post id (ActCancel also a job id);
// ActAnyway "<post id> <account id>"; ActReconnect a platform name.
const (
	ActApprove   = "mm_approve"
	ActReject    = "mm_reject"
	ActRetry     = "mm_retry"
	ActAnyway    = "mm_publish_anyway"
	ActReconnect = "mm_reconnect"
	ActCancel    = "mm_cancel"
)

// Styles of a Choice.
const (
	StylePrimary = "primary"
	StyleDanger  = "danger"
)

// Words is what a person would say to do the choice in a conversation
// ("retry <post>"), for a door without buttons (the terminal) to send as a
// request; "" when no words do it (approvals are answered yes or no, and
// "publish anyway" is a button only).
func (c Choice) Words() string {
	switch c.Action {
	case ActRetry:
		return "retry " + c.Value
	case ActCancel:
		return "cancel " + c.Value
	case ActReconnect:
		return "connect " + c.Value
	}
	return ""
}
