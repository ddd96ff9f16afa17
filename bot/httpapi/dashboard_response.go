package httpapi

import (
	"context"
	"time"

	"github.com/marketingminds/marketingminds/bot/present"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/analytics"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// responseRow is one week of one platform's first answers on the
// analytics page.
type responseRow struct {
	Week     string // "Mon 30 Nov"
	Platform platform.Name
	Median   string // "2 h 10 min"
	P90      string
	Count    int
}

// responseTimes reads how fast the range's comments and mentions got a
// first answer, per week and platform; nil without an inbox.
func (s *Server) responseTimes(ctx context.Context, c identity.Caller, rg analytics.Range, loc *time.Location) ([]responseRow, error) {
	if s.deps.Inbox == nil {
		return nil, nil
	}
	from, err := time.ParseInLocation(analytics.DayFormat, rg.From, loc)
	if err != nil {
		return nil, err
	}
	to, err := time.ParseInLocation(analytics.DayFormat, rg.To, loc)
	if err != nil {
		return nil, err
	}
	rts, err := s.deps.Inbox.ResponseTimes(ctx, c, from, to.AddDate(0, 0, 1))
	if err != nil {
		return nil, err
	}
	rows := make([]responseRow, len(rts))
	for i, rt := range rts {
		rows[i] = responseRow{Week: rt.Week.Format("Mon 2 Jan 2006"), Platform: rt.Platform, Median: present.Wait(rt.Median), P90: present.Wait(rt.P90), Count: rt.Count}
	}
	return rows, nil
}
