package agents

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/library"
)

// TestCampaignPlanTool: an agreed plan becomes a marketing campaign with
// its drafts in the library, linked to a CRM Campaign once Zoho is
// connected; it waits for approval like any action with effects.
func TestCampaignPlanTool(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	o := w.orchestrator(t, &scripted{}, nil)
	ctx := context.Background()
	agent := editor
	agent.Door = "agent"
	var plan Tool
	for _, tl := range o.Tools() {
		if tl.Name == "create_campaign_plan" {
			plan = tl
		}
	}
	if !plan.SideEffect {
		t.Fatalf("create_campaign_plan = %+v; want a tool with side effects (approval)", plan)
	}
	args := `{"name":"Winter launch","goal":"200 sign-ups","start_date":"2026-12-07","end_date":"2026-12-20","tag":"winter",
		"posts":[{"week":1,"platform":"x","when":"Tuesday 09:00","text":"Winter is here."},{"week":2,"platform":"linkedin","text":"Two weeks of winter."}]}`
	call := func() PlanResult {
		t.Helper()
		out, err := plan.Call(ctx, agent, json.RawMessage(args))
		if err != nil {
			t.Fatal(err)
		}
		return out.(PlanResult)
	}
	res := call()
	if res.Campaign.ID == "" || len(res.Drafts) != 2 || !strings.Contains(res.CRM, "Zoho is not connected") {
		t.Fatalf("without Zoho = %+v", res)
	}
	page, err := w.caps.Library.List(ctx, editor, library.Filter{Kind: library.KindContent, CampaignID: res.Campaign.ID})
	if err != nil || len(page.Items) != 2 || page.Items[0].CampaignID != res.Campaign.ID {
		t.Fatalf("drafts = %+v, %v", page.Items, err)
	}
	for _, it := range page.Items {
		if len(it.Variants) != 1 || !strings.Contains(it.Title, "Winter launch: week") {
			t.Fatalf("draft %+v; want one platform's variant and a title naming the week", it)
		}
	}

	w.connect(t, editor, platform.Zoho)
	if res := call(); res.Campaign.CRMCampaignID == "" || !strings.Contains(res.CRM, res.Campaign.CRMCampaignID) {
		t.Fatalf("with Zoho = %+v; want a CRM Campaign record", res)
	}

	_, err = plan.Call(ctx, agent, json.RawMessage(`{"name":"Bad","start_date":"2026-12-07","end_date":"2026-12-20","posts":[{"platform":"myspace","text":"x"}]}`))
	var ae *ArgsError
	if !errors.As(err, &ae) {
		t.Fatalf("unknown platform: %v; want an argument error", err)
	}
}
