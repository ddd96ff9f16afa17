package sandbox

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestInstagramGraphPath(t *testing.T) {
	for path, want := range map[string]bool{
		"/v26.0/17841400000000001/media":         true,
		"/17841400000000001/media_publish":       true,
		"/v26.0/17900000000000042":               true,
		"/v26.0/17900000000000042/insights":      true,
		"/v26.0/108000000000001/feed":            false,
		"/v26.0/108000000000001_100000000000007": false,
		"/v26.0/me/accounts":                     false,
		"/v26.0/1790000000000004x":               false,
	} {
		if got := isInstagramGraphPath(path); got != want {
			t.Errorf("%s: %v, want %v", path, got, want)
		}
	}
}

func igNewContainer(t *testing.T, e *fbEnv, form url.Values) string {
	t.Helper()
	var c struct{ ID string }
	e.call(t, "POST", "/v26.0/"+igSeedUser+"/media", e.page, form, 200, &c)
	if !isInstagramGraphPath("/" + c.ID) {
		t.Fatalf("container id %q", c.ID)
	}
	return c.ID
}

func TestInstagramContainerLifecycle(t *testing.T) {
	e := fbSetup(t, Options{ContainerDelay: 30 * time.Second})
	id := igNewContainer(t, e, url.Values{"image_url": {"https://example.com/a.jpg"}, "caption": {"hello #coffee"}})
	var raw struct {
		StatusCode string `json:"status_code"`
		Status     string `json:"status"`
	}
	e.call(t, "GET", "/v26.0/"+id+"?fields=status_code,status", e.page, nil, 200, &raw)
	if raw.StatusCode != "IN_PROGRESS" {
		t.Fatalf("fresh container %+v", raw)
	}
	ge := e.call(t, "POST", "/v26.0/"+igSeedUser+"/media_publish", e.page, url.Values{"creation_id": {id}}, 400, nil)
	if ge.Code != 9007 || ge.Subcode != 2207027 || ge.Message != "Media ID is not available" {
		t.Errorf("publishing too early: %+v", ge)
	}
	*e.now = e.now.Add(31 * time.Second)
	e.call(t, "GET", "/v26.0/"+id+"?fields=status_code", e.page, nil, 200, &raw)
	if raw.StatusCode != "FINISHED" {
		t.Fatalf("after the delay %+v", raw)
	}
	var media struct{ ID string }
	e.call(t, "POST", "/v26.0/"+igSeedUser+"/media_publish", e.page, url.Values{"creation_id": {id}}, 200, &media)
	var m struct{ Permalink, Caption, Timestamp string }
	e.call(t, "GET", "/v26.0/"+media.ID+"?fields=permalink,caption,timestamp", e.page, nil, 200, &m)
	if !strings.HasPrefix(m.Permalink, "https://www.instagram.com/p/") || m.Caption != "hello #coffee" || m.Timestamp == "" {
		t.Errorf("media %+v", m)
	}
	if ge := e.call(t, "POST", "/v26.0/"+igSeedUser+"/media_publish", e.page, url.Values{"creation_id": {id}}, 400, nil); ge.Code != 100 {
		t.Errorf("publishing twice: %+v", ge)
	}
	old := igNewContainer(t, e, url.Values{"image_url": {"https://example.com/b.jpg"}})
	*e.now = e.now.Add(25 * time.Hour)
	e.call(t, "GET", "/v26.0/"+old+"?fields=status_code", e.page, nil, 200, &raw)
	if raw.StatusCode != "EXPIRED" {
		t.Errorf("day-old container %+v", raw)
	}
	if ge := e.call(t, "POST", "/v26.0/"+igSeedUser+"/media_publish", e.page, url.Values{"creation_id": {old}}, 400, nil); ge.Subcode != 2207020 {
		t.Errorf("publishing an expired container: %+v", ge)
	}
	var ins struct {
		Data []struct {
			Name   string
			Values []struct{ Value int64 }
		}
	}
	e.call(t, "GET", "/v26.0/"+media.ID+"/insights?metric=views,reach,saved", e.page, nil, 200, &ins)
	if len(ins.Data) != 3 || ins.Data[0].Values[0].Value <= 0 {
		t.Errorf("insights %+v", ins)
	}
	if ge := e.call(t, "GET", "/v26.0/"+media.ID+"/insights?metric=impressions", e.page, nil, 400, nil); ge.Code != 100 {
		t.Errorf("withdrawn metric: %+v", ge)
	}
}

func TestInstagramRejects(t *testing.T) {
	e := fbSetup(t, Options{})
	media := "/v26.0/" + igSeedUser + "/media"
	cases := []struct {
		name          string
		form          url.Values
		code, subcode int
	}{
		{"no media", url.Values{"caption": {"text only"}}, 100, 0},
		{"caption too long", url.Values{"image_url": {"https://example.com/a.jpg"}, "caption": {strings.Repeat("☕", 2201)}}, 100, 0},
		{"31 hashtags", url.Values{"image_url": {"https://example.com/a.jpg"}, "caption": {strings.Repeat("#x ", 31)}}, 100, 0},
		{"PNG image", url.Values{"image_url": {"https://example.com/a.png"}}, 36001, 2207005},
		{"unfetchable image", url.Values{"image_url": {"file:///etc/passwd"}}, 9004, 2207052},
		{"reel without video", url.Values{"media_type": {"REELS"}}, 100, 0},
		{"single VIDEO", url.Values{"media_type": {"VIDEO"}, "video_url": {"https://example.com/v.mp4"}}, 100, 0},
		{"carousel of one", url.Values{"media_type": {"CAROUSEL"}, "children": {"17900000000000001"}}, 100, 0},
		{"unknown media_type", url.Values{"media_type": {"GIF"}, "image_url": {"https://example.com/a.jpg"}}, 100, 0},
	}
	for _, tc := range cases {
		ge := e.call(t, "POST", media, e.page, tc.form, 400, nil)
		if ge.Code != tc.code || ge.Subcode != tc.subcode {
			t.Errorf("%s: %d/%d %q, want %d/%d", tc.name, ge.Code, ge.Subcode, ge.Message, tc.code, tc.subcode)
		}
	}
	if ge := e.call(t, "POST", "/v26.0/"+igSeedUser+"/media_publish", e.page, url.Values{"creation_id": {"17900000000099999"}}, 400, nil); ge.Code != 24 || ge.Subcode != 2207008 {
		t.Errorf("unknown container: %+v", ge)
	}
	// Another person's token, or one without Instagram scopes, cannot see the account.
	code := e.dialogCode(t, "pages_show_list,pages_read_engagement")
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	// A code redeemed by another app is refused.
	e.call(t, "GET", "/oauth/access_token?"+url.Values{"client_id": {"app2"}, "client_secret": {"s"}, "redirect_uri": {"https://app.example/cb"}, "code": {code}}.Encode(), "", nil, 400, nil)
	// (Another app: the same person's permissions granted to "app" stay
	// granted to it, however it asks again.)
	resp := e.dialog(t, url.Values{"client_id": {"app2"}, "redirect_uri": {"https://app.example/cb"}, "state": {"s1"}, "scope": {"pages_show_list"}, "response_type": {"code"}})
	loc, _ := url.Parse(resp.Header.Get("Location"))
	e.call(t, "GET", "/oauth/access_token?"+url.Values{"client_id": {"app2"}, "client_secret": {"s"}, "redirect_uri": {"https://app.example/cb"}, "code": {loc.Query().Get("code")}}.Encode(), "", nil, 200, &tok)
	if ge := e.call(t, "GET", "/v26.0/"+igSeedUser+"?fields=username", tok.AccessToken, nil, 400, nil); ge.Code != 10 {
		t.Errorf("token without instagram_basic: %+v", ge)
	}
}

func TestInstagramCarouselAndQuota(t *testing.T) {
	e := fbSetup(t, Options{ContainerDelay: time.Second})
	var kids []string
	for _, u := range []string{"https://example.com/1.jpg", "https://example.com/2.jpg"} {
		kids = append(kids, igNewContainer(t, e, url.Values{"image_url": {u}, "is_carousel_item": {"true"}}))
	}
	if ge := e.call(t, "POST", "/v26.0/"+igSeedUser+"/media", e.page, url.Values{"media_type": {"CAROUSEL"}, "children": {strings.Join(kids, ",")}}, 400, nil); ge.Code != 9007 {
		t.Errorf("carousel of unfinished items: %+v", ge)
	}
	*e.now = e.now.Add(2 * time.Second)
	parent := igNewContainer(t, e, url.Values{"media_type": {"CAROUSEL"}, "children": {strings.Join(kids, ",")}, "caption": {"two"}})
	if ge := e.call(t, "POST", "/v26.0/"+igSeedUser+"/media_publish", e.page, url.Values{"creation_id": {kids[0]}}, 400, nil); ge.Code != 100 {
		t.Errorf("publishing a carousel item alone: %+v", ge)
	}
	*e.now = e.now.Add(2 * time.Second)
	e.call(t, "POST", "/v26.0/"+igSeedUser+"/media_publish", e.page, url.Values{"creation_id": {parent}}, 200, nil)

	e.sb.mu.Lock()
	e.sb.st.Facebook.IGUsers[igSeedUser].QuotaTotal = 2
	e.sb.mu.Unlock()
	one := igNewContainer(t, e, url.Values{"image_url": {"https://example.com/3.jpg"}})
	two := igNewContainer(t, e, url.Values{"image_url": {"https://example.com/4.jpg"}})
	*e.now = e.now.Add(2 * time.Second)
	e.call(t, "POST", "/v26.0/"+igSeedUser+"/media_publish", e.page, url.Values{"creation_id": {one}}, 200, nil)
	ge := e.call(t, "POST", "/v26.0/"+igSeedUser+"/media_publish", e.page, url.Values{"creation_id": {two}}, 400, nil)
	if ge.Code != 9 || ge.Subcode != 2207042 {
		t.Errorf("over the limit: %+v", ge)
	}
	var lim struct {
		Data []struct {
			QuotaUsage int `json:"quota_usage"`
			Config     struct {
				QuotaTotal    int `json:"quota_total"`
				QuotaDuration int `json:"quota_duration"`
			} `json:"config"`
		} `json:"data"`
	}
	e.call(t, "GET", "/v26.0/"+igSeedUser+"/content_publishing_limit?fields=quota_usage,config", e.page, nil, 200, &lim)
	if len(lim.Data) != 1 || lim.Data[0].QuotaUsage != 2 || lim.Data[0].Config.QuotaTotal != 2 || lim.Data[0].Config.QuotaDuration != 86400 {
		t.Errorf("limit %+v", lim)
	}
	var list struct {
		Data []struct{ ID, Caption string }
	}
	e.call(t, "GET", "/v26.0/"+igSeedUser+"/media?fields=id,caption", e.user, nil, 200, &list) // a user token with a role on the Page works too
	if len(list.Data) != 3 || list.Data[1].Caption != "two" {
		t.Errorf("media list %+v", list)
	}
}
