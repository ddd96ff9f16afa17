package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// The OAuth callbacks answer HTML pages; their bodies are not JSON to check.
func init() { openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.FileBodyDecoder) }

// specCheck sends real requests to a test server and holds them and the
// answers to /api/openapi.json with kin-openapi: a request the test means
// to be valid must conform to the document, and every answer (errors
// included) must be one the document describes. It records which
// operations were exercised.
type specCheck struct {
	t      *testing.T
	base   string
	router routers.Router
	opts   *openapi3filter.Options
	seen   *coverage
}

// coverage is the set of operations exercised, shared by the subtests.
type coverage struct {
	mu  sync.Mutex
	ops map[string]bool
}

func (c *coverage) add(op string) { c.mu.Lock(); c.ops[op] = true; c.mu.Unlock() }

func newSpecCheck(t *testing.T, base string, seen *coverage) *specCheck {
	t.Helper()
	raw, err := json.Marshal(openapiDocument(apiOps()))
	if err != nil {
		t.Fatal(err)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(raw)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("the document is not valid OpenAPI: %v", err)
	}
	doc.Servers = openapi3.Servers{{URL: base}}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return &specCheck{t: t, base: base, router: router, seen: seen,
		opts: &openapi3filter.Options{AuthenticationFunc: func(context.Context, *openapi3filter.AuthenticationInput) error { return nil }, MultiError: true}}
}

// call sends method path with token and body ("" sends none) and wants
// status; the request is checked against the document when status is a
// success, the answer always. It returns the decoded answer.
func (c *specCheck) call(token, method, path, body string, status int) map[string]any {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.base+path, strings.NewReader(body))
	if body == "" {
		req.Body, req.ContentLength = http.NoBody, 0
	} else {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		c.t.Fatalf("%s %s is not in the document: %v", method, path, err)
	}
	c.seen.add(method + " " + route.Path)
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: c.opts}
	reqErr := openapi3filter.ValidateRequest(context.Background(), in)
	if status < 400 && reqErr != nil {
		c.t.Errorf("request %s %s does not conform: %v", method, path, reqErr)
	}
	if body != "" {
		req.Body = io.NopCloser(strings.NewReader(body))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != status {
		c.t.Fatalf("%s %s = %d, want %d: %.300s", method, path, resp.StatusCode, status, data)
	}
	if status < 400 && reqErr == nil || status >= 400 {
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header,
			Body: io.NopCloser(bytes.NewReader(data)), Options: c.opts}
		if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
			c.t.Errorf("answer %d to %s %s does not conform: %v\n%.300s", resp.StatusCode, method, path, err, data)
		}
	}
	var v map[string]any
	_ = json.Unmarshal(data, &v)
	return v
}

// bodies checks what the document says of op's body against the handler:
// a required body left out is refused with 400; an optional one left out
// is taken (the answer is then not a 400).
func (c *specCheck) bodies(token, method, path string) {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.base+path, http.NoBody)
	route, _, err := c.router.FindRoute(req)
	if err != nil {
		c.t.Fatalf("%s %s is not in the document: %v", method, path, err)
	}
	rb := route.Operation.RequestBody
	if rb == nil || rb.Value == nil {
		c.t.Fatalf("%s %s has no request body in the document", method, path)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	resp.Body.Close()
	switch {
	case rb.Value.Required && resp.StatusCode != http.StatusBadRequest:
		c.t.Errorf("%s %s: the document requires a body, but the handler answered %d without one", method, path, resp.StatusCode)
	case !rb.Value.Required && resp.StatusCode == http.StatusBadRequest:
		c.t.Errorf("%s %s: the document says the body is optional, but the handler refused a request without one", method, path)
	}
}
