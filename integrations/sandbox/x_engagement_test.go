package sandbox

import "testing"

// TestXEngagementNeedsItsScopes: a token without like.write cannot like,
// one without tweet.moderate.write cannot hide, as on X (403); mentions
// need only tweet.read and users.read, and carry the rate-limit headers.
func TestXEngagementNeedsItsScopes(t *testing.T) {
	t.Parallel()
	e := xSetup(t, Options{})
	access, _ := e.xGrant(t, xAllScopes)
	ids, err := e.sb.AddMentions(xDefaultUser, "", "hello", 1)
	if err != nil {
		t.Fatal(err)
	}
	r := e.do(t, "GET", "/api.x.com/2/users/"+xDefaultUser+"/mentions?max_results=5", access, "", nil)
	if r.status != 200 || r.header.Get("x-rate-limit-limit") != "300" {
		t.Fatalf("mentions = %d %v %s", r.status, r.header, r.body)
	}
	like := e.do(t, "POST", "/api.x.com/2/users/"+xDefaultUser+"/likes", access, "application/json", []byte(`{"tweet_id":"`+ids[0]+`"}`))
	hide := e.do(t, "PUT", "/api.x.com/2/tweets/"+ids[0]+"/hidden", access, "application/json", []byte(`{"hidden":true}`))
	if like.status != 403 || hide.status != 403 {
		t.Fatalf("without the scopes: like %d, hide %d; want 403 each", like.status, hide.status)
	}
}
