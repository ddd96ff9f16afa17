package httpapi

import (
	"bytes"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/tools/analytics"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// The dashboard's charts are the PNGs Slack gets, behind the session and
// scoped to its workspace, revalidated by ETag.
func TestDashboardChartImages(t *testing.T) {
	f := dashSetup(t, "http://127.0.0.1", func(d *Deps) { d.Analytics = &dashAnalytics{} })
	daily := "/dashboard/charts/daily.png?from=2026-11-29&to=2026-11-30&metric=engagement"
	heat := "/dashboard/charts/best-times.png?platform=twitter"
	out := f.browser(t)
	for _, path := range []string{daily, heat} {
		if resp, _ := out.do("GET", path, nil, nil); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/dashboard/login") {
			t.Fatalf("signed out %s = %d, want the sign-in redirect", path, resp.StatusCode)
		}
	}
	b := f.browser(t)
	b.signIn("T1", "U-v", identity.Viewer)
	for _, path := range []string{daily, heat} {
		resp, body := b.do("GET", path, nil, nil)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || !strings.Contains(resp.Header.Get("Cache-Control"), "private") {
			t.Fatalf("%s = %d %q %q", path, resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"))
		}
		img, err := png.Decode(bytes.NewReader([]byte(body)))
		if err != nil || img.Bounds().Dx() != 768 {
			t.Fatalf("%s: not a 768 px PNG: %v", path, err)
		}
		etag := resp.Header.Get("ETag")
		if resp, body := b.do("GET", path, nil, map[string]string{"If-None-Match": etag}); etag == "" || resp.StatusCode != http.StatusNotModified || body != "" {
			t.Fatalf("%s again with its ETag %q = %d, %d bytes; want 304", path, etag, resp.StatusCode, len(body))
		}
	}
	// Another workspace draws its own figures: none.
	other := f.browser(t)
	other.signIn("T2", "U-o", identity.Viewer)
	for _, path := range []string{daily, heat} {
		if resp, _ := other.do("GET", path, nil, nil); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("T2 %s = %d, want 404 (no figures of its own)", path, resp.StatusCode)
		}
	}
	// Without a metric: impressions above engagement, as in Slack (and the
	// web chat's review card).
	resp, body := b.do("GET", "/dashboard/charts/daily.png?from=2026-11-29&to=2026-11-30", nil, nil)
	if img, err := png.Decode(strings.NewReader(body)); resp.StatusCode != 200 || err != nil || img.Bounds().Dy() != 432 {
		t.Fatalf("the two-panel chart = %d, %v", resp.StatusCode, err)
	}
	for _, path := range []string{"/dashboard/charts/daily.png?from=2026-11-29&to=2026-11-30&metric=clicks",
		"/dashboard/charts/daily.png?to=2026-11-30", "/dashboard/charts/best-times.png?platform=myspace"} {
		if resp, _ := b.do("GET", path, nil, nil); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s = %d, want 400", path, resp.StatusCode)
		}
	}
}

var chartLinkRe = regexp.MustCompile(`https://mm\.example/charts/e/([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)/chart\.png`)

// Insert chart puts last week's chart (or the range's) in the e-mail at a
// signed public link, shown in the preview; the link opens with no
// session, and a forged or altered one is a 404.
func TestEmailInsertChart(t *testing.T) {
	svc := dashCampaigns(t)
	f := dashSetup(t, "https://mm.example", func(d *Deps) {
		d.Campaigns, d.Analytics, d.ChartKeys = svc, &dashAnalytics{}, [][]byte{[]byte("the app's current key, 32 bytes!")}
	})
	ed := f.browser(t)
	ed.signIn("T1", "U-e", identity.Editor)
	form := url.Values{"csrf": {ed.csrf()}, "name": {"News"}, "markdown": {"Our month:"}, "action": {"insert-chart"},
		"chart_from": {"2026-11-29"}, "chart_to": {"2026-11-30"}}
	resp, page := ed.do("POST", "/dashboard/email", form, nil)
	m := chartLinkRe.FindStringSubmatch(page)
	if resp.StatusCode != 200 || m == nil || !strings.Contains(page, "Our month:\n\n![Impressions and engagement per day, 2026-11-29 to 2026-11-30](") ||
		!strings.Contains(page, `<img src="`+m[0]+`"`) {
		t.Fatalf("insert chart = %d\n%s", resp.StatusCode, page)
	}
	public := strings.TrimPrefix(m[0], "https://mm.example")
	nobody := f.browser(t)
	resp, body := nobody.do("GET", public, nil, nil)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || !strings.Contains(resp.Header.Get("Cache-Control"), "public") {
		t.Fatalf("the e-mail's chart = %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if _, err := png.Decode(strings.NewReader(body)); err != nil {
		t.Fatalf("the e-mail's chart is not a PNG: %v", err)
	}
	// Forged: another workspace's payload under T1's MAC, a MAC altered, a
	// link signed with another key.
	links := newChartLinks([][]byte{[]byte("the app's current key, 32 bytes!")})
	t2 := links.sign(chartLink{WorkspaceID: "T2", Chart: "daily", Range: analytics.Range{From: "2026-11-29", To: "2026-11-30"}})
	p2, _, _ := strings.Cut(t2, ".")
	flipped := []byte(m[2])
	flipped[3] ^= 1
	if flipped[3] == '.' || flipped[3] == '/' {
		flipped[3] = 'A'
	}
	stranger := newChartLinks([][]byte{[]byte("somebody else's key, 32 bytes!!")}).sign(chartLink{WorkspaceID: "T1", Chart: "daily",
		Range: analytics.Range{From: "2026-11-29", To: "2026-11-30"}})
	for _, seg := range []string{p2 + "." + m[2], m[1] + "." + string(flipped), stranger, m[1], "x.y"} {
		if resp, _ := nobody.do("GET", "/charts/e/"+seg+"/chart.png", nil, nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("forged link %s = %d, want 404", seg, resp.StatusCode)
		}
	}
	// Empty dates: last week, as the workspace's digest has it.
	form.Del("chart_from")
	form.Del("chart_to")
	if _, page := ed.do("POST", "/dashboard/email", form, nil); !strings.Contains(page, "per day, "+analytics.DigestWeek(time.Now(), time.UTC).From) {
		t.Errorf("empty dates do not chart last week:\n%s", page)
	}
	// A bad range says so next to its fields.
	form.Set("chart_from", "2026-12-09")
	form.Set("chart_to", "2026-12-01")
	if resp, page := ed.do("POST", "/dashboard/email", form, nil); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="err-chart"`) {
		t.Errorf("bad chart range = %d", resp.StatusCode)
	}
}
