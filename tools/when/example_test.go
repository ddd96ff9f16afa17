package when_test

import (
	"fmt"
	"time"

	"github.com/marketingminds/marketingminds/tools/when"
)

func ExampleParse() {
	paris, _ := time.LoadLocation("Europe/Paris")
	now := time.Date(2026, 11, 30, 16, 0, 0, 0, paris) // a Monday
	for _, s := range []string{"tomorrow 9am", "in 2 hours", "next Monday 14:30", "Dec 5 10am"} {
		t, _ := when.Parse(s, now, paris)
		fmt.Println(s, "→", t.Format(time.RFC3339))
	}
	// Output:
	// tomorrow 9am → 2026-12-01T08:00:00Z
	// in 2 hours → 2026-11-30T17:00:00Z
	// next Monday 14:30 → 2026-12-07T13:30:00Z
	// Dec 5 10am → 2026-12-05T09:00:00Z
}
