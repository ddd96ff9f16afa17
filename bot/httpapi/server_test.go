package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/identity"
)

func TestMain(m *testing.M) { storetest.Main(m) }

type fixture struct {
	srv    *httptest.Server
	ids    *identity.Service
	db     *store.DB
	reg    *prometheus.Registry
	tokens map[identity.Role]string
}

// setup serves the API on a fresh SQLite store with one token per role in
// workspace T1; extra routes can be added for a test through mux, and
// services through with.
func setup(t *testing.T, extra func(s *Server, mux *http.ServeMux), with ...func(*Deps)) *fixture {
	t.Helper()
	db := storetest.Open(t, store.SQLite, identity.Schema)
	ids := identity.NewService(identity.NewStore(db), time.Now)
	reg := prometheus.NewRegistry()
	d := Deps{Log: zerolog.Nop(), Identity: ids, Store: db, Registry: reg, Agents: []string{"coordinator"}}
	for _, w := range with {
		w(&d)
	}
	s := New(d)
	handler := s.Handler()
	if extra != nil {
		mux := http.NewServeMux()
		extra(s, mux)
		mux.Handle("/", s.Handler())
		handler = s.middleware(mux)
	}
	f := &fixture{srv: httptest.NewServer(handler), ids: ids, db: db, reg: reg, tokens: map[identity.Role]string{}}
	t.Cleanup(f.srv.Close)
	for _, r := range []identity.Role{identity.Admin, identity.Editor, identity.Viewer} {
		tok, err := ids.CreateToken(context.Background(), "T1", "U-"+string(r), r, "")
		if err != nil {
			t.Fatal(err)
		}
		f.tokens[r] = tok.Token
	}
	return f
}

func (f *fixture) do(t *testing.T, method, path, auth string, body io.Reader) (*http.Response, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	data, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(data, &out)
	return resp, out
}

func errorCode(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	code, _ := e["code"].(string)
	return code
}

func TestBearerAuth(t *testing.T) {
	mutate := func(s *Server, mux *http.ServeMux) {
		mux.Handle("POST /api/test/mutate", s.auth(identity.Editor, func(w http.ResponseWriter, r *http.Request, c identity.Caller) {
			got, _ := identity.CallerFrom(r.Context())
			writeJSON(w, http.StatusOK, map[string]any{"success": true, "user": got.UserID, "door": got.Door})
		}))
	}
	f := setup(t, mutate)
	revoked, err := f.ids.CreateToken(context.Background(), "T1", "U-gone", identity.Admin, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.ids.RevokeToken(context.Background(), revoked.Record.ID); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name, method, path, auth string
		status                   int
		code                     string
	}{
		{"missing", "GET", "/api/me", "", 401, "missing_token"},
		{"not bearer", "GET", "/api/me", "Basic dXNlcjpwYXNz", 401, "malformed_token"},
		{"empty bearer", "GET", "/api/me", "Bearer ", 401, "malformed_token"},
		{"not our token", "GET", "/api/me", "Bearer abc.def", 401, "malformed_token"},
		{"unknown", "GET", "/api/me", "Bearer mm_" + strings.Repeat("x", 40), 401, "invalid_token"},
		{"revoked", "GET", "/api/me", "Bearer " + revoked.Token, 401, "invalid_token"},
		{"viewer reads", "GET", "/api/me", "Bearer " + f.tokens[identity.Viewer], 200, ""},
		{"viewer mutates", "POST", "/api/test/mutate", "Bearer " + f.tokens[identity.Viewer], 403, "forbidden"},
		{"editor mutates", "POST", "/api/test/mutate", "Bearer " + f.tokens[identity.Editor], 200, ""},
		{"lowercase scheme", "GET", "/api/me", "bearer " + f.tokens[identity.Admin], 200, ""},
		{"health needs no token", "GET", "/api/health", "", 200, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := f.do(t, tc.method, tc.path, tc.auth, nil)
			if resp.StatusCode != tc.status {
				t.Fatalf("status = %d, want %d (body %v)", resp.StatusCode, tc.status, body)
			}
			if tc.code != "" {
				if got := errorCode(body); got != tc.code || body["success"] != false {
					t.Fatalf("body = %v, want success false and code %q", body, tc.code)
				}
			}
			if tc.status == 401 && resp.Header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
		})
	}

	_, body := f.do(t, "GET", "/api/me", "Bearer "+f.tokens[identity.Editor], nil)
	if body["workspace_id"] != "T1" || body["user_id"] != "U-editor" || body["role"] != "editor" {
		t.Fatalf("me = %v", body)
	}
	_, body = f.do(t, "POST", "/api/test/mutate", "Bearer "+f.tokens[identity.Editor], nil)
	if body["door"] != "api" {
		t.Fatalf("caller in context = %v, want door api", body)
	}
}

type downStore struct{}

func (downStore) Ping(context.Context) error { return errors.New("connection refused") }

func TestHealth(t *testing.T) {
	f := setup(t, nil)
	resp, body := f.do(t, "GET", "/api/health", "", nil)
	if resp.StatusCode != 200 || body["status"] != "healthy" || body["database"] != "connected" || body["sandbox"] != false {
		t.Fatalf("health = %d %v", resp.StatusCode, body)
	}
	if agents, ok := body["agents"].([]any); !ok || len(agents) != 1 {
		t.Fatalf("agents = %v", body["agents"])
	}
	for _, p := range []string{"/healthz", "/readyz"} {
		if resp, _ := f.do(t, "GET", p, "", nil); resp.StatusCode != 200 {
			t.Errorf("%s = %d", p, resp.StatusCode)
		}
	}

	down := New(Deps{Log: zerolog.Nop(), Store: downStore{}, Identity: f.ids})
	for path, want := range map[string]int{"/api/health": 503, "/readyz": 503, "/healthz": 200} {
		rec := httptest.NewRecorder()
		down.Handler().ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != want {
			t.Errorf("store down: %s = %d, want %d", path, rec.Code, want)
		}
		if path == "/api/health" && !strings.Contains(rec.Body.String(), `"database":"disconnected"`) {
			t.Errorf("store down: health body %s", rec.Body)
		}
	}
}

func TestMetricsByRoutePattern(t *testing.T) {
	f := setup(t, nil)
	f.do(t, "GET", "/api/me", "Bearer "+f.tokens[identity.Viewer], nil)
	f.do(t, "GET", "/api/me", "", nil)
	f.do(t, "GET", "/no/such/page", "", nil)
	resp, err := http.Get(f.srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	text := string(data)
	for _, want := range []string{
		`mm_http_requests_total{method="GET",route="GET /api/me",status="200"} 1`,
		`mm_http_requests_total{method="GET",route="GET /api/me",status="401"} 1`,
		`mm_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`mm_http_request_duration_seconds_bucket{route="GET /api/me",status="200"`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestPanicRecoveredAndRequestID(t *testing.T) {
	f := setup(t, func(s *Server, mux *http.ServeMux) {
		mux.HandleFunc("GET /api/test/panic", func(http.ResponseWriter, *http.Request) { panic("boom") })
	})
	req, _ := http.NewRequest("GET", f.srv.URL+"/api/test/panic", nil)
	req.Header.Set("X-Request-Id", "abc-123")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 500 || resp.Header.Get("X-Request-Id") != "abc-123" {
		t.Fatalf("panic: status %d, request id %q", resp.StatusCode, resp.Header.Get("X-Request-Id"))
	}
	// The server survives.
	if resp, _ := f.do(t, "GET", "/healthz", "", nil); resp.StatusCode != 200 {
		t.Fatal("server died after a panic")
	}
	// A forged request id is replaced.
	req, _ = http.NewRequest("GET", f.srv.URL+"/healthz", nil)
	req.Header.Set("X-Request-Id", "bad id <script>")
	resp2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if got := resp2.Header.Get("X-Request-Id"); got == "" || strings.Contains(got, " ") {
		t.Fatalf("request id = %q", got)
	}
}

func TestDecodeJSON(t *testing.T) {
	type payload struct {
		Text  string `json:"text"`
		Count int    `json:"count"`
	}
	for _, tc := range []struct {
		name, body, ctype string
		status            int
		msg               string
	}{
		{"ok", `{"text":"hi","count":2}`, "application/json", 200, ""},
		{"empty", ``, "application/json", 400, "empty"},
		{"syntax", `{"text":`, "application/json", 400, "malformed"},
		{"type", `{"count":"two"}`, "application/json", 400, "must be int"},
		{"unknown field", `{"txt":"hi"}`, "application/json", 400, "unknown field"},
		{"two values", `{} {}`, "application/json", 400, "more than one"},
		{"form", `text=hi`, "application/x-www-form-urlencoded", 415, "application/json"},
		{"too large", `{"text":"` + strings.Repeat("a", maxBodyBytes) + `"}`, "application/json", 413, "larger"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest("POST", "/", strings.NewReader(tc.body))
			req.Header.Set("Content-Type", tc.ctype)
			var p payload
			if ok := decodeJSON(rec, req, &p); ok != (tc.status == 200) {
				t.Fatalf("ok = %v", ok)
			}
			if tc.status == 200 {
				if p.Text != "hi" || p.Count != 2 {
					t.Fatalf("decoded %+v", p)
				}
				return
			}
			if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.msg) {
				t.Fatalf("got %d %s, want %d mentioning %q", rec.Code, rec.Body, tc.status, tc.msg)
			}
		})
	}
}

// BenchmarkAuthenticatedRequest measures a full authenticated API request
// (token lookup on every request) through the real handler stack.
func BenchmarkAuthenticatedRequest(b *testing.B) {
	db := storetest.Open(b, store.SQLite, identity.Schema)
	ids := identity.NewService(identity.NewStore(db), time.Now)
	tok, err := ids.CreateToken(context.Background(), "T1", "U1", identity.Editor, "")
	if err != nil {
		b.Fatal(err)
	}
	h := New(Deps{Log: zerolog.Nop(), Identity: ids, Store: db}).Handler()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest("GET", "/api/me", nil)
			req.Header.Set("Authorization", "Bearer "+tok.Token)
			h.ServeHTTP(rec, req)
			if rec.Code != 200 {
				b.Fatalf("status %d", rec.Code)
			}
		}
	})
}
