package present

import (
	"fmt"
	"strings"
	"time"

	"github.com/marketingminds/marketingminds/tools/inbox"
)

// Wait is a duration as a person says it: "40 s", "35 min", "2 h 10 min",
// "3 d 4 h".
func Wait(d time.Duration) string {
	switch d = d.Round(time.Second); {
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d/time.Minute))
	case d < 24*time.Hour:
		h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
		if m == 0 {
			return fmt.Sprintf("%d h", h)
		}
		return fmt.Sprintf("%d h %d min", h, m)
	}
	days, h := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour)
	if h == 0 {
		return fmt.Sprintf("%d d", days)
	}
	return fmt.Sprintf("%d d %d h", days, h)
}

// FirstAnswerLine is the digest's line on how fast people were answered:
// "Median first answer: 2 h 10 min on Facebook, 35 min on X"; "" when
// nothing was answered.
func FirstAnswerLine(fa []inbox.FirstAnswer) string {
	if len(fa) == 0 {
		return ""
	}
	parts := make([]string, len(fa))
	for i, f := range fa {
		parts[i] = Wait(f.Median) + " on " + Platform(f.Platform)
	}
	return "Median first answer: " + strings.Join(parts, ", ")
}
