package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// pngOf is a w×h PNG in one colour.
func pngOf(t *testing.T, w, h int, c color.RGBA) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestComposerMediaInBrowser (issue 21): in the composer, drag two images
// onto the drop zone (each uploads with its own progress bar), write alt
// text for each, see both in the X and LinkedIn previews, schedule; the
// post carries both media with their alt text, and the media page lists
// them. Screenshots: 30-composer-media, 31-scheduled-with-media,
// 32-media-page.
func TestComposerMediaInBrowser(t *testing.T) {
	env := []string{"MM_DATA_DIR=" + t.TempDir()}
	p := startServe(t, env, "--sandbox")
	b := startBrowser(t, p.url)
	token := apiToken(t, env)
	out, stderr, code := runCLI(t, env, "dashboard-link", "--workspace", "T1", "--user", "U1")
	if code != 0 {
		t.Fatalf("dashboard-link = %d %q %s", code, out, stderr)
	}
	u, err := url.Parse(strings.TrimSpace(out))
	if err != nil {
		t.Fatal(err)
	}
	b.do("sign in", chromedp.Navigate(p.url+u.RequestURI()), chromedp.Click(chromedp.ID("signin-link")), chromedp.WaitVisible(chromedp.ID("up-h")))
	console := b.watchConsole()
	for _, pl := range []string{"twitter", "linkedin"} {
		b.do("connect "+pl, chromedp.Navigate(p.url+"/dashboard/accounts"), chromedp.Click(chromedp.ID("connect-"+pl)),
			chromedp.WaitVisible(chromedp.CSS("a[href^='/dashboard/accounts?connected=']")))
	}

	b.do("compose", chromedp.Navigate(p.url+"/dashboard/compose"), chromedp.WaitVisible(chromedp.ID("dropzone")),
		chromedp.Click(chromedp.CSS("input[name=account_ids][data-platform=twitter]")),
		chromedp.Click(chromedp.CSS("input[name=account_ids][data-platform=linkedin]")),
		chromedp.SetValue(chromedp.ID("text"), "Two new blends this week"), chromedp.SendKeys(chromedp.ID("text"), "!"))
	// A drag from the desktop: a drop event carrying two files.
	red := base64.StdEncoding.EncodeToString(pngOf(t, 640, 480, color.RGBA{200, 40, 40, 255}))
	green := base64.StdEncoding.EncodeToString(pngOf(t, 480, 640, color.RGBA{40, 160, 80, 255}))
	drop := fmt.Sprintf(`(() => {
		const file = (b64, name) => new File([Uint8Array.from(atob(b64), c => c.charCodeAt(0))], name, {type: "image/png"});
		const dt = new DataTransfer();
		dt.items.add(file(%q, "red.png"));
		dt.items.add(file(%q, "green.png"));
		const zone = document.getElementById("dropzone");
		zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: dt, bubbles: true, cancelable: true}));
		zone.dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
		return true;
	})()`, red, green)
	b.do("drop two images", chromedp.Evaluate[chromedp.Void](drop))
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`document.querySelectorAll("#attached .media-item:not(.pending)").length === 2 &&
		document.querySelectorAll("#uploads li.done progress").length === 2`)); err != nil {
		t.Fatalf("the two uploads did not finish: %v", err)
	}
	// Attached in the order dropped, whichever upload finished first.
	names, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#attached .mname")).map(e => e.textContent)`))
	if err != nil || strings.Join(names, ",") != "red.png,green.png" {
		t.Fatalf("attached = %v, %v", names, err)
	}
	ids, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#attached input[name=media_ids]")).map(e => e.value)`))
	if err != nil || len(ids) != 2 {
		t.Fatalf("attached ids = %v, %v", ids, err)
	}
	alts := map[string]string{ids[0]: "A red square", ids[1]: "A green square"}
	for id, alt := range alts {
		b.do("alt text", chromedp.SetValue(chromedp.CSS(`textarea[name="alt_`+id+`"]`), alt),
			chromedp.Evaluate[chromedp.Void](`document.getElementById("composer").dispatchEvent(new Event("input"))`))
	}
	for _, pl := range []string{"twitter", "linkedin"} {
		n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`Array.from(document.querySelectorAll("[data-preview=`+pl+`] .pmedia img")).filter(i => i.complete && i.naturalWidth > 0).length`))
		if err != nil || n != 2 {
			if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`Array.from(document.querySelectorAll("[data-preview=`+pl+`] .pmedia img")).filter(i => i.complete && i.naturalWidth > 0).length === 2`)); err != nil {
				t.Fatalf("the %s preview shows %d loaded images, want 2 (%v)", pl, n, err)
			}
		}
	}
	previewAlt, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector("[data-preview=twitter] .pmedia img").alt`))
	if previewAlt != "A red square" {
		t.Errorf("the X preview's first image reads %q", previewAlt)
	}
	b.shot("30-composer-media")

	at := time.Now().UTC().Add(2 * time.Hour).Truncate(time.Minute)
	b.do("schedule with media", chromedp.Click(chromedp.ID("when-schedule")),
		chromedp.SetValue(chromedp.ID("scheduled_time"), at.Format("2006-01-02T15:04")),
		chromedp.Click(chromedp.ID("send")), chromedp.WaitVisible(chromedp.ID("post-status")))
	if st := b.text("#post-status"); st != "scheduled" {
		t.Fatalf("after scheduling the post is %q", st)
	}
	shown, _ := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#post-media img")).filter(i => i.complete && i.naturalWidth > 0).map(i => i.alt)`))
	if strings.Join(shown, ",") != "A red square,A green square" {
		t.Errorf("the post page shows its media as %q", shown)
	}
	if acts := b.text("#act-h"); acts != "Actions" {
		t.Errorf("the scheduled post's page has no actions (%q): the page stopped rendering", acts)
	}
	b.shot("31-scheduled-with-media")
	var posts struct {
		Posts []struct {
			Content struct {
				MediaIDs []string `json:"media_ids"`
			} `json:"content"`
		} `json:"posts"`
	}
	if code, raw := call(t, "GET", p.url+"/api/social/posts", token, nil, &posts); code != 200 || len(posts.Posts) != 1 ||
		strings.Join(posts.Posts[0].Content.MediaIDs, ",") != strings.Join(ids, ",") {
		t.Fatalf("posts = %d %s", code, raw)
	}
	for id, alt := range alts {
		var got struct {
			Media struct{ Alt string } `json:"media"`
		}
		if code, raw := call(t, "GET", p.url+"/api/media/"+id, token, nil, &got); code != 200 || got.Media.Alt != alt {
			t.Fatalf("media %s = %d %s, want alt %q", id, code, raw, alt)
		}
	}
	b.do("media page", chromedp.Navigate(p.url+"/dashboard/media"), chromedp.WaitVisible(chromedp.ID("media-list")))
	if n, _ := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll("#media-list .media-item img").length`)); n != 2 {
		t.Fatalf("the media page lists %d images", n)
	}
	// Each card says where its file is used, and why it cannot be deleted.
	uses, _ := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#media-list .uses a")).map(a => a.textContent + " " + a.getAttribute("href"))`))
	if len(uses) != 2 || !strings.HasPrefix(uses[0], "In a post scheduled for ") || !strings.Contains(uses[0], "/dashboard/posts/") {
		t.Errorf("the cards say they are used in %q", uses)
	}
	if n, _ := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll("#media-list .delete-form").length`)); n != 0 {
		t.Errorf("%d files of a scheduled post offer Delete", n)
	}
	if s := b.text("#media-summary"); s != "2 files, all in use" {
		t.Errorf("the media page's summary reads %q", s)
	}
	b.shot("32-media-page")
	b.do("post this", chromedp.Click(chromedp.CSS("#media-list .media-item a.post-this")), chromedp.WaitVisible(chromedp.CSS("#attached .media-item")))
	if n, _ := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll("#attached input[name=media_ids]").length`)); n != 1 {
		t.Errorf("Post this attached %d files, want 1", n)
	}
	b.shot("33-post-this")
	if bad := console(); len(bad) > 0 {
		t.Errorf("the browser console reported problems:\n%s", strings.Join(bad, "\n"))
	}
}
