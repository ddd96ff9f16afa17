package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/marketingminds/marketingminds/integrations/sandbox/testmedia"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/audit"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/library"
	"github.com/marketingminds/marketingminds/tools/media"
	"github.com/marketingminds/marketingminds/tools/settings"
)

// contentFixture serves the API with the real library and settings
// services on a fresh SQLite store: tokens per role in T1, and an admin
// ("other") of workspace T2.
type contentFixture struct {
	srv    *httptest.Server
	tokens map[string]string
	// media holds the uploads library items attach.
	media *media.Service
}

func contentSetup(t *testing.T) *contentFixture {
	t.Helper()
	db := storetest.Open(t, store.SQLite, identity.Schema, audit.Schema, settings.Schema, library.Schema, media.Schema)
	ids := identity.NewService(identity.NewStore(db), time.Now)
	med, err := media.New(media.Config{Store: media.NewStore(db), Blobs: media.NewFiles(t.TempDir()), SigningKey: bytes.Repeat([]byte{5}, 32),
		PublicURL: "https://mm.example.com", Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	lib, err := library.New(library.Config{Store: library.NewStore(db), Media: med})
	if err != nil {
		t.Fatal(err)
	}
	set, err := settings.New(settings.Config{Store: settings.NewStore(db), Audit: audit.New(db, nil), Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(New(Deps{Log: zerolog.Nop(), Identity: ids, Store: db, Library: lib, Settings: set}).Handler())
	t.Cleanup(srv.Close)
	f := &contentFixture{srv: srv, tokens: map[string]string{}, media: med}
	for name, who := range map[string]struct {
		ws   string
		role identity.Role
	}{"admin": {"T1", identity.Admin}, "editor": {"T1", identity.Editor}, "viewer": {"T1", identity.Viewer}, "other": {"T2", identity.Admin}} {
		tok, err := ids.CreateToken(context.Background(), who.ws, "U-"+name, who.role, "")
		if err != nil {
			t.Fatal(err)
		}
		f.tokens[name] = tok.Token
	}
	return f
}

// call sends body (a string is sent as is, anything else as JSON) with
// who's token and decodes the answer.
func (f *contentFixture) call(t *testing.T, who, method, path string, body any) (int, map[string]any) {
	t.Helper()
	var rd *bytes.Reader
	switch b := body.(type) {
	case nil:
		rd = bytes.NewReader(nil)
	case string:
		rd = bytes.NewReader([]byte(b))
	default:
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, _ := http.NewRequest(method, f.srv.URL+path, rd)
	req.Header.Set("Authorization", "Bearer "+f.tokens[who])
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return resp.StatusCode, out
}

func messages(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	msg, _ := e["message"].(string)
	return msg
}

func TestLibraryREST(t *testing.T) {
	t.Parallel()
	f := contentSetup(t)
	status, body := f.call(t, "editor", "POST", "/api/library", map[string]any{
		"body": "Our summer sale starts Friday", "tags": []string{"#SummerSale"}, "variants": map[string]string{"x": "Summer sale!"},
		"media_urls": []string{"https://cdn.example/a.png"}, "link": "https://acme.example/sale", "campaign_id": "camp-1",
	})
	item, _ := body["item"].(map[string]any)
	if status != 201 || item["title"] != "Our summer sale starts Friday" || item["created_by"] != "U-editor" || item["workspace_id"] != "T1" {
		t.Fatalf("create = %d %v", status, body)
	}
	id := item["id"].(string)
	tplStatus, tplBody := f.call(t, "editor", "POST", "/api/templates", map[string]any{"title": "Hi", "body": "Hi {{name}}"})
	tplID, _ := tplBody["template"].(map[string]any)["id"].(string)
	if tplStatus != 201 || tplID == "" {
		t.Fatalf("create template = %d %v", tplStatus, tplBody)
	}

	for _, tc := range []struct {
		name, who, method, path string
		body                    any
		status                  int
		code, says              string
	}{
		{"viewer reads", "viewer", "GET", "/api/library/" + id, nil, 200, "", ""},
		{"viewer lists", "viewer", "GET", "/api/library?q=summer&tag=summersale&campaign_id=camp-1", nil, 200, "", ""},
		{"viewer cannot create", "viewer", "POST", "/api/library", map[string]any{"body": "x"}, 403, "forbidden", "editor"},
		{"viewer cannot change", "viewer", "PATCH", "/api/library/" + id, map[string]any{"body": "x"}, 403, "forbidden", ""},
		{"viewer cannot delete", "viewer", "DELETE", "/api/library/" + id, nil, 403, "forbidden", ""},
		{"another workspace reads", "other", "GET", "/api/library/" + id, nil, 404, "not_found", "no such library item in this workspace"},
		{"another workspace changes", "other", "PATCH", "/api/library/" + id, map[string]any{"body": "x"}, 404, "not_found", ""},
		{"another workspace deletes", "other", "DELETE", "/api/library/" + id, nil, 404, "not_found", ""},
		{"a template is not a library item", "viewer", "GET", "/api/library/" + tplID, nil, 404, "not_found", ""},
		{"an item is not a template", "viewer", "GET", "/api/templates/" + id, nil, 404, "not_found", "no such template"},
		{"every problem", "editor", "POST", "/api/library", map[string]any{"link": "acme.example", "tags": []string{"two words"}}, 400, "invalid_item", "body: give the text"},
		{"X limit", "editor", "PATCH", "/api/library/" + id, map[string]any{"variants": map[string]string{"twitter": strings.Repeat("long ", 60)}}, 400, "invalid_item", "X allows 280"},
		{"another user in the body", "editor", "POST", "/api/library", map[string]any{"body": "x", "user_id": "U-someone-else"}, 403, "forbidden", `user_id "U-someone-else" is not you`},
		{"another user in the query", "viewer", "GET", "/api/library?user_id=U-admin", nil, 403, "forbidden", "is not you"},
		{"another user renders", "viewer", "POST", "/api/templates/" + tplID + "/render", map[string]any{"values": map[string]string{"name": "x"}, "user_id": "U-admin"}, 403, "forbidden", "is not you"},
		{"unknown field", "editor", "POST", "/api/library", map[string]any{"body": "x", "owner": "U-someone-else"}, 400, "invalid_json", `unknown field "owner"`},
		{"malformed", "editor", "POST", "/api/library", `{"body":`, 400, "invalid_json", "malformed"},
		{"bad limit", "viewer", "GET", "/api/library?limit=0", nil, 400, "invalid_request", "limit must be a number from 1 to 100"},
		{"bad cursor", "viewer", "GET", "/api/library?cursor=zzz", nil, 400, "invalid_request", "cursor"},
		{"no words", "viewer", "GET", "/api/library?q=%21%21", nil, 400, "invalid_request", "words of at least 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := f.call(t, tc.who, tc.method, tc.path, tc.body)
			if status != tc.status || errorCode(body) != tc.code || !strings.Contains(messages(body), tc.says) {
				t.Fatalf("%d %v; want %d %q saying %q", status, body, tc.status, tc.code, tc.says)
			}
		})
	}

	// Problems come listed, one per field.
	_, body = f.call(t, "editor", "POST", "/api/library", map[string]any{"link": "acme.example", "tags": []string{"two words"}})
	if probs, _ := body["problems"].([]any); len(probs) != 3 {
		t.Fatalf("problems = %v", body["problems"])
	}
	_, body = f.call(t, "viewer", "GET", "/api/library?q=summer&tag=summersale&campaign_id=camp-1", nil)
	if items, _ := body["items"].([]any); len(items) != 1 || body["next_cursor"] != "" {
		t.Fatalf("list = %v", body)
	}
	status, body = f.call(t, "editor", "PATCH", "/api/library/"+id, map[string]any{"title": "Sale", "tags": []string{"Autumn"}, "user_id": "U-editor"})
	if item, _ := body["item"].(map[string]any); status != 200 || item["title"] != "Sale" || item["rev"] != 2.0 || item["body"] != "Our summer sale starts Friday" {
		t.Fatalf("patch = %d %v", status, body)
	}
	if _, body := f.call(t, "other", "GET", "/api/library", nil); len(body["items"].([]any)) != 0 {
		t.Fatalf("another workspace lists %v", body)
	}
	if status, body := f.call(t, "editor", "DELETE", "/api/library/"+id, nil); status != 200 || body["deleted"] != id {
		t.Fatalf("delete = %d %v", status, body)
	}
	if status, _ := f.call(t, "viewer", "GET", "/api/library/"+id, nil); status != 404 {
		t.Fatalf("get after delete = %d", status)
	}
}

// upload stores a JPEG (distinct per seed) in ws, as its editor.
func (f *contentFixture) upload(t *testing.T, ws string, seed uint8) string {
	t.Helper()
	c := identity.Caller{WorkspaceID: ws, UserID: "U-editor", Role: identity.Editor, Door: identity.DoorAPI}
	m, err := f.media.Upload(context.Background(), c, media.Upload{Name: "pic.jpg", Source: media.SourceAPI, Body: bytes.NewReader(testmedia.Photo(t, 16, 8, seed))})
	if err != nil {
		t.Fatal(err)
	}
	return m.ID
}

// Library items and templates take uploaded media by id and give them
// back; another workspace's id is a 400 naming its position, never the id.
func TestLibraryMediaIDsREST(t *testing.T) {
	t.Parallel()
	f := contentSetup(t)
	a, b, theirs := f.upload(t, "T1", 1), f.upload(t, "T1", 2), f.upload(t, "T2", 3)
	for _, kind := range []struct{ base, one string }{{"/api/library", "item"}, {"/api/templates", "template"}} {
		status, body := f.call(t, "editor", "POST", kind.base, map[string]any{"body": "Autumn blend", "media_ids": []string{a, b}})
		it, _ := body[kind.one].(map[string]any)
		if status != 201 || fmt.Sprint(it["media_ids"]) != fmt.Sprint([]any{a, b}) {
			t.Fatalf("%s create = %d %v", kind.base, status, body)
		}
		id := it["id"].(string)
		if _, body := f.call(t, "viewer", "GET", kind.base+"/"+id, nil); fmt.Sprint(body[kind.one].(map[string]any)["media_ids"]) != fmt.Sprint([]any{a, b}) {
			t.Fatalf("%s get = %v", kind.base, body)
		}
		status, body = f.call(t, "editor", "PATCH", kind.base+"/"+id, map[string]any{"media_ids": []string{b, theirs}})
		probs, _ := body["problems"].([]any)
		raw, _ := json.Marshal(body)
		if status != 400 || len(probs) != 1 || probs[0].(map[string]any)["field"] != "media_ids" || !strings.Contains(messages(body), "media_ids[1]") ||
			strings.Contains(string(raw), theirs) {
			t.Fatalf("%s patch with another workspace's media = %d %s", kind.base, status, raw)
		}
		status, body = f.call(t, "editor", "PATCH", kind.base+"/"+id, map[string]any{"media_ids": []string{b}})
		if it, _ := body[kind.one].(map[string]any); status != 200 || fmt.Sprint(it["media_ids"]) != fmt.Sprint([]any{b}) {
			t.Fatalf("%s patch = %d %v", kind.base, status, body)
		}
	}
}

func TestTemplatesREST(t *testing.T) {
	t.Parallel()
	f := contentSetup(t)
	status, body := f.call(t, "editor", "POST", "/api/templates", map[string]any{"body": "Hi {{first name}}, meet {{product"})
	if status != 400 || errorCode(body) != "invalid_template" || !strings.Contains(messages(body), `"{{first name}}" at character 4 is not a variable`) ||
		!strings.Contains(messages(body), "never closed") {
		t.Fatalf("bad template = %d %v", status, body)
	}
	status, body = f.call(t, "editor", "POST", "/api/templates", map[string]any{
		"title": "Launch", "body": "Meet {{product}}, {{audience}}!", "variants": map[string]string{"twitter": "{{product}} is live"}})
	tpl, _ := body["template"].(map[string]any)
	if status != 201 || tpl["kind"] != "template" || len(tpl["variables"].([]any)) != 2 {
		t.Fatalf("create = %d %v", status, body)
	}
	id := tpl["id"].(string)
	if _, body := f.call(t, "viewer", "GET", "/api/templates", nil); len(body["templates"].([]any)) != 1 {
		t.Fatalf("list = %v", body)
	}
	status, body = f.call(t, "viewer", "POST", "/api/templates/"+id+"/render", map[string]any{"values": map[string]string{"product": "Rocket", "audience": "marketers"}})
	out, _ := body["rendered"].(map[string]any)
	if status != 200 || out["body"] != "Meet Rocket, marketers!" || out["variants"].(map[string]any)["twitter"] != "Rocket is live" {
		t.Fatalf("render = %d %v", status, body)
	}
	status, body = f.call(t, "viewer", "POST", "/api/templates/"+id+"/render", map[string]any{"values": map[string]string{"audience": "x"}})
	if missing, _ := body["missing"].([]any); status != 400 || errorCode(body) != "missing_variables" || len(missing) != 1 || missing[0] != "product" {
		t.Fatalf("render missing = %d %v", status, body)
	}
	if status, body := f.call(t, "other", "POST", "/api/templates/"+id+"/render", map[string]any{"values": map[string]string{}}); status != 404 {
		t.Fatalf("render from another workspace = %d %v", status, body)
	}
	if status, body := f.call(t, "editor", "PATCH", "/api/templates/"+id, map[string]any{"body": "Hello {{name}}"}); status != 200 ||
		len(body["template"].(map[string]any)["variables"].([]any)) != 2 { // name, then the variant's product
		t.Fatalf("patch = %d %v", status, body)
	}
	if status, _ := f.call(t, "editor", "DELETE", "/api/templates/"+id, nil); status != 200 {
		t.Fatalf("delete = %d", status)
	}
}

func TestHashtagsREST(t *testing.T) {
	t.Parallel()
	f := contentSetup(t)
	status, body := f.call(t, "viewer", "POST", "/api/hashtags/suggest", map[string]any{"text": "Summer sale! Summer sale at Acme", "platform": "x"})
	tags, _ := body["hashtags"].([]any)
	if status != 200 || len(tags) == 0 || tags[0].(map[string]any)["tag"] != "#SummerSale" || body["max"] != 3.0 {
		t.Fatalf("suggest = %d %v", status, body)
	}
	status, body = f.call(t, "viewer", "POST", "/api/hashtags/suggest", map[string]any{"text": "hi there", "platform": "myspace"})
	if status != 400 || errorCode(body) != "invalid_request" || !strings.Contains(messages(body), `"myspace" is not a platform`) {
		t.Fatalf("bad platform = %d %v", status, body)
	}
}
