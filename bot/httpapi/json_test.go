package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/limit"
)

// untouched serves every route that decodes a body with no capability
// behind it: a call that reaches a tool panics (a 500), so a test that
// gets the 400 it wants also proves nothing was stored or sent.
type (
	untouchedPosts     struct{ Posts }
	untouchedLibrary   struct{ Library }
	untouchedCampaigns struct{ Campaigns }
	untouchedApprovals struct{ gate Approvals }
	untouchedSettings  struct{ Settings }
)

func (u untouchedApprovals) Approvals(ctx context.Context, c identity.Caller, status string) ([]agents.Approval, error) {
	return u.gate.Approvals(ctx, c, status)
}

func (u untouchedApprovals) Approve(ctx context.Context, c identity.Caller, id string) (agents.ApprovalResult, error) {
	return u.gate.Approve(ctx, c, id)
}

func (u untouchedApprovals) Reject(ctx context.Context, c identity.Caller, id, reason string) (agents.ApprovalResult, error) {
	return u.gate.Reject(ctx, c, id, reason)
}

func (u untouchedApprovals) Choose(ctx context.Context, c identity.Caller, id, accountID string, remember bool) (agents.ApprovalResult, error) {
	return u.gate.Choose(ctx, c, id, accountID, remember)
}

func decodeSetup(t *testing.T) *fixture {
	t.Helper()
	return setup(t, nil, func(d *Deps) {
		d.Posts, d.Library, d.Campaigns = untouchedPosts{}, untouchedLibrary{}, untouchedCampaigns{}
		d.Approvals, d.Settings = untouchedApprovals{}, untouchedSettings{}
	})
}

// decodeRoutes are the routes that take a JSON body, each with a body
// holding BAD in one string field, and that field's name.
var decodeRoutes = []struct {
	method, path, body, field string
}{
	{"POST", "/api/social/post", `{"account_id":"a1","content":{"text":"launch BAD"}}`, "content.text"},
	{"POST", "/api/social/post/multiple", `{"account_ids":["a1","BAD"],"text":"launch"}`, "account_ids[1]"},
	{"POST", "/api/social/post/schedule", `{"account_id":"a1","text":"BAD","scheduled_time":"2030-01-01T09:00:00Z"}`, "text"},
	{"PATCH", "/api/social/posts/p1", `{"text":"launch BAD"}`, "text"},
	{"POST", "/api/library", `{"title":"t","body":"BAD"}`, "body"},
	{"PATCH", "/api/library/i1", `{"tags":["x","BAD"]}`, "tags[1]"},
	{"POST", "/api/templates", `{"title":"BAD","body":"b"}`, "title"},
	{"PATCH", "/api/templates/t1", `{"body":"BAD"}`, "body"},
	{"POST", "/api/templates/t1/render", `{"values":{"name":"BAD"}}`, "values.name"},
	{"POST", "/api/campaigns", `{"name":"BAD","goal":"g"}`, "name"},
	{"PATCH", "/api/campaigns/c1", `{"goal":"BAD"}`, "goal"},
	{"POST", "/api/email/campaigns", `{"name":"n","subject":"BAD"}`, "subject"},
	{"POST", "/api/approvals/a1/reject", `{"reason":"BAD"}`, "reason"},
	{"POST", "/api/hashtags/suggest", `{"text":"BAD","platform":"twitter"}`, "text"},
	{"PATCH", "/api/settings", `{"time_zone":"BAD"}`, "time_zone"},
}

// Invalid UTF-8 in any string field of any route is refused with a 400
// naming the field, before any tool sees it (encoding/json alone would
// turn it into U+FFFD and publish "launch ���").
func TestDecodeRefusesInvalidUTF8(t *testing.T) {
	f := decodeSetup(t)
	for _, tc := range decodeRoutes {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			body := strings.Replace(tc.body, "BAD", "caf\xe9 \xff\xfe", 1)
			resp, out := f.do(t, tc.method, tc.path, "Bearer "+f.tokens[identity.Admin], strings.NewReader(body))
			msg := messages(out)
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(msg, `"`+tc.field+`"`) || !strings.Contains(msg, "UTF-8") {
				t.Errorf("%d %q, want 400 naming field %q as not UTF-8", resp.StatusCode, msg, tc.field)
			}
		})
	}
	// A key that is not UTF-8 is named by where it is.
	resp, out := f.do(t, "POST", "/api/social/post", "Bearer "+f.tokens[identity.Admin], strings.NewReader("{\"content\":{\"te\xffxt\":\"a\"}}"))
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(messages(out), `key in field "content"`) {
		t.Errorf("bad key: %d %q", resp.StatusCode, messages(out))
	}
}

// Lists and texts past their documented caps are refused at once with a
// short answer naming the field; the answer never repeats the value.
func TestDecodeCapsListsAndTexts(t *testing.T) {
	f := decodeSetup(t)
	ids := `"` + strings.Repeat(`acc0000001","`, 75_000) + `last"`
	for _, tc := range []struct {
		name, path, body, want string
	}{
		{"75,000 account ids (1 MB)", "/api/social/post/multiple", `{"text":"hi","account_ids":[` + ids + `]}`, `field "account_ids" holds more than 100 items`},
		{"a text past the cap", "/api/social/post", `{"account_id":"a","text":"` + strings.Repeat("é", limit.TextChars+1) + `"}`, `field "text" is 65537 characters long`},
		{"a nested list", "/api/social/post", `{"account_id":"a","content":{"thread":[` + strings.Repeat(`"x",`, 101) + `"y"]}}`, `field "content.thread" holds more than 100 items`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, out := f.do(t, "POST", tc.path, "Bearer "+f.tokens[identity.Admin], strings.NewReader(tc.body))
			msg := messages(out)
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(msg, tc.want) || len(msg) > 200 {
				t.Errorf("%d %q, want 400 saying %q in under 200 bytes", resp.StatusCode, limit.Clip(msg), tc.want)
			}
		})
	}
}

// curl -d sends application/x-www-form-urlencoded: a JSON body sent so is
// taken; anything else that is not JSON gets a 415 with the header to add.
func TestDecodeContentTypes(t *testing.T) {
	f := decodeSetup(t)
	const body = `{"time_zone":"Europe/Paris","user_id":"someone-else"}` // refused after decoding: 403
	for _, tc := range []struct {
		name, ct, body string
		status         int
	}{
		{"json", "application/json", body, http.StatusForbidden},
		{"json with charset", "application/json; charset=utf-8", body, http.StatusForbidden},
		{"curl -d with JSON", "application/x-www-form-urlencoded", body, http.StatusForbidden},
		{"a real form", "application/x-www-form-urlencoded", "time_zone=Europe%2FParis", http.StatusUnsupportedMediaType},
		{"plain text", "text/plain", body, http.StatusUnsupportedMediaType},
		{"multipart", "multipart/form-data; boundary=x", body, http.StatusUnsupportedMediaType},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("PATCH", f.srv.URL+"/api/settings", strings.NewReader(tc.body))
			req.Header.Set("Authorization", "Bearer "+f.tokens[identity.Admin])
			req.Header.Set("Content-Type", tc.ct)
			resp, out := send(t, req)
			if resp.StatusCode != tc.status {
				t.Fatalf("%d %v, want %d", resp.StatusCode, out, tc.status)
			}
			if tc.status == http.StatusUnsupportedMediaType && !strings.Contains(messages(out), "-H 'Content-Type: application/json'") {
				t.Errorf("415 message %q does not give the header to add", messages(out))
			}
		})
	}
}

// send does req and decodes the JSON answer.
func send(t *testing.T, req *http.Request) (*http.Response, map[string]any) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp, out
}
