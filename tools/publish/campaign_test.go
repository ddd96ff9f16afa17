package publish

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// TestStoreCampaign is the campaign id's conformance case, on both backends:
// stored with the post, a filter of ListPosts (paged, newest first, scoped by
// workspace) and carried by PublishedSince.
func TestStoreCampaign(t *testing.T) {
	storetest.Run(t, []store.Schema{Schema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		st := NewStore(db)
		mk := func(ws, campaign string, at time.Time, account string) Post {
			p := testPost(ws, at, account)
			p.CampaignID = campaign
			if err := st.CreatePost(ctx, p); err != nil {
				t.Fatal(err)
			}
			return p
		}
		c1a := mk("W1", "C1", t0, "a1")
		c1b := mk("W1", "C1", t0.Add(time.Minute), "a2")
		c1c := mk("W1", "C1", t0.Add(2*time.Minute), "a3")
		c2 := mk("W1", "C2", t0.Add(3*time.Minute), "a4")
		none := mk("W1", "", t0.Add(4*time.Minute), "a5")
		mk("W2", "C1", t0.Add(5*time.Minute), "b1")

		if got, err := st.GetPost(ctx, "W1", c1a.ID); err != nil || got.CampaignID != "C1" {
			t.Fatalf("GetPost campaign = %q, %v; want C1", got.CampaignID, err)
		}
		ids := func(ps []Post) []string {
			var out []string
			for _, p := range ps {
				out = append(out, p.ID)
			}
			return out
		}
		cases := []struct {
			name, campaign string
			limit          int
			after          Cursor
			want           []string
		}{
			{"campaign C1", "C1", 10, Cursor{}, []string{c1c.ID, c1b.ID, c1a.ID}},
			{"campaign C1 first page", "C1", 2, Cursor{}, []string{c1c.ID, c1b.ID}},
			{"campaign C1 next page", "C1", 2, Cursor{CreatedAt: c1b.CreatedAt, ID: c1b.ID}, []string{c1a.ID}},
			{"campaign C2", "C2", 10, Cursor{}, []string{c2.ID}},
			{"unknown campaign", "C9", 10, Cursor{}, nil},
			{"every post", "", 10, Cursor{}, []string{none.ID, c2.ID, c1c.ID, c1b.ID, c1a.ID}},
		}
		for _, tc := range cases {
			ps, err := st.ListPosts(ctx, "W1", PostFilter{CampaignID: tc.campaign}, tc.limit, tc.after)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if got := ids(ps); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("%s: ListPosts = %v, want %v", tc.name, got, tc.want)
			}
			for _, p := range ps {
				if len(p.Targets) != 1 {
					t.Fatalf("%s: post %s has %d targets, want 1", tc.name, p.ID, len(p.Targets))
				}
			}
		}

		// PublishedSince carries each delivery's campaign.
		var saves []Delivery
		for i, p := range []Post{c1a, none} {
			d := p.Targets[0]
			at := t0.Add(time.Duration(i+1) * time.Hour)
			d.Status, d.PlatformPostID, d.PublishedAt, d.StartedAt, d.UpdatedAt = StatusPublished, "tw-"+p.ID, at, at, at
			saves = append(saves, d)
		}
		if ok, err := st.SaveDeliveries(ctx, saves); err != nil || !ok[0] || !ok[1] {
			t.Fatalf("SaveDeliveries = %v, %v", ok, err)
		}
		pub, err := st.PublishedSince(ctx, "W1", t0)
		if err != nil {
			t.Fatal(err)
		}
		if len(pub) != 2 || pub[0].PostID != c1a.ID || pub[0].CampaignID != "C1" || pub[1].PostID != none.ID || pub[1].CampaignID != "" {
			t.Fatalf("PublishedSince = %+v; want c1a in C1, then the post without a campaign", pub)
		}
	})
}

// campaignSet is a fixed set of campaigns per workspace.
type campaignSet map[string]bool

func (s campaignSet) CampaignExists(_ context.Context, c identity.Caller, id string) (bool, error) {
	return s[c.WorkspaceID+"/"+id], nil
}

// TestPostInUnknownCampaign: a post naming a campaign that is not the
// workspace's is refused before anything is created.
func TestPostInUnknownCampaign(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *Config) { c.Campaigns = campaignSet{"W1/C1": true, "W2/C2": true} })
	for _, id := range []string{"C2", "nope"} {
		r := req("Launch", "x1")
		r.CampaignID = id
		_, err := b.svc.PublishNow(ctx, b.editor, r)
		var verr *ValidationError
		if !errors.As(err, &verr) || verr.Problems[0].Field != "campaign_id" {
			t.Fatalf("campaign %s: err = %v; want a campaign_id problem", id, err)
		}
	}
	if posts, _, err := b.svc.List(ctx, b.editor, 10, ""); err != nil || len(posts) != 0 {
		t.Fatalf("posts = %d, %v; want none created", len(posts), err)
	}
	r := req("Launch", "x1")
	r.CampaignID = "C1"
	out, err := b.svc.PublishNow(ctx, b.editor, r)
	if err != nil || !out.Success {
		t.Fatalf("campaign C1: %+v, %v; want published", out, err)
	}
}
