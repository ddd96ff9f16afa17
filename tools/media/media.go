// Package media keeps the images and videos a workspace uploads (collection
// media): the bytes in a blob store (files under the data directory with
// SQLite, GridFS with MongoDB), the metadata beside them, identical bytes
// stored once per workspace. Platforms that fetch media by URL (Instagram,
// Facebook) get an expiring signed URL under the public base URL; adapters
// that upload bytes (X, LinkedIn) open the blob directly. Every door calls
// the same functions with the caller.
package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/tools/fault"
)

// Where an upload came from.
const (
	SourceSlack     = "slack"
	SourceDashboard = "dashboard"
	SourceAPI       = "api"
)

// MaxBytes is the largest upload, in bytes: 1 GiB, above X's 512 MB video
// limit (the largest any platform we publish to takes). Uploads are
// streamed to the blob store, never held in memory, so the limit is about
// disk and patience, not RAM.
const MaxBytes int64 = 1 << 30

// Retention is how long media no post or library item uses is kept after
// its upload before the weekly cleanup removes it (blob and metadata).
const Retention = 30 * 24 * time.Hour

// DefaultTTL is how long a signed URL works: a day covers a platform's
// fetch (Instagram and Facebook fetch within seconds to minutes of the
// container's creation, scheduled posts get a fresh URL at publishing) and
// Slack's unfurl of an approval card's thumbnail within the day it is shown.
const DefaultTTL = 24 * time.Hour

// Limits of the text a person gives.
const (
	MaxName = 200  // characters of a file name
	MaxAlt  = 1000 // characters of alt text (X takes 1,000; the longest we send)
	MaxList = 100  // media in one page
)

// Media is one stored file's metadata.
type Media struct {
	ID          string `json:"id"`
	WorkspaceID string `json:"-"`
	UploadedBy  string `json:"uploaded_by"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Alt         string `json:"alt,omitempty"`
	SHA256      string `json:"sha256"`
	// Source is where it was uploaded: SourceSlack, SourceDashboard, SourceAPI.
	Source string `json:"source"`
	// Conversation is the conversation key it was shared in ("" if none);
	// the same bytes shared in several conversations are linked to each,
	// and a listing by conversation gives that one.
	Conversation string        `json:"conversation,omitempty"`
	Bytes        int64         `json:"bytes"`
	Width        int           `json:"width,omitempty"`
	Height       int           `json:"height,omitempty"`
	Duration     time.Duration `json:"duration_ns,omitempty"`
	// UsedBy names what uses it: "post:<id>", "library:<id>", "approval:<id>".
	UsedBy    []string  `json:"used_by"`
	CreatedAt time.Time `json:"created_at"`
}

// Upload is a file to store; Body is read once, to its end.
type Upload struct {
	Name, Alt, Source, Conversation string
	Body                            io.Reader
}

// Filter selects a page of a workspace's media, newest first.
type Filter struct {
	// Conversation: only media shared in that conversation.
	Conversation string
	// Unused: only media nothing uses.
	Unused bool
	// Kind: only images (KindImage) or only videos (KindVideo); "" is both.
	Kind string
	// Limit is the page size (default and most MaxList).
	Limit int
	// Cursor is a previous page's Next.
	Cursor string
}

// What a media is, for a listing by kind (Filter.Kind).
const (
	KindImage = "image"
	KindVideo = "video"
)

// Counts are how many files a workspace holds: in all, those nothing uses
// yet, and by kind.
type Counts struct {
	Files  int `json:"files"`
	Unused int `json:"unused"`
	Images int `json:"images"`
	Videos int `json:"videos"`
}

// Page is one page of media.
type Page struct {
	Items []Media `json:"items"`
	// Next is the cursor of the next page; "" on the last.
	Next string `json:"next,omitempty"`
}

// Patch changes a media's alt text or name; nil leaves it.
type Patch struct {
	Alt  *string
	Name *string
}

// Blob is a stored file's bytes.
type Blob interface {
	io.ReadSeekCloser
}

// Errors; each says whose fault it is through tools/fault.
var (
	// ErrNotFound: no such media in the caller's workspace (or a bad,
	// expired or forged signed URL).
	ErrNotFound = errors.New("media: no such media in this workspace")
	// ErrInvalid: the upload or patch cannot be accepted.
	ErrInvalid = errors.New("media: invalid")
	// ErrTooLarge: the upload is above the service's limit (MaxBytes).
	ErrTooLarge = fmt.Errorf("%w: the file is too large", ErrInvalid)
	// ErrInUse: the media is attached to a scheduled post, or to a post
	// waiting for approval.
	ErrInUse = errors.New("media: used by a scheduled post")
	// ErrAwaitingApproval: the media is in a post waiting for approval (an
	// approval request holds it); it is an ErrInUse.
	ErrAwaitingApproval error = awaitingApproval{}
)

type awaitingApproval struct{}

func (awaitingApproval) Error() string {
	return "media: it is in a post waiting for approval; approve or reject it first"
}
func (awaitingApproval) Is(target error) bool { return target == ErrInUse }

// Words is the refusal as a person reads it (tools/fault).
func (awaitingApproval) Words() string {
	return "it is in a post waiting for approval; approve or reject it first"
}

type kinded struct {
	error
	kind fault.Kind
}

func (k kinded) FaultKind() fault.Kind { return k.kind }
func (k kinded) Unwrap() error         { return k.error }

func invalid(format string, a ...any) error {
	return kinded{fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, a...)...), fault.Validation}
}

// PostState says whether a post still waits to be published (pending,
// scheduled or awaiting approval): media it uses cannot be deleted.
type PostState func(ctx context.Context, workspaceID, postID string) (pending bool, err error)

// ApprovalState says whether an approval request still waits for a person
// (asking, pending, or running its action): the media of the post it
// proposes cannot be deleted.
type ApprovalState func(ctx context.Context, workspaceID, approvalID string) (pending bool, err error)

// Config is what the service needs.
type Config struct {
	Store Store
	Blobs Blobs
	// SigningKey signs media URLs (derived from MM_ENCRYPTION_KEY).
	SigningKey []byte
	// PublicURL is MM_PUBLIC_URL; signed URLs are PublicURL/media/<token>.
	PublicURL string
	// PostState, when set, decides whether a post use blocks deletion;
	// without it every post use does.
	PostState PostState
	// ApprovalState, when set, decides whether an approval use
	// ("approval:<id>") blocks deletion; without it every approval use does.
	ApprovalState ApprovalState
	// MaxBytes is the largest upload; 0 is MaxBytes.
	MaxBytes int64
	Log      zerolog.Logger
	// Now is the clock; nil is time.Now.
	Now func() time.Time
}

// Service is the media capability.
type Service struct {
	store     Store
	blobs     Blobs
	signer    signer
	publicURL string
	postState PostState
	approvals ApprovalState
	maxBytes  int64
	log       zerolog.Logger
	now       func() time.Time

	stampMu   sync.Mutex
	lastStamp time.Time

	// thumbSigner signs thumbnail URLs (ThumbURL) with a key of its own.
	thumbSigner signer
	// thumbSlots bounds the thumbnails made at once (one per CPU): each
	// holds its decoded image, tens of megabytes for a photo.
	thumbSlots chan struct{}
}

// New returns the service.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Blobs == nil {
		return nil, errors.New("media: a store and a blob store are needed")
	}
	if len(cfg.SigningKey) < 16 {
		return nil, errors.New("media: the signing key is too short")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = MaxBytes
	}
	sig := signer{key: cfg.SigningKey}
	return &Service{store: cfg.Store, blobs: cfg.Blobs, signer: sig, thumbSigner: sig.derive("marketingminds media thumbnail URL v1"), publicURL: cfg.PublicURL,
		postState: cfg.PostState, approvals: cfg.ApprovalState, maxBytes: cfg.MaxBytes, log: cfg.Log, now: cfg.Now,
		thumbSlots: make(chan struct{}, runtime.GOMAXPROCS(0))}, nil
}
