package campaigns

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/zoho"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// Limits of a marketing campaign's fields.
const (
	maxName = 200
	maxGoal = 2000
	maxTag  = 50
)

// NewCampaign is what creating a marketing campaign takes. Dates are days
// (YYYY-MM-DD) or empty.
type NewCampaign struct {
	Name      string `json:"name"`
	Goal      string `json:"goal"`
	StartDate string `json:"start_date"`
	EndDate   string `json:"end_date"`
	Tag       string `json:"tag"`
}

// CampaignPatch changes the fields that are set.
type CampaignPatch struct {
	Name      *string `json:"name"`
	Goal      *string `json:"goal"`
	StartDate *string `json:"start_date"`
	EndDate   *string `json:"end_date"`
	Tag       *string `json:"tag"`
}

func validCampaign(c Campaign) error {
	var probs []string
	switch n := strings.TrimSpace(c.Name); {
	case n == "":
		probs = append(probs, "name is required")
	case utf8.RuneCountInString(n) > maxName:
		probs = append(probs, fmt.Sprintf("name is longer than %d characters", maxName))
	}
	if utf8.RuneCountInString(c.Goal) > maxGoal {
		probs = append(probs, fmt.Sprintf("goal is longer than %d characters", maxGoal))
	}
	if utf8.RuneCountInString(c.Tag) > maxTag || strings.ContainsAny(c.Tag, " \t\n") {
		probs = append(probs, fmt.Sprintf("tag must be one word of at most %d characters", maxTag))
	}
	var start, end time.Time
	for _, d := range []struct {
		field, v string
		t        *time.Time
	}{{"start_date", c.StartDate, &start}, {"end_date", c.EndDate, &end}} {
		if d.v == "" {
			continue
		}
		t, err := time.Parse(time.DateOnly, d.v)
		if err != nil {
			probs = append(probs, fmt.Sprintf("%s %q is not a date like 2026-12-01", d.field, d.v))
		}
		*d.t = t
	}
	if !start.IsZero() && !end.IsZero() && end.Before(start) {
		probs = append(probs, "end_date is before start_date")
	}
	if len(probs) > 0 {
		return invalid("%s", strings.Join(probs, "; "))
	}
	return nil
}

// CreateCampaign creates a marketing campaign. Editors and admins.
func (s *Service) CreateCampaign(ctx context.Context, c identity.Caller, in NewCampaign) (Campaign, error) {
	if err := c.Require(identity.Editor); err != nil {
		return Campaign{}, err
	}
	now := s.now()
	cp := Campaign{ID: store.NewID(), WorkspaceID: c.WorkspaceID, Name: strings.TrimSpace(in.Name), Goal: strings.TrimSpace(in.Goal),
		StartDate: in.StartDate, EndDate: in.EndDate, Tag: strings.TrimSpace(in.Tag), CreatedBy: c.UserID, CreatedAt: now, UpdatedAt: now, Rev: 1}
	if err := validCampaign(cp); err != nil {
		return Campaign{}, err
	}
	if err := s.st.CreateCampaign(ctx, cp); err != nil {
		return Campaign{}, err
	}
	return cp, nil
}

// GetCampaign returns one marketing campaign; another workspace's id is
// ErrNotFound. Any role.
func (s *Service) GetCampaign(ctx context.Context, c identity.Caller, id string) (Campaign, error) {
	if err := c.Require(identity.Viewer); err != nil {
		return Campaign{}, err
	}
	return s.st.GetCampaign(ctx, c.WorkspaceID, id)
}

// ListCampaigns lists the workspace's marketing campaigns, newest first.
func (s *Service) ListCampaigns(ctx context.Context, c identity.Caller) ([]Campaign, error) {
	if err := c.Require(identity.Viewer); err != nil {
		return nil, err
	}
	return s.st.ListCampaigns(ctx, c.WorkspaceID)
}

// Check says whether campaignID is a marketing campaign of the caller's
// workspace (ErrNotFound otherwise): what attaching a post or an e-mail to
// a campaign asks first.
func (s *Service) Check(ctx context.Context, c identity.Caller, campaignID string) error {
	if _, err := s.st.GetCampaign(ctx, c.WorkspaceID, campaignID); err != nil {
		if errors.Is(err, ErrNotFound) {
			return fmt.Errorf("%w: no marketing campaign %q in this workspace", ErrNotFound, campaignID)
		}
		return err
	}
	return nil
}

// UpdateCampaign changes a marketing campaign's fields. Editors and admins.
func (s *Service) UpdateCampaign(ctx context.Context, c identity.Caller, id string, p CampaignPatch) (Campaign, error) {
	if err := c.Require(identity.Editor); err != nil {
		return Campaign{}, err
	}
	return s.changeCampaign(ctx, c, id, func(cp *Campaign) error {
		for _, f := range []struct {
			v   *string
			dst *string
		}{{p.Name, &cp.Name}, {p.Goal, &cp.Goal}, {p.StartDate, &cp.StartDate}, {p.EndDate, &cp.EndDate}, {p.Tag, &cp.Tag}} {
			if f.v != nil {
				*f.dst = strings.TrimSpace(*f.v)
			}
		}
		return validCampaign(*cp)
	})
}

// changeCampaign applies fn to the stored campaign and saves it over its
// revision, reading again when another write came first.
func (s *Service) changeCampaign(ctx context.Context, c identity.Caller, id string, fn func(*Campaign) error) (Campaign, error) {
	for range 5 {
		cp, err := s.st.GetCampaign(ctx, c.WorkspaceID, id)
		if err != nil {
			return Campaign{}, err
		}
		if err := fn(&cp); err != nil {
			return Campaign{}, err
		}
		cp.UpdatedAt = s.now()
		ok, err := s.st.SaveCampaign(ctx, cp)
		if err != nil {
			return Campaign{}, err
		}
		if ok {
			cp.Rev++
			return cp, nil
		}
	}
	return Campaign{}, fmt.Errorf("%w: campaign %s kept changing; try again", ErrConflict, id)
}

// LinkCRM creates a Zoho CRM Campaigns record for the marketing campaign
// and keeps its id; a campaign already linked is returned as it is.
// Editors and admins.
func (s *Service) LinkCRM(ctx context.Context, c identity.Caller, id string) (Campaign, error) {
	if err := c.Require(identity.Editor); err != nil {
		return Campaign{}, err
	}
	cp, err := s.st.GetCampaign(ctx, c.WorkspaceID, id)
	if err != nil || cp.CRMCampaignID != "" {
		return cp, err
	}
	tok, err := s.token(ctx, c)
	if err != nil {
		return Campaign{}, err
	}
	rec := zoho.CRMCampaign{Name: cp.Name, Type: "Others", Status: crmStatus(cp, s.now()), Description: cp.Goal}
	rec.StartDate, _ = time.Parse(time.DateOnly, cp.StartDate)
	rec.EndDate, _ = time.Parse(time.DateOnly, cp.EndDate)
	crmID, err := s.cfg.Zoho.CreateCRMCampaign(ctx, tok, rec)
	if err != nil {
		return Campaign{}, zohoError("create CRM campaign", err)
	}
	return s.changeCampaign(context.WithoutCancel(ctx), c, id, func(cp *Campaign) error {
		cp.CRMCampaignID = crmID
		return nil
	})
}

// crmStatus is the CRM status its dates give a campaign on now's day.
func crmStatus(cp Campaign, now time.Time) string {
	today := now.UTC().Format(time.DateOnly)
	switch {
	case cp.EndDate != "" && cp.EndDate < today:
		return "Complete"
	case cp.StartDate != "" && cp.StartDate > today:
		return "Planning"
	case cp.StartDate != "":
		return "Active"
	}
	return "Planning"
}
