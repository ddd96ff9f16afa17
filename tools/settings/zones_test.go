package settings

import (
	"slices"
	"testing"
	"time"
)

// TestTimeZonesLoad: every zone offered is one the validation accepts.
func TestTimeZonesLoad(t *testing.T) {
	t.Parallel()
	zones := TimeZones()
	if len(zones) < 400 || zones[0] != "UTC" || !slices.Contains(zones, "Europe/Berlin") || !slices.IsSorted(zones[1:]) {
		t.Fatalf("%d zones: %v…", len(zones), zones[:3])
	}
	for _, z := range zones {
		if _, err := time.LoadLocation(z); err != nil {
			t.Errorf("%s is offered but does not load: %v", z, err)
		}
	}
}
