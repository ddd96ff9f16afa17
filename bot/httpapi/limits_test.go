package httpapi

import (
	"fmt"
	"strings"
	"testing"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/limit"
)

// An error lists the first limit.Problems problems and counts the rest:
// 100 unknown accounts once answered with every one of them, twice.
func TestProblemsCapped(t *testing.T) {
	t.Parallel()
	f := postsSetup(t)
	ids := make([]string, limit.ListItems)
	for i := range ids {
		ids[i] = fmt.Sprintf(`"gone-%03d-%s"`, i, strings.Repeat("z", 200))
	}
	resp, body, raw := f.send(t, "POST", "/api/social/post/multiple", identity.Editor, "", `{"text":"hi","account_ids":[`+strings.Join(ids, ",")+`]}`)
	probs, _ := body["problems"].([]any)
	more, _ := body["more_problems"].(float64)
	msg := messages(body)
	if resp.StatusCode != 400 || len(probs) != limit.Problems || int(more) != limit.ListItems-limit.Problems {
		t.Fatalf("%d with %d problems and %v more; want 400 with %d and %d more", resp.StatusCode, len(probs), more, limit.Problems, limit.ListItems-limit.Problems)
	}
	if !strings.Contains(msg, fmt.Sprintf("and %d more", limit.ListItems-limit.Problems)) || strings.Contains(raw, strings.Repeat("z", limit.EchoChars+1)) {
		t.Errorf("message %q: want the count of the rest and no id echoed past %d characters", limit.Clip(msg), limit.EchoChars)
	}
	if len(raw) > 8<<10 {
		t.Errorf("answer is %d bytes", len(raw))
	}
}

// A settings error names a bad value in a few dozen characters at most,
// however long it is.
func TestSettingsErrorClipsValues(t *testing.T) {
	t.Parallel()
	f := contentSetup(t)
	long := strings.Repeat("Europe/Paris", 5000)
	status, body := f.call(t, "admin", "PATCH", "/api/settings", map[string]any{"time_zone": long, "approval_policy": long})
	msg := messages(body)
	if status != 400 || errorCode(body) != "invalid_settings" || !strings.Contains(msg, "…") || len(msg) > 400 {
		t.Fatalf("%d %q (%d bytes); want 400 with the values clipped", status, limit.Clip(msg), len(msg))
	}
}

// A rejection's reason past agents.MaxReasonChars is refused with a 400
// and the approval stays pending.
func TestApprovalRejectReasonCapped(t *testing.T) {
	f, pending, _ := pendingApprovals(t)
	editor := "Bearer " + f.tokens[identity.Editor]
	reason := strings.Repeat("x", agents.MaxReasonChars+1)
	resp, body := f.do(t, "POST", "/api/approvals/"+pending[0].ID+"/reject", editor, strings.NewReader(`{"reason":"`+reason+`"}`))
	if resp.StatusCode != 400 || strings.Contains(messages(body), reason) {
		t.Fatalf("%d %q; want 400 without the reason echoed", resp.StatusCode, limit.Clip(messages(body)))
	}
	_, list := f.do(t, "GET", "/api/approvals?status=pending", editor, nil)
	if got, _ := list["approvals"].([]any); len(got) != 2 {
		t.Errorf("pending after the refused reject: %d, want 2", len(got))
	}
}
