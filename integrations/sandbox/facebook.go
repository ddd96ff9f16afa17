package sandbox

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"time"
)

// The Graph API emulation (Facebook Pages and Instagram with Facebook Login,
// both on graph.facebook.com) and the Facebook Login dialog. One dispatcher
// parses /{version}/{node}/{edge} itself (facebook_graph.go); Pages live in
// facebook_pages.go, Login in facebook_oauth.go, Instagram in instagram*.go.
//
// Ids: Pages, posts, photos and videos are 15-digit numbers starting "1" (a
// post is "{page-id}_{post-number}"); Instagram users are 17 digits starting
// "17841", Instagram containers and media 17 digits starting "179". That
// split lets isInstagramGraphPath tell the two APIs apart from a path alone.

// fbState is the Graph emulation's state.
type fbState struct {
	SeededAt    time.Time                   `json:"seeded_at"`
	DefaultUser string                      `json:"default_user"`
	Users       map[string]*fbUser          `json:"users"`
	Pages       map[string]*fbPage          `json:"pages"`
	Posts       map[string]*fbPost          `json:"posts"`
	Photos      map[string]*fbPhoto         `json:"photos"`
	Videos      map[string]*fbVideo         `json:"videos"`
	IGUsers     map[string]*igUser          `json:"ig_users"`
	Containers  map[string]*igContainer     `json:"ig_containers"`
	Media       map[string]*igMedia         `json:"ig_media"`
	Grants      map[string]*fbGrant         `json:"grants"` // userID/clientID → live grant
	usage       struct{ hour, calls int64 } // X-App-Usage, not persisted
}

type fbUser struct {
	ID    string              `json:"id"`
	Name  string              `json:"name"`
	Tasks map[string][]string `json:"tasks"` // page id → the user's tasks on it
	Order []string            `json:"order"` // page ids in /me/accounts order
}

type fbGrant struct {
	Scopes  []string `json:"scopes"`
	Revoked bool     `json:"revoked,omitempty"`
}

type fbPage struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Username  string   `json:"username"`
	Category  string   `json:"category"`
	Followers int64    `json:"followers"`
	Fans      int64    `json:"fans"`
	IGUserID  string   `json:"ig_user_id,omitempty"`
	PostIDs   []string `json:"post_ids"` // oldest first
	LastHash  string   `json:"last_hash,omitempty"`
}

type fbPost struct {
	ID        string    `json:"id"`
	PageID    string    `json:"page_id"`
	Message   string    `json:"message,omitempty"`
	Link      string    `json:"link,omitempty"`
	PhotoIDs  []string  `json:"photo_ids,omitempty"`
	VideoID   string    `json:"video_id,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

type fbPhoto struct {
	ID        string    `json:"id"`
	PageID    string    `json:"page_id"`
	URL       string    `json:"url"`
	Caption   string    `json:"caption,omitempty"`
	PostID    string    `json:"post_id,omitempty"`
	Attached  bool      `json:"attached,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

type fbVideo struct {
	ID          string    `json:"id"`
	PageID      string    `json:"page_id"`
	FileURL     string    `json:"file_url"`
	Title       string    `json:"title,omitempty"`
	Description string    `json:"description,omitempty"`
	PostID      string    `json:"post_id,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

func newFBState() *fbState {
	return &fbState{
		Users: map[string]*fbUser{}, Pages: map[string]*fbPage{}, Posts: map[string]*fbPost{},
		Photos: map[string]*fbPhoto{}, Videos: map[string]*fbVideo{}, IGUsers: map[string]*igUser{},
		Containers: map[string]*igContainer{}, Media: map[string]*igMedia{}, Grants: map[string]*fbGrant{},
	}
}

// Seeded ids (fixed, so a demo's links stay stable).
const (
	fbSeedUser  = "61550000000001"
	fbSeedPage1 = "108000000000001"
	fbSeedPage2 = "108000000000002"
	igSeedUser  = "17841400000000001"
)

func (s *Sandbox) routesFacebook() {
	s.mu.Lock()
	s.seedFacebook()
	s.mu.Unlock()
	s.mux.HandleFunc("GET /www.facebook.com/{ver}/dialog/oauth", s.fbDialog)
	s.mux.HandleFunc("GET /www.facebook.com/dialog/oauth", s.fbDialog)
	s.mux.HandleFunc("GET /www.facebook.com/{page}/posts/{num}", s.fbPermalink)
	s.mux.Handle("/graph.facebook.com/", http.HandlerFunc(s.graph))
	s.mux.Handle("/graph-video.facebook.com/", http.HandlerFunc(s.graph))
}

// seedFacebook fills a fresh state: the user "Sandbox Marketer" who
// administers "Acme Coffee" (with Instagram @acmecoffee) and "Acme Outdoor",
// and a few older posts. Callers hold s.mu.
func (s *Sandbox) seedFacebook() {
	fb := s.st.Facebook
	if fb.DefaultUser != "" {
		return
	}
	now := s.now()
	fb.SeededAt = now
	fb.DefaultUser = fbSeedUser
	all := []string{"ADVERTISE", "ANALYZE", "CREATE_CONTENT", "MESSAGING", "MODERATE", "MANAGE"}
	fb.Users[fbSeedUser] = &fbUser{ID: fbSeedUser, Name: "Sandbox Marketer",
		Tasks: map[string][]string{fbSeedPage1: all, fbSeedPage2: all}, Order: []string{fbSeedPage1, fbSeedPage2}}
	fb.Pages[fbSeedPage1] = &fbPage{ID: fbSeedPage1, Name: "Acme Coffee", Username: "acmecoffee", Category: "Coffee Shop",
		Followers: 12480, Fans: 11925, IGUserID: igSeedUser}
	fb.Pages[fbSeedPage2] = &fbPage{ID: fbSeedPage2, Name: "Acme Outdoor", Username: "acmeoutdoor", Category: "Outdoor & Sporting Goods Company",
		Followers: 3310, Fans: 3104}
	fb.IGUsers[igSeedUser] = &igUser{ID: igSeedUser, Username: "acmecoffee", Name: "Acme Coffee", PageID: fbSeedPage1,
		Followers: 8342, Follows: 211, QuotaTotal: igQuotaTotal}
	for i, msg := range []string{
		"Our autumn blend is back: notes of hazelnut and dark cherry.",
		"Latte art workshop this Saturday, 10am. Bring a friend!",
		"We are open on public holidays from 8am to 4pm.",
	} {
		at := now.Add(-time.Duration(7-3*i) * 24 * time.Hour)
		s.fbAddPost(fb.Pages[fbSeedPage1], &fbPost{Message: msg}, at)
	}
	s.fbAddPost(fb.Pages[fbSeedPage2], &fbPost{Message: "Trail season is here. New hiking boots in store."}, now.Add(-48*time.Hour))
	s.igAddMedia(fb.IGUsers[igSeedUser], &igMedia{Caption: "First pour of the season ☕ #coffee", MediaType: "IMAGE",
		ProductType: "FEED", MediaURL: "https://picsum.photos/seed/acme1/1080/1080.jpg"}, now.Add(-72*time.Hour))
	s.touch()
}

// fbID returns a fresh 15-digit Facebook id; callers hold s.mu.
func (s *Sandbox) fbID() string { return fmt.Sprintf("1%014d", s.nextID()) }

// fbAddPost stores p on page; callers hold s.mu.
func (s *Sandbox) fbAddPost(page *fbPage, p *fbPost, at time.Time) *fbPost {
	p.ID = page.ID + "_" + s.fbID()
	p.PageID = page.ID
	p.CreatedAt = at
	s.st.Facebook.Posts[p.ID] = p
	page.PostIDs = append(page.PostIDs, p.ID)
	s.touch()
	return p
}

// growth is a synthetic count that grows with age: fast in the first day,
// then slowly, and is a deterministic function of age and scale.
func growth(age time.Duration, scale float64) int64 {
	h := age.Hours()
	if h <= 0 {
		return 0
	}
	return int64(scale * (1 - math.Exp(-h/24) + math.Sqrt(h)/10))
}

// graphError is Graph's error envelope.
type graphError struct {
	Status    int    `json:"-"`
	Message   string `json:"message"`
	Type      string `json:"type"`
	Code      int    `json:"code"`
	Subcode   int    `json:"error_subcode,omitempty"`
	Transient *bool  `json:"is_transient,omitempty"`
	UserTitle string `json:"error_user_title,omitempty"`
	UserMsg   string `json:"error_user_msg,omitempty"`
	TraceID   string `json:"fbtrace_id"`
}

func (e *graphError) body() []byte {
	if e.TraceID == "" {
		e.TraceID = randomToken(12)
	}
	if e.Type == "" {
		e.Type = "OAuthException"
	}
	b, _ := json.Marshal(map[string]any{"error": e})
	return b
}

func transient(b bool) *bool { return &b }

// usageHeaders are the rate-limit headers every Graph answer carries.
func usageHeaders(h http.Header, objectID string, callPct, regainMinutes int64) {
	if callPct > 100 {
		callPct = 100
	}
	cpu, total := callPct/2, callPct*2/3
	h.Set("X-App-Usage", fmt.Sprintf(`{"call_count":%d,"total_cputime":%d,"total_time":%d}`, callPct, cpu, total))
	if objectID == "" {
		objectID = fbSeedPage1
	}
	h.Set("X-Business-Use-Case-Usage", fmt.Sprintf(
		`{"%s":[{"type":"pages","call_count":%d,"total_cputime":%d,"total_time":%d,"estimated_time_to_regain_access":%d}]}`,
		objectID, callPct, cpu, total, regainMinutes))
}

// graphFault renders the ready-made faults the way Graph answers them.
func graphFault(kind FaultKind, now time.Time, retry time.Duration) (int, http.Header, []byte) {
	h := http.Header{"Content-Type": {"application/json; charset=UTF-8"}}
	var e *graphError
	switch kind {
	case FaultRateLimit:
		// Graph answers a rate limit with 400, not 429.
		usageHeaders(h, "", 100, int64(math.Ceil(retry.Minutes())))
		e = &graphError{Status: http.StatusBadRequest, Code: 4, Message: "(#4) Application request limit reached", Transient: transient(true)}
	case FaultTokenExpired:
		usageHeaders(h, "", 1, 0)
		pst := time.FixedZone("PST", -8*3600)
		e = &graphError{Status: http.StatusBadRequest, Code: 190, Subcode: 463, Message: fmt.Sprintf(
			"Error validating access token: Session has expired on %s. The current time is %s.",
			now.Add(-time.Hour).In(pst).Format("Monday, 02-Jan-06 15:04:05 MST"), now.In(pst).Format("Monday, 02-Jan-06 15:04:05 MST"))}
	default:
		usageHeaders(h, "", 1, 0)
		e = &graphError{Status: http.StatusInternalServerError, Code: 2, Message: "Service temporarily unavailable", Transient: transient(true)}
	}
	return e.Status, h, e.body()
}
