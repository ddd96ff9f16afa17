package main

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/agents/llm/llmtest"
	"github.com/marketingminds/marketingminds/bot/httpapi"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/inbox"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// TestInboxPageInBrowser: the dashboard's inbox in headless Chromium over
// the whole app: comments from Facebook and Instagram and an X mention
// with the post they are on; the overview counts the unanswered and links
// there; filtering by platform; "Draft a reply" fills the box with the
// content writer's draft, which is edited and sent; the item then shows
// the answer. Screenshots: inbox-*.png in $MM_BROWSER_SHOTS.
func TestInboxPageInBrowser(t *testing.T) {
	if chromium() == "" || testing.Short() {
		t.Skip("needs Chromium (and not -short)")
	}
	w := newInboxWorld(t)
	ctx := context.Background()
	o, err := w.a.publish.PublishNow(ctx, inboxEditor, publish.Request{Content: publish.Content{Text: "Our autumn blend is here: notes of fig and cocoa."}, AccountIDs: []string{w.acc[platform.Facebook].ID}})
	if err != nil || !o.Success {
		t.Fatalf("publish: %+v, %v", o, err)
	}
	if _, _, err := w.sb.AddComments(ctx, sandbox.CommentSpec{Platform: "facebook", PostID: o.Results[0].PlatformPostID, Text: "When does it ship to Canada?"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.sb.AddComments(ctx, sandbox.CommentSpec{Platform: "facebook", PostID: o.Results[0].PlatformPostID, Text: "Ordered two bags already!"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.sb.AddMentions(w.acc[platform.Twitter].ExternalID, "", "@acme best beans in town, honestly", 1); err != nil {
		t.Fatal(err)
	}
	if _, err := w.a.inbox.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	items := w.items()
	if len(items) != 3 {
		t.Fatalf("%d items, want 3", len(items))
	}
	srv := httptest.NewServer(httpapi.New(w.a.httpDeps(zerolog.Nop(), prometheus.NewRegistry())).Handler())
	t.Cleanup(srv.Close)
	code, _, err := w.a.sessions.CreateLink(ctx, "T1", "U1", identity.Editor)
	if err != nil {
		t.Fatal(err)
	}
	b := startBrowser(t, srv.URL)
	console := b.watchConsole()
	b.do("sign in", chromedp.Navigate(srv.URL+"/dashboard/login?code="+url.QueryEscape(code)), chromedp.Click(chromedp.ID("signin-link")),
		chromedp.WaitVisible(chromedp.ID("inbox-unanswered")))
	if got := b.text("#inbox-unanswered"); !strings.Contains(got, "3 comments and mentions are waiting for an answer") {
		t.Fatalf("overview: %q", got)
	}
	b.do("open the inbox", chromedp.Click(chromedp.CSS("#inbox-unanswered a")), chromedp.WaitVisible(chromedp.ID("inbox-items")))
	b.shot("inbox-1-unanswered")
	list := b.text("#inbox-items")
	for _, want := range []string{"When does it ship to Canada?", "Ordered two bags already!", "best beans in town", "On your post: Our autumn blend", "mentioned you on X"} {
		if !strings.Contains(list, want) {
			t.Errorf("the inbox lacks %q:\n%s", want, list)
		}
	}
	var mention, canada inbox.Item
	for _, it := range items {
		switch {
		case strings.Contains(it.Text, "Canada"):
			canada = it
		case it.Platform == platform.Twitter:
			mention = it
		}
	}
	b.do("only Facebook", chromedp.SetValue(chromedp.ID("i-platform"), "facebook"), chromedp.Click(chromedp.CSS("#inbox-filters button")),
		chromedp.WaitNotPresent(chromedp.ID("item-"+mention.ID)), chromedp.WaitVisible(chromedp.ID("inbox-items")))
	if list := b.text("#inbox-items"); strings.Contains(list, "best beans") || !strings.Contains(list, "Canada") {
		t.Fatalf("filtered by Facebook:\n%s", list)
	}
	w.model.Script(llmtest.Reply(`{"variants": {"facebook": "Yes! We ship to Canada from Monday."}, "notes": "warm"}`))
	box := fmt.Sprintf("#r-%s", canada.ID)
	b.do("draft a reply", chromedp.Click(chromedp.CSS(fmt.Sprintf("form[action='/dashboard/inbox/%s/draft'] button", canada.ID))),
		chromedp.WaitVisible(chromedp.ID("note-"+canada.ID)))
	drafted, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.CSS(box)))
	if err != nil || drafted != "Yes! We ship to Canada from Monday." {
		t.Fatalf("the reply box holds %q", drafted)
	}
	b.shot("inbox-2-drafted")
	b.do("edit and send", chromedp.SetValue(chromedp.CSS(box), "Yes! We ship to Canada from Monday, with free shipping."),
		chromedp.Click(chromedp.CSS(fmt.Sprintf("#item-%s form.inbox-reply button", canada.ID))), chromedp.WaitVisible(chromedp.CSS("p.notice")))
	if n := b.text("p.notice"); n != "Reply sent." {
		t.Fatalf("notice %q", n)
	}
	if list := b.text("main"); strings.Contains(list, "ship to Canada?") || !strings.Contains(list, "Ordered two bags") {
		t.Fatalf("the unanswered list after the reply:\n%s", list)
	}
	b.do("the answered", chromedp.SetValue(chromedp.ID("i-state"), "answered"), chromedp.Click(chromedp.CSS("#inbox-filters button")),
		chromedp.WaitVisible(chromedp.ID("item-"+canada.ID)))
	if got := b.text("#item-" + canada.ID); !strings.Contains(got, "with free shipping") || !strings.Contains(got, "answered") || !strings.Contains(got, "You, ") || strings.Contains(got, "U1") {
		t.Fatalf("the item after the reply:\n%s", got)
	}
	b.shot("inbox-3-answered")
	if bad := console(); len(bad) > 0 {
		t.Errorf("console problems: %v", bad)
	}
}
