package campaigns

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/tools/identity"
)

// FuzzParseTime: any scheduled_time a client sends is either a UTC time or
// ErrInvalid, never a panic.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2026-12-01T09:00:00+01:00", "2026-12-01 09:00", "2026-12-01T09:00:05", "", "tomorrow 9am", "2026-13-45 25:61"} {
		f.Add(s)
	}
	svc := &Service{now: func() time.Time { return t0 }, cfg: Config{UserLocation: func(context.Context, string, string) (*time.Location, error) {
		return time.FixedZone("X", 5*3600), nil
	}}}
	c := identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Editor}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := svc.ParseTime(context.Background(), c, s)
		if err != nil && !errors.Is(err, ErrInvalid) {
			t.Fatalf("ParseTime(%q): %v, not ErrInvalid", s, err)
		}
		if err == nil && got.Location() != time.UTC {
			t.Fatalf("ParseTime(%q) = %v, not UTC", s, got)
		}
	})
}

func TestParseModule(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want string }{{"leads", "Leads"}, {"CONTACTS", "Contacts"}, {"Deals", "Deals"}, {"Campaigns", ""}, {"", ""}} {
		got, err := ParseModule(c.in)
		if got != c.want || (c.want == "") != errors.Is(err, ErrInvalid) {
			t.Errorf("ParseModule(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func ExampleParseModule() {
	m, _ := ParseModule("leads")
	_, err := ParseModule("Accounts")
	fmt.Println(m)
	fmt.Println(err)
	// Output:
	// Leads
	// campaigns: invalid request: unknown CRM module "Accounts": use Leads, Contacts, Deals
}
