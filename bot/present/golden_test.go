package present_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/slack-go/slack"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/bot/present"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/analytics"
	"github.com/marketingminds/marketingminds/tools/fault"
	"github.com/marketingminds/marketingminds/tools/inbox"
	"github.com/marketingminds/marketingminds/tools/library"
	"github.com/marketingminds/marketingminds/tools/media"
	"github.com/marketingminds/marketingminds/tools/media/check"
	"github.com/marketingminds/marketingminds/tools/publish"
	"github.com/marketingminds/marketingminds/tools/schedule"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// env is a person in Paris on Sunday 6 December 2026, 11:00 local time.
func env(t *testing.T) present.Env {
	t.Helper()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	signed := map[string]string{"med_1a": "https://mm.example/media/thumb/tok-4f9c", "med_2b": "https://mm.example/media/thumb/tok-81d2"}
	// med_1a has alt text, med_2b none.
	stored := map[string]media.Media{
		"med_1a": {ID: "med_1a", Name: "tent.jpg", ContentType: "image/jpeg", Alt: "A green tent pitched by a lake at dawn"},
		"med_2b": {ID: "med_2b", Name: "sale.png", ContentType: "image/png"},
	}
	return present.Env{Loc: paris, Now: time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC), PublicURL: "https://mm.example",
		MediaURL: func(id string) string { return signed[id] },
		Media:    func(id string) (media.Media, bool) { m, ok := stored[id]; return m, ok }}
}

// ids are the internal ids of the samples: none may reach a person.
var ids = []string{"acc_x_7f3a9", "acc_li_member_2b", "acc_li_org_9c", "post_8d2e1f", "post_dup_4a", "job_51ac", "job_52bd", "job_53ce", "appr_6e0f", "del_77aa", "in_5c1e2a", "in_7d3f4b", "acc_fb_3c", "med_3f9a", "med_1a", "med_2b", "lib_9e2d", "lib_1f0c"}

func i64(n int64) *int64      { return &n }
func f64(f float64) *float64  { return &f }
func at(s string) time.Time   { t, _ := time.Parse(time.RFC3339, s); return t }
func atp(s string) *time.Time { t := at(s); return &t }

// samples are the ten results every door must read well.
func samples() []struct {
	name  string
	value any
} {
	return []struct {
		name  string
		value any
	}{
		{"media_list", agents.MediaList{Items: []media.Media{
			{ID: "med_1", Name: "coffee.jpg", ContentType: "image/jpeg", Width: 1080, Height: 1350, Bytes: 245_760, Alt: "A cup of coffee on a wooden table"},
			{ID: "med_2", Name: "launch.mp4", ContentType: "video/mp4", Width: 1920, Height: 1080, Bytes: 52_428_800},
		}, More: true}},
		{"media_converted", check.Converted{Platform: platform.Instagram, Media: check.Stored{ID: "med_3f9a", URL: "https://mm.example/media/tok3n"},
			Before: check.Info{ContentType: "image/png", Container: "png", Width: 1000, Height: 2000, Bytes: 2_431_120},
			After:  check.Info{ContentType: "image/jpeg", Container: "jpeg", Width: 1440, Height: 1800, Bytes: 412_300}, Review: true}},
		{"media_refused", fault.Failure{Kind: fault.Validation, Message: "the image is a PNG; Instagram takes only JPEG images: we can convert it to a JPEG for you",
			Convert: &fault.Offer{MediaID: "med_3f9a", Platform: platform.Instagram}}},
		{"accounts", []accounts.Account{
			{ID: "acc_x_7f3a9", Platform: platform.Twitter, AccountName: "Acme Outdoor", Handle: "acme_outdoor", Status: accounts.StatusConnected},
			{ID: "acc_li_member_2b", Platform: platform.LinkedIn, AccountName: "Dana Smith", Kind: "member", Status: accounts.StatusConnected},
			{ID: "acc_li_org_9c", Platform: platform.LinkedIn, AccountName: "Acme Outdoor", Kind: "organization", Status: accounts.StatusNeedsReauth},
		}},
		{"post_outcome", publish.Outcome{PostID: "post_8d2e1f", Results: []publish.Result{
			{AccountID: "acc_x_7f3a9", Platform: platform.Twitter, Status: publish.StatusPublished, URL: "https://x.com/acme_outdoor/status/1866"},
			{AccountID: "acc_li_org_9c", Platform: platform.LinkedIn, Status: publish.StatusFailed, Error: "linkedin: create post: Content is a duplicate (HTTP 422)",
				Failure: &fault.Failure{Kind: fault.Refused, Platform: platform.LinkedIn, Message: "Content is a duplicate of urn:li:share:123"}},
		}}},
		{"schedule_image_only", publish.PostView{ID: "post_9e3f20", Status: "scheduled", Content: publish.Content{MediaIDs: []string{"med_1"}},
			ScheduledAt: atp("2026-12-07T08:00:00Z"), CreatedAt: at("2026-12-06T09:58:00Z"),
			Targets: []publish.TargetView{
				{AccountID: "acc_ig_1", Platform: platform.Instagram, Status: publish.StatusPending, JobID: "job_61ac", RunAt: at("2026-12-07T08:00:00Z")},
			}}},
		{"schedule", publish.PostView{ID: "post_8d2e1f", Status: "scheduled", Content: publish.Content{Text: "Winter sale starts tomorrow: 30% off every tent.\nSee you there!"},
			ScheduledAt: atp("2026-12-07T08:00:00Z"), CreatedAt: at("2026-12-06T09:58:00Z"),
			Targets: []publish.TargetView{
				{AccountID: "acc_x_7f3a9", Platform: platform.Twitter, Status: publish.StatusPending, JobID: "job_51ac", RunAt: at("2026-12-07T08:00:00Z")},
				{AccountID: "acc_li_org_9c", Platform: platform.LinkedIn, Status: publish.StatusPending, JobID: "job_52bd", RunAt: at("2026-12-07T08:00:00Z")},
			}}},
		{"analytics_week", analytics.Aggregate{Summary: analytics.Summary{
			Range: analytics.Range{From: "2026-11-30", To: "2026-12-06"},
			Platforms: map[platform.Name]analytics.Totals{
				platform.LinkedIn: {PostsPublished: 4, Impressions: i64(12840), Engagement: i64(611), EngagementRate: f64(4.76)},
				platform.Twitter:  {PostsPublished: 9, Impressions: i64(30211), Engagement: i64(902), EngagementRate: f64(2.99)},
			},
			Total: analytics.Totals{PostsPublished: 13, Impressions: i64(43051), Engagement: i64(1513), EngagementRate: f64(3.51), Followers: i64(5230), FollowerGrowth: i64(84)},
			Leads: analytics.LeadTotals{New: i64(6)},
		}, TopPosts: []analytics.TopPost{
			{PostID: "post_8d2e1f", DeliveryID: "del_77aa", AccountID: "acc_li_org_9c", Platform: platform.LinkedIn, PublishedAt: at("2026-12-01T08:00:00Z"), Engagement: i64(311)},
			{PostID: "post_dup_4a", AccountID: "acc_x_7f3a9", Platform: platform.Twitter, PublishedAt: at("2026-12-03T17:30:00Z"), Engagement: i64(1)},
		}}},
		{"review_week", analytics.Review{Range: analytics.Range{From: "2026-11-30", To: "2026-12-06"}, TimeZone: "Europe/Paris",
			This: analytics.Summary{Total: analytics.Totals{PostsPublished: 13, Impressions: i64(43051), Engagement: i64(1513), EngagementRate: f64(3.51)},
				Platforms: map[platform.Name]analytics.Totals{platform.LinkedIn: {Impressions: i64(12840)}, platform.Twitter: {Impressions: i64(30211)}}},
			Previous: analytics.Summary{Total: analytics.Totals{Impressions: i64(35000)}},
			History: analytics.History{Range: analytics.Range{From: "2026-12-05", To: "2026-12-06"}, Platforms: map[platform.Name]analytics.Series{
				platform.Twitter: {Dates: []string{"2026-12-05", "2026-12-06"}, Impressions: []*int64{i64(4100), i64(5200)}, Engagement: []*int64{i64(120), i64(160)}}}},
			TopPosts: []analytics.ReviewPost{{TopPost: analytics.TopPost{PostID: "post_8d2e1f", Platform: platform.LinkedIn, Engagement: i64(311)},
				Text: "Winter sale starts tomorrow: 30% off every tent.", URL: "https://www.linkedin.com/feed/update/urn:li:share:1"}},
			Best: &analytics.Slot{Weekday: "Tuesday", Hour: 9, Posts: 6, EngagementRate: f64(5.2)}, BestOn: platform.Twitter}},
		{"best_times", analytics.BestTimes{TimeZone: "Europe/Paris", Platforms: map[platform.Name]analytics.PlatformBestTimes{
			platform.LinkedIn: {MeasuredPosts: 3, Best: []analytics.Slot{{Weekday: "Tuesday", Hour: 8}, {Weekday: "Wednesday", Hour: 9}, {Weekday: "Thursday", Hour: 12}},
				Note: "fewer than 10 measured posts"},
			platform.Twitter: {MeasuredPosts: 41, FromData: true, Best: []analytics.Slot{{Weekday: "Tuesday", Hour: 9, Posts: 6, EngagementRate: f64(5.2)}, {Weekday: "Friday", Hour: 17, Posts: 4, EngagementRate: f64(4.1)}}},
		}}},
		{"jobs", []agents.JobView{
			{ID: "job_51ac", Type: publish.JobKind, Status: schedule.StatusPending, RunAt: at("2026-12-07T08:00:00Z")},
			{ID: "job_52bd", Type: publish.JobKind, Status: schedule.StatusPending, RunAt: at("2026-12-06T12:00:00Z")},
			{ID: "job_53ce", Type: publish.JobKind, Status: schedule.StatusFailed, RunAt: at("2026-12-05T08:00:00Z"), Attempts: 5, LastError: "twitter: create post: 503"},
		}},
		{"approval", agents.Approval{ID: "appr_6e0f", RequestedBy: "U1", Tool: "publish_post", Status: agents.ApprovalPending,
			Preview: "Publish now to X @acme_outdoor and LinkedIn Acme Outdoor:\n“Winter sale starts tomorrow: 30% off every tent.”"}},
		{"approval_media", agents.Approval{ID: "appr_6e0f", RequestedBy: "U1", Tool: "schedule_post", Status: agents.ApprovalPending,
			Args:    json.RawMessage(`{"text":"","platforms":["instagram","twitter"],"media_ids":["med_1a","med_2b"],"time":"tomorrow 9am"}`),
			Preview: "Schedule for Mon 7 Dec 2026, 09:00 CET to Instagram @acme_outdoor and X @acme_outdoor:\n(no text, 2 images)"}},
		{"account_choice", agents.Approval{ID: "appr_6e0f", RequestedBy: "U1", Tool: "publish_post", Status: agents.ApprovalAsking,
			Preview: "Which LinkedIn account should this go to?", Checks: agents.Checks{Choice: &publish.Choice{Platform: platform.LinkedIn, Options: []publish.Target{
				{AccountID: "acc_li_member_2b", Platform: platform.LinkedIn, Name: "Sam Sandbox", Kind: "member"},
				{AccountID: "acc_li_org_9c", Platform: platform.LinkedIn, Name: "Acme Outdoor", Kind: "organization"},
			}}}}},
		{"approval_duplicate", agents.Approval{ID: "appr_6e0f", RequestedBy: "U1", Tool: "publish_post", Status: agents.ApprovalPending,
			Preview: "Publish now to Acme Outdoor (LinkedIn page):\n“Winter sale starts tomorrow: 30% off every tent.”",
			Checks: agents.Checks{Duplicates: []publish.Duplicate{{AccountID: "acc_li_org_9c", Account: "Acme Outdoor", Platform: platform.LinkedIn,
				PostID: "post_dup_4a", At: at("2026-12-06T08:00:00Z")}}}}},
		{"duplicate_warning", fault.Failure{Kind: fault.Duplicate, Account: "LinkedIn Acme Outdoor", PostID: "post_dup_4a", AccountID: "acc_li_org_9c"}},
		{"media_download_failure", fault.Failure{Kind: fault.Media, URL: "https://example.com/tent.jpg", Message: "the address does not exist", Ref: "7f3a2c"}},
		{"rate_limit", fault.Failure{Kind: fault.RateLimit, Platform: platform.Twitter, RetryAt: atp("2026-12-06T10:15:00Z"), Ref: "b41d09"}},
		{"library_item_media", library.Item{ID: "lib_9e2d", Kind: library.KindContent, Title: "Autumn blend launch", Body: "Our autumn blend is here.",
			MediaIDs: []string{"med_1a", "med_2b"}, MediaURLs: []string{"https://cdn.example.com/beans.jpg"}, Tags: []string{"Autumn", "Coffee"}}},
		{"library_list", agents.LibraryFound{Items: []library.Item{
			{ID: "lib_9e2d", Kind: library.KindContent, Title: "Autumn blend launch", Body: "Our autumn blend is here.", MediaIDs: []string{"med_1a", "med_2b"}, MediaVideos: 1},
			{ID: "lib_1f0c", Kind: library.KindContent, Title: "Opening hours", Body: "Open every day from 8 to 6."},
		}, More: true}},
		{"library_search", agents.LibraryFound{Query: "autumn", Items: []library.Item{
			{ID: "lib_9e2d", Kind: library.KindContent, Title: "Autumn blend launch", Body: "Our autumn blend is here."}}}},
		{"library_empty", agents.LibraryFound{Items: []library.Item{}}},
		{"library_no_match", agents.LibraryFound{Query: "spring sale", Items: []library.Item{}}},
		{"media_unused_none", agents.MediaList{Unused: true, Items: []media.Media{}}},
		{"media_no_videos", agents.MediaList{Kind: media.KindVideo, Items: []media.Media{}}},
		{"media_deleted", agents.MediaDeleted{Media: media.Media{ID: "med_1", Name: "launch.jpg", ContentType: "image/jpeg"}}},
		{"inbox_item", inboxSample()},
		{"inbox_page", inbox.Page{Items: []inbox.Item{inboxSample(), {ID: "in_7d3f4b", AccountID: "acc_x_7f3a9", Platform: platform.Twitter,
			Kind: inbox.KindMention, State: inbox.StateNew, AuthorName: "Sam", AuthorHandle: "sam_hikes", Text: "@acme_outdoor any discount for clubs?",
			Permalink: "https://x.com/i/web/status/1900000000000000042", CreatedAt: at("2026-12-06T08:30:00Z")}}, NextCursor: "MTc2NTAxMjAwMDAwMDppbl83ZDNmNGI"}},
	}
}

// slackText is a Slack rendering as a person reads it: block by block.
func slackText(s present.Slack) string {
	var b strings.Builder
	fmt.Fprintf(&b, "notification: %s\n", strings.ReplaceAll(s.Text, "\n", " / "))
	for _, bl := range s.Blocks {
		switch x := bl.(type) {
		case *slack.SectionBlock:
			if x.Text != nil {
				fmt.Fprintf(&b, "[section]\n%s\n", x.Text.Text)
			}
			for _, f := range x.Fields {
				fmt.Fprintf(&b, "[field] %s\n", strings.ReplaceAll(f.Text, "\n", " = "))
			}
		case *slack.ContextBlock:
			for _, el := range x.ContextElements.Elements {
				if t, ok := el.(*slack.TextBlockObject); ok {
					fmt.Fprintf(&b, "[context] %s\n", t.Text)
				}
			}
		case *slack.ActionBlock:
			for _, el := range x.Elements.ElementSet {
				if btn, ok := el.(*slack.ButtonBlockElement); ok {
					fmt.Fprintf(&b, "[button %s] %s\n", orPlain(string(btn.Style)), btn.Text.Text)
				}
			}
		case *slack.ImageBlock:
			fmt.Fprintf(&b, "[image] %s <%s>\n", x.AltText, x.ImageURL)
		default:
			fmt.Fprintf(&b, "[%s]\n", bl.BlockType())
		}
	}
	for _, img := range s.Images {
		fmt.Fprintf(&b, "[image %s] %s\n", img.Name, img.Title)
	}
	return b.String()
}

func orPlain(s string) string {
	if s == "" {
		return "plain"
	}
	return s
}

// terminalText is what the console prints: the text and the choices words
// can make, numbered.
func terminalText(t present.Terminal) string {
	s := t.Text + "\n"
	var worded []present.Choice
	for _, c := range t.Choices {
		if c.Words() != "" {
			worded = append(worded, c)
		}
	}
	if len(worded) > 0 {
		s += present.ChoiceLines(1, worded) + "\n"
	}
	return s
}

// unread are the attributes a person does not read: what a button carries
// and a time's machine-readable value.
var unread = regexp.MustCompile(` data-value="[^"]*"| datetime="[^"]*"`)

// Forbidden is what no person may read: JSON, field counts, Go error
// prefixes and internal ids.
func forbidden(t *testing.T, name, door, text string) {
	t.Helper()
	visible := unread.ReplaceAllString(text, "")
	for _, bad := range []string{"{", "}", "fields", "items", "publish:", "dial tcp", "x:", "twitter:", "linkedin:", "fetch media", "agents:", "HTTP 4", "HTTP 5", "T10:", "Z\n", "\x1e", "\x1f"} {
		if strings.Contains(visible, bad) {
			t.Errorf("%s in %s reads %q:\n%s", name, door, bad, text)
		}
	}
	for _, id := range ids {
		if strings.Contains(visible, id) {
			t.Errorf("%s in %s shows the id %s:\n%s", name, door, id, text)
		}
	}
}

// The ten results read well in every door: golden files reviewed by eye,
// and nothing a person must not see.
func TestGolden(t *testing.T) {
	t.Parallel()
	r := present.New()
	e := env(t)
	for _, s := range samples() {
		golden(t, r, e, s.name, s.value)
	}
}

// golden checks what value reads as in each door against the files
// testdata/name.<door> (written with -update), and that none of it is
// what a person must not see.
func golden(t *testing.T, r *present.Registry, e present.Env, name string, value any) {
	t.Helper()
	outs := map[string]string{
		"slack.txt":    slackText(r.Slack(e, value)),
		"web.html":     string(r.Web(e, value)) + "\n",
		"terminal.txt": terminalText(r.Terminal(e, value)),
	}
	for door, got := range outs {
		forbidden(t, name, door, got)
		path := filepath.Join("testdata", name+"."+door)
		if *update {
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update to write it)", err)
		}
		if got != string(want) {
			t.Errorf("%s differs from %s:\n--- got\n%s\n--- want\n%s", name, path, got, want)
		}
	}
}

// inboxSample is an answered Facebook comment with its thread.
func inboxSample() inbox.Item {
	return inbox.Item{ID: "in_5c1e2a", AccountID: "acc_fb_3c", Platform: platform.Facebook, Kind: inbox.KindComment, State: inbox.StateAnswered,
		AuthorName: "Ann Lee", Text: "Does the tent fit two people with backpacks?", PostText: "Our new 2-person tent is in store today.",
		Permalink: "https://www.facebook.com/108000000000001/posts/42?comment_id=42_7", HandledBy: "U123",
		CreatedAt: at("2026-12-05T17:05:00Z"), ReceivedAt: at("2026-12-05T17:06:00Z"), AnsweredAt: at("2026-12-05T18:00:00Z"),
		Replies: []inbox.Reply{{Text: "Yes, with room for both packs in the vestibule.", By: "U123", At: at("2026-12-05T18:00:00Z"), ExternalID: "42_9"}}}
}
