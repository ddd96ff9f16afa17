package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The versioned REST API: common checks and the Posts API. Media uploads are
// in linkedin_media.go, metrics in linkedin_metrics.go.
// https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/posts-api

type liPost struct {
	URN          string          `json:"urn"`
	Author       string          `json:"author"`
	Commentary   string          `json:"commentary"`
	Visibility   string          `json:"visibility"`
	Lifecycle    string          `json:"lifecycle"`
	Distribution json.RawMessage `json:"distribution"`
	Content      json.RawMessage `json:"content,omitempty"`
	NoReshare    bool            `json:"no_reshare"`
	CreatedAt    time.Time       `json:"created_at"`
	DupeKey      string          `json:"dupe_key,omitempty"`
}

func (s *Sandbox) routesLinkedInREST() {
	s.mux.HandleFunc("POST /api.linkedin.com/rest/posts", s.liHandle(s.liCreatePost))
	s.mux.HandleFunc("GET /api.linkedin.com/rest/posts", s.liHandle(s.liFindPosts))
	s.mux.HandleFunc("GET /api.linkedin.com/rest/posts/{urn}", s.liHandle(s.liGetPost))
	s.mux.HandleFunc("DELETE /api.linkedin.com/rest/posts/{urn}", s.liHandle(s.liDeletePost))
	s.mux.HandleFunc("POST /api.linkedin.com/rest/images", s.liHandle(s.liInitImage))
	s.mux.HandleFunc("GET /api.linkedin.com/rest/images/{urn}", s.liHandle(s.liGetImage))
	s.mux.HandleFunc("POST /api.linkedin.com/rest/videos", s.liHandle(s.liVideoAction))
	s.mux.HandleFunc("GET /api.linkedin.com/rest/videos/{urn}", s.liHandle(s.liGetVideo))
	s.mux.HandleFunc("PUT /www.linkedin.com/dms-uploads/{id}", s.liUpload)
	s.mux.HandleFunc("GET /api.linkedin.com/rest/organizationalEntityShareStatistics", s.liHandle(s.liShareStats))
	s.mux.HandleFunc("GET /api.linkedin.com/rest/socialActions/{urn}", s.liHandle(s.liSocialActions))
	s.mux.HandleFunc("GET /media.licdn.com/dms/image/{id}", liPlaceholderImage)
}

var liVersionRE = regexp.MustCompile(`^(\d{4})(\d{2})(\.\d{2})?$`)

// liVersionActive reports whether LinkedIn-Version v is served at now: a
// monthly version is released on the 1st and sunset about a year later
// (the 15th of the same month the next year, as 202604 → 2027-04-15); one
// not yet released does not exist either. It returns the YYYYMM01 form
// LinkedIn echoes in its 426.
// https://learn.microsoft.com/en-us/linkedin/marketing/versioning
func liVersionActive(v string, now time.Time) (string, bool) {
	m := liVersionRE.FindStringSubmatch(v)
	if m == nil {
		return v, false
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	echo := m[1] + m[2] + "01"
	if mo < 1 || mo > 12 {
		return echo, false
	}
	release := time.Date(y, time.Month(mo), 1, 0, 0, 0, 0, time.UTC)
	sunset := time.Date(y+1, time.Month(mo), 15, 0, 0, 0, 0, time.UTC)
	return echo, !now.Before(release) && now.Before(sunset)
}

// liREST authenticates a versioned call and checks its headers; callers
// hold s.mu. It returns the token and the version (YYYYMM01).
//
// A missing LinkedIn-Version is refused with 400 VERSION_MISSING (the
// versioned API has no default version; the body is from community reports,
// the reference only states that the header is mandatory). The sandbox also
// insists on X-Restli-Protocol-Version: 2.0.0, which LinkedIn documents as
// required on these APIs; being stricter than LinkedIn's gateway here keeps
// every client on the Rest.li 2.0 encoding its URNs need.
func (s *Sandbox) liREST(r *http.Request) (*tokenInfo, string, *liAnswer) {
	t, bad := s.liToken(r)
	if bad != nil {
		return nil, "", bad
	}
	v := strings.TrimSpace(r.Header.Get("LinkedIn-Version"))
	if v == "" {
		a := liJSON(400, liErr(400, 0, "VERSION_MISSING", "A version must be present. Please specify a version by adding the LinkedIn-Version header."))
		return nil, "", &a
	}
	echo, ok := liVersionActive(v, s.now())
	if !ok {
		a := liJSON(426, liErr(426, 0, "NONEXISTENT_VERSION", "Requested version "+echo+" is not active"))
		return nil, "", &a
	}
	if r.Header.Get("X-Restli-Protocol-Version") != "2.0.0" {
		a := liJSON(400, liErr(400, 0, "ILLEGAL_ARGUMENT", "X-Restli-Protocol-Version: 2.0.0 is required"))
		return nil, "", &a
	}
	return t, echo, nil
}

func liPaging(q url.Values, def, max int) (start, count int, bad *liAnswer) {
	start, count = 0, def
	var err error
	if v := q.Get("start"); v != "" {
		if start, err = strconv.Atoi(v); err != nil || start < 0 {
			a := liJSON(400, liErr(400, 0, "ILLEGAL_ARGUMENT", "start must be a non-negative integer"))
			return 0, 0, &a
		}
	}
	if v := q.Get("count"); v != "" {
		if count, err = strconv.Atoi(v); err != nil || count < 0 || count > max {
			a := liJSON(400, liErr(400, 0, "ILLEGAL_ARGUMENT", fmt.Sprintf("count must be between 0 and %d", max)))
			return 0, 0, &a
		}
	}
	return start, count, nil
}

func liSortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// liBadInput is the validation error body (Rest.li BadRequest with inputErrors).
func liBadInput(status int, field, code, desc, msg string) liAnswer {
	return liJSON(status, map[string]any{
		"errorDetailType": "com.linkedin.common.error.BadRequest",
		"message":         msg,
		"errorDetails": map[string]any{"inputErrors": []map[string]any{{
			"description": desc, "input": map[string]any{"inputPath": map[string]string{"fieldPath": field}}, "code": code,
		}}},
		"status": status,
	})
}

func liRequired(field string) liAnswer {
	return liBadInput(422, field, "FIELD_VALUE_REQUIRED", "field is required but not found and has no default value",
		"ERROR :: "+field+" :: field is required but not found and has no default value")
}

// liCanWrite reports whether t may act as author: the member itself with
// w_member_social, or an organization the member administers with
// w_organization_social.
func (s *Sandbox) liCanWrite(t *tokenInfo, author string) bool {
	if strings.HasPrefix(author, "urn:li:person:") {
		return author == "urn:li:person:"+t.Subject && liHasScope(t, "w_member_social")
	}
	return s.liAdmin(t, author) && liHasScope(t, "w_organization_social")
}

// liCanRead reports whether t may read what author posted: an
// organization it administers with r_organization_social, or the member
// itself with r_member_social (granted to approved partners only).
func (s *Sandbox) liCanRead(t *tokenInfo, author string) bool {
	if strings.HasPrefix(author, "urn:li:person:") {
		return author == "urn:li:person:"+t.Subject && liHasScope(t, "r_member_social")
	}
	return s.liAdmin(t, author) && liHasScope(t, "r_organization_social", "rw_organization_admin")
}

type liPostIn struct {
	Author                    *string          `json:"author"`
	Commentary                *string          `json:"commentary"`
	Visibility                *string          `json:"visibility"`
	Distribution              *json.RawMessage `json:"distribution"`
	LifecycleState            *string          `json:"lifecycleState"`
	IsReshareDisabledByAuthor bool             `json:"isReshareDisabledByAuthor"`
	Content                   *struct {
		Article *struct {
			Source string `json:"source"`
			Title  string `json:"title"`
		} `json:"article"`
		Media *struct {
			ID      string `json:"id"`
			AltText string `json:"altText,omitempty"`
		} `json:"media"`
		MultiImage *struct {
			Images []struct {
				ID      string `json:"id"`
				AltText string `json:"altText,omitempty"`
			} `json:"images"`
		} `json:"multiImage"`
	} `json:"content"`
}

func (s *Sandbox) liCreatePost(r *http.Request, body []byte) liAnswer {
	t, v, bad := s.liREST(r)
	if bad != nil {
		return *bad
	}
	var in liPostIn
	if err := json.Unmarshal(body, &in); err != nil {
		return liJSON(400, liErr(400, 0, "ILLEGAL_ARGUMENT", "Unable to parse the request body: "+err.Error()))
	}
	switch {
	case in.Author == nil || *in.Author == "":
		return liRequired("/author")
	case in.Visibility == nil:
		return liRequired("/visibility")
	case in.Distribution == nil:
		return liRequired("/distribution")
	case in.LifecycleState == nil:
		return liRequired("/lifecycleState")
	}
	var dist struct {
		FeedDistribution string `json:"feedDistribution"`
	}
	if json.Unmarshal(*in.Distribution, &dist) != nil || dist.FeedDistribution == "" {
		return liRequired("/distribution/feedDistribution")
	}
	if !liOneOf(*in.Visibility, "PUBLIC", "CONNECTIONS", "LOGGED_IN") || !liOneOf(*in.LifecycleState, "PUBLISHED", "DRAFT") || !liOneOf(dist.FeedDistribution, "MAIN_FEED", "NONE") {
		return liBadInput(422, "/visibility", "INVALID_ENUM_VALUE", "Invalid enum value", "ERROR :: invalid visibility, lifecycleState or feedDistribution")
	}
	author := *in.Author
	if !s.liCanWrite(t, author) {
		return liDenied("posts", "CREATE", v)
	}
	commentary := ""
	if in.Commentary != nil {
		commentary = *in.Commentary
	}
	if n := utf8.RuneCountInString(commentary); n > 3000 {
		// Shape from a real answer (n8n-io/n8n issue 22899).
		a := liBadInput(400, "/commentary", "FIELD_ARRAY_SIZE_TOO_HIGH", "Size of array cannot be higher than the maxLength",
			fmt.Sprintf("com.linkedin.content.common.exception.BadRequestResponseException: ShareCommentary text length (%d characters) exceeded the maximum allowed (3000 characters)", n))
		a.body.(map[string]any)["errorDetails"].(map[string]any)["inputErrors"].([]map[string]any)[0]["maxLength"] = 3000
		return a
	}
	if commentary == "" && in.Content == nil {
		return liRequired("/commentary")
	}
	if a := s.liCheckContent(author, in); a != nil {
		return *a
	}
	dupeKey := ""
	if commentary != "" {
		dupeKey = author + "\n" + hashSecret(commentary)
		if prev, ok := s.st.LinkedIn.Dupes[dupeKey]; ok {
			return liJSON(422, map[string]any{
				"errorDetailType": "com.linkedin.common.error.BadRequest",
				"message":         "ERROR :: /commentary :: Content is a duplicate of " + prev,
				"errorDetails":    map[string]any{"inputErrors": []map[string]any{{"description": "Duplicate post is detected", "input": map[string]any{}, "code": "DUPLICATE_POST"}}},
				"status":          422,
			})
		}
	}
	urn := "urn:li:share:" + strconv.FormatInt(7400000000000000000+s.nextID(), 10)
	p := &liPost{URN: urn, Author: author, Commentary: liLittleTruncate(commentary), Visibility: *in.Visibility,
		Lifecycle: *in.LifecycleState, Distribution: *in.Distribution, NoReshare: in.IsReshareDisabledByAuthor,
		CreatedAt: s.now(), DupeKey: dupeKey}
	if in.Content != nil {
		p.Content, _ = json.Marshal(in.Content)
	}
	st := s.st.LinkedIn
	st.Posts[urn] = p
	st.ByAuthor[author] = append(st.ByAuthor[author], urn)
	if dupeKey != "" {
		st.Dupes[dupeKey] = urn
	}
	s.touch()
	return liAnswer{status: 201, header: http.Header{"X-Restli-Id": {url.QueryEscape(urn)}}}
}

func liOneOf(v string, allowed ...string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

// liCheckContent validates media and articles; callers hold s.mu.
func (s *Sandbox) liCheckContent(author string, in liPostIn) *liAnswer {
	c := in.Content
	if c == nil {
		return nil
	}
	n := 0
	for _, set := range []bool{c.Article != nil, c.Media != nil, c.MultiImage != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		a := liBadInput(422, "/content", "INVALID_UNION", "content must hold exactly one of article, media, multiImage", "ERROR :: /content :: exactly one member of the union must be set")
		return &a
	}
	var ids []string
	switch {
	case c.Article != nil:
		u, err := url.Parse(c.Article.Source)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			a := liBadInput(422, "/content/article/source", "INVALID_URL", "Invalid URL", "ERROR :: /content/article/source :: invalid URL")
			return &a
		}
		if c.Article.Title == "" {
			a := liRequired("/content/article/title")
			return &a
		}
	case c.Media != nil:
		ids = []string{c.Media.ID}
	default:
		if k := len(c.MultiImage.Images); k < 2 || k > 20 {
			a := liBadInput(422, "/content/multiImage/images", "FIELD_ARRAY_SIZE_OUT_OF_RANGE", "multiImage takes 2 to 20 images", fmt.Sprintf("ERROR :: /content/multiImage/images :: %d images, want 2 to 20", k))
			return &a
		}
		for _, im := range c.MultiImage.Images {
			if !strings.HasPrefix(im.ID, "urn:li:image:") {
				a := liJSON(400, liErr(400, 0, "ILLEGAL_ARGUMENT", "multiImage takes image URNs only, got "+im.ID))
				return &a
			}
			ids = append(ids, im.ID)
		}
	}
	for _, id := range ids {
		owner, status := "", ""
		if im := s.st.LinkedIn.Images[id]; im != nil {
			owner, status = im.Owner, im.Status
		} else if vid := s.st.LinkedIn.Videos[id]; vid != nil {
			owner, status = vid.Owner, vid.Status
		}
		switch {
		case owner == "":
			a := liJSON(400, liErr(400, 0, "ILLEGAL_ARGUMENT", fmt.Sprintf("Media %s does not exist", id)))
			return &a
		case owner != author:
			a := liJSON(400, liErr(400, 0, "ILLEGAL_ARGUMENT", fmt.Sprintf("Media %s is owned by %s, not by the author %s", id, owner, author)))
			return &a
		case status != "AVAILABLE":
			a := liJSON(400, liErr(400, 0, "ILLEGAL_ARGUMENT", fmt.Sprintf("Media %s is %s: upload it first", id, status)))
			return &a
		}
	}
	return nil
}

// liLittleTruncate keeps commentary up to its first unescaped reserved
// character of the little text format, as LinkedIn silently does. Escapes,
// hashtags (#word), mentions @[Name](urn:li:...) and hashtag templates
// {hashtag|\#|word} are markup, not cuts.
// https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/little-text-format
func liLittleTruncate(s string) string {
	const reserved = `\|{}@[]()<>#*_~`
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			i++
			continue
		case c == '#':
			next, _ := utf8.DecodeRuneInString(s[i+1:])
			if unicode.IsLetter(next) || unicode.IsDigit(next) {
				continue
			}
		case c == '@':
			if m := liMentionRE.FindStringIndex(s[i:]); m != nil && m[0] == 0 {
				i += m[1] - 1
				continue
			}
		case c == '{':
			if m := liHashtagTplRE.FindStringIndex(s[i:]); m != nil && m[0] == 0 {
				i += m[1] - 1
				continue
			}
		}
		if strings.IndexByte(reserved, c) >= 0 {
			return s[:i]
		}
	}
	return s
}

var (
	liMentionRE    = regexp.MustCompile(`^@\[(?:[^\\\]]|\\.)*\]\(urn:li:[a-zA-Z]+:[^)\s]+\)`)
	liHashtagTplRE = regexp.MustCompile(`^\{hashtag\|\\#\|[^}]*\}`)
)

func (s *Sandbox) liPostJSON(p *liPost) map[string]any {
	ms := p.CreatedAt.UnixMilli()
	out := map[string]any{
		"id": p.URN, "author": p.Author, "commentary": p.Commentary, "visibility": p.Visibility,
		"distribution": p.Distribution, "lifecycleState": p.Lifecycle, "isReshareDisabledByAuthor": p.NoReshare,
		"createdAt": ms, "lastModifiedAt": ms, "publishedAt": ms,
		"lifecycleStateInfo": map[string]bool{"isEditedByAuthor": false},
	}
	if len(p.Content) > 0 {
		out["content"] = p.Content
	}
	return out
}

func liNotFound(what string) liAnswer {
	return liJSON(404, liErr(404, 0, "NOT_FOUND", what+" does not exist"))
}

func (s *Sandbox) liGetPost(r *http.Request, _ []byte) liAnswer {
	p, bad := s.liReadablePost(r, "posts")
	if bad != nil {
		return *bad
	}
	return liJSON(200, s.liPostJSON(p))
}

// liReadablePost is the post of the path's {urn}, if the request may read
// it through resource (its error answer otherwise).
func (s *Sandbox) liReadablePost(r *http.Request, resource string) (*liPost, *liAnswer) {
	t, v, bad := s.liREST(r)
	if bad != nil {
		return nil, bad
	}
	p := s.st.LinkedIn.Posts[r.PathValue("urn")]
	if p == nil {
		a := liNotFound("Post " + r.PathValue("urn"))
		return nil, &a
	}
	if !s.liCanRead(t, p.Author) {
		a := liDenied(resource, "GET", v)
		return nil, &a
	}
	return p, nil
}

// liFindPosts is the author finder, newest first.
func (s *Sandbox) liFindPosts(r *http.Request, _ []byte) liAnswer {
	t, v, bad := s.liREST(r)
	if bad != nil {
		return *bad
	}
	q := r.URL.Query()
	if q.Get("q") != "author" {
		return liJSON(400, liErr(400, 0, "ILLEGAL_ARGUMENT", fmt.Sprintf("Unsupported finder %q", q.Get("q"))))
	}
	author := q.Get("author")
	if author == "" {
		return liJSON(400, liErr(400, 0, "ILLEGAL_ARGUMENT", "Parameter 'author' is required"))
	}
	if sb := q.Get("sortBy"); sb != "" && sb != "LAST_MODIFIED" && sb != "CREATED" {
		return liJSON(400, liErr(400, 0, "ILLEGAL_ARGUMENT", "sortBy must be LAST_MODIFIED or CREATED"))
	}
	if !s.liCanRead(t, author) {
		return liDenied("posts", "FINDER-author", v)
	}
	start, count, bad2 := liPaging(q, 10, 100)
	if bad2 != nil {
		return *bad2
	}
	st := s.st.LinkedIn
	list := st.ByAuthor[author]
	page, skipped := []map[string]any{}, 0
	for i := len(list) - 1; i >= 0 && len(page) < count; i-- {
		p := st.Posts[list[i]]
		if p == nil {
			continue
		}
		if skipped < start {
			skipped++
			continue
		}
		page = append(page, s.liPostJSON(p))
	}
	total := len(list) - st.Deleted[author]
	return liJSON(200, map[string]any{"paging": map[string]any{"start": start, "count": count, "links": []any{}, "total": total}, "elements": page})
}

func (s *Sandbox) liDeletePost(r *http.Request, _ []byte) liAnswer {
	t, v, bad := s.liREST(r)
	if bad != nil {
		return *bad
	}
	st := s.st.LinkedIn
	p := st.Posts[r.PathValue("urn")]
	if p == nil {
		return liNotFound("Post " + r.PathValue("urn"))
	}
	if !s.liCanWrite(t, p.Author) {
		return liDenied("posts", "DELETE", v)
	}
	delete(st.Posts, p.URN)
	if p.DupeKey != "" && st.Dupes[p.DupeKey] == p.URN {
		delete(st.Dupes, p.DupeKey)
	}
	st.Deleted[p.Author]++
	s.touch()
	return liAnswer{status: http.StatusNoContent}
}
