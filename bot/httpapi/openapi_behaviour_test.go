package httpapi

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/integrations/sandbox/sandboxtest"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// TestOpenAPIAgainstHandlers holds /api/openapi.json to what the handlers
// do: at least one real request per operation, on servers wired to the
// real tools, each request and answer validated against the document with
// kin-openapi; a body the document requires is refused when missing and
// an optional one is taken when absent.
func TestOpenAPIAgainstHandlers(t *testing.T) {
	seen := &coverage{ops: map[string]bool{}}
	t.Run("areas", func(t *testing.T) {
		t.Run("posts, accounts, jobs, analytics", func(t *testing.T) { t.Parallel(); specPosts(t, seen) })
		t.Run("campaigns, e-mail, CRM", func(t *testing.T) { t.Parallel(); specCampaigns(t, seen) })
		t.Run("library, templates, settings", func(t *testing.T) { t.Parallel(); specContent(t, seen) })
		t.Run("approvals", func(t *testing.T) { t.Parallel(); specApprovals(t, seen) })
		t.Run("inbox, Meta webhooks", func(t *testing.T) { t.Parallel(); specInbox(t, seen) })
		t.Run("media", func(t *testing.T) { t.Parallel(); specMedia(t, seen) })
		t.Run("media conversion", func(t *testing.T) { t.Parallel(); specConvert(t, seen) })
		t.Run("account groups", func(t *testing.T) { t.Parallel(); specGroups(t, seen) })
	})
	if t.Failed() {
		return
	}
	for _, op := range apiOps() {
		if !seen.ops[op.Method+" "+op.Path] {
			t.Errorf("%s %s is documented but no request exercised it here", op.Method, op.Path)
		}
	}
}

func specPosts(t *testing.T, seen *coverage) {
	f := analyticsSetup(t)
	c := newSpecCheck(t, f.srv.URL, seen)
	ad, ed, vw := f.tokens[identity.Admin], f.tokens[identity.Editor], f.tokens[identity.Viewer]
	x := f.x.ID
	c.call("", "GET", "/api/health", "", 200)
	c.call(vw, "GET", "/api/me", "", 200)
	c.call("", "GET", "/api/openapi.json", "", 200)

	conn := c.call(ed, "GET", "/api/social/connect/linkedin", "", 200)
	authURL, _ := conn["auth_url"].(string)
	q := sandboxtest.Consent(t, authURL)
	c.call("", "GET", "/api/social/callback/linkedin?state="+q.Get("state")+"&code="+q.Get("code"), "", 200)
	c.call(vw, "GET", "/api/social/accounts", "", 200)
	c.call(ed, "POST", "/api/tokens/refresh", `{"within":"24h"}`, 200)
	c.bodies(ed, "POST", "/api/tokens/refresh")
	c.call(vw, "GET", "/api/tokens/status", "", 200)

	c.call(ed, "POST", "/api/social/post", `{"account_id":"`+x+`","text":"spec one"}`, 200)
	c.call(ed, "POST", "/api/social/post/multiple", `{"account_ids":["`+x+`"],"content":{"text":"spec two"}}`, 200)
	at := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	sch := c.call(ed, "POST", "/api/social/post/schedule", `{"account_ids":["`+x+`"],"text":"spec three","scheduled_time":"`+at+`"}`, 201)
	id, _ := sch["post_id"].(string)
	jobs, _ := sch["job_ids"].([]any)
	if id == "" || len(jobs) != 1 {
		t.Fatalf("schedule answered %v", sch)
	}
	job, _ := jobs[0].(string)
	for _, path := range []string{"/api/social/post", "/api/social/post/multiple", "/api/social/post/schedule"} {
		c.bodies(ed, "POST", path)
	}
	c.call(vw, "GET", "/api/social/posts?limit=10&status=pending", "", 200)
	c.call(vw, "GET", "/api/social/posts/"+id, "", 200)
	c.call(ed, "PATCH", "/api/social/posts/"+id, `{"text":"spec three, edited"}`, 200)
	c.bodies(ed, "PATCH", "/api/social/posts/"+id)
	c.call(ed, "POST", "/api/social/posts/"+id+"/retry", "", 409)
	c.call(ed, "POST", "/api/social/posts/"+id+"/publish-anyway", `{"account_id":"`+x+`"}`, 409)
	c.bodies(ed, "POST", "/api/social/posts/"+id+"/publish-anyway")
	c.call(vw, "GET", "/api/jobs/status/"+job, "", 200)
	c.call(vw, "GET", "/api/jobs/user", "", 200)
	c.call(ed, "POST", "/api/social/posts/"+id+"/cancel", "", 200)
	other := c.call(ed, "POST", "/api/social/post/schedule", `{"account_ids":["`+x+`"],"text":"spec four","scheduled_time":"`+at+`"}`, 201)
	more, _ := other["job_ids"].([]any)
	c.call(ed, "DELETE", "/api/jobs/"+more[0].(string), "", 200)
	c.call(vw, "GET", "/api/jobs/scheduler/status", "", 200)
	c.call(ad, "POST", "/api/jobs/scheduler/stop", "", 200)
	c.call(ad, "POST", "/api/jobs/scheduler/start", "", 200)

	c.call(ed, "POST", "/api/social/analytics/sync", "", 200)
	c.call(vw, "GET", "/api/social/analytics/aggregate", "", 200)
	c.call(vw, "GET", "/api/social/analytics/history", "", 200)
	c.call(vw, "GET", "/api/social/analytics/best-times", "", 200)
	c.call(vw, "GET", "/api/social/analytics/review?days=7", "", 200)
	c.call(vw, "GET", "/api/social/analytics/twitter/"+x, "", 200)
	c.call(vw, "GET", "/api/dashboard/overview", "", 200)
	c.call(ed, "DELETE", "/api/social/accounts/"+x, "", 200)
}

func specCampaigns(t *testing.T, seen *coverage) {
	f := campaignsSetup(t, nil, nil)
	c := newSpecCheck(t, f.srv.URL, seen)
	ed, vw := f.tokens[identity.Editor], f.tokens[identity.Viewer]
	conn := c.call(ed, "GET", "/api/zoho/connect", "", 200)
	authURL, _ := conn["auth_url"].(string)
	q := sandboxtest.Consent(t, authURL)
	c.call("", "GET", "/api/zoho/callback?state="+q.Get("state")+"&code="+q.Get("code")+"&accounts-server="+q.Get("accounts-server"), "", 200)

	cp := c.call(ed, "POST", "/api/campaigns", `{"name":"Spec launch","goal":"signups"}`, 201)
	cid, _ := obj(cp, "campaign")["id"].(string)
	c.bodies(ed, "POST", "/api/campaigns")
	c.call(vw, "GET", "/api/campaigns", "", 200)
	c.call(vw, "GET", "/api/campaigns/"+cid, "", 200)
	c.call(ed, "PATCH", "/api/campaigns/"+cid, `{"goal":"more signups"}`, 200)
	c.bodies(ed, "PATCH", "/api/campaigns/"+cid)
	c.call(vw, "GET", "/api/campaigns/"+cid+"/analytics", "", 503)
	c.call(ed, "POST", "/api/campaigns/"+cid+"/crm", "", 200)

	c.call(vw, "GET", "/api/email/lists", "", 200)
	email := `{"name":"Spec news","subject":"News","html":"<h1>News</h1>","text":"News","list_keys":["` + zohoNewsletter + `"]}`
	e := c.call(ed, "POST", "/api/email/campaigns", email, 201)
	eid, _ := obj(e, "campaign")["id"].(string)
	c.bodies(ed, "POST", "/api/email/campaigns")
	c.call(vw, "GET", "/api/email/campaigns", "", 200)
	c.call(vw, "GET", "/api/email/campaigns/"+eid, "", 200)
	c.bodies(ed, "POST", "/api/email/campaigns/"+eid+"/send") // optional: this sends it
	c.call(ed, "POST", "/api/email/campaigns/"+eid+"/send", `{}`, 409)
	f.clock.Advance(6 * time.Hour)
	c.call(vw, "GET", "/api/email/campaigns/"+eid+"/report", "", 200)
	later := c.call(ed, "POST", "/api/email/campaigns", strings.Replace(email, "Spec news", "Spec later", 1), 201)
	lid, _ := obj(later, "campaign")["id"].(string)
	at := f.clock.Now().Add(48 * time.Hour).Format(time.RFC3339)
	c.call(ed, "POST", "/api/email/campaigns/"+lid+"/schedule", `{"scheduled_time":"`+at+`"}`, 200)
	c.bodies(ed, "POST", "/api/email/campaigns/"+lid+"/schedule")

	c.call(vw, "GET", "/api/crm", "", 200)
	c.call(vw, "GET", "/api/crm/leads?limit=5", "", 200)
	c.call(vw, "GET", "/api/crm/leads/search?q=a", "", 200)
}

func specContent(t *testing.T, seen *coverage) {
	f := contentSetup(t)
	c := newSpecCheck(t, f.srv.URL, seen)
	ad, ed, vw := f.tokens["admin"], f.tokens["editor"], f.tokens["viewer"]
	pic := f.upload(t, "T1", 9)
	for _, base := range []string{"/api/library", "/api/templates"} {
		it := c.call(ed, "POST", base, `{"title":"Spec","body":"Hello {{name}}, summer sale #SummerSale","tags":["Sale"],"media_ids":["`+pic+`"]}`, 201)
		var id string
		for _, v := range it {
			if m, ok := v.(map[string]any); ok {
				id, _ = m["id"].(string)
			}
		}
		if id == "" {
			t.Fatalf("create %s answered %v", base, it)
		}
		c.bodies(ed, "POST", base)
		c.call(vw, "GET", base, "", 200)
		c.call(vw, "GET", base+"/"+id, "", 200)
		c.call(ed, "PATCH", base+"/"+id, `{"title":"Spec, edited"}`, 200)
		c.bodies(ed, "PATCH", base+"/"+id)
		if base == "/api/templates" {
			c.call(vw, "POST", base+"/"+id+"/render", `{"values":{"name":"Ada"}}`, 200)
			c.bodies(vw, "POST", base+"/"+id+"/render")
		}
		c.call(ed, "DELETE", base+"/"+id, "", 200)
	}
	// media_ids are documented on every body that takes them or answers them.
	doc, _ := json.Marshal(openapiDocument(libraryOps))
	if n := strings.Count(string(doc), `"media_ids":{"items":{`); n != 13 {
		t.Errorf("media_ids documented %d times, want 13 (create and patch bodies, and every item and rendering answered)", n)
	}
	c.call(vw, "POST", "/api/hashtags/suggest", `{"text":"Summer sale at Acme Cloud","platform":"instagram"}`, 200)
	c.bodies(vw, "POST", "/api/hashtags/suggest")
	c.call(vw, "GET", "/api/settings", "", 200)
	c.call(ad, "PATCH", "/api/settings", `{"time_zone":"Europe/Paris"}`, 200)
	c.bodies(ad, "PATCH", "/api/settings")
	c.call(ad, "PATCH", "/api/settings", `{"time_zone":"Mars/Base"}`, 400)
}

func specApprovals(t *testing.T, seen *coverage) {
	f, pending, _ := pendingApprovals(t)
	c := newSpecCheck(t, f.srv.URL, seen)
	ed, vw := f.tokens[identity.Editor], f.tokens[identity.Viewer]
	c.call(vw, "GET", "/api/approvals?status=pending", "", 200)
	c.call(ed, "POST", "/api/approvals/"+pending[0].ID+"/approve", "", 200)
	c.bodies(ed, "POST", "/api/approvals/"+pending[1].ID+"/reject") // optional: this rejects it
	c.call(ed, "POST", "/api/approvals/"+pending[0].ID+"/reject", `{"reason":"late"}`, 409)
	// The documented cap of a reason is the one the capability enforces.
	doc, _ := json.Marshal(openapiDocument(approvalOps))
	if want := fmt.Sprintf(`"reason":{"maxLength":%d,`, agents.MaxReasonChars); !strings.Contains(string(doc), want) {
		t.Errorf("the reject body does not document maxLength %d for reason", agents.MaxReasonChars)
	}
	c.call(ed, "POST", "/api/approvals/"+pending[0].ID+"/reject", `{"reason":"`+strings.Repeat("x", agents.MaxReasonChars+1)+`"}`, 400)
	list := c.call(vw, "GET", "/api/approvals", "", 200)
	got, _ := list["approvals"].([]any)
	var statuses []string
	for _, a := range got {
		s, _ := a.(map[string]any)["status"].(string)
		statuses = append(statuses, s)
	}
	slices.Sort(statuses)
	if !slices.Equal(statuses, []string{string(agents.ApprovalDone), string(agents.ApprovalRejected)}) {
		t.Errorf("after approve and a bodiless reject: %v", statuses)
	}
}
