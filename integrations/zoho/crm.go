package zoho

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
)

// CRM modules the client reads. Campaigns is written (CreateCRMCampaign)
// and may be listed too.
const (
	ModuleLeads     = "Leads"
	ModuleContacts  = "Contacts"
	ModuleDeals     = "Deals"
	ModuleCampaigns = "Campaigns"
)

var crmModules = []string{ModuleLeads, ModuleContacts, ModuleDeals, ModuleCampaigns}

// CRM limits (v8): fields is mandatory with at most 50 API names; per_page at
// most 200; page/per_page reach the first 2,000 records, page_token the rest.
const (
	MaxFields   = 50
	MaxPerPage  = 200
	maxDiscrete = 2000
)

// Record is one CRM record: API field names to values, "id" included.
type Record map[string]any

// ID is the record's id.
func (r Record) ID() string { s, _ := r["id"].(string); return s }

// String is a text field's value, "" when absent or not text.
func (r Record) String(field string) string { s, _ := r[field].(string); return s }

// ListOptions select and order records. Fields is mandatory (Zoho rejects a
// list request without it since v3).
type ListOptions struct {
	Fields    []string
	Page      int    // 1-based; 0 means 1
	PerPage   int    // ≤ 200; 0 means 200
	PageToken string // info.next_page_token, past the first 2,000 records
	SortBy    string // id, Created_Time or Modified_Time
	SortOrder string // asc or desc
	// ModifiedSince, when set, sends If-Modified-Since: only records
	// modified after it.
	ModifiedSince time.Time
}

// Page is one page of records with its info block.
type Page struct {
	Records       []Record
	MoreRecords   bool
	NextPageToken string
	Page          int
	PerPage       int
	Count         int
}

type crmInfo struct {
	PerPage       int    `json:"per_page"`
	Count         int    `json:"count"`
	Page          int    `json:"page"`
	MoreRecords   *bool  `json:"more_records"`
	NextPageToken string `json:"next_page_token"`
}

func checkModule(op, module string) error {
	if !knownIn(module, crmModules) {
		return permanent(op, fmt.Sprintf("unknown CRM module %q (want one of %s)", module, strings.Join(crmModules, ", ")))
	}
	return nil
}

// ListRecords reads one page of a module's records. An empty page (HTTP 204)
// is a Page without records.
//
// https://www.zoho.com/crm/developer/docs/api/v8/get-records.html
func (c *Client) ListRecords(ctx context.Context, tok Token, module string, opts ListOptions) (Page, error) {
	op := "list " + strings.ToLower(module)
	if err := checkModule(op, module); err != nil {
		return Page{}, err
	}
	q, err := listQuery(op, opts)
	if err != nil {
		return Page{}, err
	}
	dc, err := c.apiDataCenter(tok, op)
	if err != nil {
		return Page{}, err
	}
	h := http.Header{}
	if !opts.ModifiedSince.IsZero() {
		h.Set("If-Modified-Since", opts.ModifiedSince.UTC().Format(time.RFC3339))
	}
	resp, body, err := c.send(ctx, op, http.MethodGet, c.crmURL(dc, module, q), tok, nil, "", h)
	if err != nil {
		return Page{}, err
	}
	switch resp.StatusCode {
	case http.StatusNoContent, http.StatusNotModified:
		return Page{}, nil
	case http.StatusOK:
	default:
		return Page{}, crmError(op, resp, body)
	}
	var out struct {
		Data []Record `json:"data"`
		Info *crmInfo `json:"info"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return Page{}, platform.Malformed(name, op, resp.StatusCode, err)
	}
	if out.Info == nil || out.Info.MoreRecords == nil {
		return Page{}, platform.Malformed(name, op, resp.StatusCode, errors.New("no info.more_records"))
	}
	for i, r := range out.Data {
		if r.ID() == "" {
			return Page{}, platform.Malformed(name, op, resp.StatusCode, fmt.Errorf("record %d has no id", i))
		}
	}
	return Page{Records: out.Data, MoreRecords: *out.Info.MoreRecords, NextPageToken: out.Info.NextPageToken,
		Page: out.Info.Page, PerPage: out.Info.PerPage, Count: out.Info.Count}, nil
}

func listQuery(op string, opts ListOptions) (url.Values, error) {
	if len(opts.Fields) == 0 {
		return nil, permanent(op, "fields is required")
	}
	if len(opts.Fields) > MaxFields {
		return nil, permanent(op, fmt.Sprintf("at most %d fields per request, got %d", MaxFields, len(opts.Fields)))
	}
	for _, f := range opts.Fields {
		if f == "" || strings.ContainsAny(f, ", ") {
			return nil, permanent(op, fmt.Sprintf("invalid field API name %q", f))
		}
	}
	q := url.Values{"fields": {strings.Join(opts.Fields, ",")}}
	perPage := opts.PerPage
	if perPage == 0 {
		perPage = MaxPerPage
	}
	if perPage < 1 || perPage > MaxPerPage {
		return nil, permanent(op, fmt.Sprintf("per_page must be 1..%d, got %d", MaxPerPage, perPage))
	}
	q.Set("per_page", strconv.Itoa(perPage))
	if opts.PageToken != "" {
		if opts.Page > 1 {
			return nil, permanent(op, "page and page_token cannot be used together")
		}
		q.Set("page_token", opts.PageToken)
	} else {
		page := max(opts.Page, 1)
		if page*perPage > maxDiscrete {
			return nil, permanent(op, fmt.Sprintf("page %d × per_page %d is past the first %d records: use page_token", page, perPage, maxDiscrete))
		}
		q.Set("page", strconv.Itoa(page))
	}
	if opts.SortBy != "" {
		if !knownIn(opts.SortBy, []string{"id", "Created_Time", "Modified_Time"}) {
			return nil, permanent(op, fmt.Sprintf("sort_by must be id, Created_Time or Modified_Time, got %q", opts.SortBy))
		}
		q.Set("sort_by", opts.SortBy)
	}
	if opts.SortOrder != "" {
		if opts.SortOrder != "asc" && opts.SortOrder != "desc" {
			return nil, permanent(op, fmt.Sprintf("sort_order must be asc or desc, got %q", opts.SortOrder))
		}
		q.Set("sort_order", opts.SortOrder)
	}
	return q, nil
}

// AllRecords iterates over every record of a module, page by page, following
// more_records: page/per_page for the first 2,000 records, then
// next_page_token. opts.Page and opts.PageToken are ignored. Iteration stops
// at the first error, which is yielded with a nil Record.
//
// https://www.zoho.com/crm/developer/docs/api/v8/get-records.html
func (c *Client) AllRecords(ctx context.Context, tok Token, module string, opts ListOptions) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		opts.PageToken = ""
		opts.Page = 1
		if opts.PerPage == 0 {
			opts.PerPage = MaxPerPage
		}
		for {
			p, err := c.ListRecords(ctx, tok, module, opts)
			if err != nil {
				yield(nil, err)
				return
			}
			for _, r := range p.Records {
				if !yield(r, nil) {
					return
				}
			}
			if !p.MoreRecords {
				return
			}
			if len(p.Records) == 0 {
				yield(nil, platform.Malformed(name, "list "+strings.ToLower(module), http.StatusOK, errors.New("more_records without records")))
				return
			}
			if opts.PageToken == "" && (opts.Page+1)*opts.PerPage <= maxDiscrete {
				opts.Page++
				continue
			}
			if p.NextPageToken == "" {
				yield(nil, platform.Malformed(name, "list "+strings.ToLower(module), http.StatusOK, errors.New("more_records past 2,000 records without next_page_token")))
				return
			}
			opts.Page, opts.PageToken = 0, p.NextPageToken
		}
	}
}

// CountRecords is the number of records in a module.
//
// https://www.zoho.com/crm/developer/docs/api/v8/get-record-count.html
func (c *Client) CountRecords(ctx context.Context, tok Token, module string) (int, error) {
	op := "count " + strings.ToLower(module)
	if err := checkModule(op, module); err != nil {
		return 0, err
	}
	dc, err := c.apiDataCenter(tok, op)
	if err != nil {
		return 0, err
	}
	resp, body, err := c.send(ctx, op, http.MethodGet, c.crmURL(dc, module+"/actions/count", nil), tok, nil, "", nil)
	if err != nil {
		return 0, err
	}
	if resp.StatusCode == http.StatusNoContent {
		return 0, nil
	}
	if resp.StatusCode != http.StatusOK {
		return 0, crmError(op, resp, body)
	}
	var out struct {
		Count *int `json:"count"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return 0, platform.Malformed(name, op, resp.StatusCode, err)
	}
	if out.Count == nil || *out.Count < 0 {
		return 0, platform.Malformed(name, op, resp.StatusCode, errors.New("no count"))
	}
	return *out.Count, nil
}

// CRMCampaign is a record of the CRM Campaigns module.
type CRMCampaign struct {
	Name        string // Campaign_Name, mandatory
	Type        string // Campaign type picklist: Email, Webinar, Advertisement, ...
	Status      string // Planning, Active, Inactive, Complete
	StartDate   time.Time
	EndDate     time.Time
	Description string
}

// CreateCRMCampaign creates a record in the CRM Campaigns module and returns
// its id. A per-record error (HTTP 400/207 with data[0].status "error") is
// the record's code and message.
//
// https://www.zoho.com/crm/developer/docs/api/v8/insert-records.html
func (c *Client) CreateCRMCampaign(ctx context.Context, tok Token, cp CRMCampaign) (string, error) {
	const op = "create crm campaign"
	if strings.TrimSpace(cp.Name) == "" {
		return "", permanent(op, "Campaign_Name is required")
	}
	if !cp.StartDate.IsZero() && !cp.EndDate.IsZero() && cp.EndDate.Before(cp.StartDate) {
		return "", permanent(op, "end date is before start date")
	}
	rec := map[string]any{"Campaign_Name": cp.Name}
	if cp.Type != "" {
		rec["Type"] = cp.Type
	}
	if cp.Status != "" {
		rec["Status"] = cp.Status
	}
	if !cp.StartDate.IsZero() {
		rec["Start_Date"] = cp.StartDate.Format(time.DateOnly)
	}
	if !cp.EndDate.IsZero() {
		rec["End_Date"] = cp.EndDate.Format(time.DateOnly)
	}
	if cp.Description != "" {
		rec["Description"] = cp.Description
	}
	return c.createRecord(ctx, tok, op, ModuleCampaigns, rec)
}

// createRecord inserts one record and reads data[0].
func (c *Client) createRecord(ctx context.Context, tok Token, op, module string, rec map[string]any) (string, error) {
	dc, err := c.apiDataCenter(tok, op)
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(map[string]any{"data": []any{rec}})
	if err != nil {
		return "", permanent(op, "encode record: "+err.Error())
	}
	resp, body, err := c.send(ctx, op, http.MethodPost, c.crmURL(dc, module, nil), tok, bytes.NewReader(payload), "application/json", nil)
	if err != nil {
		return "", err
	}
	var out struct {
		Data []crmErr `json:"data"`
	}
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated &&
		resp.StatusCode != http.StatusMultiStatus && resp.StatusCode != http.StatusBadRequest {
		return "", crmError(op, resp, body)
	}
	if err := json.Unmarshal(body, &out); err != nil || len(out.Data) == 0 {
		if resp.StatusCode == http.StatusBadRequest {
			return "", crmError(op, resp, body)
		}
		if err == nil {
			err = errors.New("no data")
		}
		return "", platform.Malformed(name, op, resp.StatusCode, err)
	}
	r := out.Data[0]
	if r.Status != "success" || r.Code != "SUCCESS" {
		if r.Code == "" {
			return "", platform.Malformed(name, op, resp.StatusCode, errors.New("record result without code"))
		}
		pe := r.toError(op, resp.StatusCode, resp.Header)
		if pe.Kind == platform.KindTransient && resp.StatusCode < 500 {
			pe.Kind = platform.KindPermanent
		}
		return "", pe
	}
	var d struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(r.Details, &d); err != nil || d.ID == "" {
		return "", platform.Malformed(name, op, resp.StatusCode, errors.New("record added without details.id"))
	}
	return d.ID, nil
}
