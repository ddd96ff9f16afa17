package agents

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/campaigns"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/library"
)

// planArgs is a content plan the planner wrote and the person agreed to.
type planArgs struct {
	Name      string     `json:"name" jsonschema:"minLength=1,description=The marketing campaign's name."`
	Goal      string     `json:"goal,omitempty"`
	StartDate string     `json:"start_date" jsonschema:"format=date,description=First day (YYYY-MM-DD)."`
	EndDate   string     `json:"end_date" jsonschema:"format=date,description=Last day (YYYY-MM-DD)."`
	Tag       string     `json:"tag,omitempty"`
	Posts     []planPost `json:"posts" jsonschema:"minItems=1,maxItems=100"`
}

type planPost struct {
	Week     int    `json:"week,omitempty" jsonschema:"minimum=1"`
	Platform string `json:"platform" jsonschema:"enum=facebook,enum=instagram,enum=twitter,enum=x,enum=linkedin"`
	When     string `json:"when,omitempty" jsonschema:"description=When it should go out, in the person's words (Tuesday 09:00)."`
	Text     string `json:"text" jsonschema:"minLength=1"`
}

// PlanResult is what the plan became.
type PlanResult struct {
	Campaign campaigns.Campaign `json:"campaign"`
	Drafts   []string           `json:"draft_ids"`
	// CRM says whether a CRM Campaign record links it, or why not.
	CRM string `json:"crm"`
}

// planTool turns an agreed content plan into a marketing campaign, its
// drafts in the library (tagged with the campaign) and, when Zoho is
// connected, a CRM Campaign record. Nothing is published.
func planTool(cp Capabilities) Tool {
	return NewTool("create_campaign_plan",
		"Turns an agreed content plan (from the planner) into a marketing campaign with its drafts in the library and, when Zoho is connected, a CRM Campaign record. Nothing is published. Needs approval.",
		func(ctx context.Context, c identity.Caller, a planArgs) (PlanResult, error) {
			for i, p := range a.Posts { // every draft checked before anything is made
				if _, err := platformOf(p.Platform); err != nil {
					return PlanResult{}, Say(err, "post %d: %v", i+1, err)
				}
			}
			camp, err := cp.Campaigns.CreateCampaign(ctx, c, campaigns.NewCampaign{Name: a.Name, Goal: a.Goal, StartDate: a.StartDate, EndDate: a.EndDate, Tag: a.Tag})
			if err != nil {
				return PlanResult{}, known(err)
			}
			res := PlanResult{Campaign: camp, Drafts: []string{}}
			for i, p := range a.Posts {
				name, _ := platformOf(p.Platform)
				title := fmt.Sprintf("%s: week %d, %s", a.Name, max(p.Week, 1), name.Label())
				if p.When != "" {
					title += " (" + p.When + ")"
				}
				tags := []string{"plan"}
				if a.Tag != "" {
					tags = append(tags, a.Tag)
				}
				it, err := cp.Library.Create(ctx, c, library.KindContent, library.Input{Title: title, Body: p.Text,
					Variants: map[platform.Name]string{name: p.Text}, Tags: tags, CampaignID: camp.ID})
				if err != nil {
					return res, Say(known(err), "campaign %s was created with %d of %d drafts; draft %d failed: %v", camp.ID, len(res.Drafts), len(a.Posts), i+1, err)
				}
				res.Drafts = append(res.Drafts, it.ID)
			}
			linked, err := cp.Campaigns.LinkCRM(ctx, c, camp.ID)
			switch {
			case err == nil:
				res.Campaign, res.CRM = linked, "linked to CRM Campaign "+linked.CRMCampaignID
			case errors.Is(err, campaigns.ErrZohoNotConnected):
				res.CRM = "Zoho is not connected, so no CRM Campaign record was made (connect Zoho, then link it from the campaign)"
			default:
				res.CRM = "the CRM Campaign record could not be made: " + err.Error()
			}
			return res, nil
		}, Mutating(), OpenWorld(), WithPreview(func(_ context.Context, _ identity.Caller, a planArgs) (string, error) {
			var b strings.Builder
			fmt.Fprintf(&b, "Create the marketing campaign %q (%s to %s) with %d drafts in the library:", a.Name, a.StartDate, a.EndDate, len(a.Posts))
			for _, p := range a.Posts {
				fmt.Fprintf(&b, "\n- week %d, %s %s: %s", max(p.Week, 1), p.Platform, p.When, p.Text)
			}
			return b.String(), nil
		}))
}
