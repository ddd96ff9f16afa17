package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// checkPagesInBrowser walks the analytics, e-mail/CRM, library, settings
// and web chat pages after an analytics sync of a published X post:
// the analytics chart and heatmap drawn, Zoho connected from the e-mail
// page, a template rendered, and a chat turn with the offline planner
// whose approval click publishes the post.
func checkPagesInBrowser(t *testing.T, b *browserRun, base, token string) {
	t.Helper()
	b.do("analytics", chromedp.Navigate(base+"/dashboard/analytics?platform=twitter"), chromedp.WaitVisible(chromedp.ID("daily-chart")))
	if rows := b.text("#top-posts tbody"); !strings.Contains(rows, "X") {
		t.Errorf("top posts: %q", rows)
	}
	// The daily chart and the heatmap are the PNGs Slack gets, drawn from
	// the synced X post and served behind the session.
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](pngsLoaded("#daily-chart", "#heatmap"))); err != nil {
		t.Fatalf("the analytics page's charts did not load: %v", err)
	}
	b.shot("14-analytics")
	b.do("analytics range error", chromedp.Navigate(base+"/dashboard/analytics?from=2026-12-31&to=2026-01-01"), chromedp.WaitVisible(chromedp.ID("err-to")))
	b.shot("15-analytics-error")

	b.do("e-mail without Zoho", chromedp.Navigate(base+"/dashboard/email"), chromedp.WaitVisible(chromedp.ID("needs-zoho")))
	b.shot("16-email-needs-zoho")
	b.do("connect Zoho", chromedp.Click(chromedp.ID("connect-zoho")), chromedp.WaitVisible(chromedp.CSS("a[href^='/dashboard/email?connected=']")))
	b.do("Zoho row", chromedp.Navigate(base+"/dashboard/accounts"), chromedp.WaitVisible(chromedp.ID("account-zoho")))
	if row := b.text("#account-zoho"); !strings.Contains(row, "Zoho") || !strings.Contains(row, "connected") || !strings.Contains(row, "Disconnect") {
		t.Errorf("the accounts table's Zoho row: %q", row)
	}
	b.shot("16b-accounts-zoho")
	b.do("e-mail with Zoho", chromedp.Navigate(base+"/dashboard/email"), chromedp.WaitVisible(chromedp.ID("email-form")),
		chromedp.SetValue(chromedp.ID("e-name"), "December news"), chromedp.SetValue(chromedp.ID("e-subject"), "What's new"),
		chromedp.SetValue(chromedp.ID("e-body"), "# News\n\nWe **launch** on Monday."), chromedp.Click(chromedp.CSS("input[name=list_keys]")),
		chromedp.Click(chromedp.ID("email-preview-btn")), chromedp.WaitVisible(chromedp.CSS("#email-preview .mail h1")))
	if got, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector("#email-preview .mail").innerHTML`)); !strings.Contains(got, "<strong>launch</strong>") {
		t.Errorf("e-mail preview: %q", got)
	}
	b.shot("17a-email-preview")
	// Insert chart: today's chart at its signed public link, in the preview.
	today := time.Now().UTC().Format(time.DateOnly)
	b.do("insert a chart", chromedp.SetValue(chromedp.ID("e-chart-from"), today), chromedp.SetValue(chromedp.ID("e-chart-to"), today),
		chromedp.Click(chromedp.ID("email-insert-chart")), chromedp.WaitVisible(chromedp.CSS("#email-preview .mail img")))
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](pngsLoaded("#email-preview .mail img"))); err != nil {
		t.Fatalf("the e-mail's chart did not load: %v", err)
	}
	if src, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector("#email-preview .mail img").src`)); !strings.Contains(src, "/charts/e/") {
		t.Errorf("the e-mail's chart is at %q, not a signed public link", src)
	}
	b.shot("17b-email-chart")
	b.do("create the e-mail", chromedp.Click(chromedp.ID("email-create")), chromedp.WaitVisible(chromedp.ID("email-status")))
	if st := b.text("#email-status"); st != "draft" {
		t.Fatalf("new e-mail campaign is %q", st)
	}
	if lists := b.text("#email-lists"); strings.Contains(lists, "3z6a") || lists == "" {
		t.Errorf("the campaign's lists read %q", lists)
	}
	b.shot("17-email-campaign")
	b.do("CRM", chromedp.Navigate(base+"/dashboard/crm?q=zylker"), chromedp.WaitVisible(chromedp.ID("leads")))
	b.shot("18-crm")

	b.do("template", chromedp.Navigate(base+"/dashboard/library/template"), chromedp.WaitVisible(chromedp.ID("library-form")),
		chromedp.SetValue(chromedp.ID("l-title"), "Webinar invite"), chromedp.SetValue(chromedp.ID("l-body"), "Join {{speaker}} on {{date}}!"),
		chromedp.SetValue(chromedp.ID("l-tags"), "webinar"), chromedp.Click(chromedp.ID("library-save")), chromedp.WaitVisible(chromedp.ID("render-form")),
		chromedp.SetValue(chromedp.ID("var-speaker"), "Ada"), chromedp.SetValue(chromedp.ID("var-date"), "Friday"),
		chromedp.Click(chromedp.ID("render")), chromedp.WaitVisible(chromedp.ID("rendered")))
	if got := b.text("#rendered .ptext"); got != "Join Ada on Friday!" {
		t.Fatalf("rendered template: %q", got)
	}
	b.shot("19-template-rendered")
	b.do("library", chromedp.Navigate(base+"/dashboard/library/template?tag=webinar"), chromedp.WaitVisible(chromedp.ID("library-items")))
	b.shot("20-library")
	b.do("settings", chromedp.Navigate(base+"/dashboard/settings"), chromedp.WaitVisible(chromedp.ID("settings-form")),
		chromedp.SetValue(chromedp.ID("t-name"), "browser test"), chromedp.Click(chromedp.ID("token-create")), chromedp.WaitVisible(chromedp.ID("new-token")))
	b.shot("21-settings-token")
	roles, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#s-role option")].map(o => o.value)`))
	if err != nil || strings.Join(roles, ",") != "viewer,editor" {
		t.Errorf("new Slack users' role choices: %v (%v)", roles, err)
	}
	b.do("time zone", chromedp.SetValue(chromedp.ID("s-tz"), "Europe/London"), chromedp.Click(chromedp.ID("settings-save")), chromedp.WaitVisible(chromedp.CSS("p.notice")))
	zones, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll("#tz-list option").length`))
	if tz, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.getElementById("s-tz").value`)); err != nil || zones < 400 || tz != "Europe/London" {
		t.Errorf("time zone list: %d zones (%v), saved %q", zones, err, tz)
	}
	b.shot("21b-settings-choices")

	before := len(allPosts(t, base, token))
	b.do("chat", chromedp.Navigate(base+"/dashboard/chat"), chromedp.WaitVisible(chromedp.ID("chat-text")),
		chromedp.SetValue(chromedp.ID("chat-text"), `post "Hello from the web chat" to x`), chromedp.Click(chromedp.ID("chat-send")),
		chromedp.WaitVisible(chromedp.CSS(`#chat-log .turn[data-status="done"] button.approve`)))
	if v, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.getElementById("chat-text").value`)); v != "" {
		t.Errorf("the message box kept %q after sending", v)
	}
	// The turn ran on its own and the page followed it; a reload shows it
	// once, its approval card as the answer (not the same words twice).
	b.do("chat reload", chromedp.Navigate(base+"/dashboard/chat"), chromedp.WaitVisible(chromedp.CSS("#chat-log button.approve")))
	if n, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.getElementById("chat-log").innerText`)); err != nil ||
		strings.Count(n, "Hello from the web chat") != 2 || strings.Count(n, "Approve") != 1 {
		t.Errorf("after a reload the chat reads (%v):\n%s", err, n)
	}
	if n := len(allPosts(t, base, token)); n != before {
		t.Fatalf("the agent published before the approval (%d posts, %d before)", n, before)
	}
	b.shot("22-chat-approval")
	b.do("approve", chromedp.Click(chromedp.CSS("#chat-log button.approve")), chromedp.WaitVisible(chromedp.CSS("#chat-log .s-done")))
	if note := b.text("#chat-log .approval[role=status]"); !strings.HasPrefix(note, "done Approved by you and done: ") {
		t.Errorf("the approval's outcome reads %q", note)
	}
	b.shot("23-chat-approved")
	// Approving ran the action: the post exists once the button says done.
	found := false
	for _, p := range allPosts(t, base, token) {
		found = found || strings.Contains(p.Content.Text, "Hello from the web chat")
	}
	if !found {
		t.Fatal("the approved post is not among the posts")
	}
	// A typed result reads as a card (bot/present), once.
	b.do("chat question", chromedp.SetValue(chromedp.ID("chat-text"), "accounts"), chromedp.Click(chromedp.ID("chat-send")),
		chromedp.WaitVisible(chromedp.CSS(`#chat-log .turn:nth-child(2)[data-status="done"] .mm-card`)))
	answer, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector("#chat-log .turn:nth-child(2)").innerText`))
	if err != nil || !strings.Contains(answer, "@acme_sandbox") || strings.Count(answer, "@acme_sandbox") != 1 || strings.ContainsAny(answer, "`{") {
		t.Errorf("the chat's answer: %q (%v)", answer, err)
	}
	b.shot("23b-chat-answer")
	checkChatQuestionInBrowser(t, b, base)
}

// checkChatQuestionInBrowser: with a LinkedIn profile and two pages
// connected, "post … to linkedin" asks which account with a button for
// each; the click puts the post's approval to that account in place of
// the question. A card's relative times are <time> elements that the
// page's script rewrites in the server's words.
func checkChatQuestionInBrowser(t *testing.T, b *browserRun, base string) {
	t.Helper()
	b.do("connect LinkedIn", chromedp.Navigate(base+"/dashboard/accounts"), chromedp.Click(chromedp.ID("connect-linkedin")),
		chromedp.WaitVisible(chromedp.CSS("a[href^='/dashboard/accounts?connected=']")))
	b.do("chat asks which account", chromedp.Navigate(base+"/dashboard/chat"), chromedp.WaitVisible(chromedp.ID("chat-text")),
		chromedp.SetValue(chromedp.ID("chat-text"), `post "Spring sale starts today" to linkedin`), chromedp.Click(chromedp.ID("chat-send")),
		chromedp.WaitVisible(chromedp.CSS(`#chat-log .turn:last-child[data-status="done"] form[action$="/choose"] button`)))
	b.shot("23c-chat-question")
	const pick = `[...document.querySelectorAll('#chat-log form[action$="/choose"] button')].find(x => x.textContent === "Acme Outdoor (LinkedIn page)")`
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[chromedp.Void](pick+`.click()`)); err != nil {
		t.Fatalf("no button for Acme Outdoor: %v", err)
	}
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`document.querySelector("#chat-log .turn:last-child button.approve") !== null`)); err != nil {
		t.Fatalf("the approval did not replace the question: %v", err)
	}
	card, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector("#chat-log .turn:last-child").innerText`))
	if !strings.Contains(card, "Going to Acme Outdoor (LinkedIn page).") || !strings.Contains(card, "Acme Outdoor") || strings.Contains(card, "Which LinkedIn account") {
		t.Errorf("after the choice the turn reads:\n%s", card)
	}
	b.shot("23d-chat-chosen")

	// Enter sends.
	b.do("chat jobs", chromedp.SendKeys(chromedp.ID("chat-text"), "jobs\r"),
		chromedp.WaitVisible(chromedp.CSS(`#chat-log .turn:last-child[data-status="done"] time.mm-rel`)))
	const rel = `document.querySelector("#chat-log .turn:last-child time.mm-rel")`
	server, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](rel+`.textContent`))
	script, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`(() => { const t = `+rel+`; t.textContent = "stale"; refreshTimes(); return t.textContent })()`))
	if err != nil || script != server {
		t.Errorf("the page's script reads the time %q (%v), the server %q", script, err, server)
	}
	b.shot("23e-chat-jobs")
}

// pngsLoaded is a script that is true once each selector's image has
// loaded as a 768 px wide picture.
func pngsLoaded(selectors ...string) string {
	q, _ := json.Marshal(selectors)
	return string(q) + `.every(s => { const i = document.querySelector(s); return i && i.complete && i.naturalWidth === 768 })`
}
