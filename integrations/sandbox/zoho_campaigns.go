package sandbox

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Zoho Campaigns v1.1: mailing lists, create / send / schedule a campaign,
// recent campaigns and campaign reports. Like Zoho, it answers errors with
// HTTP 200 and {"status":"error","code":"<n>","message":...}, and only JSON
// when resfmt=JSON (the real default is XML: this sandbox answers other
// formats with an XML error rather than emulating the XML API).

func (s *Sandbox) routesZohoCampaigns(dc zohoDC) {
	p := "/" + dc.Campaigns + "/api/v1.1/"
	handle := func(pattern, method string, scopes []string, h func(http.ResponseWriter, *http.Request, zohoDC, string)) {
		s.mux.HandleFunc(method+" "+p+pattern, func(w http.ResponseWriter, r *http.Request) {
			s.zohoCampaignsCall(w, r, dc, "/api/v1.1/"+pattern, scopes, h)
		})
	}
	campaignScopes := []string{"ZohoCampaigns.campaign.ALL", "ZohoCampaigns.campaign.READ"}
	writeScopes := []string{"ZohoCampaigns.campaign.ALL", "ZohoCampaigns.campaign.CREATE", "ZohoCampaigns.campaign.UPDATE"}
	handle("getmailinglists", http.MethodGet, []string{"ZohoCampaigns.contact.ALL", "ZohoCampaigns.contact.READ"}, s.zohoMailingLists)
	handle("createCampaign", http.MethodPost, writeScopes, s.zohoCreateCampaign)
	handle("sendcampaign", http.MethodPost, writeScopes, s.zohoSendCampaign)
	handle("recentcampaigns", http.MethodGet, campaignScopes, s.zohoRecentCampaigns)
	handle("campaignreports", http.MethodGet, campaignScopes, s.zohoCampaignReports)
	s.mux.HandleFunc("/"+dc.Campaigns+"/", func(w http.ResponseWriter, r *http.Request) {
		zohoCampaignsError(w, strings.TrimPrefix(r.URL.Path, "/"+dc.Campaigns), "1004", "Wrong URL entered.")
	})
}

func zohoCampaignsError(w http.ResponseWriter, uri, code, msg string) {
	writeJSON(w, http.StatusOK, map[string]any{"status": "error", "code": code, "message": msg, "uri": uri, "version": "1"})
}

// zohoCampaignsCall checks resfmt and the token, then calls h with s.mu held.
func (s *Sandbox) zohoCampaignsCall(w http.ResponseWriter, r *http.Request, dc zohoDC, uri string, scopes []string,
	h func(http.ResponseWriter, *http.Request, zohoDC, string)) {
	if err := r.ParseForm(); err != nil {
		zohoCampaignsError(w, uri, "1005", "Please enter correct data type format.")
		return
	}
	if !strings.EqualFold(r.Form.Get("resfmt"), "JSON") {
		w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><response uri=%q version="1"><status>error</status><code>1005</code><message>This sandbox answers resfmt=JSON only.</message></response>`, uri)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, why := s.zohoToken(r, dc)
	if why != "" {
		// Error-codes page: 1007 "Unauthorized key".
		zohoCampaignsError(w, uri, "1007", "Unauthorized key.")
		return
	}
	if !zohoHasScope(t.Scopes, scopes...) {
		zohoCampaignsError(w, uri, "6601", "Insufficient privileges to perform this action. Please contact the org admin.")
		return
	}
	h(w, r, dc, uri)
}

func (s *Sandbox) zohoMailingLists(w http.ResponseWriter, r *http.Request, _ zohoDC, uri string) {
	from, n, ok := zohoRange(r.Form)
	if !ok {
		zohoCampaignsError(w, uri, "1001", "Pattern doesn't match.")
		return
	}
	lists := zohoReversed(s.st.Zoho.Lists) // newest first (sort=desc, the default)
	switch r.Form.Get("sort") {
	case "", "desc":
	case "asc":
		lists = s.st.Zoho.Lists
	default:
		zohoCampaignsError(w, uri, "1001", "Pattern doesn't match.")
		return
	}
	out := []map[string]any{}
	for i, l := range lists {
		if i+1 < from || len(out) >= n {
			continue
		}
		out = append(out, map[string]any{"listkey": l.Key, "listname": l.Name, "listtype": "Mailing List",
			"noofcontacts": strconv.Itoa(l.Contacts), "noofunsubcnt": strconv.Itoa(l.Unsubscribed),
			"noofbouncecnt": strconv.Itoa(l.Bounced), "created_date": l.Created.Format("Jan 02, 2006 03:04 PM"),
			"created_time_gmt": strconv.FormatInt(l.Created.UnixMilli(), 10)})
	}
	if len(out) == 0 {
		zohoCampaignsError(w, uri, "2401", "There are no mailing lists.")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "success", "code": 0, "message": "", "uri": uri, "list_of_details": out})
}

func zohoReversed[T any](in []T) []T {
	out := make([]T, len(in))
	for i, v := range in {
		out[len(in)-1-i] = v
	}
	return out
}

// zohoRange reads fromindex (1-based) and range (1..1000).
func zohoRange(f url.Values) (from, n int, ok bool) {
	from, n = 1, 20
	var err error
	if v := f.Get("fromindex"); v != "" {
		if from, err = strconv.Atoi(v); err != nil || from < 1 {
			return 0, 0, false
		}
	}
	if v := f.Get("range"); v != "" {
		if n, err = strconv.Atoi(v); err != nil || n < 1 || n > 1000 {
			return 0, 0, false
		}
	}
	return from, n, true
}

func (s *Sandbox) zohoCreateCampaign(w http.ResponseWriter, r *http.Request, dc zohoDC, uri string) {
	f := r.Form
	name, from, subject, ld := f.Get("campaignname"), f.Get("from_email"), f.Get("subject"), f.Get("list_details")
	if name == "" || from == "" || subject == "" || ld == "" {
		zohoCampaignsError(w, uri, "903", "No mandatory fields in this URL.")
		return
	}
	if a, err := mail.ParseAddress(from); err != nil || a.Address != from {
		zohoCampaignsError(w, uri, "1001", "Pattern doesn't match.")
		return
	}
	if cu := f.Get("content_url"); cu != "" {
		if u, err := url.Parse(cu); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			zohoCampaignsError(w, uri, "1001", "Pattern doesn't match.")
			return
		}
	}
	var lists map[string][]string
	if err := json.Unmarshal([]byte(ld), &lists); err != nil {
		zohoCampaignsError(w, uri, "1001", "Pattern doesn't match.")
		return
	}
	if len(lists) == 0 {
		zohoCampaignsError(w, uri, "6606", "No lists selected for this campaign.")
		return
	}
	z := s.st.Zoho
	recipients := 0
	keys := make([]string, 0, len(lists))
	for key := range lists {
		var found *zohoList
		for _, l := range z.Lists {
			if l.Key == key {
				found = l
			}
		}
		if found == nil {
			zohoCampaignsError(w, uri, "2002", "List key is empty or invalid list key.")
			return
		}
		keys = append(keys, key)
		recipients += found.Contacts - found.Unsubscribed - found.Bounced
	}
	key := fmt.Sprintf("3z%038x", s.nextID()*7919+0x5a17)
	z.Campaigns[key] = &zohoEmailCampaign{Key: key, DC: dc.Code, Name: name, FromEmail: from, FromName: f.Get("from_name"),
		Subject: subject, ContentURL: f.Get("content_url"), Lists: keys, Recipients: recipients, CreatedAt: s.now()}
	z.CampaignOrder = append(z.CampaignOrder, key)
	s.touch()
	writeJSON(w, http.StatusOK, map[string]any{"message": "Campaign created successfully", "campaignKey": key, "code": "200", "uri": uri})
}

func (s *Sandbox) zohoSendCampaign(w http.ResponseWriter, r *http.Request, dc zohoDC, uri string) {
	f := r.Form
	if f.Get("campaignkey") == "" {
		zohoCampaignsError(w, uri, "903", "No mandatory fields in this URL.")
		return
	}
	c := s.st.Zoho.Campaigns[f.Get("campaignkey")]
	if c == nil || c.DC != dc.Code {
		zohoCampaignsError(w, uri, "6301", "Invalid campaign key.")
		return
	}
	now := s.now()
	if c.status(now) == "Sent" {
		zohoCampaignsError(w, uri, "6600", "Campaign is sent.")
		return
	}
	if c.ContentURL == "" {
		zohoCampaignsError(w, uri, "6607", "No content for this campaign.")
		return
	}
	status := "inprogress"
	if f.Get("isschedule") == "true" {
		at, code, msg := zohoScheduleTime(f, now)
		if code != "" {
			zohoCampaignsError(w, uri, code, msg)
			return
		}
		c.ScheduledAt, status = at, "scheduled"
	} else if v := f.Get("isschedule"); v != "" && v != "false" {
		zohoCampaignsError(w, uri, "1001", "Pattern doesn't match.")
		return
	} else {
		c.SentAt = now
	}
	s.touch()
	writeJSON(w, http.StatusOK, map[string]any{"response": map[string]any{
		"uri": uri, "code": "200", "version": "1.1", "message": "", "campaign_status": status}})
}

// zohoScheduleTime reads scheduledate (mm/dd/yyyy), schedulehour (1–12),
// scheduleminute (00–55 in steps of 5), am_pm and sendingTZ.
func zohoScheduleTime(f url.Values, now time.Time) (time.Time, string, string) {
	date, hour, minute, ampm := f.Get("scheduledate"), f.Get("schedulehour"), f.Get("scheduleminute"), strings.ToUpper(f.Get("am_pm"))
	if date == "" || hour == "" || minute == "" || ampm == "" {
		return time.Time{}, "903", "No mandatory fields in this URL."
	}
	loc := time.UTC
	if tz := f.Get("sendingTZ"); tz != "" {
		var err error
		if loc, err = time.LoadLocation(tz); err != nil || tz == "Local" {
			return time.Time{}, "1001", "Pattern doesn't match."
		}
	}
	d, derr := time.ParseInLocation("01/02/2006", date, loc)
	h, herr := strconv.Atoi(hour)
	m, merr := strconv.Atoi(minute)
	if derr != nil || herr != nil || merr != nil || h < 1 || h > 12 || m < 0 || m > 55 || m%5 != 0 ||
		(ampm != "AM" && ampm != "PM") || (f.Get("istimewarp") != "" && f.Get("istimewarp") != "true" && f.Get("istimewarp") != "false") {
		return time.Time{}, "1001", "Pattern doesn't match."
	}
	h %= 12
	if ampm == "PM" {
		h += 12
	}
	at := time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, loc)
	if !at.After(now) {
		return time.Time{}, "1001", "Schedule time is lesser than current time."
	}
	return at.UTC(), "", ""
}

func (s *Sandbox) zohoRecentCampaigns(w http.ResponseWriter, r *http.Request, dc zohoDC, uri string) {
	status := strings.ToLower(r.Form.Get("status"))
	if status == "" {
		status = "all"
	}
	want := map[string]string{"all": "", "sent": "Sent", "drafts": "Draft", "scheduled": "Scheduled"}
	filter, known := want[status]
	from, n, ok := zohoRange(r.Form)
	if !known || !ok {
		zohoCampaignsError(w, uri, "1001", "Pattern doesn't match.")
		return
	}
	now, z := s.now(), s.st.Zoho
	out := []map[string]any{}
	idx := 0
	for i := len(z.CampaignOrder) - 1; i >= 0 && len(out) < n; i-- { // newest first
		c := z.Campaigns[z.CampaignOrder[i]]
		if c == nil || c.DC != dc.Code || (filter != "" && c.status(now) != filter) {
			continue
		}
		if idx++; idx < from {
			continue
		}
		item := map[string]any{"campaign_key": c.Key, "campaign_name": c.Name, "campaign_status": c.status(now),
			"created_date_string": c.CreatedAt.Format("02 Jan 2006, 03:04 PM"), "created_time_gmt": strconv.FormatInt(c.CreatedAt.UnixMilli(), 10)}
		if at := c.sentAt(now); !at.IsZero() {
			item["sent_time_gmt"] = strconv.FormatInt(at.UnixMilli(), 10)
		}
		out = append(out, item)
	}
	if len(out) == 0 {
		zohoCampaignsError(w, uri, "6101", "No campaign was sent.")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "success", "code": "0", "message": "", "uri": uri, "recent_campaigns": out})
}

func (s *Sandbox) zohoCampaignReports(w http.ResponseWriter, r *http.Request, dc zohoDC, uri string) {
	key := r.Form.Get("campaignkey")
	if key == "" {
		zohoCampaignsError(w, uri, "903", "No mandatory fields in this URL.")
		return
	}
	now := s.now()
	c := s.st.Zoho.Campaigns[key]
	if c == nil || c.DC != dc.Code || c.sentAt(now).IsZero() {
		zohoCampaignsError(w, uri, "6002", "No sent campaigns, yet (or) invalid campaign key.")
		return
	}
	sent := c.sentAt(now)
	writeJSON(w, http.StatusOK, map[string]any{
		"status": "success", "code": "0", "message": "", "uri": uri,
		"campaign-reports": []map[string]string{zohoReportFigures(c.Name, c.Recipients, now.Sub(sent))},
		"campaign-details": []map[string]string{{
			"campaign_key": c.Key, "campaign_name": c.Name, "email_subject": c.Subject, "email_from": c.FromEmail,
			"reply_to": c.FromEmail, "sent_time": sent.Format("02 Jan 2006, 03:04 PM"),
			"created_time": c.CreatedAt.Format("02 Jan 2006, 03:04 PM"), "email_type": "html", "email_options": "",
		}},
		"campaign-reach":       []any{},
		"campaign-by-loaction": []any{},
	})
}

// zohoReportFigures are a campaign's figures age after sending: everything
// sent at once, 2% bounced, opens, clicks and unsubscribes growing towards
// their plateau with a 6-hour time constant. Every value is a string, as Zoho
// sends them.
func zohoReportFigures(name string, recipients int, age time.Duration) map[string]string {
	grow := 1 - math.Exp(-age.Hours()/6)
	sent := float64(recipients)
	bounces := math.Round(sent * 0.02)
	hard := math.Round(bounces * 0.6)
	delivered := sent - bounces
	opens := math.Round(delivered * 0.38 * grow)
	clicks := math.Round(opens * 0.22)
	unsub := math.Round(delivered * 0.003 * grow)
	spams := math.Round(delivered * 0.0005 * grow)
	forwards := math.Round(opens * 0.01)
	pct := func(n, of float64) string {
		if of == 0 {
			return "0"
		}
		return strconv.FormatFloat(math.Round(n/of*10000)/100, 'f', -1, 64)
	}
	i := func(v float64) string { return strconv.FormatInt(int64(v), 10) }
	return map[string]string{
		"campaign_name": name, "emails_sent_count": i(sent),
		"delivered_count": i(delivered), "delivered_percent": pct(delivered, sent),
		"opens_count": i(opens), "open_percent": pct(opens, delivered),
		"unopened": i(delivered - opens), "unopened_percent": pct(delivered-opens, delivered),
		"unique_clicks_count": i(clicks), "unique_clicked_percent": pct(clicks, delivered),
		"clicksperopenrate": pct(clicks, opens),
		"bounces_count":     i(bounces), "bounce_percent": pct(bounces, sent),
		"hardbounce_count": i(hard), "softbounce_count": i(bounces - hard),
		"unsub_count": i(unsub), "unsubscribe_percent": pct(unsub, delivered),
		"spams_count": i(spams), "spam_percent": pct(spams, delivered),
		"complaints_count": "0", "complaints_percent": "0",
		"forwards_count": i(forwards), "forward_percent": pct(forwards, delivered),
		"unsent_count": "0", "unsent_percent": "0", "autoreply_count": "0",
	}
}
