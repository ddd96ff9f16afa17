package chart_test

import (
	"bytes"
	"flag"
	"fmt"
	"image/color"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/bot/present/chart"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/analytics"
)

var keep = flag.String("keep", "", "write the drawn charts into this directory, to look at")

// history makes days of figures for the platforms, with a gap of unknown
// days in the middle of the first platform.
func history(days int, ps ...platform.Name) analytics.History {
	r := rand.New(rand.NewPCG(1, 2))
	end := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	h := analytics.History{Platforms: map[platform.Name]analytics.Series{}}
	for i := range days {
		h.Total.Dates = append(h.Total.Dates, end.AddDate(0, 0, i-days+1).Format(time.DateOnly))
	}
	h.Range = analytics.Range{From: h.Total.Dates[0], To: h.Total.Dates[days-1]}
	for k, p := range ps {
		s := analytics.Series{Dates: h.Total.Dates}
		for i := range days {
			if k == 0 && i > days/2 && i < days/2+3 {
				s.Impressions, s.Engagement, s.Reach = append(s.Impressions, nil), append(s.Engagement, nil), append(s.Reach, nil)
				continue
			}
			imp := int64(800 + 400*k + r.IntN(600) + 10*i)
			eng := imp / int64(15+r.IntN(10))
			reach := imp * 7 / 10
			s.Impressions, s.Engagement, s.Reach = append(s.Impressions, &imp), append(s.Engagement, &eng), append(s.Reach, &reach)
		}
		h.Platforms[p] = s
	}
	return h
}

func bestTimes() analytics.BestTimes {
	r := rand.New(rand.NewPCG(3, 4))
	bt := analytics.BestTimes{TimeZone: "Europe/Berlin", Platforms: map[platform.Name]analytics.PlatformBestTimes{}}
	for _, p := range []platform.Name{platform.LinkedIn, platform.Twitter, platform.Instagram} {
		pb := analytics.PlatformBestTimes{MeasuredPosts: 40, FromData: true}
		for _, d := range []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"} {
			for h := 7; h < 20; h += 1 + r.IntN(3) {
				v := 1 + r.Float64()*6
				pb.Grid = append(pb.Grid, analytics.Slot{Weekday: d, Hour: h, Posts: 1 + r.IntN(4), EngagementRate: &v})
			}
		}
		pb.Best = []analytics.Slot{pb.Grid[3], pb.Grid[10]}
		bt.Platforms[p] = pb
	}
	bt.Platforms[platform.Facebook] = analytics.PlatformBestTimes{Note: "too few posts"}
	return bt
}

func TestCharts(t *testing.T) {
	t.Parallel()
	cases := map[string]func() ([]byte, error){
		"daily-7": func() ([]byte, error) {
			return new(chart.Painter).Daily(history(7, platform.LinkedIn, platform.Twitter))
		},
		"daily-90": func() ([]byte, error) { return new(chart.Painter).Daily(history(90, platform.Social...)) },
		"daily-reach-30": func() ([]byte, error) {
			return new(chart.Painter).Daily(history(30, platform.LinkedIn, platform.Facebook), chart.Reach)
		},
		"besttimes": func() ([]byte, error) { return new(chart.Painter).BestTimes(bestTimes()) },
		"besttimes-one": func() ([]byte, error) {
			bt := bestTimes()
			delete(bt.Platforms, platform.Twitter)
			delete(bt.Platforms, platform.Instagram)
			return new(chart.Painter).BestTimes(bt)
		},
	}
	for name, draw := range cases {
		b, err := draw()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: not a PNG: %v", name, err)
		}
		if w := img.Bounds().Dx(); w != 768 {
			t.Errorf("%s: %d px wide, want 768", name, w)
		}
		if *keep != "" {
			if err := os.WriteFile(filepath.Join(*keep, name+".png"), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestNothingToDraw(t *testing.T) {
	t.Parallel()
	if _, err := new(chart.Painter).Daily(analytics.History{}); err == nil {
		t.Error("Daily of no platform drew a chart")
	}
	if _, err := new(chart.Painter).Daily(history(7, platform.Twitter), "followers"); err == nil {
		t.Error("Daily drew an unknown figure")
	}
	if _, err := new(chart.Painter).BestTimes(analytics.BestTimes{Platforms: map[platform.Name]analytics.PlatformBestTimes{platform.Twitter: {}}}); err == nil {
		t.Error("BestTimes without measured slots drew a chart")
	}
}

func TestCount(t *testing.T) {
	t.Parallel()
	for in, want := range map[float64]string{0: "0", 950: "950", 1000: "1k", 1250: "1.3k", 34000: "34k", 1_500_000: "1.5M", 250_000: "250k"} {
		if got := chart.Count(in); got != want {
			t.Errorf("Count(%v) = %q, want %q", in, got, want)
		}
	}
}

// BenchmarkDaily90x5 draws a 90-day chart of five platforms (issue 19's
// measure: p99 ≤ 50 ms).
func BenchmarkDaily90x5(b *testing.B) {
	h := history(90, append(platform.Social, "youtube")...)
	b.ReportAllocs()
	var pt chart.Painter
	var times []time.Duration
	for b.Loop() {
		start := time.Now()
		if _, err := pt.Daily(h); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	reportP99(b, times)
}

func BenchmarkBestTimes(b *testing.B) {
	bt := bestTimes()
	var pt chart.Painter
	var times []time.Duration
	for b.Loop() {
		start := time.Now()
		if _, err := pt.BestTimes(bt); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	reportP99(b, times)
}

// reportP99 reports the median and 99th percentile of the per-op
// durations: the mean hides the slow draws a person waits for.
func reportP99(b *testing.B, times []time.Duration) {
	if len(times) == 0 {
		return
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "p99-ms")
}

// TestPainterReuse draws charts of both sizes many times at once with one
// Painter: each comes out as a fresh Painter draws it, so nothing of one
// chart shows through in another's reused buffers.
func TestPainterReuse(t *testing.T) {
	t.Parallel()
	draws := []func(*chart.Painter) ([]byte, error){
		func(p *chart.Painter) ([]byte, error) { return p.Daily(history(90, platform.Social...)) },
		func(p *chart.Painter) ([]byte, error) { return p.Daily(history(7, platform.Twitter)) },
		func(p *chart.Painter) ([]byte, error) { return p.BestTimes(bestTimes()) },
	}
	want := make([][]byte, len(draws))
	for i, d := range draws {
		b, err := d(new(chart.Painter))
		if err != nil {
			t.Fatal(err)
		}
		want[i] = b
	}
	var shared chart.Painter
	errs := make(chan error, 4*len(draws))
	for range 4 {
		for i, d := range draws {
			go func() {
				b, err := d(&shared)
				if err == nil && !bytes.Equal(b, want[i]) {
					err = fmt.Errorf("chart %d drawn with a used Painter differs from a fresh one", i)
				}
				errs <- err
			}()
		}
	}
	for range 4 * len(draws) {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// A day with figures between unknown days is drawn as a dot: a line of
// one point would show nothing.
func TestLonelyDayShows(t *testing.T) {
	t.Parallel()
	h := history(7, platform.LinkedIn)
	s := h.Platforms[platform.LinkedIn]
	for i := range s.Engagement {
		if i != 3 {
			s.Engagement[i] = nil
		}
	}
	b, err := new(chart.Painter).Daily(h)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	// The engagement panel (the bottom half, without a legend) has
	// LinkedIn's green only where the day is.
	green, r := 0, img.Bounds()
	for y := r.Dy() / 2; y < r.Dy(); y++ {
		for x := range r.Dx() {
			if c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA); c == (color.RGBA{R: 0x00, G: 0x9e, B: 0x73, A: 0xff}) {
				green++
			}
		}
	}
	if green < 10 {
		t.Fatalf("%d LinkedIn pixels in the engagement panel; the lone day is not drawn", green)
	}
}
