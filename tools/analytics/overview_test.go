package analytics

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/integrations/zoho"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// published is one delivery as the sandbox knows it.
type published struct {
	account accounts.Account
	postID  string // the platform's
}

// sandboxSum asks the sandbox, through the adapters, for each post's
// figures now and sums impressions and engagement.
func (e *env) sandboxSum(t *testing.T, ps []published) (impressions, engaged int64) {
	t.Helper()
	ctx := context.Background()
	ads := map[platform.Name]Adapter{platform.Twitter: nil, platform.LinkedIn: nil, platform.Facebook: e.fb}
	for _, p := range ps {
		tok, err := e.acc.ValidToken(ctx, identity.Caller{WorkspaceID: "T1", UserID: "system", Role: identity.Admin, Door: identity.DoorSystem}, p.account.ID)
		if err != nil {
			t.Fatal(err)
		}
		ad := ads[p.account.Platform]
		if ad == nil {
			ad = e.svc.cfg.Adapters[p.account.Platform]
		}
		m, err := ad.PostMetrics(ctx, tok, p.postID)
		if err != nil {
			t.Fatalf("sandbox figures of %s post %s: %v", p.account.Platform, p.postID, err)
		}
		if m.Impressions == nil || engagement(m) == nil {
			t.Fatalf("%s post %s: impressions %v, engagement %v; want both known", p.account.Platform, p.postID, m.Impressions, engagement(m))
		}
		impressions += *m.Impressions
		engaged += *engagement(m)
	}
	return impressions, engaged
}

// checkRollups compares the stored rollups with a recomputation from every
// snapshot, day by day and summed independently of the rollups.
func (e *env) checkRollups(t *testing.T, ws string) {
	t.Helper()
	ctx := context.Background()
	rg := lastDays(e.clock.Now(), time.UTC, 60)
	recs, err := e.svc.store.Published(ctx, ws, rg.From, rg.To)
	if err != nil {
		t.Fatal(err)
	}
	byDay := map[string][]Record{}
	impressions := map[platform.Name]int64{}
	for _, r := range recs {
		byDay[r.PublishedDay] = append(byDay[r.PublishedDay], r)
	}
	for _, r := range latest(recs) {
		if r.Kind == KindPost && r.Metrics.Impressions != nil {
			impressions[r.Platform] += *r.Metrics.Impressions
		}
	}
	for _, day := range rg.Days() {
		got, err := e.svc.store.Rollups(ctx, ws, "", day, day)
		if err != nil {
			t.Fatal(err)
		}
		want := ComputeRollups(ws, day, byDay[day])
		if len(got) != len(want) || (len(want) > 0 && !reflect.DeepEqual(got, want)) {
			t.Fatalf("rollups of %s =\n%+v\nrecomputed\n%+v", day, got, want)
		}
	}
	agg, err := e.svc.Aggregate(ctx, identity.Caller{WorkspaceID: ws, UserID: "U2", Role: identity.Viewer}, rg)
	if err != nil {
		t.Fatal(err)
	}
	for p, n := range impressions {
		if got := agg.Platforms[p].Impressions; got == nil || *got != n {
			t.Fatalf("%s impressions from rollups %v, from the snapshots %d", p, got, n)
		}
	}
}

// Post to three platforms, let the sandbox's figures grow, sync: the
// overview's totals are the sandbox's. A platform failing during a sync is
// named in the result and leaves the others' figures right.
func TestOverviewTotalsEqualTheSandbox(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{})
	ctx := context.Background()
	var page accounts.Account
	fbs := e.connect(t, platform.Facebook)
	for _, a := range fbs {
		if a.Platform == platform.Facebook && page.ID == "" {
			page = a
		}
	}
	if page.ID == "" {
		t.Fatal("no Facebook Page connected")
	}
	org := e.orgs[0]
	_, ids1 := e.publish(t, "Launch day", e.x, org, page)
	_, ids2 := e.publish(t, "Launch day, the numbers", e.x, page)
	e.sbClock.Set(e.sbClock.Now().Add(45 * time.Minute))

	e.sb.InjectFault(sandbox.Fault{Platform: "linkedin", Path: "/rest/", Kind: sandbox.FaultServerError})
	rep := e.sync(t)
	if len(rep.Errors) == 0 {
		t.Fatalf("sync = %+v; want LinkedIn's failures reported", rep)
	}
	for _, f := range rep.Errors {
		if f.Platform != platform.LinkedIn || f.Error == "" {
			t.Fatalf("failure %+v; only LinkedIn failed", f)
		}
	}
	others := []published{{e.x, ids1[e.x.ID]}, {page, ids1[page.ID]}, {e.x, ids2[e.x.ID]}, {page, ids2[page.ID]}}
	imp, eng := e.sandboxSum(t, others)
	ov, err := e.svc.Overview(ctx, e.viewer)
	if err != nil {
		t.Fatal(err)
	}
	sum := ov.Analytics.Summary
	if sum.TotalSocialImpressions == nil || *sum.TotalSocialImpressions != imp || sum.TotalSocialEngagement == nil || *sum.TotalSocialEngagement != eng {
		t.Fatalf("overview with LinkedIn failing: impressions %v, engagement %v; the sandbox says %d, %d",
			sum.TotalSocialImpressions, sum.TotalSocialEngagement, imp, eng)
	}
	// The LinkedIn member's own figures (all unknown) synced; its posts'
	// did not: LinkedIn's figures are unknown, not zero.
	if li := ov.Analytics.SocialMedia[platform.LinkedIn]; li.PostsPublished != 0 || li.Impressions != nil || li.Engagement != nil || sum.PostsPublished != 4 {
		t.Fatalf("overview LinkedIn %+v, %d posts; want no LinkedIn figure and the other 4 posts", li, sum.PostsPublished)
	}
	e.checkRollups(t, "T1")

	// LinkedIn recovers; the figures grow; the next sync has everything.
	e.sb.ClearFaults()
	e.sbClock.Set(e.sbClock.Now().Add(30 * time.Minute))
	if rep := e.sync(t); len(rep.Errors) != 0 {
		t.Fatalf("second sync = %+v; want no error", rep)
	}
	imp, eng = e.sandboxSum(t, append(others, published{org, ids1[org.ID]}))
	ov, err = e.svc.Overview(ctx, e.viewer)
	if err != nil {
		t.Fatal(err)
	}
	sum = ov.Analytics.Summary
	if *sum.TotalSocialImpressions != imp || *sum.TotalSocialEngagement != eng || sum.PostsPublished != 5 || sum.PlatformsConnected != 3 {
		t.Fatalf("overview after recovery: %+v; the sandbox says impressions %d, engagement %d; want 5 posts on 3 platforms", sum, imp, eng)
	}
	if li := ov.Analytics.SocialMedia[platform.LinkedIn]; li.PostsPublished != 1 || li.Impressions == nil {
		t.Fatalf("LinkedIn figures %+v; want its one post", li)
	}
	if ov.ConnectedAccounts != e.accounts+len(fbs) {
		t.Fatalf("connected accounts %d; want the %d X, LinkedIn and Facebook ones", ov.ConnectedAccounts, e.accounts+len(fbs))
	}
	if ov.PendingJobs == nil || ov.TokenStatus["valid"] == 0 || ov.Analytics.Zoho.Connected || sum.TotalEmailSent != nil {
		t.Fatalf("overview %+v; want pending jobs counted, valid tokens, Zoho not connected and no e-mail figure (unknown, not 0)", ov)
	}
	e.checkRollups(t, "T1")

	// Another workspace sees none of it.
	o2, err := e.svc.Overview(ctx, identity.Caller{WorkspaceID: "T2", UserID: "U9", Role: identity.Viewer})
	if err != nil || o2.Analytics.Summary.TotalSocialImpressions != nil || o2.Analytics.Summary.PostsPublished != 0 {
		t.Fatalf("T2 overview = %+v, %v; want nothing", o2, err)
	}
}

// E-mail campaigns sent through Zoho and new CRM leads land in the
// aggregate and the overview; the open rate is Zoho's.
func TestSyncZohoEmailAndLeads(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{})
	ctx := context.Background()
	tok, key := e.sendEmail(t)
	for _, src := range []string{"Chat", "Chat", "Web Download"} {
		e.createLead(t, tok, src)
	}
	e.sbClock.Set(e.sbClock.Now().Add(50 * time.Minute)) // the tokens last an hour

	rep, err := e.svc.SyncNow(ctx, e.editor, "")
	if err != nil || rep.EmailsSynced != 1 || rep.LeadDays == 0 || len(rep.Errors) != 0 {
		t.Fatalf("SyncNow = %+v, %v; want the e-mail and the leads", rep, err)
	}
	report, err := e.zoho.CampaignReport(ctx, tok, key)
	if err != nil {
		t.Fatal(err)
	}
	ov, err := e.svc.Overview(ctx, e.viewer)
	if err != nil {
		t.Fatal(err)
	}
	sum, z := ov.Analytics.Summary, ov.Analytics.Zoho
	if !z.Connected || sum.TotalEmailSent == nil || *sum.TotalEmailSent != report.Sent || *z.Email.Opens != report.Opens || report.Opens == 0 {
		t.Fatalf("overview zoho %+v, summary %+v; Zoho reports %+v", z, sum, report)
	}
	if want := float64(report.Opens) * 100 / float64(report.Delivered); sum.EmailOpenRate == nil || *sum.EmailOpenRate != want {
		t.Fatalf("open rate %v, want %.2f", sum.EmailOpenRate, want)
	}
	if z.Leads.New == nil || *z.Leads.New != 3 || z.Leads.BySource["Chat"] != 2 || z.Leads.BySource["Web Download"] != 1 {
		t.Fatalf("leads %+v; want 2 Chat and 1 Web Download", z.Leads)
	}
	if sum.TotalSocialImpressions != nil {
		t.Fatalf("social impressions %v with no post; want unknown", *sum.TotalSocialImpressions)
	}
	e.checkRollups(t, "T1")

	// Zoho failing to give a report is named; the leads still come.
	e.sb.InjectFault(sandbox.Fault{Host: "campaigns.zoho.com", Path: "/api/v1.1/campaignreports", Kind: sandbox.FaultServerError})
	rep, err = e.svc.SyncNow(ctx, e.editor, "")
	if err != nil || len(rep.Errors) != 1 || rep.Errors[0].Platform != platform.Zoho || rep.EmailsSynced != 0 || rep.LeadDays == 0 {
		t.Fatalf("SyncNow with Zoho Campaigns failing = %+v, %v; want the report's failure named and the leads synced", rep, err)
	}
	e.sb.ClearFaults()

	// A viewer may not run the sync; another workspace's account is not found.
	if _, err := e.svc.SyncNow(ctx, e.viewer, ""); err == nil {
		t.Fatal("a viewer ran the sync")
	}
	if _, err := e.svc.SyncNow(ctx, identity.Caller{WorkspaceID: "T2", UserID: "U9", Role: identity.Admin}, e.x.ID); err == nil {
		t.Fatal("T2 synced T1's account")
	}
}

// createLead adds a lead through the sandbox's CRM API.
func (e *env) createLead(t *testing.T, tok zoho.Token, source string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"data": []map[string]any{{"Last_Name": "Lead", "Company": "Acme", "Lead_Source": source}}})
	req, _ := http.NewRequest(http.MethodPost, e.sbURL+"/www.zohoapis.com/crm/v8/Leads", bytes.NewReader(body))
	req.Header.Set("Authorization", "Zoho-oauthtoken "+tok.AccessToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create lead: HTTP %d", resp.StatusCode)
	}
}

// A marketing campaign's summary sums its own posts only.
func TestCampaignSummary(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{})
	ctx := context.Background()
	org := e.orgs[0]
	_, in := e.publishIn(t, "C1", "In the campaign", e.x, org)
	e.publish(t, "Outside any campaign", e.x)
	e.sbClock.Set(e.sbClock.Now().Add(20 * time.Minute))
	e.sync(t)

	now := e.clock.Now()
	got, err := e.svc.CampaignSummary(ctx, e.viewer, "C1", now.AddDate(0, 0, -7), now)
	if err != nil {
		t.Fatal(err)
	}
	imp, eng := e.sandboxSum(t, []published{{e.x, in[e.x.ID]}, {org, in[org.ID]}})
	if got.Total.PostsPublished != 2 || *got.Total.Impressions != imp || *got.Total.Engagement != eng || len(got.TopPosts) != 2 {
		t.Fatalf("campaign C1 = %+v; want its 2 posts, %d impressions, %d engagement", got, imp, eng)
	}
	for _, p := range got.TopPosts {
		if p.CampaignID != "C1" {
			t.Fatalf("top post %+v is not C1's", p)
		}
	}
	if got.Total.Followers != nil {
		t.Fatalf("a campaign has no followers; got %d", *got.Total.Followers)
	}
	if none, err := e.svc.CampaignSummary(ctx, e.viewer, "C2", now.AddDate(0, 0, -7), now); err != nil || none.Total.PostsPublished != 0 || none.Total.Impressions != nil {
		t.Fatalf("campaign C2 = %+v, %v; want nothing, unknown", none, err)
	}
	for _, tc := range []struct {
		name     string
		from, to time.Time
		campaign string
	}{
		{"reversed", now, now.AddDate(0, 0, -1), "C1"},
		{"too long", now.AddDate(-2, 0, 0), now, "C1"},
		{"no campaign", now, now, ""},
	} {
		if _, err := e.svc.CampaignSummary(ctx, e.viewer, tc.campaign, tc.from, tc.to); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", tc.name, err)
		}
	}
}

// sendEmail connects Zoho and sends an e-mail campaign through it.
func (e *env) sendEmail(t *testing.T) (zoho.Token, string) {
	t.Helper()
	ctx := context.Background()
	e.connect(t, platform.Zoho)
	tok, err := e.acc.ZohoToken(ctx, e.editor)
	if err != nil {
		t.Fatal(err)
	}
	lists, err := e.zoho.MailingLists(ctx, tok)
	if err != nil || len(lists) == 0 {
		t.Fatalf("mailing lists %+v, %v", lists, err)
	}
	key, err := e.zoho.CreateEmailCampaign(ctx, tok, zoho.EmailCampaign{Name: "Autumn news", FromEmail: "news@zylker.example",
		Subject: "Autumn is here", ContentURL: "https://zylker.example/autumn.html", ListKeys: []string{lists[0].Key}})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.zoho.SendCampaign(ctx, tok, key); err != nil {
		t.Fatal(err)
	}
	return tok, key
}

// sentEmails is tools/campaigns as the sync sees it: the e-mails it sent.
type sentEmails []EmailCampaignRef

func (s *sentEmails) SentEmailCampaigns(ctx context.Context, workspaceID string, since time.Time) ([]EmailCampaignRef, error) {
	if workspaceID != "T1" {
		return nil, nil
	}
	return *s, nil
}

// With tools/campaigns wired, an e-mail counts in its marketing campaign.
func TestEmailInItsMarketingCampaign(t *testing.T) {
	t.Parallel()
	refs := sentEmails{{ID: "E1", MarketingCampaignID: "C1"}}
	e := newEnv(t, Config{EmailCampaigns: &refs})
	ctx := context.Background()
	tok, key := e.sendEmail(t)
	refs[0].CampaignKey, refs[0].SentAt = key, e.clock.Now()
	e.sbClock.Set(e.sbClock.Now().Add(40 * time.Minute))
	if rep, err := e.svc.SyncNow(ctx, e.editor, ""); err != nil || rep.EmailsSynced != 1 || len(rep.Errors) != 0 {
		t.Fatalf("SyncNow = %+v, %v", rep, err)
	}
	report, err := e.zoho.CampaignReport(ctx, tok, key)
	if err != nil {
		t.Fatal(err)
	}
	now := e.clock.Now()
	got, err := e.svc.CampaignSummary(ctx, e.viewer, "C1", now, now)
	if err != nil || got.Email.Campaigns != 1 || *got.Email.Sent != report.Sent || *got.Email.Clicks != report.Clicks || got.Total.PostsPublished != 0 {
		t.Fatalf("campaign C1 = %+v, %v; want the e-mail's figures %+v", got.Email, err, report)
	}
}

// A post counts in the overview as soon as it is published (tools/publish
// tells the feed); its figures stay unknown until the sync reads them.
func TestRecordPublished(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{})
	ctx := context.Background()
	e.publish(t, "Fresh off the press", e.x)
	e.feed.Flush(ctx)
	e.feed.Flush(ctx) // nothing new: nothing counted twice
	ov, err := e.svc.Overview(ctx, e.viewer)
	if err != nil {
		t.Fatal(err)
	}
	if s := ov.Analytics.Summary; s.PostsPublished != 1 || s.TotalSocialImpressions != nil || s.TotalSocialEngagement != nil {
		t.Fatalf("overview right after publishing: %+v; want 1 post, figures unknown", s)
	}
	e.sbClock.Set(e.sbClock.Now().Add(10 * time.Minute))
	e.sync(t)
	ov, err = e.svc.Overview(ctx, e.viewer)
	if err != nil {
		t.Fatal(err)
	}
	if s := ov.Analytics.Summary; s.PostsPublished != 1 || s.TotalSocialImpressions == nil {
		t.Fatalf("overview after the sync: %+v; want the post once, with its figures", s)
	}
	e.checkRollups(t, "T1")
}
