package sandbox

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// admin posts body to the admin API and decodes the answer.
func (e *fbEnv) admin(t *testing.T, path, body string, status int) map[string]any {
	t.Helper()
	resp, err := http.Post(e.srv.URL+path, "application/json", bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	if resp.StatusCode != status {
		t.Fatalf("POST %s = %d, want %d: %v", path, resp.StatusCode, status, out)
	}
	return out
}

// TestCommentsAreNoMorePermissiveThanGraph: generated comments exist on a
// published post; a user token reads an empty list, as documented; a Page
// token without pages_read_user_content, pages_manage_engagement or
// instagram_manage_comments gets Graph's (#10); a user token cannot answer.
func TestCommentsAreNoMorePermissiveThanGraph(t *testing.T) {
	t.Parallel()
	e := fbSetup(t, Options{})
	var post struct {
		ID string `json:"id"`
	}
	e.call(t, "POST", "/v26.0/"+fbSeedPage1+"/feed", e.page, url.Values{"message": {"Open today"}}, 200, &post)
	out := e.admin(t, "/_sandbox/comments", `{"platform":"facebook","post_id":"`+post.ID+`","count":3,"text":"Nice"}`, 201)
	ids, _ := out["ids"].([]any)
	if len(ids) != 3 {
		t.Fatalf("admin answered %v", out)
	}
	e.admin(t, "/_sandbox/comments", `{"platform":"facebook","post_id":"nope","count":1}`, 400)
	var list struct {
		Data []any `json:"data"`
	}
	e.call(t, "GET", "/v26.0/"+post.ID+"/comments", e.user, nil, 200, &list)
	if len(list.Data) != 0 {
		t.Fatalf("a user token read %d comments", len(list.Data))
	}
	if ge := e.call(t, "GET", "/v26.0/"+post.ID+"/comments", e.page, nil, 400, nil); ge.Code != 10 {
		t.Fatalf("read without pages_read_user_content: %+v", ge)
	}
	first := ids[0].(string)
	if ge := e.call(t, "POST", "/v26.0/"+first+"/comments", e.page, url.Values{"message": {"Thanks"}}, 400, nil); ge.Code != 10 {
		t.Fatalf("answer without pages_manage_engagement: %+v", ge)
	}
	if ge := e.call(t, "POST", "/v26.0/"+first+"/comments", e.user, url.Values{"message": {"Thanks"}}, 400, nil); ge.Code != 200 {
		t.Fatalf("answer with a user token: %+v", ge)
	}
	if ge := e.call(t, "POST", "/v26.0/"+fbSeedPage1+"/subscribed_apps", e.page, url.Values{"subscribed_fields": {"feed"}}, 400, nil); ge.Code != 10 {
		t.Fatalf("install without pages_manage_metadata: %+v", ge)
	}
	var media string
	for id := range e.sb.st.Facebook.Media {
		media = id
	}
	if ge := e.call(t, "GET", "/v26.0/"+media+"/comments", e.page, nil, 400, nil); ge.Code != 10 {
		t.Fatalf("instagram comments without instagram_manage_comments: %+v", ge)
	}
}

// TestAdminMentionsAndWebhookHandshake: mentions are generated for a known
// X user only; a callback that does not echo the challenge is not subscribed.
func TestAdminMentionsAndWebhookHandshake(t *testing.T) {
	t.Parallel()
	e := fbSetup(t, Options{})
	if out := e.admin(t, "/_sandbox/x/mentions", `{"user_id":"`+xDefaultUser+`","count":2,"text":"hi"}`, 201); len(out["ids"].([]any)) != 2 {
		t.Fatalf("mentions = %v", out)
	}
	e.admin(t, "/_sandbox/x/mentions", `{"user_id":"42","count":1}`, 400)
	deaf := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("no")) }))
	defer deaf.Close()
	e.admin(t, "/_sandbox/webhooks/meta", `{"object":"page","callback_url":"`+deaf.URL+`","verify_token":"v","app_secret":"s"}`, 400)
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(r.URL.Query().Get("hub.challenge")))
	}))
	defer echo.Close()
	resp, err := http.Post(e.srv.URL+"/_sandbox/webhooks/meta", "application/json",
		bytes.NewReader([]byte(`{"object":"page","callback_url":"`+echo.URL+`","verify_token":"v","app_secret":"s"}`)))
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("subscribe = %v, %v", resp, err)
	}
	resp.Body.Close()
}
