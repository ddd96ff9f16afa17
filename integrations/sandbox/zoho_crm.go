package sandbox

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Zoho CRM v8: list, count, read and create records of Leads, Contacts,
// Deals and Campaigns, with the v8 rules: fields mandatory (≤ 50),
// per_page ≤ 200, page/per_page only within the first 2,000 records, then
// page_token; 204 for an empty page.

func (s *Sandbox) routesZohoCRM(dc zohoDC) {
	p := "/" + dc.API + "/crm/v8/"
	s.mux.HandleFunc("GET "+p+"{module}", func(w http.ResponseWriter, r *http.Request) { s.zohoListRecords(w, r, dc) })
	s.mux.HandleFunc("POST "+p+"{module}", func(w http.ResponseWriter, r *http.Request) { s.zohoCreateRecords(w, r, dc) })
	s.mux.HandleFunc("GET "+p+"{module}/actions/count", func(w http.ResponseWriter, r *http.Request) { s.zohoCountRecords(w, r, dc) })
	s.mux.HandleFunc("GET "+p+"{module}/{id}", func(w http.ResponseWriter, r *http.Request) { s.zohoGetRecord(w, r, dc) })
	s.mux.HandleFunc("/"+dc.API+"/", func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, p) && strings.Count(strings.TrimPrefix(r.URL.Path, p), "/") <= 1 {
			zohoCRMError(w, http.StatusBadRequest, "INVALID_REQUEST_METHOD", "The http request method type is not a valid one", nil)
			return
		}
		zohoCRMError(w, http.StatusNotFound, "INVALID_URL_PATTERN", "Please check if the URL trying to access is a correct one", nil)
	})
}

func zohoCRMError(w http.ResponseWriter, status int, code, msg string, details map[string]any) {
	if details == nil {
		details = map[string]any{}
	}
	writeJSON(w, status, map[string]any{"code": code, "details": details, "message": msg, "status": "error"})
}

// zohoCRMAuth authenticates a CRM call and checks the module and scope; it
// answers the error itself. Callers hold s.mu.
func (s *Sandbox) zohoCRMAuth(w http.ResponseWriter, r *http.Request, dc zohoDC, op string) (*zohoModule, string, bool) {
	t, why := s.zohoToken(r, dc)
	switch why {
	case "missing":
		zohoCRMError(w, http.StatusUnauthorized, "AUTHENTICATION_FAILURE", "Authentication failed", nil)
		return nil, "", false
	case "invalid":
		zohoCRMError(w, http.StatusUnauthorized, "INVALID_TOKEN", "invalid oauth token", nil)
		return nil, "", false
	}
	module := ""
	for _, m := range zohoModules {
		if strings.EqualFold(m, r.PathValue("module")) {
			module = m
		}
	}
	if module == "" {
		zohoCRMError(w, http.StatusBadRequest, "INVALID_MODULE", "the module name given seems to be invalid", map[string]any{"resource_path_index": 0})
		return nil, "", false
	}
	if !zohoHasScope(t.Scopes, "ZohoCRM.modules.ALL", "ZohoCRM.modules."+module+".ALL", "ZohoCRM.modules."+module+"."+op) {
		zohoCRMError(w, http.StatusUnauthorized, "OAUTH_SCOPE_MISMATCH", "invalid oauth scope to access this URL", nil)
		return nil, "", false
	}
	return s.st.Zoho.Modules[module], module, true
}

// zohoPageToken is what a page_token stands for.
type zohoPageToken struct {
	Module  string    `json:"m"`
	Offset  int       `json:"o"`
	SortBy  string    `json:"sb"`
	Order   string    `json:"so"`
	Since   time.Time `json:"s,omitzero"`
	Expires time.Time `json:"e"`
}

func (p zohoPageToken) encode() string {
	b, _ := json.Marshal(p)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeZohoPageToken(s string) (zohoPageToken, bool) {
	var p zohoPageToken
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || json.Unmarshal(b, &p) != nil || p.Module == "" || p.Offset < 0 {
		return zohoPageToken{}, false
	}
	return p, true
}

func (s *Sandbox) zohoListRecords(w http.ResponseWriter, r *http.Request, dc zohoDC) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, module, ok := s.zohoCRMAuth(w, r, dc, "READ")
	if !ok {
		return
	}
	q := r.URL.Query()
	bad := func(param, msg string) {
		zohoCRMError(w, http.StatusBadRequest, "INVALID_DATA", msg, map[string]any{"param_name": param})
	}
	if q.Get("fields") == "" {
		zohoCRMError(w, http.StatusBadRequest, "REQUIRED_PARAM_MISSING", "required param is missing", map[string]any{"param_name": "fields"})
		return
	}
	fields := strings.Split(q.Get("fields"), ",")
	if len(fields) > 50 {
		zohoCRMError(w, http.StatusBadRequest, "LIMIT_EXCEEDED", "limit exceeded", map[string]any{"limit": 50, "param_name": "fields"})
		return
	}
	perPage, page := 200, 1
	var err error
	if v := q.Get("per_page"); v != "" {
		if perPage, err = strconv.Atoi(v); err != nil || perPage < 1 || perPage > 200 {
			bad("per_page", "invalid data")
			return
		}
	}
	if v := q.Get("page"); v != "" {
		if page, err = strconv.Atoi(v); err != nil || page < 1 {
			bad("page", "invalid data")
			return
		}
	}
	pt := zohoPageToken{Module: module, Offset: (page - 1) * perPage, SortBy: "id", Order: "desc"}
	if tok := q.Get("page_token"); tok != "" {
		if q.Has("page") {
			bad("page", "page and page_token cannot be given together")
			return
		}
		var ok bool
		if pt, ok = decodeZohoPageToken(tok); !ok || pt.Module != module {
			bad("page_token", "invalid data")
			return
		}
		if s.now().After(pt.Expires) {
			bad("page_token", "the given page_token has expired")
			return
		}
		if pt.Offset >= 100000 {
			zohoCRMError(w, http.StatusBadRequest, "PAGINATION_LIMIT_EXCEEDED", "You can only get upto 100000 records using page_token param", map[string]any{"param_name": "page_token"})
			return
		}
	} else {
		if page*perPage > 2000 {
			zohoCRMError(w, http.StatusBadRequest, "DISCRETE_PAGINATION_LIMIT_EXCEEDED", "You can only get the first 2000 records without using page_token param", map[string]any{"limit": 2000})
			return
		}
		if v := q.Get("sort_by"); v != "" {
			if v != "id" && v != "Created_Time" && v != "Modified_Time" {
				bad("sort_by", "invalid data")
				return
			}
			pt.SortBy = v
		}
		if v := q.Get("sort_order"); v != "" {
			if v != "asc" && v != "desc" {
				bad("sort_order", "invalid data")
				return
			}
			pt.Order = v
		}
		if v := r.Header.Get("If-Modified-Since"); v != "" {
			if pt.Since, err = time.Parse(time.RFC3339, v); err != nil {
				zohoCRMError(w, http.StatusBadRequest, "INVALID_DATA", "invalid data", map[string]any{"header_name": "If-Modified-Since"})
				return
			}
		}
	}
	recs := zohoSorted(m.Records, pt)
	if pt.Offset >= len(recs) {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	end := min(pt.Offset+perPage, len(recs))
	data := make([]map[string]any, 0, end-pt.Offset)
	for _, rec := range recs[pt.Offset:end] {
		out := map[string]any{"id": rec["id"]}
		for _, f := range fields {
			if v, ok := rec[f]; ok {
				out[f] = v
			}
		}
		data = append(data, out)
	}
	more := end < len(recs)
	next := zohoPageToken{Module: module, Offset: end, SortBy: pt.SortBy, Order: pt.Order, Since: pt.Since, Expires: s.now().Add(24 * time.Hour)}
	info := map[string]any{
		"call": false, "email": false, "per_page": perPage, "count": len(data), "page": pt.Offset/perPage + 1,
		"sort_by": pt.SortBy, "sort_order": pt.Order, "more_records": more,
		"next_page_token": nil, "previous_page_token": nil, "page_token_expiry": nil,
	}
	if more {
		info["next_page_token"] = next.encode()
		info["page_token_expiry"] = zohoTime(next.Expires)
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": data, "info": info})
}

// zohoSorted filters by Modified_Time and orders records as pt says.
func zohoSorted(all []zohoRecord, pt zohoPageToken) []zohoRecord {
	recs := make([]zohoRecord, 0, len(all))
	for _, r := range all {
		if !pt.Since.IsZero() {
			mt, err := time.Parse(time.RFC3339, zohoStr(r["Modified_Time"]))
			if err != nil || !mt.After(pt.Since) {
				continue
			}
		}
		recs = append(recs, r)
	}
	key := func(r zohoRecord) string {
		if pt.SortBy == "id" {
			return r.id() // fixed width: orders like the number
		}
		t, _ := time.Parse(time.RFC3339, zohoStr(r[pt.SortBy]))
		return t.UTC().Format(time.RFC3339) + r.id()
	}
	slices.SortStableFunc(recs, func(a, b zohoRecord) int {
		c := strings.Compare(key(a), key(b))
		if pt.Order == "desc" {
			return -c
		}
		return c
	})
	return recs
}

func zohoStr(v any) string { s, _ := v.(string); return s }

func (s *Sandbox) zohoCountRecords(w http.ResponseWriter, r *http.Request, dc zohoDC) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, _, ok := s.zohoCRMAuth(w, r, dc, "READ")
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"count": len(m.Records)})
}

func (s *Sandbox) zohoGetRecord(w http.ResponseWriter, r *http.Request, dc zohoDC) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, _, ok := s.zohoCRMAuth(w, r, dc, "READ")
	if !ok {
		return
	}
	i, found := m.index[r.PathValue("id")]
	if !found {
		zohoCRMError(w, http.StatusBadRequest, "INVALID_DATA", "the related id given seems to be invalid", map[string]any{"resource_path_index": 1})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": []zohoRecord{m.Records[i]}})
}

// zohoMandatory are the fields a new record of each module must have.
var zohoMandatory = map[string][]string{
	"Leads": {"Last_Name"}, "Contacts": {"Last_Name"}, "Deals": {"Deal_Name", "Stage"}, "Campaigns": {"Campaign_Name"},
}

func (s *Sandbox) zohoCreateRecords(w http.ResponseWriter, r *http.Request, dc zohoDC) {
	var body struct {
		Data []map[string]any `json:"data"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	decodeErr := dec.Decode(&body)
	s.mu.Lock()
	defer s.mu.Unlock()
	m, module, ok := s.zohoCRMAuth(w, r, dc, "CREATE")
	if !ok {
		return
	}
	if decodeErr != nil {
		zohoCRMError(w, http.StatusBadRequest, "INVALID_DATA", "body is not a valid JSON", nil)
		return
	}
	if len(body.Data) == 0 {
		zohoCRMError(w, http.StatusBadRequest, "REQUIRED_PARAM_MISSING", "required param is missing", map[string]any{"param_name": "data"})
		return
	}
	if len(body.Data) > 100 {
		zohoCRMError(w, http.StatusBadRequest, "LIMIT_EXCEEDED", "limit exceeded", map[string]any{"limit": 100, "param_name": "data"})
		return
	}
	now := zohoTime(s.now())
	results := make([]map[string]any, 0, len(body.Data))
	okCount := 0
	for i, rec := range body.Data {
		if code, msg, det := zohoValidateRecord(module, i, rec); code != "" {
			results = append(results, map[string]any{"code": code, "details": det, "message": msg, "status": "error"})
			continue
		}
		nr := zohoRecord{}
		for k, v := range rec {
			if !strings.HasPrefix(k, "$") && k != "id" {
				nr[k] = v
			}
		}
		id := zohoRecordID(1000000 + s.nextID())
		by := map[string]any{"name": zohoUserName, "id": "5725767000000411001"}
		nr["id"], nr["Owner"], nr["Created_Time"], nr["Modified_Time"] = id, zohoOwner(), now, now
		m.add(nr)
		okCount++
		results = append(results, map[string]any{"code": "SUCCESS", "message": "record added", "status": "success",
			"details": map[string]any{"Modified_Time": now, "Modified_By": by, "Created_Time": now, "id": id, "Created_By": by, "$approval_state": "approved"}})
	}
	s.touch()
	status := http.StatusCreated
	switch {
	case okCount == 0:
		status = http.StatusBadRequest
	case okCount < len(body.Data):
		status = http.StatusMultiStatus
	}
	writeJSON(w, status, map[string]any{"data": results})
}

// zohoValidateRecord checks one record to create; code "" means valid.
func zohoValidateRecord(module string, i int, rec map[string]any) (code, msg string, details map[string]any) {
	path := func(f string) string { return "$.data[" + strconv.Itoa(i) + "]." + f }
	for _, f := range zohoMandatory[module] {
		if v, ok := rec[f].(string); !ok || strings.TrimSpace(v) == "" {
			return "MANDATORY_NOT_FOUND", "required field not found", map[string]any{"api_name": f, "json_path": path(f)}
		}
	}
	for f, v := range rec {
		sv, isStr := v.(string)
		limit := 255
		if f == "Description" {
			limit = 32000
		}
		if isStr && len([]rune(sv)) > limit {
			return "INVALID_DATA", "invalid data", map[string]any{"api_name": f, "json_path": path(f), "maximum_length": limit}
		}
		switch f {
		case "Email":
			if a, err := mail.ParseAddress(sv); !isStr || err != nil || a.Address != sv {
				return "INVALID_DATA", "invalid data", map[string]any{"api_name": f, "json_path": path(f), "expected_data_type": "email"}
			}
		case "Start_Date", "End_Date", "Closing_Date":
			if _, err := time.Parse(time.DateOnly, sv); !isStr || err != nil {
				return "INVALID_DATA", "invalid data", map[string]any{"api_name": f, "json_path": path(f), "expected_data_type": "date"}
			}
		}
	}
	if module == "Campaigns" {
		for f, allowed := range map[string][]string{"Type": zohoCampaignTypes, "Status": zohoCampaignStatuses} {
			if v, ok := rec[f]; ok && !slices.Contains(allowed, zohoStr(v)) {
				return "INVALID_DATA", "invalid data", map[string]any{"api_name": f, "json_path": path(f), "expected_data_type": "picklist"}
			}
		}
		if sd, ed := zohoStr(rec["Start_Date"]), zohoStr(rec["End_Date"]); sd != "" && ed != "" && ed < sd {
			return "INVALID_DATA", "End Date cannot be less than Start Date", map[string]any{"api_name": "End_Date", "json_path": path("End_Date")}
		}
	}
	if module == "Deals" && !slices.Contains(zohoStages, zohoStr(rec["Stage"])) {
		return "INVALID_DATA", "invalid data", map[string]any{"api_name": "Stage", "json_path": path("Stage"), "expected_data_type": "picklist"}
	}
	return "", "", nil
}
