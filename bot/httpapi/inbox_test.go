package httpapi

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/inbox"
)

type inboxDirectory struct{}

func (inboxDirectory) Accounts(context.Context) ([]inbox.Account, error) {
	return []inbox.Account{{WorkspaceID: "T1", ID: "acc-fb", Platform: platform.Facebook, ExternalID: "108"}}, nil
}

const hookSecret = "meta-app-secret"

// inboxSetup serves the API with the real inbox service on SQLite and no
// platform adapters, one item already in T1.
func inboxSetup(t *testing.T) (*contentFixture, *inbox.Service, inbox.Item) {
	t.Helper()
	db := storetest.Open(t, store.SQLite, identity.Schema, inbox.Schema)
	ids := identity.NewService(identity.NewStore(db), time.Now)
	svc := inbox.New(inbox.Config{Store: inbox.NewStore(db), Directory: inboxDirectory{}, Log: zerolog.Nop(),
		MetaAppSecret: hookSecret, MetaVerifyToken: "verify-me"})
	items, err := svc.Ingest(context.Background(), "T1", []inbox.Item{{AccountID: "acc-fb", Platform: platform.Facebook,
		ExternalID: "1_2", Text: "Open on Sunday?", AuthorName: "Ann", CreatedAt: time.Now()}})
	if err != nil || len(items) != 1 {
		t.Fatalf("ingest = %v, %v", items, err)
	}
	srv := httptest.NewServer(New(Deps{Log: zerolog.Nop(), Identity: ids, Store: db, Inbox: svc}).Handler())
	t.Cleanup(srv.Close)
	f := &contentFixture{srv: srv, tokens: map[string]string{}}
	for name, who := range map[string]struct {
		ws   string
		role identity.Role
	}{"editor": {"T1", identity.Editor}, "viewer": {"T1", identity.Viewer}, "other": {"T2", identity.Admin}} {
		tok, err := ids.CreateToken(context.Background(), who.ws, "U-"+name, who.role, "")
		if err != nil {
			t.Fatal(err)
		}
		f.tokens[name] = tok.Token
	}
	return f, svc, items[0]
}

// TestInboxREST: viewers read, editors act, another workspace's id is a
// 404, and a platform without hiding says so.
func TestInboxREST(t *testing.T) {
	t.Parallel()
	f, _, it := inboxSetup(t)
	if code, body := f.call(t, "viewer", "GET", "/api/inbox?state=new&platform=facebook", nil); code != 200 || len(body["items"].([]any)) != 1 {
		t.Fatalf("list = %d %v", code, body)
	}
	if code, _ := f.call(t, "viewer", "GET", "/api/inbox?since=yesterday", nil); code != 400 {
		t.Fatalf("a bad since = %d", code)
	}
	if code, body := f.call(t, "viewer", "GET", "/api/inbox/"+it.ID, nil); code != 200 || body["item"].(map[string]any)["text"] != "Open on Sunday?" {
		t.Fatalf("get = %d %v", code, body)
	}
	if code, _ := f.call(t, "other", "GET", "/api/inbox/"+it.ID, nil); code != 404 {
		t.Fatalf("another workspace's item = %d, want 404", code)
	}
	if code, _ := f.call(t, "other", "POST", "/api/inbox/"+it.ID+"/done", nil); code != 404 {
		t.Fatalf("closing another workspace's item = %d, want 404", code)
	}
	if code, _ := f.call(t, "viewer", "POST", "/api/inbox/"+it.ID+"/done", nil); code != 403 {
		t.Fatalf("viewer closed it: %d", code)
	}
	if code, body := f.call(t, "editor", "POST", "/api/inbox/"+it.ID+"/hide", nil); code != 400 || !strings.Contains(body["error"].(map[string]any)["message"].(string), "Facebook") {
		t.Fatalf("hide without the platform = %d %v", code, body)
	}
	if code, _ := f.call(t, "editor", "POST", "/api/inbox/"+it.ID+"/reply", map[string]string{"text": " "}); code != 400 {
		t.Fatalf("empty reply = %d", code)
	}
	if code, body := f.call(t, "editor", "POST", "/api/inbox/"+it.ID+"/done", nil); code != 200 || body["item"].(map[string]any)["state"] != "done" {
		t.Fatalf("done = %d %v", code, body)
	}
}

// TestMetaWebhookRoute: the handshake answers the challenge to the right
// verify token only; a forged delivery is a 401 and stores nothing; a
// signed one is stored.
func TestMetaWebhookRoute(t *testing.T) {
	t.Parallel()
	f, svc, _ := inboxSetup(t)
	get := func(q string) (int, string) {
		resp, err := http.Get(f.srv.URL + "/api/webhooks/meta?" + q)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444"); code != 200 || body != "1158201444" {
		t.Fatalf("handshake = %d %q", code, body)
	}
	if code, _ := get("hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1"); code != 403 {
		t.Fatalf("handshake with a wrong token = %d", code)
	}
	body := `{"object":"page","entry":[{"id":"108","time":1,"changes":[{"field":"feed","value":{"item":"comment","verb":"add","comment_id":"1_3","post_id":"108_1","parent_id":"108_1","message":"caf\u00e9?","from":{"id":"9","name":"Eve"},"created_time":1764000000}}]}]}`
	post := func(sig string) int {
		req, _ := http.NewRequest("POST", f.srv.URL+"/api/webhooks/meta", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if sig != "" {
			req.Header.Set("X-Hub-Signature-256", sig)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	mac := hmac.New(sha256.New, []byte("not-the-secret"))
	mac.Write([]byte(body))
	for _, sig := range []string{"", "sha256=" + hex.EncodeToString(mac.Sum(nil))} {
		if code := post(sig); code != 401 {
			t.Fatalf("forged (%q) = %d, want 401", sig, code)
		}
	}
	viewer := identity.Caller{WorkspaceID: "T1", UserID: "U", Role: identity.Viewer}
	if p, _ := svc.List(context.Background(), viewer, inbox.Filter{}); len(p.Items) != 1 {
		t.Fatalf("a forged webhook stored something: %d items", len(p.Items))
	}
	mac = hmac.New(sha256.New, []byte(hookSecret))
	mac.Write([]byte(body))
	if code := post("sha256=" + hex.EncodeToString(mac.Sum(nil))); code != 200 {
		t.Fatalf("signed = %d", code)
	}
	if p, _ := svc.List(context.Background(), viewer, inbox.Filter{}); len(p.Items) != 2 || p.Items[0].Text != "café?" {
		t.Fatalf("after the signed webhook: %+v", p.Items)
	}
}

// specInbox exercises every inbox operation for TestOpenAPIAgainstHandlers.
func specInbox(t *testing.T, seen *coverage) {
	f, _, it := inboxSetup(t)
	c := newSpecCheck(t, f.srv.URL, seen)
	ed, vw := f.tokens["editor"], f.tokens["viewer"]
	c.call(vw, "GET", "/api/inbox?state=new&limit=10", "", 200)
	c.call(vw, "GET", "/api/inbox/"+it.ID, "", 200)
	c.call(ed, "POST", "/api/inbox/"+it.ID+"/reply", `{"text":"Yes, 9 to 5"}`, 400) // no Facebook adapter here
	c.bodies(ed, "POST", "/api/inbox/"+it.ID+"/reply")
	c.call(ed, "POST", "/api/inbox/"+it.ID+"/like", "", 400)
	c.call(ed, "POST", "/api/inbox/"+it.ID+"/hide", "", 400)
	c.call(ed, "POST", "/api/inbox/"+it.ID+"/done", "", 200)
	c.call("", "GET", "/api/webhooks/meta?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=7", "", 200)
	c.call("", "POST", "/api/webhooks/meta", `{"object":"page","entry":[]}`, 401)
}
