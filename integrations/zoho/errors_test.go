package zoho

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// replay serves one canned answer and returns a client and a token for it.
func replay(t *testing.T, status int, header http.Header, body []byte) (*Client, Token) {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range header {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	c := NewClient(srv.Client(), platform.Hosts{Sandbox: srv.URL}, Config{ClientID: "id", ClientSecret: "secret", DataCenter: "com"})
	return c, Token{AccessToken: "tok", RefreshToken: "rt", APIDomain: "https://www.zohoapis.com", AccountsServer: "https://accounts.zoho.com"}
}

func TestErrorMapping(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	list := func(c *Client, tok Token) error {
		_, err := c.ListRecords(ctx, tok, ModuleLeads, ListOptions{Fields: []string{"Email"}})
		return err
	}
	createCRM := func(c *Client, tok Token) error {
		_, err := c.CreateCRMCampaign(ctx, tok, CRMCampaign{Name: "x"})
		return err
	}
	lists := func(c *Client, tok Token) error { _, err := c.MailingLists(ctx, tok); return err }
	report := func(c *Client, tok Token) error { _, err := c.CampaignReport(ctx, tok, "k"); return err }
	send := func(c *Client, tok Token) error { return c.SendCampaign(ctx, tok, "k") }
	createEmail := func(c *Client, tok Token) error {
		_, err := c.CreateEmailCampaign(ctx, tok, EmailCampaign{Name: "n", FromEmail: "a@b.example", Subject: "s", ListKeys: []string{"l"}})
		return err
	}
	exchange := func(c *Client, _ Token) error {
		_, err := c.Exchange(ctx, "code", "https://app.example/cb", "https://accounts.zoho.com")
		return err
	}
	refresh := func(c *Client, tok Token) error { _, err := c.Refresh(ctx, tok.RefreshToken); return err }
	revoke := func(c *Client, tok Token) error { return c.Revoke(ctx, tok.RefreshToken) }

	for _, tc := range []struct {
		name   string
		call   func(*Client, Token) error
		status int
		header http.Header
		file   string
		kind   platform.Kind
		code   string
		retry  time.Duration
	}{
		{"crm invalid token", list, 401, nil, "crm/invalid_token.json", platform.KindAuth, "INVALID_TOKEN", 0},
		{"crm no header", list, 401, nil, "crm/authentication_failure.json", platform.KindAuth, "AUTHENTICATION_FAILURE", 0},
		{"crm scope", list, 401, nil, "crm/oauth_scope_mismatch.json", platform.KindPermanent, "OAUTH_SCOPE_MISMATCH", 0},
		{"crm fields missing", list, 400, nil, "crm/required_param_missing.json", platform.KindPermanent, "REQUIRED_PARAM_MISSING", 0},
		{"crm too many fields", list, 400, nil, "crm/limit_exceeded_fields.json", platform.KindPermanent, "LIMIT_EXCEEDED", 0},
		{"crm credits", list, 400, nil, "crm/limit_exceeded_credits.json", platform.KindRateLimit, "LIMIT_EXCEEDED", time.Minute},
		{"crm 429 details", list, 429, nil, "crm/too_many_requests.json", platform.KindRateLimit, "TOO_MANY_REQUESTS", 60 * time.Second},
		{"crm 429 header wins", list, 429, http.Header{"Retry-After": {"7"}}, "crm/too_many_requests.json", platform.KindRateLimit, "TOO_MANY_REQUESTS", 7 * time.Second},
		{"crm 500", list, 500, nil, "crm/internal_error.json", platform.KindTransient, "INTERNAL_ERROR", 0},
		{"crm bad module", list, 400, nil, "crm/invalid_module.json", platform.KindPermanent, "INVALID_MODULE", 0},
		{"crm past 2000", list, 400, nil, "crm/discrete_pagination_limit_exceeded.json", platform.KindPermanent, "DISCRETE_PAGINATION_LIMIT_EXCEEDED", 0},
		{"crm wrong url", list, 404, nil, "crm/invalid_url_pattern.json", platform.KindPermanent, "INVALID_URL_PATTERN", 0},
		{"crm html 502", list, 502, nil, "", platform.KindTransient, "", 0},
		{"crm record error", createCRM, 400, nil, "crm/create_mandatory_not_found.json", platform.KindPermanent, "MANDATORY_NOT_FOUND", 0},
		{"crm 201 without id", createCRM, 201, nil, "crm/list_leads.json", platform.KindTransient, "", 0},
		{"oauth used code", exchange, 200, nil, "oauth/invalid_code.json", platform.KindAuth, "invalid_code", 0},
		{"oauth client", exchange, 200, nil, "oauth/invalid_client.json", platform.KindPermanent, "invalid_client", 0},
		{"oauth secret", refresh, 200, nil, "oauth/invalid_client_secret.json", platform.KindPermanent, "invalid_client_secret", 0},
		{"oauth throttled", refresh, 400, nil, "oauth/access_denied_throttled.json", platform.KindRateLimit, "Access Denied", time.Minute},
		{"oauth revoke error", revoke, 200, nil, "oauth/invalid_code.json", platform.KindAuth, "invalid_code", 0},
		{"campaigns auth", lists, 200, nil, "campaigns/unauthorized_key.json", platform.KindAuth, "1007", 0},
		{"campaigns no lists selected", createEmail, 200, nil, "campaigns/no_lists_selected.json", platform.KindPermanent, "6606", 0},
		{"campaigns report later", report, 200, nil, "campaigns/report_retry.json", platform.KindTransient, "6001", 0},
		{"campaigns wrong url", report, 200, nil, "campaigns/wrong_url.json", platform.KindPermanent, "1004", 0},
		{"campaigns already sent", send, 200, nil, "campaigns/send_already_sent.json", platform.KindPermanent, "6600", 0},
		{"campaigns 429 lock", lists, 429, nil, "", platform.KindRateLimit, "", 30 * time.Minute},
		{"campaigns gateway 401", lists, 401, nil, "crm/invalid_token.json", platform.KindAuth, "INVALID_TOKEN", 0},
		{"campaigns not json", report, 200, nil, "", platform.KindTransient, "", 0},
		{"campaigns create without key", createEmail, 200, nil, "campaigns/send_success.json", platform.KindTransient, "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			body := []byte("<html>Bad gateway</html>")
			if tc.file != "" {
				body = readTestdata(t, tc.file)
			}
			c, tok := replay(t, tc.status, tc.header, body)
			err := tc.call(c, tok)
			pe, ok := err.(*platform.Error)
			if !ok {
				t.Fatalf("error %v (%T), want *platform.Error", err, err)
			}
			if pe.Kind != tc.kind || pe.Code != tc.code || pe.Platform != platform.Zoho || pe.Op == "" {
				t.Fatalf("got kind %s code %q op %q (%v), want %s %q", pe.Kind, pe.Code, pe.Op, pe, tc.kind, tc.code)
			}
			if tc.retry != 0 && pe.RetryAfter != tc.retry {
				t.Errorf("retry after %s, want %s", pe.RetryAfter, tc.retry)
			}
			if pe.Message == "" {
				t.Error("no message")
			}
		})
	}
}

func TestSuccessShapes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, tok := replay(t, 200, nil, readTestdata(t, "crm/list_leads.json"))
	p, err := c.ListRecords(ctx, tok, ModuleLeads, ListOptions{Fields: []string{"Email"}})
	if err != nil || len(p.Records) != 1 || !p.MoreRecords || p.NextPageToken != "c8582xx9e7c7" || p.Records[0].String("Email") != "john.doe@zylker.com" {
		t.Fatalf("list: %+v, %v", p, err)
	}
	c, tok = replay(t, 201, nil, readTestdata(t, "crm/create_success.json"))
	if id, err := c.CreateCRMCampaign(ctx, tok, CRMCampaign{Name: "x"}); err != nil || id != "5725767000000524157" {
		t.Fatalf("create: %q, %v", id, err)
	}
	c, tok = replay(t, 200, nil, readTestdata(t, "campaigns/mailing_lists.json"))
	if l, err := c.MailingLists(ctx, tok); err != nil || len(l) != 1 || l[0].Contacts != 1240 || l[0].Bounced != 7 {
		t.Fatalf("lists: %+v, %v", l, err)
	}
	c, tok = replay(t, 200, nil, readTestdata(t, "campaigns/no_mailing_list.json"))
	if l, err := c.MailingLists(ctx, tok); err != nil || len(l) != 0 {
		t.Fatalf("no lists: %+v, %v", l, err)
	}
	c, tok = replay(t, 200, nil, readTestdata(t, "campaigns/create_success.json"))
	if k, err := c.CreateEmailCampaign(ctx, tok, EmailCampaign{Name: "n", FromEmail: "a@b.example", Subject: "s", ListKeys: []string{"l"}}); err != nil || k == "" {
		t.Fatalf("create email campaign: %q, %v", k, err)
	}
	c, tok = replay(t, 200, nil, readTestdata(t, "campaigns/send_success.json"))
	if err := c.SendCampaign(ctx, tok, "k"); err != nil {
		t.Fatal(err)
	}
	c, tok = replay(t, 200, nil, readTestdata(t, "oauth/token.json"))
	got, err := c.Exchange(ctx, "code", "https://app.example/cb", "https://accounts.zoho.eu")
	if err != nil || got.APIDomain != "https://www.zohoapis.eu" || got.AccountsServer != "https://accounts.zoho.eu" || got.RefreshToken == "" {
		t.Fatalf("exchange: %+v, %v", got, err)
	}
	_ = tok
}

func TestParseReport(t *testing.T) {
	t.Parallel()
	r, err := parseReport(readTestdata(t, "campaigns/report.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := Report{Name: "January newsletter", Sent: 1215, Delivered: 1191, DeliveredRate: 98.02, Opens: 452, OpenRate: 37.95,
		Unopened: 739, Clicks: 99, ClickRate: 8.31, ClickToOpenRate: 21.9, Bounces: 24, BounceRate: 1.98, HardBounces: 14,
		SoftBounces: 10, Unsubscribes: 4, UnsubscribeRate: 0.34, Spams: 1, Forwards: 5}
	if r != want {
		t.Fatalf("report\n got %+v\nwant %+v", r, want)
	}
	for _, bad := range []string{`{}`, `{"campaign-reports":[{}]}`, `{"campaign-reports":[{"emails_sent_count":"many"}]}`, `[`} {
		if _, err := parseReport([]byte(bad)); err == nil {
			t.Errorf("parseReport(%s): no error", bad)
		}
	}
}

func TestScheduleParams(t *testing.T) {
	t.Parallel()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	for _, tc := range []struct {
		at                     time.Time
		loc                    *time.Location
		date, hour, min, am_pm string
		bad                    bool
	}{
		{time.Date(2026, 7, 4, 0, 5, 0, 0, ny), ny, "07/04/2026", "12", "05", "AM", false},
		{time.Date(2026, 7, 4, 12, 0, 0, 0, ny), ny, "07/04/2026", "12", "00", "PM", false},
		{time.Date(2026, 12, 31, 23, 55, 0, 0, ny), ny, "12/31/2026", "11", "55", "PM", false},
		// 16:30 UTC is 12:30 in New York (EDT).
		{time.Date(2026, 7, 4, 16, 30, 0, 0, time.UTC), ny, "07/04/2026", "12", "30", "PM", false},
		{time.Date(2026, 7, 4, 9, 7, 0, 0, ny), ny, "", "", "", "", true},
		{time.Date(2026, 7, 4, 9, 5, 30, 0, ny), ny, "", "", "", "", true},
		{time.Date(2026, 7, 4, 9, 5, 0, 0, ny), nil, "", "", "", "", true},
		{time.Date(2026, 7, 4, 9, 5, 0, 0, ny), time.Local, "", "", "", "", true},
	} {
		q, err := scheduleParams(tc.at, tc.loc)
		if tc.bad {
			if err == nil {
				t.Errorf("%s: accepted", tc.at)
			}
			continue
		}
		if err != nil || q.Get("scheduledate") != tc.date || q.Get("schedulehour") != tc.hour || q.Get("scheduleminute") != tc.min ||
			q.Get("am_pm") != tc.am_pm || q.Get("sendingTZ") != "America/New_York" || q.Get("isschedule") != "true" {
			t.Errorf("%s: %v, %v", tc.at, q, err)
		}
	}
	if got := NextScheduleSlot(time.Date(2026, 1, 1, 9, 7, 1, 0, time.UTC)); !got.Equal(time.Date(2026, 1, 1, 9, 10, 0, 0, time.UTC)) {
		t.Errorf("next slot %s", got)
	}
}

func TestLookupDataCenter(t *testing.T) {
	t.Parallel()
	for code, accounts := range map[string]string{"com": "https://accounts.zoho.com", "US": "https://accounts.zoho.com",
		"eu": "https://accounts.zoho.eu", "com.au": "https://accounts.zoho.com.au", "ca": "https://accounts.zohocloud.ca", " uk ": "https://accounts.zoho.uk"} {
		dc, ok := LookupDataCenter(code)
		if !ok || dc.AccountsServer != accounts {
			t.Errorf("%q: %+v %v", code, dc, ok)
		}
	}
	for _, bad := range []string{"", "de", "zoho.com", "au"} {
		if _, ok := LookupDataCenter(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
	if len(DataCenters) != 10 {
		t.Errorf("%d data centers", len(DataCenters))
	}
}

func fuzzSeeds(f *testing.F, dir string) {
	files, _ := filepath.Glob(filepath.Join("testdata", dir, "*.json"))
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"code":null,"details":"x"}`))
	f.Add([]byte(`{"response":{"code":7}}`))
}

func FuzzParseCRMError(f *testing.F) {
	fuzzSeeds(f, "crm")
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, status := range []int{200, 400, 401, 429, 500} {
			resp := &http.Response{StatusCode: status, Header: http.Header{}}
			if pe := crmError("list leads", resp, body); pe == nil || pe.Platform != platform.Zoho || pe.Op == "" {
				t.Fatalf("crmError(%q) = %v", body, pe)
			}
		}
	})
}

func FuzzParseCampaignsError(f *testing.F) {
	fuzzSeeds(f, "campaigns")
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, status := range []int{200, 401, 429, 503} {
			resp := &http.Response{StatusCode: status, Header: http.Header{}}
			if pe := campaignsError("send campaign", resp, body); pe == nil || pe.Op == "" {
				t.Fatalf("campaignsError(%q) = %v", body, pe)
			}
		}
		_, _ = parseReport(body)
	})
}

func FuzzParseOAuthError(f *testing.F) {
	fuzzSeeds(f, "oauth")
	f.Fuzz(func(t *testing.T, body []byte) {
		if e, ok := parseOAuthError(body); ok {
			if pe := e.toError("exchange code", 200); pe.Code == "" {
				t.Fatalf("no code for %q", body)
			}
		}
	})
}
