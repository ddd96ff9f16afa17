package sandbox

import (
	"encoding/json"
	"net/http"
	"testing"
)

// TestXSignedInUser: after POST /_sandbox/x/users the consent page grants
// access as that user; its posts go to its own timeline; signing "" in
// brings the seeded user back.
func TestXSignedInUser(t *testing.T) {
	e := xSetup(t, Options{})
	r := e.do(t, "POST", "/_sandbox/x/users", "", "application/json", []byte(`{"username":"brand_two"}`))
	if r.status != http.StatusOK {
		t.Fatalf("sign in: %d %s", r.status, r.body)
	}
	id, _ := r.json(t)["id"].(string)
	if id == "" || id == xDefaultUser {
		t.Fatalf("new user id %q", id)
	}
	if again := e.do(t, "POST", "/_sandbox/x/users", "", "application/json", []byte(`{"username":"BRAND_two"}`)); again.json(t)["id"] != id {
		t.Fatalf("signing the same user in again gave %s, want %s", again.body, id)
	}
	if bad := e.do(t, "POST", "/_sandbox/x/users", "", "application/json", []byte(`{"username":"a_name_far_too_long"}`)); bad.status != http.StatusBadRequest {
		t.Fatalf("long username: %d", bad.status)
	}
	access, _ := e.xGrant(t, xAllScopes)
	me := func(access string) string {
		var body struct {
			Data struct{ ID string } `json:"data"`
		}
		r := e.do(t, "GET", "/api.x.com/2/users/me", access, "", nil)
		if err := json.Unmarshal(r.body, &body); err != nil {
			t.Fatalf("users/me: %d %s", r.status, r.body)
		}
		return body.Data.ID
	}
	if got := me(access); got != id {
		t.Fatalf("users/me after consent as brand_two = %s, want %s", got, id)
	}
	if p := e.do(t, "POST", "/api.x.com/2/tweets", access, "application/json", []byte(`{"text":"hello from two"}`)); p.status != http.StatusCreated {
		t.Fatalf("post: %d %s", p.status, p.body)
	}
	if n, seeded := len(e.sb.st.X.Timelines[id]), len(e.sb.st.X.Timelines[xDefaultUser]); n != 1 || seeded != 0 {
		t.Fatalf("timelines: brand_two %d posts, seeded user %d", n, seeded)
	}
	e.do(t, "POST", "/_sandbox/x/users", "", "application/json", []byte(`{"username":""}`))
	if access, _ := e.xGrant(t, xAllScopes); me(access) != xDefaultUser {
		t.Fatal("signing \"\" in did not bring the seeded user back")
	}
}
