package sandbox

import (
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"
)

// Synthetic metrics: share statistics and social actions, growing with a post's age.

// liStats are the synthetic figures of a post, growing with its age.
type liStats struct{ impressions, unique, clicks, likes, comments, shares int64 }

func liPostStats(p *liPost, now time.Time) liStats {
	age := now.Sub(p.CreatedAt).Minutes()
	if age < 0 {
		age = 0
	}
	seed := 8 + int64(hashSecret(p.URN)[0]%8)
	imp := int64(float64(seed) * math.Sqrt(age))
	return liStats{impressions: imp, unique: imp * 7 / 10, clicks: imp / 25, likes: imp / 18, comments: imp / 120, shares: imp / 200}
}

// liShareStats serves organizationalEntityShareStatistics for an
// organization's posts (shares=List(...) / ugcPosts=List(...)), or the
// organization's lifetime totals without them. Time-bound statistics
// (timeIntervals) are not emulated: refused rather than answered wrongly.
func (s *Sandbox) liShareStats(r *http.Request, _ []byte) liAnswer {
	t, v, bad := s.liREST(r)
	if bad != nil {
		return *bad
	}
	q := r.URL.Query()
	org := q.Get("organizationalEntity")
	switch {
	case q.Get("q") != "organizationalEntity" || org == "":
		return liJSON(400, liErr(400, 0, "ILLEGAL_ARGUMENT", "q=organizationalEntity and organizationalEntity are required"))
	case q.Get("timeIntervals") != "":
		return liJSON(400, liErr(400, 0, "ILLEGAL_ARGUMENT", "sandbox: timeIntervals is not emulated"))
	case !s.liAdmin(t, org) || !liHasScope(t, "rw_organization_admin"):
		return liDenied("organizationalEntityShareStatistics", "FINDER-organizationalEntity", v)
	}
	st, now := s.st.LinkedIn, s.now()
	stat := func(x liStats) map[string]any {
		eng := 0.0
		if x.impressions > 0 {
			eng = float64(x.clicks+x.likes+x.comments+x.shares) / float64(x.impressions)
		}
		return map[string]any{"impressionCount": x.impressions, "uniqueImpressionsCount": x.unique, "clickCount": x.clicks,
			"likeCount": x.likes, "commentCount": x.comments, "shareCount": x.shares, "engagement": eng}
	}
	elements := []map[string]any{}
	lists := map[string]string{"shares": "share", "ugcPosts": "ugcPost"}
	listed := false
	for _, param := range []string{"shares", "ugcPosts"} {
		raw := q.Get(param)
		if raw == "" {
			continue
		}
		listed = true
		inner, ok := strings.CutPrefix(raw, "List(")
		inner, ok2 := strings.CutSuffix(inner, ")")
		if !ok || !ok2 {
			return liJSON(400, liErr(400, 0, "ILLEGAL_ARGUMENT", param+" must be List(urn,...)"))
		}
		for _, urn := range strings.Split(inner, ",") {
			p := st.Posts[urn]
			if p == nil || p.Author != org {
				continue
			}
			elements = append(elements, map[string]any{lists[param]: urn, "organizationalEntity": org, "totalShareStatistics": stat(liPostStats(p, now))})
		}
	}
	if !listed {
		var sum liStats
		for _, urn := range st.ByAuthor[org] {
			if p := st.Posts[urn]; p != nil {
				x := liPostStats(p, now)
				sum = liStats{sum.impressions + x.impressions, sum.unique + x.unique, sum.clicks + x.clicks, sum.likes + x.likes, sum.comments + x.comments, sum.shares + x.shares}
			}
		}
		elements = append(elements, map[string]any{"organizationalEntity": org, "totalShareStatistics": stat(sum)})
	}
	return liJSON(200, map[string]any{"paging": map[string]any{"start": 0, "count": 10, "links": []any{}}, "elements": elements})
}

func (s *Sandbox) liSocialActions(r *http.Request, _ []byte) liAnswer {
	p, bad := s.liReadablePost(r, "socialActions")
	if bad != nil {
		return *bad
	}
	x := liPostStats(p, s.now())
	return liJSON(200, map[string]any{
		"target":          p.URN,
		"likesSummary":    map[string]any{"selectedLikes": []any{}, "aggregatedTotalLikes": x.likes, "likedByCurrentUser": false, "totalLikes": x.likes},
		"commentsSummary": map[string]any{"selectedComments": []any{}, "totalFirstLevelComments": x.comments, "aggregatedTotalComments": x.comments},
	})
}

// liNetworkSize gives an organization's follower count.
func (s *Sandbox) liNetworkSize(r *http.Request, _ []byte) liAnswer {
	t, v, bad := s.liREST(r)
	if bad != nil {
		return *bad
	}
	if r.URL.Query().Get("edgeType") != "COMPANY_FOLLOWED_BY_MEMBER" {
		return liJSON(400, liErr(400, 0, "ILLEGAL_ARGUMENT", "edgeType must be COMPANY_FOLLOWED_BY_MEMBER"))
	}
	id, ok := strings.CutPrefix(r.PathValue("urn"), "urn:li:organization:")
	o := s.st.LinkedIn.Orgs[id]
	if !ok || o == nil {
		return liJSON(404, liErr(404, 0, "NOT_FOUND", fmt.Sprintf("Entity %s does not exist", r.PathValue("urn"))))
	}
	if !liHasScope(t, "rw_organization_admin", "r_organization_admin", "r_organization_social", "r_organization_followers") {
		return liDenied("networkSizes", "GET", v)
	}
	return liJSON(200, map[string]int64{"firstDegreeSize": o.Followers})
}
