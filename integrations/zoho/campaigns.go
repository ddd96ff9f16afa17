package zoho

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
)

// Zoho Campaigns v1.1: every call carries resfmt=JSON; writes are
// form-encoded; errors come back as HTTP 200 with status "error".

// campaignsCall sends one Campaigns request and returns the body of a
// success; a failure (any status, or status "error" in a 200) is mapped.
func (c *Client) campaignsCall(ctx context.Context, tok Token, op, method, apiMethod string, params url.Values) (*http.Response, []byte, error) {
	dc, err := c.apiDataCenter(tok, op)
	if err != nil {
		return nil, nil, err
	}
	if params == nil {
		params = url.Values{}
	}
	params.Set("resfmt", "JSON")
	var resp *http.Response
	var body []byte
	if method == http.MethodGet {
		resp, body, err = c.send(ctx, op, method, c.campaignsURL(dc, apiMethod, params), tok, nil, "", nil)
	} else {
		resp, body, err = c.send(ctx, op, method, c.campaignsURL(dc, apiMethod, nil), tok,
			strings.NewReader(params.Encode()), "application/x-www-form-urlencoded", nil)
	}
	if err != nil {
		return nil, nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return resp, body, campaignsError(op, resp, body)
	}
	return resp, body, nil
}

// flexInt decodes a count sent as a number or as a string.
type flexInt int64

func (n *flexInt) UnmarshalJSON(b []byte) error {
	s := rawString(b)
	if s == "" {
		*n = 0
		return nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("not a count: %q", s)
	}
	*n = flexInt(v)
	return nil
}

// MailingList is a Campaigns mailing list.
type MailingList struct {
	Key          string
	Name         string
	Contacts     int64
	Unsubscribed int64
	Bounced      int64
	CreatedDate  string // as Zoho writes it
}

// MailingLists returns every mailing list of the account (sorted by Zoho,
// newest first). No list at all (code 2401) is an empty result.
//
// https://www.zoho.com/campaigns/newhelp/api/get-mailing-lists.html
func (c *Client) MailingLists(ctx context.Context, tok Token) ([]MailingList, error) {
	const op = "list mailing lists"
	var out []MailingList
	const pageSize = 100
	for from := 1; ; from += pageSize {
		q := url.Values{"sort": {"desc"}, "fromindex": {strconv.Itoa(from)}, "range": {strconv.Itoa(pageSize)}}
		resp, body, err := c.campaignsCall(ctx, tok, op, http.MethodGet, "getmailinglists", q)
		if err != nil {
			return nil, err
		}
		if e, failed := parseCampaignsError(body); failed {
			if e.Code == "2401" {
				return out, nil
			}
			return nil, e.toError(op, resp.StatusCode, resp.Header)
		}
		var page struct {
			Lists []struct {
				Key      string  `json:"listkey"`
				Name     string  `json:"listname"`
				Contacts flexInt `json:"noofcontacts"`
				Unsub    flexInt `json:"noofunsubcnt"`
				Bounce   flexInt `json:"noofbouncecnt"`
				Created  string  `json:"created_date"`
			} `json:"list_of_details"`
		}
		if err := json.Unmarshal(body, &page); err != nil {
			return nil, platform.Malformed(name, op, resp.StatusCode, err)
		}
		for _, l := range page.Lists {
			if l.Key == "" {
				return nil, platform.Malformed(name, op, resp.StatusCode, errors.New("list without listkey"))
			}
			out = append(out, MailingList{Key: l.Key, Name: l.Name, Contacts: int64(l.Contacts),
				Unsubscribed: int64(l.Unsub), Bounced: int64(l.Bounce), CreatedDate: l.Created})
		}
		if len(page.Lists) < pageSize || from > 10000 {
			return out, nil
		}
	}
}

// EmailCampaign is a new Campaigns e-mail campaign.
type EmailCampaign struct {
	Name       string   // campaignname, mandatory
	FromEmail  string   // from_email, mandatory: a verified sender address
	FromName   string   // from_name
	Subject    string   // subject, mandatory
	ContentURL string   // content_url: the page whose HTML is the e-mail
	ListKeys   []string // mailing lists, at least one
}

// CreateEmailCampaign creates a draft e-mail campaign and returns its
// campaign key. list_details is the JSON {"<listkey>": []} (whole lists, no
// segments), form-encoded.
//
// https://www.zoho.com/campaigns/help/developers/create-campaign.html
func (c *Client) CreateEmailCampaign(ctx context.Context, tok Token, cp EmailCampaign) (string, error) {
	const op = "create email campaign"
	switch {
	case strings.TrimSpace(cp.Name) == "":
		return "", permanent(op, "campaign name is required")
	case strings.TrimSpace(cp.Subject) == "":
		return "", permanent(op, "subject is required")
	case len(cp.ListKeys) == 0:
		return "", permanent(op, "at least one mailing list is required")
	}
	if a, err := mail.ParseAddress(cp.FromEmail); err != nil || a.Address != cp.FromEmail {
		return "", permanent(op, fmt.Sprintf("from e-mail %q is not an e-mail address", cp.FromEmail))
	}
	if cp.ContentURL != "" {
		if u, err := url.Parse(cp.ContentURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return "", permanent(op, fmt.Sprintf("content URL %q is not an http(s) URL", cp.ContentURL))
		}
	}
	lists := map[string][]string{}
	for _, k := range cp.ListKeys {
		if k == "" {
			return "", permanent(op, "empty mailing list key")
		}
		lists[k] = []string{}
	}
	ld, _ := json.Marshal(lists)
	params := url.Values{
		"campaignname": {cp.Name},
		"from_email":   {cp.FromEmail},
		"subject":      {cp.Subject},
		"list_details": {string(ld)},
	}
	if cp.FromName != "" {
		params.Set("from_name", cp.FromName)
	}
	if cp.ContentURL != "" {
		params.Set("content_url", cp.ContentURL)
	}
	resp, body, err := c.campaignsCall(ctx, tok, op, http.MethodPost, "createCampaign", params)
	if err != nil {
		return "", err
	}
	if e, failed := parseCampaignsError(body); failed {
		return "", e.toError(op, resp.StatusCode, resp.Header)
	}
	var out struct {
		CampaignKey string `json:"campaignKey"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return "", platform.Malformed(name, op, resp.StatusCode, err)
	}
	if out.CampaignKey == "" {
		return "", platform.Malformed(name, op, resp.StatusCode, errors.New("created without campaignKey"))
	}
	return out.CampaignKey, nil
}

// SendCampaign sends a campaign now.
//
// https://www.zoho.com/campaigns/help/developers/send-campaign.html
func (c *Client) SendCampaign(ctx context.Context, tok Token, campaignKey string) error {
	const op = "send campaign"
	if campaignKey == "" {
		return permanent(op, "campaign key is required")
	}
	return c.sendCampaign(ctx, tok, op, url.Values{"campaignkey": {campaignKey}})
}

// ScheduleCampaign schedules a campaign for at, expressed in loc (Zoho's
// sendingTZ, an IANA zone). Zoho takes the date, a 12-hour clock hour, a
// minute in steps of 5 and AM/PM: a time that is not on a 5-minute step is
// rejected rather than moved (NextScheduleSlot rounds up). Zoho rejects a
// time in the past.
//
// https://www.zoho.com/campaigns/help/developers/schedule-campaign.html
func (c *Client) ScheduleCampaign(ctx context.Context, tok Token, campaignKey string, at time.Time, loc *time.Location) error {
	const op = "schedule campaign"
	if campaignKey == "" {
		return permanent(op, "campaign key is required")
	}
	params, err := scheduleParams(at, loc)
	if err != nil {
		return permanent(op, err.Error())
	}
	params.Set("campaignkey", campaignKey)
	return c.sendCampaign(ctx, tok, op, params)
}

// scheduleParams renders at in loc as Zoho's schedule fields.
func scheduleParams(at time.Time, loc *time.Location) (url.Values, error) {
	if loc == nil || loc.String() == "Local" || loc.String() == "" {
		return nil, errors.New("a named time zone (IANA, e.g. Europe/Paris) is required")
	}
	t := at.In(loc)
	if t.Second() != 0 || t.Nanosecond() != 0 || t.Minute()%5 != 0 {
		return nil, fmt.Errorf("zoho schedules in 5-minute steps: %s is not on one (next: %s)",
			t.Format("2006-01-02 15:04:05"), NextScheduleSlot(t).Format("15:04"))
	}
	hour, ampm := t.Hour()%12, "AM"
	if hour == 0 {
		hour = 12
	}
	if t.Hour() >= 12 {
		ampm = "PM"
	}
	return url.Values{
		"isschedule":     {"true"},
		"scheduledate":   {t.Format("01/02/2006")},
		"schedulehour":   {strconv.Itoa(hour)},
		"scheduleminute": {fmt.Sprintf("%02d", t.Minute())},
		"am_pm":          {ampm},
		"istimewarp":     {"false"},
		"sendingTZ":      {loc.String()},
	}, nil
}

// NextScheduleSlot rounds t up to Zoho's next 5-minute step (t itself when
// it is on one).
func NextScheduleSlot(t time.Time) time.Time {
	r := t.Truncate(5 * time.Minute)
	if r.Equal(t) {
		return t
	}
	return r.Add(5 * time.Minute)
}

func (c *Client) sendCampaign(ctx context.Context, tok Token, op string, params url.Values) error {
	resp, body, err := c.campaignsCall(ctx, tok, op, http.MethodPost, "sendcampaign", params)
	if err != nil {
		return err
	}
	if e, failed := parseCampaignsError(body); failed {
		return e.toError(op, resp.StatusCode, resp.Header)
	}
	var out struct {
		Response *struct {
			Code json.RawMessage `json:"code"`
		} `json:"response"`
		Code json.RawMessage `json:"code"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return platform.Malformed(name, op, resp.StatusCode, err)
	}
	code := rawString(out.Code)
	if out.Response != nil {
		code = rawString(out.Response.Code)
	}
	if code != "200" && code != "0" {
		// Never report a send that Zoho did not confirm.
		return platform.Malformed(name, op, resp.StatusCode, fmt.Errorf("no success code (got %q)", code))
	}
	return nil
}

// Report is a sent campaign's figures. Rates are percentages (35.2 = 35.2%).
// ClickRate is unique clicks over delivered; ClickToOpenRate over opens.
type Report struct {
	Name            string
	Sent            int64
	Delivered       int64
	DeliveredRate   float64
	Opens           int64
	OpenRate        float64
	Unopened        int64
	Clicks          int64
	ClickRate       float64
	ClickToOpenRate float64
	Bounces         int64
	BounceRate      float64
	HardBounces     int64
	SoftBounces     int64
	Unsubscribes    int64
	UnsubscribeRate float64
	Spams           int64
	Forwards        int64
}

// CampaignReport reads a sent campaign's report. Zoho sends every figure as
// a string; the ones Report's documented fields need must be there.
//
// https://www.zoho.com/campaigns/help/developers/campaign-reports.html
func (c *Client) CampaignReport(ctx context.Context, tok Token, campaignKey string) (Report, error) {
	const op = "campaign report"
	if campaignKey == "" {
		return Report{}, permanent(op, "campaign key is required")
	}
	resp, body, err := c.campaignsCall(ctx, tok, op, http.MethodGet, "campaignreports", url.Values{"campaignkey": {campaignKey}})
	if err != nil {
		return Report{}, err
	}
	if e, failed := parseCampaignsError(body); failed {
		return Report{}, e.toError(op, resp.StatusCode, resp.Header)
	}
	r, err := parseReport(body)
	if err != nil {
		return Report{}, platform.Malformed(name, op, resp.StatusCode, err)
	}
	return r, nil
}

// parseReport reads campaign-reports[0].
func parseReport(body []byte) (Report, error) {
	var out struct {
		Reports []map[string]json.RawMessage `json:"campaign-reports"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return Report{}, err
	}
	if len(out.Reports) == 0 {
		return Report{}, errors.New("no campaign-reports")
	}
	m := out.Reports[0]
	var errs []error
	count := func(key string, required bool) int64 {
		s, ok := m[key]
		if !ok {
			if required {
				errs = append(errs, fmt.Errorf("no %s", key))
			}
			return 0
		}
		v, err := strconv.ParseInt(strings.TrimSpace(rawString(s)), 10, 64)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: not a count", key))
		}
		return v
	}
	rate := func(key string, required bool) float64 {
		s, ok := m[key]
		if !ok {
			if required {
				errs = append(errs, fmt.Errorf("no %s", key))
			}
			return 0
		}
		v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rawString(s)), "%"), 64)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: not a rate", key))
		}
		return v
	}
	r := Report{
		Name:            rawString(m["campaign_name"]),
		Sent:            count("emails_sent_count", true),
		Delivered:       count("delivered_count", true),
		DeliveredRate:   rate("delivered_percent", false),
		Opens:           count("opens_count", true),
		OpenRate:        rate("open_percent", true),
		Unopened:        count("unopened", false),
		Clicks:          count("unique_clicks_count", true),
		ClickRate:       rate("unique_clicked_percent", true),
		ClickToOpenRate: rate("clicksperopenrate", false),
		Bounces:         count("bounces_count", true),
		BounceRate:      rate("bounce_percent", false),
		HardBounces:     count("hardbounce_count", false),
		SoftBounces:     count("softbounce_count", false),
		Unsubscribes:    count("unsub_count", true),
		UnsubscribeRate: rate("unsubscribe_percent", false),
		Spams:           count("spams_count", false),
		Forwards:        count("forwards_count", false),
	}
	if len(errs) > 0 {
		return Report{}, errors.Join(errs...)
	}
	return r, nil
}

// CampaignSummary is a campaign as recentcampaigns lists it.
type CampaignSummary struct {
	Key         string
	Name        string
	Status      string
	SentTimeGMT string // as Zoho writes it; empty when not sent
}

// Campaign statuses recentcampaigns filters on.
var campaignStatuses = []string{"all", "drafts", "scheduled", "sent"}

// RecentCampaigns lists the latest campaigns with status ("" means all).
// None (code 6101) is an empty result.
//
// https://www.zoho.com/campaigns/help/developers/recent-campaigns.html
func (c *Client) RecentCampaigns(ctx context.Context, tok Token, status string) ([]CampaignSummary, error) {
	const op = "recent campaigns"
	if status == "" {
		status = "all"
	}
	if !knownIn(status, campaignStatuses) {
		return nil, permanent(op, fmt.Sprintf("unknown campaign status %q", status))
	}
	q := url.Values{"status": {status}, "fromindex": {"1"}, "range": {"100"}, "sort": {"desc"}}
	resp, body, err := c.campaignsCall(ctx, tok, op, http.MethodGet, "recentcampaigns", q)
	if err != nil {
		return nil, err
	}
	if e, failed := parseCampaignsError(body); failed {
		if e.Code == "6101" {
			return nil, nil
		}
		return nil, e.toError(op, resp.StatusCode, resp.Header)
	}
	var out struct {
		Recent []struct {
			Key    string `json:"campaign_key"`
			Name   string `json:"campaign_name"`
			Status string `json:"campaign_status"`
			Sent   string `json:"sent_time_gmt"`
		} `json:"recent_campaigns"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return nil, platform.Malformed(name, op, resp.StatusCode, err)
	}
	list := make([]CampaignSummary, 0, len(out.Recent))
	for _, r := range out.Recent {
		if r.Key == "" {
			return nil, platform.Malformed(name, op, resp.StatusCode, errors.New("campaign without campaign_key"))
		}
		list = append(list, CampaignSummary{Key: r.Key, Name: r.Name, Status: r.Status, SentTimeGMT: r.Sent})
	}
	return list, nil
}
