package agents

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/analytics"
	"github.com/marketingminds/marketingminds/tools/campaigns"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/library"
	"github.com/marketingminds/marketingminds/tools/memory"
	"github.com/marketingminds/marketingminds/tools/publish"
	"github.com/marketingminds/marketingminds/tools/schedule"
)

// Accounts is the accounts capability as the tools call it (*accounts.Service).
type Accounts interface {
	Connect(ctx context.Context, c identity.Caller, p platform.Name, ret accounts.ReturnTo) (string, error)
	List(ctx context.Context, c identity.Caller, p platform.Name) ([]accounts.Account, error)
	Disconnect(ctx context.Context, c identity.Caller, id string) (accounts.Account, error)
}

// Posts is the publishing capability (*publish.Service).
type Posts interface {
	PublishNow(ctx context.Context, c identity.Caller, req publish.Request) (publish.Outcome, error)
	Schedule(ctx context.Context, c identity.Caller, req publish.Request, at time.Time) (publish.Scheduled, error)
	List(ctx context.Context, c identity.Caller, limit int, cursor string, opts ...publish.ListOption) ([]publish.PostView, string, error)
	Get(ctx context.Context, c identity.Caller, id string) (publish.PostView, error)
	Retry(ctx context.Context, c identity.Caller, id string) (publish.Outcome, error)
	Cancel(ctx context.Context, c identity.Caller, id string) (publish.PostView, error)
	ParseTime(ctx context.Context, c identity.Caller, v string) (time.Time, error)
	// Preflight runs publishing's checks without storing or sending anything.
	Preflight(ctx context.Context, c identity.Caller, req publish.Request, at time.Time) (publish.Checked, error)
}

// Targets says which accounts a post goes to (*publish.Resolver).
type Targets interface {
	Resolve(ctx context.Context, c identity.Caller, w publish.Where) ([]publish.Target, error)
}

// Jobs is the scheduler (*schedule.Scheduler).
type Jobs interface {
	Get(ctx context.Context, workspaceID, id string) (*schedule.Job, error)
	List(ctx context.Context, workspaceID string, f schedule.Filter) ([]schedule.Job, string, error)
	Cancel(ctx context.Context, workspaceID, id string) error
}

// Analytics is the analytics capability (*analytics.Service).
type Analytics interface {
	Aggregate(ctx context.Context, c identity.Caller, rg analytics.Range) (analytics.Aggregate, error)
	Review(ctx context.Context, c identity.Caller, rg analytics.Range) (analytics.Review, error)
	LastDays(ctx context.Context, c identity.Caller, n int) (analytics.Range, error)
	BestTimes(ctx context.Context, c identity.Caller, p platform.Name) (analytics.BestTimes, error)
	Overview(ctx context.Context, c identity.Caller) (analytics.Overview, error)
}

// Campaigns is e-mail (Zoho Campaigns) and CRM (Zoho CRM) (*campaigns.Service).
type Campaigns interface {
	MailingLists(ctx context.Context, c identity.Caller) ([]campaigns.MailingList, error)
	CreateEmail(ctx context.Context, c identity.Caller, in campaigns.NewEmail) (campaigns.EmailCampaign, error)
	GetEmail(ctx context.Context, c identity.Caller, id string) (campaigns.EmailCampaign, error)
	ParseTime(ctx context.Context, c identity.Caller, v string) (time.Time, error)
	ScheduleEmail(ctx context.Context, c identity.Caller, id string, at time.Time) (campaigns.EmailCampaign, error)
	EmailReport(ctx context.Context, c identity.Caller, id string) (campaigns.EmailCampaign, error)
	CRMCounts(ctx context.Context, c identity.Caller) (map[string]int, error)
	SearchLeads(ctx context.Context, c identity.Caller, q string, limit int) ([]campaigns.CRMRecord, error)
	CreateCampaign(ctx context.Context, c identity.Caller, in campaigns.NewCampaign) (campaigns.Campaign, error)
	LinkCRM(ctx context.Context, c identity.Caller, id string) (campaigns.Campaign, error)
}

// Memories is the memory capability (*memory.Service).
type Memories interface {
	Remember(ctx context.Context, c identity.Caller, n memory.Note) (memory.Item, error)
	Recall(ctx context.Context, c identity.Caller, scope memory.Scope, query string) ([]memory.Item, error)
}

// Library is the content library (*library.Service).
type Library interface {
	Create(ctx context.Context, c identity.Caller, kind library.Kind, in library.Input) (library.Item, error)
	List(ctx context.Context, c identity.Caller, f library.Filter) (library.Page, error)
	SuggestHashtags(ctx context.Context, c identity.Caller, text, platformName string, n int) (library.Suggestions, error)
}

// Capabilities are the services the core tools call; a nil one leaves its
// tools out.
type Capabilities struct {
	Accounts  Accounts
	Posts     Posts
	Targets   Targets
	Groups    Groups
	Jobs      Jobs
	Analytics Analytics
	Memory    Memories
	Campaigns Campaigns
	Library   Library
	Media     Media
	Inbox     Inbox
	Converter MediaConverter
	// Now is the clock of relative ranges ("the last 7 days"); nil: time.Now.
	Now func() time.Time
}

// CoreTools returns the tools over the capabilities that are set. Adding a
// tool is one NewTool line in one of the lists below.
func CoreTools(cp Capabilities) []Tool {
	if cp.Now == nil {
		cp.Now = time.Now
	}
	var out []Tool
	if cp.Accounts != nil {
		out = append(out, accountTools(cp)...)
	}
	if cp.Accounts != nil && cp.Posts != nil && cp.Targets != nil {
		out = append(out, postTools(cp)...)
	}
	if d, ok := cp.Targets.(DefaultAccounts); ok {
		out = append(out, defaultTools(d)...)
	}
	if cp.Groups != nil {
		out = append(out, groupTools(cp.Groups, cp.Targets)...)
	}
	if cp.Posts != nil && cp.Jobs != nil {
		out = append(out, jobTools(cp)...)
	}
	if cp.Analytics != nil {
		out = append(out, analyticsTools(cp)...)
	}
	if cp.Campaigns != nil {
		out = append(out, campaignTools(cp)...)
	}
	if cp.Library != nil {
		out = append(out, libraryTools(cp)...)
	}
	if cp.Inbox != nil {
		out = append(out, inboxTools(cp.Inbox)...)
	}
	if cp.Campaigns != nil && cp.Library != nil {
		out = append(out, planTool(cp))
	}
	if cp.Memory != nil {
		out = append(out, memoryTools(cp)...)
	}
	if cp.Media != nil {
		out = append(out, mediaTools(cp)...)
	}
	if cp.Converter != nil {
		out = append(out, convertTool(cp.Converter))
	}
	return out
}

// known turns the capabilities' errors people can act on into messages
// for the model; anything else stays internal.
func known(err error) error {
	if err == nil {
		return nil
	}
	var te *ToolError
	if errors.As(err, &te) {
		return err
	}
	for _, k := range []error{
		identity.ErrForbidden,
		accounts.ErrNotFound, accounts.ErrUnknownPlatform, accounts.ErrNeedsReauth, accounts.ErrDisconnected,
		publish.ErrNotFound, publish.ErrConflict, publish.ErrDuplicate, publish.ErrInvalid, publish.ErrUnknownAccount,
		schedule.ErrNotFound, schedule.ErrNotPending, analytics.ErrInvalid, analytics.ErrNotFound, memory.ErrInvalid, memory.ErrFull,
		library.ErrNotFound, library.ErrConflict, library.ErrInvalid,
		campaigns.ErrNotFound, campaigns.ErrInvalid, campaigns.ErrConflict, campaigns.ErrZohoNotConnected, campaigns.ErrZohoUnavailable,
	} {
		if errors.Is(err, k) {
			return Say(err, "%s", err.Error())
		}
	}
	var ve *publish.ValidationError
	if errors.As(err, &ve) {
		return Say(err, "%s", ve.Error())
	}
	var le *library.ValidationError
	if errors.As(err, &le) {
		return Say(err, "%s", le.Error())
	}
	return err
}

// platformOf reads a platform name as people write it ("X" is twitter).
func platformOf(s string) (platform.Name, error) {
	switch p := strings.ToLower(strings.TrimSpace(s)); p {
	case "x", "twitter":
		return platform.Twitter, nil
	case "facebook", "instagram", "linkedin", "zoho":
		return platform.Name(p), nil
	}
	return "", Say(nil, "unknown platform %q: use facebook, instagram, x (twitter), linkedin or zoho", s)
}

func describeAccount(a accounts.Account) string {
	return fmt.Sprintf("%s %s", a.Platform.Label(), accountName(a))
}
