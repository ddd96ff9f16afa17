package intent_test

import (
	"errors"
	"testing"

	"github.com/marketingminds/marketingminds/agents/intent"
)

func TestParseInbox(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]intent.Command{
		"inbox":                      {Kind: intent.KindInbox},
		"inbox here":                 {Kind: intent.KindInbox, Status: "here"},
		"Inbox OFF":                  {Kind: intent.KindInbox, Status: "off"},
		"inbox C0SOCIAL01":           {Kind: intent.KindInbox, ID: "C0SOCIAL01"},
		"inbox <#C0SOCIAL01|social>": {Kind: intent.KindInbox, ID: "C0SOCIAL01"},
	} {
		got, err := intent.Parse(in)
		if err != nil || got.Kind != want.Kind || got.Status != want.Status || got.ID != want.ID {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	var ue *intent.UsageError
	if _, err := intent.Parse("inbox #social"); !errors.As(err, &ue) || ue.Kind != intent.KindInbox {
		t.Errorf("a channel name = %v; want inbox's usage", err)
	}
}
