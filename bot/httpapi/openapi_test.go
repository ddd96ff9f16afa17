package httpapi

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
	"github.com/marketingminds/marketingminds/tools/schedule"
)

// TestOpenAPIMatchesRoutes fails when a REST route registered in routes.go
// is missing from /api/openapi.json, or the document names one that is not
// registered.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	t.Parallel()
	// Every optional area on: a typed nil registers the routes without a service.
	s := New(Deps{Log: zerolog.Nop(), Accounts: (*accounts.Service)(nil), Posts: (*publish.Service)(nil),
		Jobs: (*schedule.Scheduler)(nil), Sessions: (*identity.Sessions)(nil)})
	registered := map[string]bool{}
	for _, p := range s.Routes() {
		method, path, ok := strings.Cut(p, " ")
		if ok && strings.HasPrefix(path, "/api/") {
			registered[method+" "+path] = true
		}
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/api/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /api/openapi.json = %d", rec.Code)
	}
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q, want 3.1.0", doc.OpenAPI)
	}
	documented := map[string]bool{}
	for path, item := range doc.Paths {
		for method, op := range item {
			documented[strings.ToUpper(method)+" "+path] = true
			if _, ok := op["responses"]; !ok {
				t.Errorf("%s %s has no responses", method, path)
			}
		}
	}
	for r := range registered {
		if !documented[r] {
			t.Errorf("route %s is registered but not in the OpenAPI document: add an apiOp", r)
		}
	}
	for d := range documented {
		if !registered[d] {
			t.Errorf("the OpenAPI document names %s, which is not registered", d)
		}
	}
	if len(registered) < 20 {
		t.Fatalf("only %d API routes registered; the introspection lost some", len(registered))
	}
	// Request and response schemas come from the handlers' types.
	post := doc.Paths["/api/social/post/schedule"]["post"]
	body, _ := json.Marshal(post)
	for _, want := range []string{`"scheduled_time"`, `"account_ids"`, `"job_ids"`, `"201"`, `"bearer"`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("schedule operation lacks %s: %s", want, body)
		}
	}
	if !slices.Contains(s.Routes(), "GET /dashboard/compose") {
		t.Error("the dashboard routes are not in Routes()")
	}
}
