package settings

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/audit"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type env struct {
	db    *store.DB
	clock *clock
	svc   *Service
	log   *audit.Log
	admin identity.Caller
}

func setup(t *testing.T) *env {
	t.Helper()
	db := storetest.Open(t, store.SQLite, audit.Schema, Schema)
	e := &env{db: db, clock: &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}, log: audit.New(db, nil),
		admin: identity.Caller{WorkspaceID: "T1", UserID: "U-admin", Role: identity.Admin, Door: identity.DoorAPI}}
	e.svc = e.replica(t)
	return e
}

// replica is another process's service on the same database.
func (e *env) replica(t *testing.T) *Service {
	t.Helper()
	svc, err := New(Config{Store: NewStore(e.db), Audit: e.log, Log: zerolog.Nop(), Now: e.clock.Now, CacheTTL: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func TestGetDefaults(t *testing.T) {
	t.Parallel()
	e := setup(t)
	got, err := e.svc.Get(context.Background(), identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Viewer})
	if err != nil {
		t.Fatal(err)
	}
	want := Settings{WorkspaceID: "T1", ApprovalPolicy: PolicyAgent, TimeZone: "UTC", DefaultRole: identity.Editor, WeeklyDigest: true,
		ConversationRetentionDays: 90, DefaultAccounts: map[string]string{}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("defaults = %+v, want %+v", got, want)
	}
	if _, err := e.svc.Get(context.Background(), identity.Caller{WorkspaceID: "T1", UserID: "U1"}); !errors.Is(err, identity.ErrForbidden) {
		t.Fatalf("a caller without a role reads settings: %v", err)
	}
}

func TestUpdate(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	got, err := e.svc.Update(ctx, e.admin, Patch{ApprovalPolicy: ptr(" never "), TimeZone: ptr("America/New_York"), NotificationChannel: ptr("C0123ABCD")})
	if err != nil {
		t.Fatal(err)
	}
	if got.ApprovalPolicy != PolicyNever || got.TimeZone != "America/New_York" || got.NotificationChannel != "C0123ABCD" ||
		got.DefaultRole != identity.Editor || got.UpdatedBy != "U-admin" || got.UpdatedAt == nil || !got.UpdatedAt.Equal(e.clock.Now()) {
		t.Fatalf("after update: %+v", got)
	}
	// Partial update keeps the rest; "" resets to the default.
	got, err = e.svc.Update(ctx, e.admin, Patch{TimeZone: ptr(""), DefaultRole: ptr("viewer")})
	if err != nil || got.TimeZone != "UTC" || got.DefaultRole != identity.Viewer || got.ApprovalPolicy != PolicyNever {
		t.Fatalf("partial update = %+v, %v", got, err)
	}
	read, _ := e.svc.Get(ctx, identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Viewer})
	if !same(read, got) {
		t.Fatalf("get after update = %+v, want %+v", read, got)
	}
	// Another workspace is untouched.
	other, _ := e.svc.Get(ctx, identity.Caller{WorkspaceID: "T2", UserID: "U1", Role: identity.Admin})
	if other.ApprovalPolicy != PolicyAgent || other.UpdatedAt != nil {
		t.Fatalf("T2 = %+v", other)
	}
	// Each update is audited with what it set.
	entries, err := e.log.List(ctx, e.admin, audit.Filter{Action: "settings.update"})
	if err != nil || len(entries) != 2 {
		t.Fatalf("audit = %+v, %v", entries, err)
	}
	// Both may carry the same millisecond: find the first update's entry.
	first := entries[1]
	if strings.Contains(entries[0].Detail, "approval_policy=never") {
		first = entries[0]
	}
	if d := first.Detail; !strings.Contains(d, "approval_policy=never") || !strings.Contains(d, "time_zone=America/New_York") ||
		first.UserID != "U-admin" || first.Door != identity.DoorAPI {
		t.Fatalf("audit entries = %+v", entries)
	}
}

// The conversation retention is a setting like the others: 90 days until
// an admin changes it, read cheaply by the cleanup job, 0 back to 90.
func TestConversationRetention(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	if d, err := e.svc.ConversationRetention(ctx, "T1"); err != nil || d != 90*24*time.Hour {
		t.Fatalf("default retention = %v, %v", d, err)
	}
	got, err := e.svc.Update(ctx, e.admin, Patch{ConversationRetentionDays: num(7)})
	if err != nil || got.ConversationRetentionDays != 7 {
		t.Fatalf("update = %+v, %v", got, err)
	}
	if d, err := e.svc.ConversationRetention(ctx, "T1"); err != nil || d != 7*24*time.Hour {
		t.Fatalf("retention = %v, %v; want 7 days", d, err)
	}
	if d, _ := e.svc.ConversationRetention(ctx, "T2"); d != 90*24*time.Hour {
		t.Fatalf("T2's retention = %v, want the default", d)
	}
	if got, err = e.svc.Update(ctx, e.admin, Patch{ConversationRetentionDays: num(0)}); err != nil || got.ConversationRetentionDays != 90 {
		t.Fatalf("reset = %+v, %v", got, err)
	}
	entries, err := e.log.List(ctx, e.admin, audit.Filter{Action: "settings.update"})
	// Both updates may fall in one millisecond, so their order is not asked.
	if err != nil || len(entries) != 2 || !strings.Contains(entries[0].Detail+entries[1].Detail, "conversation_retention_days=7") ||
		!strings.Contains(entries[0].Detail+entries[1].Detail, "conversation_retention_days=0") {
		t.Fatalf("audit = %+v, %v", entries, err)
	}
}

func num(n int) *int { return &n }

// same compares settings by value, update time included.
func same(a, b Settings) bool {
	at, bt := a.UpdatedAt, b.UpdatedAt
	a.UpdatedAt, b.UpdatedAt = nil, nil
	return reflect.DeepEqual(a, b) && (at == nil) == (bt == nil) && (at == nil || at.Equal(*bt))
}

func TestUpdateRejects(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		caller identity.Caller
		patch  Patch
		fields []string // every problem reported, in order
		want   string
	}{
		{"editor", identity.Caller{WorkspaceID: "T1", UserID: "U2", Role: identity.Editor}, Patch{ApprovalPolicy: ptr("never")}, nil, "admin"},
		{"empty patch", e.admin, Patch{}, []string{""}, "nothing to change"},
		{"unknown policy", e.admin, Patch{ApprovalPolicy: ptr("sometimes")}, []string{"approval_policy"}, `"sometimes" is not a policy`},
		{"channel name", e.admin, Patch{NotificationChannel: ptr("#marketing")}, []string{"notification_channel"}, "not its name"},
		{"channel junk", e.admin, Patch{NotificationChannel: ptr("c12")}, []string{"notification_channel"}, "not a Slack channel id"},
		{"zone", e.admin, Patch{TimeZone: ptr("Mars/Olympus")}, []string{"time_zone"}, "not an IANA time zone"},
		{"local zone", e.admin, Patch{TimeZone: ptr("Local")}, []string{"time_zone"}, "not an IANA time zone"},
		{"admin role", e.admin, Patch{DefaultRole: ptr("admin")}, []string{"default_role"}, "cannot become admins"},
		{"retention too long", e.admin, Patch{ConversationRetentionDays: num(3651)}, []string{"conversation_retention_days"}, "from 1 to 3650 days"},
		{"retention negative", e.admin, Patch{ConversationRetentionDays: num(-1)}, []string{"conversation_retention_days"}, "from 1 to 3650 days"},
		{"every problem at once", e.admin, Patch{ApprovalPolicy: ptr("x"), NotificationChannel: ptr("general"), TimeZone: ptr("Nowhere"), DefaultRole: ptr("boss")},
			[]string{"approval_policy", "notification_channel", "time_zone", "default_role"}, "use editor or viewer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.Update(ctx, tc.caller, tc.patch)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to say %q", err, tc.want)
			}
			var ve *ValidationError
			if tc.fields == nil {
				if !errors.Is(err, identity.ErrForbidden) {
					t.Fatalf("err = %v, want forbidden", err)
				}
				return
			}
			if !errors.As(err, &ve) || len(ve.Problems) != len(tc.fields) {
				t.Fatalf("err = %#v, want %d problems", err, len(tc.fields))
			}
			for i, f := range tc.fields {
				if ve.Problems[i].Field != f {
					t.Errorf("problem %d field = %q, want %q", i, ve.Problems[i].Field, f)
				}
			}
		})
	}
	// Nothing was saved by any of them.
	if _, found, _ := NewStore(e.db).Get(ctx, "T1"); found {
		t.Fatal("a rejected patch was saved")
	}
}

func TestLookupsCacheAndInvalidation(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	other := e.replica(t)
	if p, err := other.ApprovalPolicy(ctx, "T1"); err != nil || p != PolicyAgent {
		t.Fatalf("policy before any update = %q, %v", p, err)
	}
	if loc, err := other.Location(ctx, "T1"); err != nil || loc != time.UTC {
		t.Fatalf("location before any update = %v, %v", loc, err)
	}
	if _, err := e.svc.ApprovalPolicy(ctx, "T1"); err != nil { // cached in this replica too
		t.Fatal(err)
	}
	if _, err := e.svc.Update(ctx, e.admin, Patch{ApprovalPolicy: ptr("never"), TimeZone: ptr("Asia/Tokyo")}); err != nil {
		t.Fatal(err)
	}
	// The replica that updated sees it at once.
	if p, _ := e.svc.ApprovalPolicy(ctx, "T1"); p != PolicyNever {
		t.Fatalf("own replica policy = %q, want never", p)
	}
	if loc, _ := e.svc.Location(ctx, "T1"); loc.String() != "Asia/Tokyo" {
		t.Fatalf("own replica location = %v", loc)
	}
	// Another replica keeps its copy until the TTL passes...
	if p, _ := other.ApprovalPolicy(ctx, "T1"); p != PolicyAgent {
		t.Fatalf("other replica within TTL = %q, want its cached agent", p)
	}
	e.clock.Add(10 * time.Second)
	// ...then reads the store.
	if p, _ := other.ApprovalPolicy(ctx, "T1"); p != PolicyNever {
		t.Fatalf("other replica after TTL = %q, want never", p)
	}
	s, err := other.Lookup(ctx, "T1")
	if err != nil || s.TimeZone != "Asia/Tokyo" || s.DefaultRole != identity.Editor {
		t.Fatalf("lookup = %+v, %v", s, err)
	}
}

func TestPolicyRequires(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		p    Policy
		door identity.Door
		want bool
	}{
		{PolicyAgent, identity.DoorAgent, true},
		{PolicyAgent, identity.DoorSlash, false},
		{PolicyAgent, identity.DoorAPI, false},
		{PolicyAlways, identity.DoorSlash, true},
		{PolicyAlways, identity.DoorAPI, true},
		{PolicyAlways, identity.DoorSystem, false},
		{PolicyNever, identity.DoorAgent, false},
		{"", identity.DoorAgent, true}, // unset reads as the default
	} {
		if got := tc.p.Requires(tc.door); got != tc.want {
			t.Errorf("%q.Requires(%s) = %v, want %v", tc.p, tc.door, got, tc.want)
		}
	}
}

// BenchmarkApprovalPolicy measures the cached system-side lookup the
// approval gate makes for every publication.
func BenchmarkApprovalPolicy(b *testing.B) {
	db := storetest.Open(b, store.SQLite, audit.Schema, Schema)
	svc, err := New(Config{Store: NewStore(db), Audit: audit.New(db, nil), CacheTTL: time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := svc.ApprovalPolicy(ctx, "T1"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if p, err := svc.ApprovalPolicy(ctx, "T1"); err != nil || p != PolicyAgent {
				b.Fatal(p, err)
			}
		}
	})
}

func TestSetDefaultAccount(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	editor := identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Editor}
	viewer := identity.Caller{WorkspaceID: "T1", UserID: "U2", Role: identity.Viewer}
	if _, err := e.svc.SetDefaultAccount(ctx, viewer, "linkedin", "acc1"); !errors.Is(err, identity.ErrForbidden) {
		t.Fatalf("viewer set a default: %v", err)
	}
	var ve *ValidationError
	if _, err := e.svc.SetDefaultAccount(ctx, editor, "myspace", "acc1"); !errors.As(err, &ve) {
		t.Fatalf("unknown platform: %v", err)
	}
	got, err := e.svc.SetDefaultAccount(ctx, editor, "linkedin", "acc1")
	if err != nil || got.DefaultAccounts["linkedin"] != "acc1" {
		t.Fatalf("set = %+v, %v", got, err)
	}
	// Another replica reads it through the store; this one from its cache.
	if id, err := e.replica(t).DefaultAccount(ctx, "T1", "linkedin"); err != nil || id != "acc1" {
		t.Fatalf("replica default = %q, %v", id, err)
	}
	if id, _ := e.svc.DefaultAccount(ctx, "T2", "linkedin"); id != "" {
		t.Fatalf("T2 default = %q", id)
	}
}

// The weekly digest is on by default and goes to the notification channel
// unless it has its own; it can be switched off; a channel name is refused.
func TestWeeklyDigestSettings(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	got, err := e.svc.Update(ctx, e.admin, Patch{NotificationChannel: ptr("C0123ABCD")})
	if err != nil || !got.WeeklyDigest || got.DigestTo() != "C0123ABCD" {
		t.Fatalf("defaults = %+v, %v; want the digest on, to the notification channel", got, err)
	}
	if got, err = e.svc.Update(ctx, e.admin, Patch{DigestChannel: ptr("C0DIGEST1")}); err != nil || got.DigestTo() != "C0DIGEST1" {
		t.Fatalf("own channel = %+v, %v", got, err)
	}
	off := false
	if got, err = e.svc.Update(ctx, e.admin, Patch{WeeklyDigest: &off}); err != nil || got.WeeklyDigest || got.DigestTo() != "" {
		t.Fatalf("switched off = %+v, %v", got, err)
	}
	if ds, err := e.svc.Digests(ctx); err != nil || len(ds) != 0 {
		t.Fatalf("digest round with it off = %+v, %v", ds, err)
	}
	var ve *ValidationError
	if _, err := e.svc.Update(ctx, e.admin, Patch{DigestChannel: ptr("#marketing")}); !errors.As(err, &ve) || ve.Problems[0].Field != "digest_channel" {
		t.Fatalf("a channel name = %v; want a problem on digest_channel", err)
	}
}

// The inbox channel is a channel id, set and cleared by an admin; a name is
// refused with the field named.
func TestInboxChannelSetting(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	got, err := e.svc.Update(ctx, e.admin, Patch{InboxChannel: ptr(" C0INBOX01 ")})
	if err != nil || got.InboxChannel != "C0INBOX01" {
		t.Fatalf("set = %+v, %v", got, err)
	}
	if got, err = e.svc.Lookup(ctx, "T1"); err != nil || got.InboxChannel != "C0INBOX01" {
		t.Fatalf("lookup = %+v, %v", got, err)
	}
	var ve *ValidationError
	if _, err := e.svc.Update(ctx, e.admin, Patch{InboxChannel: ptr("#social")}); !errors.As(err, &ve) || ve.Problems[0].Field != "inbox_channel" {
		t.Fatalf("a channel name = %v; want a problem on inbox_channel", err)
	}
	if got, err = e.svc.Update(ctx, e.admin, Patch{InboxChannel: ptr("")}); err != nil || got.InboxChannel != "" {
		t.Fatalf("cleared = %+v, %v", got, err)
	}
}
