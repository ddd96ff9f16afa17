package httpapi

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/marketingminds/marketingminds/bot/present"
	"github.com/marketingminds/marketingminds/tools/campaigns"
	"github.com/marketingminds/marketingminds/tools/publish"
	"github.com/marketingminds/marketingminds/tools/settings"
)

// templateFuncs are the helpers the dashboard templates use.
var templateFuncs = template.FuncMap{
	// when formats a time (or *time.Time) in loc; nil is "".
	"when": func(loc *time.Location, t any) string {
		switch v := t.(type) {
		case time.Time:
			return v.In(loc).Format("Mon 2 Jan 2006, 15:04")
		case *time.Time:
			if v != nil {
				return v.In(loc).Format("Mon 2 Jan 2006, 15:04")
			}
		}
		return ""
	},
	"localInput": func(loc *time.Location, t time.Time) string { return t.In(loc).Format("2006-01-02T15:04") },
	"dateOf":     func(loc *time.Location, t time.Time) string { return t.In(loc).Format("2006-01-02") },
	"postTime":   postTime,
	"count":      present.Count,
	"roleWords":  roleWords,
	"excerpt": func(s string, n int) string {
		r := []rune(strings.Join(strings.Fields(s), " "))
		if len(r) <= n {
			return string(r)
		}
		return string(r[:n-1]) + "…"
	},
	"hasAction": func(p publish.PostView, action string) bool {
		for _, t := range p.Targets {
			for _, a := range t.Actions {
				if a == action {
					return true
				}
			}
		}
		return false
	},
	"tokenWords": func(status string) string {
		switch status {
		case "expiring":
			return "token expiring soon"
		case "expired":
			return "token expired"
		case "needs_reauth":
			return "must be connected again"
		}
		return status
	},
	// num and pct show a figure, or a dash when there is none yet.
	"num": func(v *int64) string {
		if v == nil {
			return "—"
		}
		return compact(*v)
	},
	"pct": func(v *float64) string {
		if v == nil {
			return "—"
		}
		return strconv.FormatFloat(*v, 'f', 1, 64) + " %"
	},
	"policyWords": func(p settings.Policy) string {
		switch p {
		case settings.PolicyAlways:
			return "every publication waits for approval"
		case settings.PolicyNever:
			return "nothing waits for approval"
		}
		return "what the agent decides waits for approval (default)"
	},
	// chatFragment bundles a chat fragment's data with the CSRF token.
	"chatFragment": func(csrf string, data any) chatFragment { return chatFragment{CSRF: csrf, Data: data} },
	// zohoView bundles the page's view and a message for "needzoho".
	"zohoView": func(v *view, msg string) zohoNotice { return zohoNotice{V: v, Msg: msg} },
	"leadsView": func(v *view, id string, leads []campaigns.CRMRecord) leadsTable {
		return leadsTable{V: v, ID: id, Leads: leads}
	},
	// whenText formats an RFC 3339 time Zoho wrote (as a string) like when;
	// one that does not parse is shown as written.
	"whenText": func(loc *time.Location, s string) string {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return s
		}
		return t.In(loc).Format("Mon 2 Jan 2006, 15:04")
	},
	// errs bundles a field's messages for the "errs" template.
	"errs": func(all map[string][]string, field string) fieldErrors {
		return fieldErrors{Field: strings.ReplaceAll(field, ".", "-"), Msgs: all[field]}
	},
}

type fieldErrors struct {
	Field string
	Msgs  []string
}

type zohoNotice struct {
	V   *view
	Msg string
}

// leadsTable is what the CRM's "leads" template draws.
type leadsTable struct {
	V     *view
	ID    string
	Leads []campaigns.CRMRecord
}

// compact writes 12000 as 12k and 3400000 as 3.4M.
func compact(v int64) string {
	switch {
	case v >= 1_000_000:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(v)/1e6), ".0") + "M"
	case v >= 1000:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(v)/1e3), ".0") + "k"
	}
	return fmt.Sprint(v)
}
