package library

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/limit"
)

// A validation error names each bad value in at most limit.EchoChars
// characters, however long the value was.
func TestValidationClipsValues(t *testing.T) {
	t.Parallel()
	e := setup(t)
	long := strings.Repeat("x!", 30_000)
	_, err := e.svc.Create(context.Background(), e.editor, KindTemplate, Input{
		Body: "Hi {{" + long + "}}", Tags: []string{long}, MediaURLs: []string{"ftp://" + long},
		CampaignID: long, Variants: map[platform.Name]string{platform.Name(long): "v"},
	})
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) < 4 {
		t.Fatalf("err = %v, want a ValidationError with every problem", err)
	}
	if n := len(err.Error()); n > 2000 {
		t.Errorf("the error is %d bytes long: %.200s…", n, err)
	}
	for _, p := range ve.Problems {
		if strings.Contains(p.Field+p.Message, strings.Repeat("x!", limit.EchoChars)) {
			t.Errorf("problem %.60s repeats the value: %.120s…", p.Field, p.Message)
		}
	}
}
