package publish

import (
	"errors"
	"fmt"
	"testing"
	"time"

	fk "github.com/marketingminds/marketingminds/tools/fault"
)

// Publishing's own errors say whose fault they are: media that cannot be
// fetched is the link's, other problems our validation's, a time in the
// past the request's; the REST layer still reads them as validation errors.
func TestErrorsCarryTheirKind(t *testing.T) {
	t.Parallel()
	now := time.Now()
	media := fmt.Errorf("publish: %w", mediaError([]Problem{{Field: "image_urls", Message: "image 1 is on a host name that does not exist; check the link"}}))
	var ve *ValidationError
	if f := fk.Of(media, now); f.Kind != fk.Media || f.Message != "image 1 is on a host name that does not exist; check the link" || !errors.As(media, &ve) {
		t.Errorf("media: %+v (validation error: %v)", f, errors.As(media, &ve))
	}
	invalid := &ValidationError{Problems: []Problem{{Message: "X allows 280 characters"}}}
	if f := fk.Of(invalid, now); f.Kind != fk.Validation || f.Message != "X allows 280 characters" {
		t.Errorf("invalid: %+v", f)
	}
	past := fmt.Errorf("%w: Mon 1 Dec 2025, 09:00 UTC is in the past", ErrInvalid)
	if f := fk.Of(past, now); f.Kind != fk.Validation || f.Message != "Mon 1 Dec 2025, 09:00 UTC is in the past" || !errors.Is(past, ErrInvalid) {
		t.Errorf("past: %+v", f)
	}
	if f := fk.Of(&DuplicateError{}, now); f.Kind != fk.Duplicate || !errors.Is(&DuplicateError{}, ErrDuplicate) {
		t.Errorf("duplicate: %+v", f)
	}
}
