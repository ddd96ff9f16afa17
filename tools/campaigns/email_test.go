package campaigns

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/schedule"
)

// An e-mail campaign created, scheduled a few seconds ahead, sent by the
// scheduler, and its report read back with opens and open rate.
func TestScheduledEmailSentByScheduler(t *testing.T) {
	t.Parallel()
	for _, b := range []store.Backend{store.SQLite, store.Mongo} {
		t.Run(string(b), func(t *testing.T) { scheduledEmailSentByScheduler(t, newEnv(t, b)) })
	}
}

func scheduledEmailSentByScheduler(t *testing.T, e *env) {
	ctx := context.Background()
	e.start(t)
	ec := e.email(t, "December newsletter")
	if ec.Status != EmailDraft || ec.CampaignKey == "" {
		t.Fatalf("created %+v; want a draft with Zoho's key", ec)
	}
	at := e.clock.Now().Add(2 * time.Second)
	sch, err := e.svc.ScheduleEmail(ctx, e.editor, ec.ID, at)
	if err != nil {
		t.Fatal(err)
	}
	if sch.Status != EmailScheduled || sch.JobID == "" || !sch.ScheduledAt.Equal(store.Trunc(at)) {
		t.Fatalf("scheduled %+v", sch)
	}
	job, err := e.sched.Get(ctx, "T1", sch.JobID)
	if err != nil || job.Kind != JobKind || job.CreatedBy != "U1" {
		t.Fatalf("job %+v, %v", job, err)
	}
	if _, err := e.svc.EmailReport(ctx, e.viewer, ec.ID); !errors.Is(err, ErrConflict) {
		t.Fatalf("report before sending: %v, want ErrConflict", err)
	}
	sent := e.waitStatus(t, ec.ID, EmailSent)
	if sent.SentAt.Before(store.Trunc(at)) {
		t.Fatalf("sent at %v, before its time %v", sent.SentAt, at)
	}
	if n := e.sb.Calls(http.MethodPost, sendPath); n != 1 {
		t.Fatalf("Zoho was asked to send %d times, want 1", n)
	}
	refs, err := e.svc.SentEmailCampaigns(ctx, "T1", time.Time{})
	if err != nil || len(refs) != 1 || refs[0].ID != ec.ID || refs[0].CampaignKey != ec.CampaignKey || !refs[0].SentAt.Equal(sent.SentAt) {
		t.Fatalf("SentEmailCampaigns = %+v, %v", refs, err)
	}

	e.clock.Advance(6 * time.Hour) // opens grow after sending
	rep, err := e.svc.EmailReport(ctx, e.viewer, ec.ID)
	if err != nil {
		t.Fatal(err)
	}
	r := rep.Report
	if r == nil || r.Sent != newsletterTo || r.Opens <= 0 || r.OpenRate <= 0 || r.OpenRate > 100 || r.Delivered <= r.Opens {
		t.Fatalf("report %+v; want %d sent and some opens", r, newsletterTo)
	}
	want := float64(r.Opens) / float64(r.Delivered) * 100
	if d := r.OpenRate - want; d > 0.01 || d < -0.01 {
		t.Fatalf("open rate %.2f, want opens/delivered = %.2f", r.OpenRate, want)
	}
	kept, _ := e.svc.GetEmail(ctx, e.viewer, ec.ID)
	if kept.Report == nil || *kept.Report != *r || kept.ReportAt.IsZero() {
		t.Fatalf("report kept: %+v at %v", kept.Report, kept.ReportAt)
	}
}

// A send whose answer is lost (Zoho accepted it, the connection dropped)
// stays "sending"; the next run asks Zoho and records it sent without a
// second send. A send marked before a crash that never reached Zoho is sent
// once by the next run.
func TestSendIsCrashSafe(t *testing.T) {
	t.Parallel()
	for _, b := range []store.Backend{store.SQLite, store.Mongo} {
		t.Run(string(b), func(t *testing.T) { sendIsCrashSafe(t, newEnv(t, b)) })
	}
}

func sendIsCrashSafe(t *testing.T, e *env) {
	ctx := context.Background()

	lost := e.email(t, "Lost answer")
	e.sb.InjectFault(sandbox.Fault{Host: "campaigns.zoho.com", Method: http.MethodPost, Path: "/api/v1.1/sendcampaign",
		Mode: sandbox.ModeAcceptThenDrop, Times: 1})
	got, err := e.svc.SendEmail(ctx, e.editor, lost.ID)
	if err == nil || got.Status != EmailSending || !strings.Contains(got.LastError, "did not confirm") {
		t.Fatalf("send with a dropped answer = %+v, %v; want sending and an error", got, err)
	}
	if _, err := e.svc.SendEmail(ctx, e.editor, lost.ID); !errors.Is(err, ErrConflict) {
		t.Fatalf("send again at once: %v, want ErrConflict (being sent)", err)
	}
	e.clock.Advance(sendingGrace + time.Second)
	got, err = e.svc.SendEmail(ctx, e.editor, lost.ID)
	if err != nil || got.Status != EmailSent {
		t.Fatalf("send after the grace = %+v, %v; want sent by reconciling", got, err)
	}
	if n := e.sb.Calls(http.MethodPost, sendPath); n != 1 {
		t.Fatalf("Zoho was asked to send %d times, want 1", n)
	}

	// Marked sending, then the process died before calling Zoho: the job's
	// next run finds a draft in Zoho and sends it, once.
	crashed := e.email(t, "Crashed before the call")
	crashed.Status, crashed.JobID, crashed.UpdatedAt = EmailSending, "job-1", e.clock.Now()
	if ok, err := e.svc.st.SaveEmail(ctx, crashed); !ok || err != nil {
		t.Fatal(ok, err)
	}
	got, err = e.svc.deliver(ctx, "T1", crashed.ID, "job-1")
	if err != nil || got.Status != EmailSent {
		t.Fatalf("recovered run = %+v, %v", got, err)
	}
	if n := e.sb.Calls(http.MethodPost, sendPath); n != 2 {
		t.Fatalf("Zoho was asked to send %d times in all, want 2", n)
	}
	if _, err := e.svc.SendEmail(ctx, e.editor, crashed.ID); !errors.Is(err, ErrConflict) {
		t.Fatalf("send a sent campaign: %v, want ErrConflict", err)
	}
}

// DELETE /api/jobs/{id} (Scheduler.Cancel) leaves the campaign cancelled;
// it can be scheduled again, moved, and sent now off its schedule.
func TestScheduledEmailCancelMoveAndSendNow(t *testing.T) {
	t.Parallel()
	e := newEnv(t, store.SQLite)
	ctx := context.Background()
	ec := e.email(t, "Winter sale")
	at := e.clock.Now().Add(time.Hour)
	sch, err := e.svc.ScheduleEmail(ctx, e.editor, ec.ID, at)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.sched.Cancel(ctx, "T1", sch.JobID); err != nil {
		t.Fatal(err)
	}
	got, _ := e.svc.GetEmail(ctx, e.viewer, ec.ID)
	if got.Status != EmailCancelled {
		t.Fatalf("after the job was cancelled: %s", got.Status)
	}
	// The cancelled job's handler, were it run, does nothing.
	if got, err := e.svc.deliver(ctx, "T1", ec.ID, sch.JobID); err != nil || got.Status != EmailCancelled {
		t.Fatalf("cancelled job run = %s, %v", got.Status, err)
	}
	again, err := e.svc.ScheduleEmail(ctx, e.editor, ec.ID, at)
	if err != nil || again.Status != EmailScheduled || again.JobID == sch.JobID {
		t.Fatalf("schedule again = %+v, %v; want a new job", again, err)
	}
	later := at.Add(24 * time.Hour)
	moved, err := e.svc.ScheduleEmail(ctx, e.editor, ec.ID, later)
	if err != nil || moved.JobID != again.JobID || !moved.ScheduledAt.Equal(store.Trunc(later)) {
		t.Fatalf("move = %+v, %v", moved, err)
	}
	if j, _ := e.sched.Get(ctx, "T1", again.JobID); !j.RunAt.Equal(store.Trunc(later)) {
		t.Fatalf("job runs at %v, want %v", j.RunAt, later)
	}
	sent, err := e.svc.SendEmail(ctx, e.editor, ec.ID)
	if err != nil || sent.Status != EmailSent {
		t.Fatalf("send now = %+v, %v", sent, err)
	}
	if j, _ := e.sched.Get(ctx, "T1", again.JobID); j.Status != "cancelled" {
		t.Fatalf("the schedule's job is %s, want cancelled", j.Status)
	}
	if _, err := e.svc.ScheduleEmail(ctx, e.editor, ec.ID, later); !errors.Is(err, ErrConflict) {
		t.Fatalf("schedule a sent campaign: %v", err)
	}
}

func TestEmailErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, store.SQLite)
	ctx := context.Background()
	good := NewEmail{Name: "N", Subject: "S", HTML: "<p>x</p>", ListKeys: []string{newsletter}}
	with := func(f func(*NewEmail)) NewEmail { n := good; f(&n); return n }
	for _, c := range []struct {
		name   string
		caller identity.Caller
		in     NewEmail
		is     error
		msg    string
	}{
		{"no name", e.editor, with(func(n *NewEmail) { n.Name = " " }), ErrInvalid, "name is required"},
		{"no subject", e.editor, with(func(n *NewEmail) { n.Subject = "" }), ErrInvalid, "subject is required"},
		{"no content", e.editor, with(func(n *NewEmail) { n.HTML, n.Text = "", " " }), ErrInvalid, "html or text"},
		{"no lists", e.editor, with(func(n *NewEmail) { n.ListKeys = nil }), ErrInvalid, "list_keys needs"},
		{"empty list key", e.editor, with(func(n *NewEmail) { n.ListKeys = []string{""} }), ErrInvalid, "empty key"},
		{"bad sender", e.editor, with(func(n *NewEmail) { n.FromEmail = "not an address" }), ErrInvalid, "from_email"},
		{"unknown campaign", e.editor, with(func(n *NewEmail) { n.CampaignID = "nope" }), ErrNotFound, "no marketing campaign"},
		{"viewer", e.viewer, good, identity.ErrForbidden, "editor"},
		{"no Zoho", e.stranger, good, ErrZohoNotConnected, "GET /api/zoho/connect"},
		{"unknown list in Zoho", e.editor, with(func(n *NewEmail) { n.ListKeys = []string{"3zbogus"} }), nil, "list key"},
	} {
		_, err := e.svc.CreateEmail(ctx, c.caller, c.in)
		if err == nil || (c.is != nil && !errors.Is(err, c.is)) || !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(c.msg)) {
			t.Errorf("%s: %v; want %v saying %q", c.name, err, c.is, c.msg)
		}
	}
	for _, c := range []identity.Caller{e.editor, e.stranger} {
		if l, _ := e.svc.ListEmails(ctx, c, ""); len(l) != 0 {
			t.Fatalf("failed creates left %+v", l)
		}
	}
	ec := e.email(t, "Fine")
	now := e.clock.Now()
	for _, c := range []struct {
		name string
		id   string
		at   time.Time
		is   error
	}{
		{"past", ec.ID, now.Add(-time.Minute), ErrInvalid},
		{"too far", ec.ID, now.Add(400 * 24 * time.Hour), ErrInvalid},
		{"unknown", "nope", now.Add(time.Hour), ErrNotFound},
	} {
		if _, err := e.svc.ScheduleEmail(ctx, e.editor, c.id, c.at); !errors.Is(err, c.is) {
			t.Errorf("schedule %s: %v, want %v", c.name, err, c.is)
		}
	}
	// Another workspace's campaign id is not found, whatever it asks.
	if _, err := e.svc.GetEmail(ctx, e.stranger, ec.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("get from T2: %v", err)
	}
	if _, err := e.svc.SendEmail(ctx, e.stranger, ec.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("send from T2: %v", err)
	}
	if _, err := e.svc.EmailReport(ctx, e.stranger, ec.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("report from T2: %v", err)
	}
	if _, err := e.svc.MailingLists(ctx, e.stranger); !errors.Is(err, ErrZohoNotConnected) {
		t.Errorf("lists without Zoho: %v", err)
	}
	html, text, err := e.svc.EmailContent(ctx, ec.ContentKey)
	if err != nil || html != "<h1>Fine</h1>" || text != "Fine" {
		t.Errorf("content = %q, %q, %v", html, text, err)
	}
	if !strings.HasPrefix(e.svc.ContentURL(ec), "https://mm.example/email/content/") {
		t.Errorf("content URL %s", e.svc.ContentURL(ec))
	}
}

func TestMailingListsAndParseTime(t *testing.T) {
	t.Parallel()
	e := newEnv(t, store.SQLite)
	ctx := context.Background()
	lists, err := e.svc.MailingLists(ctx, e.viewer)
	if err != nil || len(lists) != 3 {
		t.Fatalf("lists = %+v, %v", lists, err)
	}
	var found bool
	for _, l := range lists {
		found = found || (l.Key == newsletter && l.Contacts == 1240)
	}
	if !found {
		t.Fatalf("no newsletter list with 1,240 contacts in %+v", lists)
	}
	paris, _ := time.LoadLocation("Europe/Paris")
	e.svc.cfg.UserLocation = func(context.Context, string, string) (*time.Location, error) { return paris, nil }
	before := store.Trunc(e.clock.Now())
	in2h, err := e.svc.ParseTime(ctx, e.editor, "in 2 hours")
	if err != nil || in2h.Before(before.Add(2*time.Hour)) || in2h.After(e.clock.Now().Add(2*time.Hour)) {
		t.Errorf("ParseTime(in 2 hours) = %v, %v; want two hours from %v", in2h, err, before)
	}
	for _, c := range []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2026-12-01T09:00:00+01:00", time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC), true},
		{"2026-12-01 09:00", time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC), true},
		{"2026-07-01T09:00", time.Date(2026, 7, 1, 7, 0, 0, 0, time.UTC), true},
		{"", time.Time{}, false},
		{"tomorrow-ish", time.Time{}, false},
	} {
		got, err := e.svc.ParseTime(ctx, e.editor, c.in)
		if c.ok != (err == nil) || (c.ok && !got.Equal(c.want)) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
		if !c.ok && !errors.Is(err, ErrInvalid) {
			t.Errorf("ParseTime(%q): %v, want ErrInvalid", c.in, err)
		}
	}
}

// The scheduler's run gets a 500 for a send Zoho accepted: the job is
// retried, the retry finds the campaign sent in Zoho and records it, and
// Zoho is asked to send once. A campaign whose workspace lost Zoho before
// its time fails with the reason, and its job fails without retrying.
func TestScheduledSendRetriedAfterLostAnswer(t *testing.T) {
	t.Parallel()
	e := newEnv(t, store.SQLite)
	ctx := context.Background()
	e.start(t)
	e.sb.InjectFault(sandbox.Fault{Host: "campaigns.zoho.com", Method: http.MethodPost, Path: "/api/v1.1/sendcampaign",
		Mode: sandbox.ModeAcceptThenFail, Kind: sandbox.FaultServerError, Times: 1})
	ec := e.email(t, "Accepted, then 500")
	sch, err := e.svc.ScheduleEmail(ctx, e.editor, ec.ID, e.clock.Now().Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	sent := e.waitStatus(t, ec.ID, EmailSent)
	if n := e.sb.Calls(http.MethodPost, sendPath); n != 1 {
		t.Fatalf("Zoho was asked to send %d times, want 1", n)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		j, err := e.sched.Get(ctx, "T1", sch.JobID)
		if err != nil {
			t.Fatal(err)
		}
		if j.Status == schedule.StatusCompleted {
			if j.Attempts != 2 || sent.LastError != "" {
				t.Fatalf("job %d attempts, campaign error %q; want 2 attempts and no error", j.Attempts, sent.LastError)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("job is %s", j.Status)
		}
		time.Sleep(20 * time.Millisecond)
	}

	gone := e.email(t, "Zoho disconnected")
	sch, err = e.svc.ScheduleEmail(ctx, e.editor, gone.ID, e.clock.Now().Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	zohoGrant, err := e.acc.TokenStatus(ctx, e.editor)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range zohoGrant {
		if g.Platform == "zoho" {
			if _, err := e.acc.Disconnect(ctx, e.editor, g.AccountID); err != nil {
				t.Fatal(err)
			}
		}
	}
	failed := e.waitStatus(t, gone.ID, EmailFailed)
	if !strings.Contains(failed.LastError, "connect Zoho first") {
		t.Fatalf("failed with %q", failed.LastError)
	}
	deadline = time.Now().Add(10 * time.Second)
	for {
		j, _ := e.sched.Get(ctx, "T1", sch.JobID)
		if j.Status == schedule.StatusFailed && j.Attempts == 1 && strings.Contains(j.LastError, "connect Zoho first") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s after %d attempts (%s); want failed after one", j.Status, j.Attempts, j.LastError)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
