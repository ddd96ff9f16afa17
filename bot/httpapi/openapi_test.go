package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/analytics"
	"github.com/marketingminds/marketingminds/tools/campaigns"
	"github.com/marketingminds/marketingminds/tools/groups"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/inbox"
	"github.com/marketingminds/marketingminds/tools/library"
	"github.com/marketingminds/marketingminds/tools/media"
	"github.com/marketingminds/marketingminds/tools/media/check"
	"github.com/marketingminds/marketingminds/tools/publish"
	"github.com/marketingminds/marketingminds/tools/schedule"
	"github.com/marketingminds/marketingminds/tools/settings"
)

// TestOpenAPIMatchesRoutes fails when a REST route registered in routes.go
// is missing from /api/openapi.json, or the document names one that is not
// registered.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	t.Parallel()
	// Every optional area on: a typed nil registers the routes without a service.
	s := New(Deps{Log: zerolog.Nop(), Accounts: (*accounts.Service)(nil), Posts: (*publish.Service)(nil),
		Jobs: (*schedule.Scheduler)(nil), Sessions: (*identity.Sessions)(nil), Analytics: (*analytics.Service)(nil),
		Campaigns: (*campaigns.Service)(nil), Library: (*library.Service)(nil), Settings: (*settings.Service)(nil),
		Approvals: (*agents.Orchestrator)(nil), Media: (*media.Service)(nil),
		Converter: (*check.Service)(nil), Inbox: (*inbox.Service)(nil), Groups: (*groups.Service)(nil)})
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

// TestOpenAPIDescribesResponses validates the document with kin-openapi and
// real answers of the posts routes against it.
func TestOpenAPIDescribesResponses(t *testing.T) {
	f := dashSetup(t, "http://127.0.0.1")
	raw := mustGet(t, f.srv.URL+"/api/openapi.json", "")
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("the document is not valid OpenAPI: %v", err)
	}
	doc.Servers = openapi3.Servers{{URL: f.srv.URL}}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := f.ids.CreateToken(context.Background(), "T1", "U-e", identity.Editor, "")
	if err != nil {
		t.Fatal(err)
	}
	opts := &openapi3filter.Options{AuthenticationFunc: func(context.Context, *openapi3filter.AuthenticationInput) error { return nil }, MultiError: true}
	check := func(method, path, body string, status int) map[string]any {
		t.Helper()
		req, _ := http.NewRequest(method, f.srv.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok.Token)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		route, params, err := router.FindRoute(req)
		if err != nil {
			t.Fatalf("%s %s is not in the document: %v", method, path, err)
		}
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			t.Errorf("request %s %s does not conform: %v", method, path, err)
		}
		req.Body = io.NopCloser(strings.NewReader(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != status {
			t.Fatalf("%s %s = %d, want %d: %s", method, path, resp.StatusCode, status, data)
		}
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header,
			Body: io.NopCloser(bytes.NewReader(data)), Options: opts}
		if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
			t.Errorf("response to %s %s does not conform: %v\n%s", method, path, err, data)
		}
		var v map[string]any
		_ = json.Unmarshal(data, &v)
		return v
	}
	at := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	sch := check("POST", "/api/social/post/schedule", `{"account_ids":["x1"],"text":"described","scheduled_time":"`+at+`"}`, 201)
	id, _ := sch["post_id"].(string)
	check("POST", "/api/social/post", `{"account_id":"x2","text":"now"}`, 200)
	check("GET", "/api/social/posts?limit=10", "", 200)
	check("GET", "/api/social/posts/"+id, "", 200)
	check("PATCH", "/api/social/posts/"+id, `{"text":"described again"}`, 200)
	check("POST", "/api/social/posts/"+id+"/cancel", "", 200)
	check("GET", "/api/me", "", 200)
	check("POST", "/api/social/post", `{"account_ids":["x1"],"text":""}`, 400)
}

func mustGet(t *testing.T, u, token string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return string(data)
}
