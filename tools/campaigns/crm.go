package campaigns

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/marketingminds/marketingminds/integrations/zoho"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// CRM modules offered, and the fields read of each.
var crmFields = map[string][]string{
	zoho.ModuleLeads: {"First_Name", "Last_Name", "Full_Name", "Email", "Company", "Phone", "Lead_Status", "Lead_Source",
		"Created_Time", "Modified_Time"},
	zoho.ModuleContacts: {"First_Name", "Last_Name", "Full_Name", "Email", "Account_Name", "Title", "Phone",
		"Created_Time", "Modified_Time"},
	zoho.ModuleDeals: {"Deal_Name", "Account_Name", "Stage", "Amount", "Probability", "Closing_Date", "Lead_Source",
		"Created_Time", "Modified_Time"},
}

// CRMModules lists the modules offered, in display order.
var CRMModules = []string{zoho.ModuleLeads, zoho.ModuleContacts, zoho.ModuleDeals}

// Limits of CRM reads.
const (
	DefaultCRMLimit = 20
	MaxCRMLimit     = 200
	maxQuery        = 100
)

// ParseModule reads a module name case-insensitively ("leads" is Leads).
func ParseModule(name string) (string, error) {
	for _, m := range CRMModules {
		if strings.EqualFold(m, name) {
			return m, nil
		}
	}
	return "", invalid("unknown CRM module %q: use %s", name, strings.Join(CRMModules, ", "))
}

// CRMList is a page of a module's cached records.
type CRMList struct {
	Module string `json:"module"`
	// Total is the module's record count in Zoho when the cache was filled.
	Total     int         `json:"total"`
	Records   []CRMRecord `json:"records"`
	FetchedAt time.Time   `json:"fetched_at"`
}

func crmLimit(limit int) (int, error) {
	switch {
	case limit == 0:
		return DefaultCRMLimit, nil
	case limit < 1 || limit > MaxCRMLimit:
		return 0, invalid("limit must be from 1 to %d", MaxCRMLimit)
	}
	return limit, nil
}

// CRMRecords returns the newest records of a module (Leads, Contacts,
// Deals) and its count, from the cache, filled from Zoho when older than
// the cache TTL or when refresh is set. Any role.
func (s *Service) CRMRecords(ctx context.Context, c identity.Caller, module string, limit int, refresh bool) (CRMList, error) {
	if err := c.Require(identity.Viewer); err != nil {
		return CRMList{}, err
	}
	module, err := ParseModule(module)
	if err != nil {
		return CRMList{}, err
	}
	if limit, err = crmLimit(limit); err != nil {
		return CRMList{}, err
	}
	f, err := s.fill(ctx, c, module, refresh)
	if err != nil {
		return CRMList{}, err
	}
	recs, err := s.st.Records(ctx, c.WorkspaceID, module, limit)
	if err != nil {
		return CRMList{}, err
	}
	return CRMList{Module: module, Total: f.Total, Records: recs, FetchedAt: f.FetchedAt}, nil
}

// CRMCounts returns the record count of each module. Any role.
func (s *Service) CRMCounts(ctx context.Context, c identity.Caller) (map[string]int, error) {
	if err := c.Require(identity.Viewer); err != nil {
		return nil, err
	}
	tok, err := s.token(ctx, c)
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, m := range CRMModules {
		n, err := s.cfg.Zoho.CountRecords(ctx, tok, m)
		if err != nil {
			return nil, zohoError("count "+strings.ToLower(m), err)
		}
		out[m] = n
	}
	return out, nil
}

// SearchLeads finds leads whose name, e-mail or company contains q
// (case-insensitive), newest first, among the cached leads (the newest
// Config.MaxCached), filled from Zoho as CRMRecords does. Any role.
func (s *Service) SearchLeads(ctx context.Context, c identity.Caller, q string, limit int) ([]CRMRecord, error) {
	if err := c.Require(identity.Viewer); err != nil {
		return nil, err
	}
	q = strings.TrimSpace(q)
	switch {
	case q == "":
		return nil, invalid("q is required: a name, e-mail or company to search for")
	case utf8.RuneCountInString(q) > maxQuery:
		return nil, invalid("q is longer than %d characters", maxQuery)
	}
	limit, err := crmLimit(limit)
	if err != nil {
		return nil, err
	}
	if _, err := s.fill(ctx, c, zoho.ModuleLeads, false); err != nil {
		return nil, err
	}
	return s.st.SearchRecords(ctx, c.WorkspaceID, zoho.ModuleLeads, q, limit)
}

// fill makes the module's cache current: kept while younger than the TTL
// (unless refresh), otherwise read again from Zoho, newest first.
func (s *Service) fill(ctx context.Context, c identity.Caller, module string, refresh bool) (Fetch, error) {
	last, ok, err := s.st.LastFetch(ctx, c.WorkspaceID, module)
	if err != nil {
		return Fetch{}, err
	}
	if ok && !refresh && s.now().Sub(last.FetchedAt) < s.cfg.CacheTTL {
		return last, nil
	}
	tok, err := s.token(ctx, c)
	if err != nil {
		return Fetch{}, err
	}
	total, err := s.cfg.Zoho.CountRecords(ctx, tok, module)
	if err != nil {
		return Fetch{}, zohoError("count "+strings.ToLower(module), err)
	}
	var recs []CRMRecord
	opts := zoho.ListOptions{Fields: crmFields[module], SortBy: "Created_Time", SortOrder: "desc", PerPage: zoho.MaxPerPage}
	for page := 1; len(recs) < s.cfg.MaxCached; page++ {
		opts.Page = page
		p, err := s.cfg.Zoho.ListRecords(ctx, tok, module, opts)
		if err != nil {
			return Fetch{}, zohoError("list "+strings.ToLower(module), err)
		}
		for _, r := range p.Records {
			if len(recs) < s.cfg.MaxCached {
				recs = append(recs, crmRecord(module, r))
			}
		}
		if !p.MoreRecords || len(p.Records) == 0 || (page+1)*zoho.MaxPerPage > 2000 {
			break
		}
	}
	f := Fetch{Total: total, FetchedAt: s.now()}
	for i := range recs {
		recs[i].FetchedAt = f.FetchedAt
	}
	if err := s.st.PutRecords(ctx, c.WorkspaceID, module, recs, f); err != nil {
		return Fetch{}, err
	}
	return f, nil
}

// crmRecord picks a record's display fields.
func crmRecord(module string, r zoho.Record) CRMRecord {
	out := CRMRecord{Module: module, ID: r.ID(), Email: r.String("Email"), CreatedTime: r.String("Created_Time"), Data: r}
	switch module {
	case zoho.ModuleDeals:
		out.Name = r.String("Deal_Name")
	default:
		out.Name = r.String("Full_Name")
		if out.Name == "" {
			out.Name = strings.TrimSpace(r.String("First_Name") + " " + r.String("Last_Name"))
		}
	}
	out.Company = r.String("Company")
	if acct, ok := r["Account_Name"].(map[string]any); ok && out.Company == "" {
		out.Company, _ = acct["name"].(string)
	}
	return out
}
