package present_test

import (
	"testing"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/bot/present"
	"github.com/marketingminds/marketingminds/tools/publish"
)

func TestDecided(t *testing.T) {
	t.Parallel()
	a := agents.Approval{Preview: "Publish now to X: Launch day", DecidedBy: "U1"}
	for _, tc := range []struct {
		status        agents.ApprovalStatus
		reason, error string
		who, want     string
	}{
		{agents.ApprovalDone, "", "", "<@U1>", "Approved by <@U1> and done: Publish now to X: Launch day"},
		{agents.ApprovalRunning, "", "", "Ana", "Approved by Ana; it is running: Publish now to X: Launch day"},
		{agents.ApprovalFailed, "", "X refused the post", "you", "Approved by you, but it failed: X refused the post"},
		{agents.ApprovalRejected, "not today", "", "Ana", "Rejected by Ana: Publish now to X: Launch day (reason: not today)"},
		{agents.ApprovalRejected, "", "", "you", "Rejected by you: Publish now to X: Launch day"},
		{agents.ApprovalPending, "", "", "you", "Publish now to X: Launch day"},
		{agents.ApprovalRejected, "", "", "", "Rejected: Publish now to X: Launch day"}, // a sweep decides as no one
	} {
		a.Status, a.Reason, a.Error = tc.status, tc.reason, tc.error
		if got := present.Decided(a, tc.who); got != tc.want {
			t.Errorf("%s by %s = %q, want %q", tc.status, tc.who, got, tc.want)
		}
	}
	// The account chosen on a question refused the post: that is its end.
	refused := agents.Approval{Preview: "Publish now to Instagram", Status: agents.ApprovalRejected, DecidedBy: "U1",
		Reason: "Outlet (Instagram) cannot take this post: the image is a PNG", Checks: agents.Checks{Choice: &publish.Choice{}}}
	if got := present.Decided(refused, "you"); got != "Not posted: Outlet (Instagram) cannot take this post: the image is a PNG" {
		t.Errorf("a refused choice reads %q", got)
	}
}
