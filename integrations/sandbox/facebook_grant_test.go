package sandbox

import (
	"net/url"
	"testing"
)

// TestFacebookPermissionsAccumulate: a later login of the same app that
// asks for other permissions (Instagram's, after the Pages') adds them: the
// ones granted before stay, as Facebook Login keeps them once per app.
func TestFacebookPermissionsAccumulate(t *testing.T) {
	t.Parallel()
	e := fbSetup(t, Options{})
	code := e.dialogCode(t, "instagram_basic,pages_show_list")
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	e.call(t, "GET", "/v26.0/oauth/access_token?"+url.Values{"client_id": {"app"}, "client_secret": {"s"}, "redirect_uri": {"https://app.example/cb"}, "code": {code}}.Encode(), "", nil, 200, &tok)
	var perms struct {
		Data []struct{ Permission, Status string } `json:"data"`
	}
	e.call(t, "GET", "/v26.0/me/permissions", tok.AccessToken, nil, 200, &perms)
	granted := map[string]bool{}
	for _, p := range perms.Data {
		granted[p.Permission] = p.Status == "granted"
	}
	for _, want := range []string{"pages_manage_posts", "pages_read_engagement", "instagram_basic", "instagram_content_publish"} {
		if !granted[want] {
			t.Errorf("%s is not granted after the second login: %+v", want, perms.Data)
		}
	}
}
