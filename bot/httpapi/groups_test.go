package httpapi

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/groups"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// groupsSetup serves the REST API and the dashboard with the real groups
// service over T1's two X accounts (twoXAccounts): API tokens per role in
// T1, and an admin ("other") of T2.
func groupsSetup(t *testing.T) (*dashFixture, *contentFixture) {
	t.Helper()
	db := storetest.Open(t, store.SQLite, identity.Schema, identity.SessionSchema, publish.Schema, groups.Schema)
	f := dashSetupOn(t, db, "http://127.0.0.1", nil, func(d *Deps) { d.Groups = groups.New(groups.NewStore(db), twoXAccounts{}, nil) })
	api := &contentFixture{srv: f.srv, tokens: map[string]string{}}
	for name, who := range map[string]struct {
		ws   string
		role identity.Role
	}{"editor": {"T1", identity.Editor}, "viewer": {"T1", identity.Viewer}, "other": {"T2", identity.Admin}} {
		tok, err := f.ids.CreateToken(context.Background(), who.ws, "U-"+name, who.role, "")
		if err != nil {
			t.Fatal(err)
		}
		api.tokens[name] = tok.Token
	}
	return f, api
}

func TestGroupsREST(t *testing.T) {
	t.Parallel()
	_, f := groupsSetup(t)
	if status, body := f.call(t, "viewer", "GET", "/api/groups", nil); status != 200 || body["groups"] == nil || len(body["groups"].([]any)) != 0 {
		t.Fatalf("empty list = %d %v", status, body)
	}
	status, body := f.call(t, "editor", "POST", "/api/groups", map[string]any{"name": " Acme brand ", "account_ids": []string{"x1", "x2", "x1"}})
	g, _ := body["group"].(map[string]any)
	if status != 201 || g["name"] != "Acme brand" || len(g["account_ids"].([]any)) != 2 {
		t.Fatalf("create = %d %v", status, body)
	}
	if first := g["accounts"].([]any)[0].(map[string]any); first["name"] != "Acme" || first["platform"] != "twitter" || first["status"] != "connected" {
		t.Fatalf("the group's accounts are not named: %v", g["accounts"])
	}
	for _, tc := range []struct {
		who, method, path string
		body              any
		status            int
		code, says        string
	}{
		{"viewer", "POST", "/api/groups", map[string]any{"name": "Beans", "account_ids": []string{"x1"}}, 403, "forbidden", "this needs the editor role, you are viewer"},
		{"viewer", "PUT", "/api/groups/Beans", map[string]any{"account_ids": []string{"x1"}}, 403, "forbidden", "editor role"},
		{"viewer", "DELETE", "/api/groups/Acme%20brand", nil, 403, "forbidden", "editor role"},
		{"editor", "POST", "/api/groups", map[string]any{"name": "ACME BRAND", "account_ids": []string{"x2"}}, 409, "name_in_use", `there is a group called "Acme brand" already; change its accounts with PUT`},
		{"editor", "POST", "/api/groups", map[string]any{"name": "Beans", "account_ids": []string{}}, 400, "invalid_request", "a group needs at least one account"},
		{"editor", "POST", "/api/groups", map[string]any{"name": "Beans", "account_ids": []string{"x9"}}, 400, "invalid_request", `no account "x9" in this workspace`},
		{"editor", "POST", "/api/groups", map[string]any{"name": "", "account_ids": []string{"x1"}}, 400, "invalid_request", "give the group a name"},
		{"editor", "PUT", "/api/groups/LinkedIn", map[string]any{"account_ids": []string{"x1"}}, 400, "invalid_request", `"LinkedIn" is a platform's name`},
		{"editor", "POST", "/api/groups?user_id=U-someone", map[string]any{"name": "Beans", "account_ids": []string{"x1"}}, 403, "forbidden", "is not you"},
		{"other", "PUT", "/api/groups/Beans", map[string]any{"account_ids": []string{"x1"}}, 400, "invalid_request", `no account "x1" in this workspace`},
		{"other", "DELETE", "/api/groups/Acme%20brand", nil, 404, "not_found", `there is no group called "Acme brand" in this workspace`},
	} {
		status, body := f.call(t, tc.who, tc.method, tc.path, tc.body)
		e, _ := body["error"].(map[string]any)
		if status != tc.status || e["code"] != tc.code || !strings.Contains(messages(body), tc.says) {
			t.Errorf("%s %s %s %v = %d %v; want %d %s %q", tc.who, tc.method, tc.path, tc.body, status, body, tc.status, tc.code, tc.says)
		}
	}
	// PUT replaces a group's accounts (any case), or creates one.
	status, body = f.call(t, "editor", "PUT", "/api/groups/acme%20BRAND", map[string]any{"account_ids": []string{"x2"}})
	if g, _ := body["group"].(map[string]any); status != 200 || len(g["account_ids"].([]any)) != 1 {
		t.Fatalf("put = %d %v", status, body)
	}
	if status, _ := f.call(t, "editor", "PUT", "/api/groups/Beans", map[string]any{"account_ids": []string{"x1"}}); status != 200 {
		t.Fatalf("put a new group = %d", status)
	}
	_, body = f.call(t, "viewer", "GET", "/api/groups", nil)
	list := body["groups"].([]any)
	if len(list) != 2 || list[0].(map[string]any)["name"] != "acme BRAND" || list[1].(map[string]any)["name"] != "Beans" {
		t.Fatalf("list = %v", list)
	}
	if _, body := f.call(t, "other", "GET", "/api/groups", nil); len(body["groups"].([]any)) != 0 {
		t.Fatalf("T2 sees T1's groups: %v", body)
	}
	if status, body := f.call(t, "editor", "DELETE", "/api/groups/Beans", nil); status != 200 || body["deleted"] != "Beans" {
		t.Fatalf("delete = %d %v", status, body)
	}
	if status, _ := f.call(t, "editor", "DELETE", "/api/groups/Beans", nil); status != 404 {
		t.Fatalf("second delete = %d", status)
	}
}

// The accounts page lists the groups with their accounts by name; editors
// save and delete them there, and a refusal shows the form again with
// what to change.
func TestDashboardAccountGroups(t *testing.T) {
	t.Parallel()
	f, _ := groupsSetup(t)
	ed := f.browser(t)
	ed.signIn("T1", "U-ed", identity.Editor)
	csrf := ed.csrf()
	_, page := ed.do("GET", "/dashboard/accounts", nil, nil)
	for _, want := range []string{`<h2 id="groups-h">Account groups</h2>`, "No account groups yet.", `<label for="group-name">Name</label>`,
		`<input type="checkbox" name="account" value="x1"> X: Acme (@acme)</label>`} {
		if !strings.Contains(page, want) {
			t.Fatalf("the accounts page lacks %s:\n%s", want, page)
		}
	}
	save := func(form url.Values, status int) string {
		t.Helper()
		form.Set("csrf", csrf)
		resp, body := ed.do("POST", "/dashboard/groups", form, nil)
		if resp.StatusCode != status {
			t.Fatalf("save %v = %d, want %d:\n%s", form, resp.StatusCode, status, body)
		}
		if status == http.StatusSeeOther {
			_, body = ed.do("GET", resp.Header.Get("Location"), nil, nil)
		}
		return html.UnescapeString(body)
	}
	page = save(url.Values{"name": {"Acme brand"}, "account": {"x1", "x2"}}, http.StatusSeeOther)
	if !strings.Contains(page, "Saved the group Acme brand.") || !strings.Contains(page, `<th scope="row">Acme brand</th><td><ul class="plain"><li>X: Acme (@acme)</li><li>X: Acme Jobs (@acmejobs)</li></ul>`) {
		t.Fatalf("after save:\n%s", page)
	}
	page = save(url.Values{"name": {"acme BRAND"}, "account": {"x2"}}, http.StatusConflict)
	if !strings.Contains(page, `role="alert" id="page-error">There is a group called "Acme brand" already. Tick “Replace the accounts of the group of that name”`) ||
		!strings.Contains(page, `value="acme BRAND" aria-invalid="true"`) || !strings.Contains(page, `value="x2" checked>`) {
		t.Fatalf("a name in use:\n%s", page)
	}
	page = save(url.Values{"name": {"Beans"}}, http.StatusBadRequest)
	if !strings.Contains(page, "A group needs at least one account.") || !strings.Contains(page, `<fieldset aria-invalid="true"`) {
		t.Fatalf("an empty group:\n%s", page)
	}
	page = save(url.Values{"name": {"Acme brand"}, "account": {"x2"}, "replace": {"1"}}, http.StatusSeeOther)
	if !strings.Contains(page, `<th scope="row">Acme brand</th><td><ul class="plain"><li>X: Acme Jobs (@acmejobs)</li></ul>`) {
		t.Fatalf("after replace:\n%s", page)
	}

	vw := f.browser(t)
	vw.signIn("T1", "U-vw", identity.Viewer)
	_, page = vw.do("GET", "/dashboard/accounts", nil, nil)
	if !strings.Contains(page, `<th scope="row">Acme brand</th>`) || strings.Contains(page, "group-form") || strings.Contains(page, "/dashboard/groups/delete") {
		t.Fatalf("a viewer's page:\n%s", page)
	}
	if resp, body := vw.do("POST", "/dashboard/groups", url.Values{"csrf": {vw.csrf()}, "name": {"Beans"}, "account": {"x1"}}, nil); resp.StatusCode != http.StatusForbidden ||
		!strings.Contains(body, "Your role (viewer) cannot do this") {
		t.Fatalf("a viewer saved: %d\n%s", resp.StatusCode, body)
	}

	resp, _ := ed.do("POST", "/dashboard/groups/delete", url.Values{"csrf": {csrf}, "name": {"ACME brand"}}, nil)
	_, page = ed.do("GET", resp.Header.Get("Location"), nil, nil)
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(page, "Deleted the group Acme brand; its accounts stay connected.") || !strings.Contains(page, "No account groups yet.") {
		t.Fatalf("delete = %d:\n%s", resp.StatusCode, page)
	}
	if resp, body := ed.do("POST", "/dashboard/groups/delete", url.Values{"csrf": {csrf}, "name": {"Acme brand"}}, nil); resp.StatusCode != http.StatusNotFound ||
		!strings.Contains(html.UnescapeString(body), `There is no group called "Acme brand" in this workspace.`) {
		t.Fatalf("delete again = %d:\n%s", resp.StatusCode, body)
	}
}

func specGroups(t *testing.T, seen *coverage) {
	_, f := groupsSetup(t)
	c := newSpecCheck(t, f.srv.URL, seen)
	ed, vw := f.tokens["editor"], f.tokens["viewer"]
	c.call(ed, "POST", "/api/groups", `{"name":"Acme brand","account_ids":["x1","x2"]}`, 201)
	c.bodies(ed, "POST", "/api/groups")
	c.call(ed, "POST", "/api/groups", `{"name":"acme brand","account_ids":["x1"]}`, 409)
	c.call(vw, "GET", "/api/groups", "", 200)
	c.call(ed, "PUT", "/api/groups/Acme%20brand", `{"account_ids":["x2"]}`, 200)
	c.bodies(ed, "PUT", "/api/groups/Acme%20brand")
	c.call(vw, "PUT", "/api/groups/Acme%20brand", `{"account_ids":["x2"]}`, 403)
	c.call(ed, "DELETE", "/api/groups/Acme%20brand", "", 200)
	c.call(ed, "DELETE", "/api/groups/Acme%20brand", "", 404)
}
