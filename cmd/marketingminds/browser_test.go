package main

import (
	"context"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/marketingminds/marketingminds/integrations/twitter"
)

// The dashboard in a real headless Chromium against `serve --sandbox` on
// loopback. Screenshots of each page go to $MM_BROWSER_SHOTS, or the test's
// temp dir.

// chromium finds the browser, or "" when none is installed.
func chromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

type browserRun struct {
	t     *testing.T
	ctx   context.Context
	base  string
	shots string
}

func startBrowser(t *testing.T, base string) *browserRun {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the binary and a browser")
	}
	exe := chromium()
	if exe == "" {
		t.Skip("no Chromium on PATH (Debian: apt-get install chromium; .ci/run installs it): the dashboard's browser tests need one")
	}
	shots := os.Getenv("MM_BROWSER_SHOTS")
	if shots == "" {
		shots = t.TempDir()
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.WindowSize(1280, 900))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	// Start the browser and its tab now: chromedp starts them on the
	// context's first use, which must not be two goroutines at once (a
	// page's steps and watchConsole's listener).
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	return &browserRun{t: t, ctx: ctx, base: base, shots: shots}
}

func (b *browserRun) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		loc, _ := chromedp.Run(b.ctx, chromedp.Location())
		html, _ := chromedp.Run(b.ctx, chromedp.InnerHTML(chromedp.CSS("main")))
		b.shot("failed-" + strings.ReplaceAll(what, " ", "-"))
		b.t.Fatalf("%s: %v (at %s)\n%s", what, err, loc, html)
	}
}

func (b *browserRun) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// watchConsole collects what the console says from now on; the func it
// returns stops and lists the messages that are problems: script errors,
// CSP refusals, failed loads other than the pages' expected 4xx answers.
func (b *browserRun) watchConsole() func() []string {
	ctx, cancel := context.WithCancel(b.ctx)
	var msgs []chromedp.ConsoleMessage
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m, err := range chromedp.Console(ctx) {
			if err != nil {
				return
			}
			msgs = append(msgs, m)
		}
	}()
	return func() []string {
		cancel()
		<-done
		var bad []string
		for _, m := range msgs {
			expected := strings.Contains(m.Text, "status of 401") || strings.Contains(m.Text, "status of 422") ||
				strings.Contains(m.Text, "status of 400") // the analytics page's refused date range
			if !expected && (m.Type == chromedp.ConsoleException || m.Type == chromedp.ConsoleError || strings.Contains(m.Text, "Content Security Policy")) {
				bad = append(bad, string(m.Type)+": "+m.Text)
			}
		}
		b.t.Logf("console: %d messages, %d problems", len(msgs), len(bad))
		return bad
	}
}

// shot saves a full-page screenshot as <name>.png.
func (b *browserRun) shot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100)) // quality 100 gives a PNG
	if err != nil {
		b.t.Errorf("screenshot %s: %v", name, err)
		return
	}
	path := filepath.Join(b.shots, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot: %s", path)
	b.weigh(name)
}

// pageBudget is the most a page may transfer, images aside.
const pageBudget = 100 << 10

// weigh logs the bytes the page in view loaded (document, styles, scripts;
// from the Resource Timing API, cache or not) and fails over the budget.
func (b *browserRun) weigh(name string) {
	b.t.Helper()
	n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`(() => {
		const nav = performance.getEntriesByType("navigation")[0];
		return (nav ? nav.decodedBodySize : 0) + performance.getEntriesByType("resource")
			.filter(r => r.initiatorType !== "img").reduce((a, r) => a + r.decodedBodySize, 0);
	})()`))
	if err != nil {
		b.t.Errorf("weigh %s: %v", name, err)
		return
	}
	b.t.Logf("page bytes %s: %d", name, n)
	if n > pageBudget {
		b.t.Errorf("%s transfers %d bytes, over the %d budget", name, n, pageBudget)
	}
}

// TestDashboardInBrowser: sign in with a one-time link (its reuse refused),
// connect a sandbox X account, compose an over-long X text (counter and
// error shown, nothing sent), fix it and schedule it, see it on the
// calendar, see it published with its permalink.
func TestDashboardInBrowser(t *testing.T) {
	start := time.Now()
	dataDir := t.TempDir()
	env := []string{"MM_DATA_DIR=" + dataDir}
	p := startServe(t, env, "--sandbox")
	b := startBrowser(t, p.url)
	token := apiToken(t, env)
	out, stderr, code := runCLI(t, env, "dashboard-link", "--workspace", "T1", "--user", "U1")
	if code != 0 || !strings.Contains(out, "/dashboard/login?code=mml_") {
		t.Fatalf("dashboard-link = %d %q %s", code, out, stderr)
	}
	u, err := url.Parse(strings.TrimSpace(out))
	if err != nil {
		t.Fatal(err)
	}
	link := p.url + u.RequestURI()

	b.do("sign in", chromedp.Navigate(link), chromedp.Click(chromedp.ID("signin-link")), chromedp.WaitVisible(chromedp.ID("up-h")))
	if who := b.text("#who"); who != "Signed in as an admin" || strings.Contains(who, "U1") || strings.Contains(who, "T1") {
		t.Fatalf("signed in as %q; want the role, no ids (U1 has no name yet)", who)
	}
	b.shot("01-overview")
	console := b.watchConsole()
	b.do("reuse the link", chromedp.Navigate(link), chromedp.Click(chromedp.ID("signin-link")), chromedp.WaitVisible(chromedp.ID("page-error")))
	if msg := b.text("#page-error"); !strings.Contains(msg, "already used") {
		t.Fatalf("reused link: %q", msg)
	}
	b.shot("02-link-reused")

	// The session from the first sign-in is still there.
	b.do("connect X", chromedp.Navigate(p.url+"/dashboard/accounts"), chromedp.Click(chromedp.ID("connect-twitter")),
		chromedp.WaitVisible(chromedp.CSS("a[href^='/dashboard/accounts?connected=']")))
	b.shot("03-oauth-callback")
	b.do("back on accounts", chromedp.Click(chromedp.CSS("a[href^='/dashboard/accounts?connected=']")), chromedp.WaitVisible(chromedp.CSS("p.notice")))
	if n := b.text("p.notice"); n != "X connected." {
		t.Fatalf("accounts notice = %q", n)
	}
	if row := b.text("tbody"); !strings.Contains(row, "connected") {
		t.Fatalf("accounts table: %q", row)
	}
	b.shot("04-accounts")

	long := strings.Repeat("Launch week! ", 20) + "🚀 日本語 https://example.com/launch"
	b.do("compose over-long", chromedp.Navigate(p.url+"/dashboard/compose"), chromedp.WaitVisible(chromedp.ID("text")),
		chromedp.Click(chromedp.CSS("input[name=account_ids][data-platform=twitter]")),
		chromedp.SetValue(chromedp.ID("text"), long), chromedp.SendKeys(chromedp.ID("text"), "!"))
	want := twitter.WeightedLength(long + "!")
	if got := b.text("#count-twitter b"); got != strconv.Itoa(want) {
		t.Fatalf("X counter shows %s, the server counts %d", got, want)
	}
	if cls, _ := chromedp.Run(b.ctx, chromedp.AttributeValue(chromedp.ID("count-twitter"), "class")); !strings.Contains(cls.Value, "over") {
		t.Fatalf("counter over the limit not marked: class %q", cls.Value)
	}
	b.shot("05-compose-counter")
	b.do("send over-long", chromedp.Click(chromedp.ID("send")), chromedp.WaitVisible(chromedp.ID("err-text")))
	if msg := b.text("#err-text"); !strings.Contains(msg, fmt.Sprintf("%d characters as X counts them", want)) {
		t.Fatalf("error next to the text: %q", msg)
	}
	b.shot("06-compose-error")
	if posts := allPosts(t, p.url, token); len(posts) != 0 {
		t.Fatalf("an invalid post was stored or sent: %+v", posts)
	}

	at := time.Now().UTC().Add(12 * time.Second).Truncate(time.Second)
	b.do("schedule the fixed post",
		chromedp.SetValue(chromedp.ID("text"), "Launch week starts Monday 🚀 日本語"),
		chromedp.SendKeys(chromedp.ID("text"), "!"),
		chromedp.Click(chromedp.ID("when-schedule")),
		chromedp.SetValue(chromedp.ID("scheduled_time"), at.Format("2006-01-02T15:04:05")),
		chromedp.Click(chromedp.ID("send")), chromedp.WaitVisible(chromedp.ID("post-status")))
	if st := b.text("#post-status"); st != "scheduled" {
		t.Fatalf("after scheduling the post is %q", st)
	}
	postURL, _ := chromedp.Run(b.ctx, chromedp.Location())

	b.do("calendar", chromedp.Navigate(p.url+"/dashboard/calendar?view=week&date="+at.Format("2006-01-02")), chromedp.WaitVisible(chromedp.CSS(".cal")))
	if entry := b.text(".cal a.entry"); !strings.Contains(entry, "Launch week starts Monday") || !strings.Contains(entry, at.Format("15:04")) {
		t.Fatalf("calendar entry: %q", entry)
	}
	b.shot("07-calendar-week")
	b.do("month", chromedp.Navigate(p.url+"/dashboard/calendar?view=month&date="+at.Format("2006-01-02")), chromedp.WaitVisible(chromedp.CSS(".cal a.entry")))
	b.shot("08-calendar-month")

	waitPosts(t, p.url, token, 40*time.Second, "the scheduled post published", func(n map[string]int) bool { return n["published"] == 1 })
	b.do("post page", chromedp.Navigate(postURL), chromedp.WaitVisible(chromedp.ID("post-status")))
	if st := b.text("#post-status"); st != "published" {
		t.Fatalf("post page says %q once the API says published", st)
	}
	href, err := chromedp.Run(b.ctx, chromedp.AttributeValue(chromedp.CSS("a.permalink"), "href"))
	if err != nil || !strings.Contains(href.Value, "/status/") {
		t.Fatalf("permalink = %+v, %v", href, err)
	}
	if link, by := b.text("a.permalink"), b.text("#post-byline"); link != "View on X" || !strings.HasPrefix(by, "By you from the dashboard, created") {
		t.Fatalf("post page reads %q and links %q", by, link)
	}
	b.shot("09-post-published")
	b.do("posts page", chromedp.Navigate(p.url+"/dashboard/posts?status=published"), chromedp.WaitVisible(chromedp.ID("posts-table")))
	if rows := b.text("#posts-table tbody"); !strings.Contains(rows, "Launch week starts Monday") {
		t.Fatalf("posts page: %q", rows)
	}
	b.shot("10-posts")

	// Sync now on the analytics page (htmx swaps the page's result in),
	// then the overview's chart, drawn from the sandbox's metrics of the
	// post just published.
	b.do("sync now", chromedp.Navigate(p.url+"/dashboard/analytics"), chromedp.Click(chromedp.ID("sync-now")),
		chromedp.WaitVisible(chromedp.CSS("p.notice")))
	if n := b.text("p.notice"); !strings.HasPrefix(n, "Sync finished: 1 post on 1 account") {
		t.Fatalf("after Sync now the page says %q", n)
	}
	b.shot("10b-sync-now")
	b.do("overview chart", chromedp.Navigate(p.url+"/dashboard"), chromedp.WaitVisible(chromedp.ID("overview-chart")))
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](pngsLoaded("#overview-chart"))); err != nil {
		t.Fatalf("the overview chart did not load: %v", err)
	}
	if kpi := b.text("#kpi-impressions"); kpi == "—" || kpi == "0" {
		t.Errorf("impressions card shows %q after a sync", kpi)
	}
	b.shot("11-overview-chart")
	checkPagesInBrowser(t, b, p.url, token)

	b.do("narrow calendar", chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(p.url+"/dashboard/calendar?view=week&date="+at.Format("2006-01-02")), chromedp.WaitVisible(chromedp.CSS(".cal a.entry")))
	b.shot("12-narrow-calendar")
	b.do("narrow compose", chromedp.Navigate(p.url+"/dashboard/compose"), chromedp.WaitVisible(chromedp.ID("text")))
	b.shot("13-narrow-compose")
	b.do("narrow analytics", chromedp.Navigate(p.url+"/dashboard/analytics"), chromedp.WaitVisible(chromedp.ID("daily-chart")))
	b.shot("24-narrow-analytics")
	b.do("narrow chat", chromedp.Navigate(p.url+"/dashboard/chat"), chromedp.WaitVisible(chromedp.ID("chat-text")))
	b.shot("25-narrow-chat")

	b.do("filter with htmx", chromedp.Navigate(p.url+"/dashboard/posts"), chromedp.WaitVisible(chromedp.ID("f-status")),
		chromedp.SetValue(chromedp.ID("f-status"), "failed"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById("f-status").dispatchEvent(new Event("change", {bubbles: true}))`))
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`location.search.includes("status=failed") && document.querySelector("#posts-table table") === null`)); err != nil {
		t.Fatalf("htmx did not swap the filtered table in and push the URL: %v", err)
	}
	// Read through the page: the swap replaced the nodes chromedp knew.
	if rows, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.getElementById("posts-table").innerText`)); !strings.Contains(rows, "No post matches") {
		t.Fatalf("htmx filter on failed still lists: %q", rows)
	}
	checkXCountInBrowser(t, b)
	if bad := console(); len(bad) > 0 {
		t.Errorf("the browser console reported problems (CSP violations, script errors):\n%s", strings.Join(bad, "\n"))
	}
	t.Logf("browser test took %s", time.Since(start).Round(time.Millisecond))
}

// checkXCountInBrowser runs the composer's JavaScript count (xcount.js, on
// the compose page) on tricky strings and requires the server's answer, and
// the same TLD lists as integrations/twitter/tlds.go.
func checkXCountInBrowser(t *testing.T, b *browserRun) {
	b.do("compose page", chromedp.Navigate(b.base+"/dashboard/compose"), chromedp.WaitVisible(chromedp.ID("text")))
	cases := []string{
		"", "hello", strings.Repeat("a", 280), "日本語", "안녕", "café", "cafe\u0301", "привет", "a—b", "“hi”", "…",
		"https://example.com/a/very/long/path?with=query", "http://a.co", "see https://example.com.", "acme.com",
		"Visit ACME.COM today", "ab.co/x", "ab.co", "t.co", "foo@bar.com", "node.js", "http://localhost:8080", "a.com b.org",
		"Hello #world @user", "😀", "👍🏽", "👨\u200d👩\u200d👧", "👁️\u200d🗨️", "🇫🇷", "🇫🇷🇩🇪", "1️⃣",
		"🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F", "☕️", "café ☕", "1", "a\u200db", "©",
		"日本語のテキスト https://例え.jp/パス と 絵文字 🎉🎉", "x.com/elon?ref=a).", "(see example.org/path)", "mail@ex.com and ex.com",
		"-bad-.com", "sub.domain.co.uk/path", "https://ÉXAMPLE.com", "weird.museum", "e.g. i.e.", "#tag.com", "$cash.com",
		strings.Repeat("語", 140), strings.Repeat("a", 256) + " https://example.com/" + strings.Repeat("x", 200),
	}
	for _, s := range cases {
		q, _ := jsonString(s)
		got, err := chromedp.Run(b.ctx, chromedp.Evaluate[int]("MMCount.xWeighted("+q+")"))
		if err != nil {
			t.Fatalf("xWeighted(%q): %v", s, err)
		}
		if want := twitter.WeightedLength(s); got != want {
			t.Errorf("xcount.js counts %q as %d, the server as %d", s, got, want)
		}
	}
	lists, err := chromedp.Run(b.ctx, chromedp.Evaluate[map[string][]string]("MMCount.tlds()"))
	if err != nil {
		t.Fatal(err)
	}
	cc, generic := goTLDs(t)
	slices.Sort(lists["cc"])
	slices.Sort(lists["generic"])
	if !slices.Equal(lists["cc"], cc) || !slices.Equal(lists["generic"], generic) {
		t.Errorf("xcount.js's TLD lists differ from integrations/twitter/tlds.go: copy them again (%d/%d vs %d/%d)",
			len(lists["cc"]), len(lists["generic"]), len(cc), len(generic))
	}
}

// jsonString is s as a JavaScript string literal.
func jsonString(s string) (string, error) {
	b, err := json.Marshal(s)
	return string(b), err
}

// goTLDs reads the keys of ccTLDs and gTLDs from integrations/twitter/tlds.go.
func goTLDs(t *testing.T) (cc, generic []string) {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "../../integrations/twitter/tlds.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	lists := map[string][]string{}
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || len(vs.Values) != 1 {
			return true
		}
		lit, ok := vs.Values[0].(*ast.CompositeLit)
		if !ok {
			return true
		}
		for _, e := range lit.Elts {
			if kv, ok := e.(*ast.KeyValueExpr); ok {
				if k, ok := kv.Key.(*ast.BasicLit); ok {
					v, _ := strconv.Unquote(k.Value)
					lists[vs.Names[0].Name] = append(lists[vs.Names[0].Name], v)
				}
			}
		}
		return false
	})
	cc, generic = lists["ccTLDs"], lists["gTLDs"]
	slices.Sort(cc)
	slices.Sort(generic)
	if len(cc) < 200 || len(generic) < 100 {
		t.Fatalf("read %d country and %d generic TLDs from tlds.go; its shape changed", len(cc), len(generic))
	}
	return cc, generic
}
