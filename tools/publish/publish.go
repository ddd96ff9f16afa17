// Package publish is the publishing capability: a post (social_posts) with its
// content, per-platform variants and targets, one delivery per target
// (social_post_deliveries) with its own status, validated per platform before
// anything is sent, published now through a bounded concurrent fan-out or
// later through the durable scheduler, both running the same delivery code.
//
// A delivery is marked publishing in the store before the platform is called,
// so an unknown outcome (a crash, a dropped connection, a 5xx that may have
// been accepted) is reconciled against the account's recent posts before
// anything is sent again: found means published with that id, not found after
// a crash means unconfirmed, for a person to "publish anyway". Never a blind
// retry.
package publish

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	fk "github.com/marketingminds/marketingminds/tools/fault"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/limit"
)

// Status is where a delivery (one post to one account) is.
type Status string

// The delivery statuses.
const (
	StatusPending     Status = "pending"
	StatusPublishing  Status = "publishing"
	StatusPublished   Status = "published"
	StatusFailed      Status = "failed"
	StatusUnconfirmed Status = "unconfirmed"
	StatusCancelled   Status = "cancelled"
	// StatusInvalid is only reported in a publish answer, for a target that
	// failed validation and was skipped (skip_invalid); it is never stored.
	StatusInvalid Status = "invalid"
)

// Settled reports whether s is final unless a person acts (retry, publish anyway).
func (s Status) Settled() bool {
	return s == StatusPublished || s == StatusFailed || s == StatusUnconfirmed || s == StatusCancelled
}

// Content is what a post says, before per-platform variants.
type Content struct {
	Text      string   `json:"text,omitempty"`
	Link      string   `json:"link,omitempty"`
	ImageURLs []string `json:"image_urls,omitempty"`
	VideoURL  string   `json:"video_url,omitempty"`
	// Thread, when set, is a reply chain on X (Thread[0] replaces Text there)
	// and is joined with blank lines elsewhere.
	Thread []string `json:"thread,omitempty"`
	// MediaIDs are uploaded media of the workspace (tools/media), sent
	// after the image URLs, each at a fresh signed URL.
	MediaIDs []string `json:"media_ids,omitempty"`
}

// Post is one piece of content sent to one or more accounts.
type Post struct {
	ID          string `json:"id"`
	WorkspaceID string `json:"workspace_id"`
	// CampaignID groups the post into a marketing campaign (tools/campaigns);
	// "" is none.
	CampaignID string `json:"campaign_id,omitempty"`
	Content    Content
	// Variants override the text per platform.
	Variants  map[platform.Name]string
	CreatedBy string
	Door      identity.Door
	// ScheduledAt is when it was asked to go out; zero for "now".
	ScheduledAt time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Targets     []Delivery
}

// Delivery is the post to one account: what is sent and what came of it.
type Delivery struct {
	ID          string
	WorkspaceID string
	PostID      string
	AccountID   string
	Platform    platform.Name
	// Body is exactly what the platform is sent (variant applied).
	Body platform.Post
	// TextHash identifies Body's text for the duplicate guard.
	TextHash string
	Status   Status
	// Rev versions every write: a write applies only over the revision it read.
	Rev int
	// Position orders the post's targets as they were asked for.
	Position       int
	Attempts       int
	PlatformPostID string
	URL            string
	// LastError is in words a marketer understands.
	LastError string
	// Failure classifies the last failure (tools/fault): whose fault it is,
	// for the doors to say what to do next. Nil when there is none.
	Failure *fk.Failure
	JobID   string
	RunAt   time.Time
	// StartedAt is when the latest attempt was marked publishing.
	StartedAt time.Time
	// VerifySince, when set, says an earlier attempt since then may have
	// reached the platform (it answered 5xx or not at all): the account's
	// recent posts are checked before anything is sent again.
	VerifySince time.Time
	// Checks counts the reads of the account, to settle an unknown outcome,
	// that failed for a reason that may pass (bounded by ReconcileTries).
	Checks       int
	WaitingUntil time.Time
	PublishedAt  time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Request is a post to create.
type Request struct {
	Content
	Variants   map[platform.Name]string `json:"variants,omitempty"`
	AccountIDs []string                 `json:"account_ids"`
	// CampaignID files the post under a campaign; tools/campaigns checks it.
	CampaignID string `json:"campaign_id,omitempty"`
	// SkipInvalid sends to the valid targets when some are invalid, instead
	// of sending nothing.
	SkipInvalid bool `json:"skip_invalid,omitempty"`
	// AllowDuplicate lets the same text go to the same account twice within 24 h.
	AllowDuplicate bool `json:"allow_duplicate,omitempty"`
}

// Result is one target's outcome in a publish answer.
type Result struct {
	AccountID      string        `json:"account_id"`
	Platform       platform.Name `json:"platform"`
	Status         Status        `json:"status"`
	PlatformPostID string        `json:"platform_post_id"`
	URL            string        `json:"url"`
	Error          string        `json:"error"`
	// Failure says whose fault a failed target is and what to do next.
	Failure *fk.Failure `json:"failure,omitempty"`
}

// Outcome is what PublishNow, Retry and PublishAnyway answer.
type Outcome struct {
	// Success is true only when every target is published.
	Success bool     `json:"success"`
	PostID  string   `json:"post_id"`
	Results []Result `json:"results"`
	// Text is the post's text, so a message about the outcome can say
	// which post it was.
	Text string `json:"text,omitempty"`
}

// Scheduled is what Schedule answers.
type Scheduled struct {
	Success bool     `json:"success"`
	PostID  string   `json:"post_id"`
	JobIDs  []string `json:"job_ids"`
}

// Errors callers switch on (the REST layer maps them to statuses).
var (
	// ErrNotFound: no such post (or delivery) in the caller's workspace.
	ErrNotFound = errors.New("publish: post not found")
	// ErrConflict: the post changed state (it started publishing, ...).
	ErrConflict = errors.New("publish: conflict")
	// ErrDuplicate: the same text went to the same account within 24 h.
	ErrDuplicate = errors.New("publish: duplicate post")
	// ErrInvalid wraps bad arguments that are not content problems (a time
	// in the past, a bad cursor).
	ErrInvalid error = &kindError{kind: fk.Validation, err: errors.New("publish: invalid request")}
	// ErrUnknownAccount is what an Accounts implementation returns for an
	// account that is not in the workspace.
	ErrUnknownAccount = errors.New("publish: unknown account")
)

// Problem is one thing wrong with a post for one target.
type Problem struct {
	AccountID string        `json:"account_id,omitempty"`
	Platform  platform.Name `json:"platform,omitempty"`
	Field     string        `json:"field"`
	Message   string        `json:"message"`
	// Convert, on a media problem, is the conversion that mends it.
	Convert *ConvertOffer `json:"convert,omitempty"`
}

// ValidationError lists every problem found, all at once.
type ValidationError struct{ Problems []Problem }

func (e *ValidationError) Error() string {
	kept, more := limit.First(e.Problems)
	msgs := make([]string, len(kept))
	for i, p := range kept {
		msgs[i] = p.Message
	}
	return "publish: invalid post: " + limit.Join(msgs, more)
}

// DuplicateError names the targets that got the same text within 24 h.
type DuplicateError struct {
	Problems []Problem
	// Duplicates say, per target, which post already carries the text.
	Duplicates []Duplicate
}

func (e *DuplicateError) Error() string {
	kept, more := limit.First(e.Problems)
	msgs := make([]string, len(kept))
	for i, p := range kept {
		msgs[i] = p.Message
	}
	return "publish: " + limit.Join(msgs, more)
}

// FaultKind says a duplicate is a duplicate (tools/fault).
func (e *DuplicateError) FaultKind() fk.Kind { return fk.Duplicate }

// FaultKind says invalid content is our validation's finding (tools/fault).
func (e *ValidationError) FaultKind() fk.Kind { return fk.Validation }

// Words are the problems, for a person.
func (e *ValidationError) Words() string {
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		msgs[i] = p.Message
	}
	return strings.Join(msgs, "; ")
}

// mediaError is media that cannot be fetched: a validation error whose
// fault is the link's (tools/fault Media).
func mediaError(ps []Problem) error {
	return &kindError{kind: fk.Media, err: &ValidationError{Problems: ps}}
}

// kindError is a failure of ours whose kind is known where it is made.
type kindError struct {
	kind fk.Kind
	err  error
}

func (e *kindError) Error() string      { return e.err.Error() }
func (e *kindError) Unwrap() error      { return e.err }
func (e *kindError) FaultKind() fk.Kind { return e.kind }

// Is makes errors.Is(err, ErrDuplicate) true.
func (e *DuplicateError) Is(target error) bool { return target == ErrDuplicate }

func wrapf(err error, format string, args ...any) error {
	return fmt.Errorf("publish: "+format+": %w", append(args, err)...)
}
