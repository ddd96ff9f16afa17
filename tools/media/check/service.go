package check

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/fault"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// Store keeps converted media and gives a signed URL to preview and publish
// them (tools/media.Service, connected by the wiring).
type Store interface {
	Save(ctx context.Context, c identity.Caller, name string, body io.Reader) (Stored, error)
}

// Stored is a converted file as the media store keeps it.
type Stored struct {
	ID  string `json:"id"`
	URL string `json:"url"` // signed and expiring: the preview, and what a post carries instead of the original
}

// Service is the convert_media capability: the Convert button on a media
// problem, the agent's tool, the MCP tool and REST all call ConvertMedia.
type Service struct {
	probe Prober
	store Store
}

// NewService returns the conversion capability: p reads the originals
// (linked or uploaded), s keeps the converted files.
func NewService(p Prober, s Store) *Service { return &Service{probe: p, store: s} }

// ConvertRequest names the media to convert and the platform it must fit.
type ConvertRequest struct {
	MediaURL string        `json:"media_url,omitempty" jsonschema:"description=The media link a problem's Convert offer names."`
	MediaID  string        `json:"media_id,omitempty" jsonschema:"description=Or the uploaded media a problem's Convert offer names."`
	Platform platform.Name `json:"platform" jsonschema:"enum=facebook,enum=instagram,enum=twitter,enum=linkedin,description=The platform the image must fit."`
	// Reframe adds borders to reach the platform's aspect ratios: the
	// result must be shown to the person before it replaces the original.
	Reframe bool `json:"reframe,omitempty" jsonschema:"description=Add borders to fit the platform's aspect ratios (shown for approval; never cropped)."`
}

// Converted is a conversion's result: the new media, what the file was and
// is now, and whether a person must look at it before it is used.
type Converted struct {
	Platform platform.Name `json:"platform"`
	Media    Stored        `json:"media"`
	Before   Info          `json:"before"`
	After    Info          `json:"after"`
	// Review: borders were added; show Media.URL and ask before using it.
	Review bool `json:"review,omitempty"`
	// Remaining are the problems no conversion mends (empty when it fits now).
	Remaining []Problem `json:"remaining,omitempty"`
}

// ErrNotConvertible is a request no conversion answers (a video, an unknown platform).
var ErrNotConvertible = errors.New("check: cannot convert")

type convertError struct{ msg string }

func (e convertError) Error() string         { return "check: convert: " + e.msg }
func (e convertError) Words() string         { return e.msg }
func (e convertError) Is(target error) bool  { return target == ErrNotConvertible }
func (e convertError) FaultKind() fault.Kind { return fault.Validation }

// ConvertMedia downloads the image at r.MediaURL, converts it to a JPEG that
// fits r.Platform (padded, never cropped, when r.Reframe) and keeps it in
// the media store. Editors may. Videos are not converted: the error says
// how to export one that fits.
func (s *Service) ConvertMedia(ctx context.Context, c identity.Caller, r ConvertRequest) (Converted, error) {
	if err := c.Require(identity.Editor); err != nil {
		return Converted{}, err
	}
	if _, ok := DefaultRules[r.Platform]; !ok {
		return Converted{}, convertError{fmt.Sprintf("there are no media limits for %q; use facebook, instagram, twitter or linkedin", r.Platform)}
	}
	data, err := s.original(ctx, c.WorkspaceID, r)
	if err != nil {
		return Converted{}, err
	}
	before, err := Probe(bytes.NewReader(data))
	if err != nil { // unknown bytes, or a damaged image or video: nothing to convert
		return Converted{}, convertError{"the file is not an image we can read (JPEG, PNG, GIF or WebP); videos are not converted"}
	}
	if before.IsVideo() {
		return Converted{}, convertError{"videos are not converted here; " + reexport}
	}
	out, after, err := Convert(ctx, bytes.NewReader(data), TargetFor(r.Platform, r.Reframe))
	if errors.Is(err, ErrCannotFit) {
		return Converted{}, convertError{"the image cannot be made small enough for " + r.Platform.Label() + " without losing it; use a smaller image"}
	}
	if err != nil {
		return Converted{}, err
	}
	st, err := s.store.Save(ctx, c, "converted-for-"+string(r.Platform)+".jpg", bytes.NewReader(out))
	if err != nil {
		return Converted{}, fmt.Errorf("check: convert media: store: %w", err)
	}
	return Converted{Platform: r.Platform, Media: st, Before: before, After: after, Review: r.Reframe,
		Remaining: Check(r.Platform, []Info{after})}, nil
}

// original reads the bytes to convert: the uploaded media or the linked file.
func (s *Service) original(ctx context.Context, workspaceID string, r ConvertRequest) ([]byte, error) {
	id, u := strings.TrimSpace(r.MediaID), strings.TrimSpace(r.MediaURL)
	switch {
	case (id == "") == (u == ""):
		return nil, convertError{"name the media to convert: its link or its uploaded media id, one of them"}
	case u != "":
		m, err := s.probe.Fetcher.Fetch(ctx, u)
		if err != nil {
			return nil, fmt.Errorf("check: convert media: %w", err)
		}
		return m.Data, nil
	case s.probe.Open == nil:
		return nil, convertError{"uploaded media cannot be converted here; give its link"}
	}
	f, err := s.probe.Open(ctx, workspaceID, id)
	if err != nil {
		return nil, fmt.Errorf("check: convert media %s: %w", id, err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxConvertBytes+1))
	if err != nil {
		return nil, fmt.Errorf("check: convert media %s: read: %w", id, err)
	}
	return b, nil
}
