package intent_test

import (
	"errors"
	"testing"

	"github.com/marketingminds/marketingminds/agents/intent"
)

func TestParseDigest(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]intent.Command{
		"digest":              {Kind: intent.KindDigest},
		"digest on":           {Kind: intent.KindDigest, Status: "on"},
		"Digest OFF":          {Kind: intent.KindDigest, Status: "off"},
		"weekly digest off":   {Kind: intent.KindDigest, Status: "off"},
		"digest C0MARKETING1": {Kind: intent.KindDigest, ID: "C0MARKETING1"},
	} {
		got, err := intent.Parse(in)
		if err != nil || got.Kind != want.Kind || got.Status != want.Status || got.ID != want.ID {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	var ue *intent.UsageError
	if _, err := intent.Parse("digest #marketing"); !errors.As(err, &ue) || ue.Kind != intent.KindDigest {
		t.Errorf("a channel name = %v; want digest's usage", err)
	}
}
