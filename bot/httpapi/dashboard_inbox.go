package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/inbox"
)

// ReplyDrafter drafts an answer to an item in the brand's voice (the
// content writer), for the person to edit and send.
type ReplyDrafter interface {
	DraftReply(ctx context.Context, c identity.Caller, it inbox.Item) (string, error)
}

// inboxFilters are the page's filters as the form and links carry them.
var inboxFilters = []string{"state", "platform", "account", "from", "to"}

type inboxData struct {
	Query     url.Values // the filters, as given
	Back      string     // the filters as a query string, for the forms
	Rows      []inboxRow
	Accounts  []inboxAccount
	Platforms []platform.Name
	NextHref  string
	Errors    map[string][]string
}

type inboxAccount struct{ ID, Label string }

// inboxRow is one item as the page shows it.
type inboxRow struct {
	inbox.Item
	Account string
	Ago     string // "3 h ago"
	When    string // the full time in the viewer's zone
	Offer   inbox.Offer
	Replies []inboxReply
	// Draft fills the reply box (Draft a reply); DraftNote says where it came from.
	Draft, DraftNote string
	// Handler is who marked the item handled, by name ("" when no one).
	Handler string
}

type inboxReply struct{ By, Text, When string }

// inboxPageRoutes are the dashboard's inbox page and its actions.
func (s *Server) inboxPageRoutes(mux *routeMux) {
	if s.deps.Inbox == nil {
		return
	}
	mux.Handle("GET /dashboard/inbox", s.page(identity.Viewer, "inbox", s.inboxPage))
	mux.Handle("POST /dashboard/inbox/{id}/{action}", s.page(identity.Editor, "inbox", s.inboxPageAction))
}

// inboxPage: GET /dashboard/inbox[?state=&platform=&account=&from=&to=&cursor=]
func (s *Server) inboxPage(w http.ResponseWriter, r *http.Request, v *view) {
	s.renderInbox(w, r, v, r.URL.Query(), http.StatusOK, nil)
}

// renderInbox shows the items q selects; draft, when set, fills one item's
// reply box.
func (s *Server) renderInbox(w http.ResponseWriter, r *http.Request, v *view, q url.Values, status int, draft *inboxRow) {
	f, problems := inboxFilter(q, v.Loc)
	d := &inboxData{Query: q, Back: inboxBack(q).Encode(), Errors: problems, Platforms: platform.Social}
	names := s.inboxAccounts(r.Context(), v.Caller, d)
	if len(problems) == 0 {
		page, err := s.deps.Inbox.List(r.Context(), v.Caller, f)
		if err != nil {
			s.inboxFailure(w, r, v, err)
			return
		}
		var who []string
		for _, it := range page.Items {
			who = append(who, it.HandledBy)
			for _, rep := range it.Replies {
				who = append(who, rep.By)
			}
		}
		s.learnNames(r.Context(), v, who...)
		for _, it := range page.Items {
			row := s.inboxRow(v.Loc, it, names, v.People)
			if draft != nil && draft.ID == it.ID {
				row.Draft, row.DraftNote = draft.Draft, draft.DraftNote
			}
			d.Rows = append(d.Rows, row)
		}
		if page.NextCursor != "" {
			next := inboxBack(q)
			next.Set("cursor", page.NextCursor)
			d.NextHref = "/dashboard/inbox?" + next.Encode()
		}
	}
	switch r.URL.Query().Get("did") {
	case "reply":
		v.Notice = "Reply sent."
	case "like":
		v.Notice = "Liked."
	case "hide":
		v.Notice = "Hidden on the platform."
	case "done":
		v.Notice = "Marked done."
	}
	v.Title, v.Data = "Inbox", d
	s.render(w, r, status, "inbox", v)
}

// inboxFilter reads the filters: the dates are days in the viewer's zone.
func inboxFilter(q url.Values, loc *time.Location) (inbox.Filter, map[string][]string) {
	f := inbox.Filter{Platform: platform.Name(q.Get("platform")), AccountID: q.Get("account"), Cursor: q.Get("cursor"), Limit: 25}
	problems := map[string][]string{}
	switch st := q.Get("state"); st {
	case "", "all":
	case inbox.StateNew, inbox.StateAnswered, inbox.StateHidden, inbox.StateDone:
		f.State = st
	default:
		problems["state"] = append(problems["state"], "Pick one of the states offered.")
	}
	day := func(field string) time.Time {
		v := q.Get(field)
		if v == "" {
			return time.Time{}
		}
		t, err := time.ParseInLocation("2006-01-02", v, loc)
		if err != nil {
			problems[field] = append(problems[field], "Give a date like 2026-12-01.")
		}
		return t
	}
	f.Since = day("from")
	if to := day("to"); !to.IsZero() {
		f.Until = to.AddDate(0, 0, 1)
	}
	if !f.Since.IsZero() && !f.Until.IsZero() && !f.Until.After(f.Since) {
		problems["to"] = append(problems["to"], "The last day comes before the first.")
	}
	if len(problems) == 0 {
		return f, nil
	}
	return f, problems
}

// inboxBack keeps only the filters of q (no cursor), for links and redirects.
func inboxBack(q url.Values) url.Values {
	out := url.Values{}
	for _, k := range inboxFilters {
		if v := q.Get(k); v != "" {
			out.Set(k, v)
		}
	}
	return out
}

// inboxAccounts fills the account filter and returns the accounts' names.
func (s *Server) inboxAccounts(ctx context.Context, c identity.Caller, d *inboxData) map[string]string {
	names := map[string]string{}
	if s.deps.Accounts == nil {
		return names
	}
	list, err := s.deps.Accounts.List(ctx, c, "")
	if err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Msg("dashboard: inbox: accounts")
		return names
	}
	for _, a := range list {
		names[a.ID] = a.AccountName
		d.Accounts = append(d.Accounts, inboxAccount{ID: a.ID, Label: a.AccountName + " (" + a.Platform.Label() + ")"})
	}
	return names
}

func (s *Server) inboxRow(loc *time.Location, it inbox.Item, names map[string]string, who people) inboxRow {
	at := it.CreatedAt
	if at.IsZero() {
		at = it.ReceivedAt
	}
	row := inboxRow{Item: it, Account: names[it.AccountID], Ago: ago(s.deps.Now(), at), When: at.In(loc).Format("Mon 2 Jan 2006, 15:04 MST"), Offer: s.deps.Inbox.Offers(it)}
	row.Handler = who.Of(it.HandledBy)
	for _, r := range it.Replies {
		by := "The account"
		if r.By != "" {
			by = who.Subject(r.By)
		}
		when := r.At.In(loc).Format("Mon 2 Jan, 15:04")
		if r.ExternalID == "" {
			when = "sending…"
		}
		row.Replies = append(row.Replies, inboxReply{By: by, Text: r.Text, When: when})
	}
	return row
}

// ago is how long before now t was, as a person says it.
func ago(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d/time.Minute))
	case d < 24*time.Hour:
		return fmt.Sprintf("%d h ago", int(d/time.Hour))
	case d < 48*time.Hour:
		return "yesterday"
	}
	return fmt.Sprintf("%d days ago", int(d/(24*time.Hour)))
}

// inboxPageAction: POST /dashboard/inbox/{id}/{reply|draft|like|hide|done}
// through the same tools/inbox functions as REST and Slack; back (the
// page's filters) is where the person returns.
func (s *Server) inboxPageAction(w http.ResponseWriter, r *http.Request, v *view) {
	id, action := r.PathValue("id"), r.PathValue("action")
	back, _ := url.ParseQuery(r.PostFormValue("back"))
	back = inboxBack(back)
	ctx := r.Context()
	var err error
	switch action {
	case "reply":
		_, err = s.deps.Inbox.Reply(ctx, v.Caller, id, r.PostFormValue("text"))
	case "like":
		_, err = s.deps.Inbox.Like(ctx, v.Caller, id)
	case "hide":
		_, err = s.deps.Inbox.Hide(ctx, v.Caller, id)
	case "done":
		_, err = s.deps.Inbox.Done(ctx, v.Caller, id)
	case "draft":
		s.inboxDraft(w, r, v, id, back)
		return
	default:
		s.renderError(w, r, http.StatusNotFound, "No such action.")
		return
	}
	if err != nil {
		if errors.Is(err, inbox.ErrInvalid) && action == "reply" {
			v.Error = inboxWords(err)
			s.renderInbox(w, r, v, back, http.StatusUnprocessableEntity, &inboxRow{Item: inbox.Item{ID: id}, Draft: r.PostFormValue("text")})
			return
		}
		s.inboxFailure(w, r, v, err)
		return
	}
	back.Set("did", action)
	http.Redirect(w, r, "/dashboard/inbox?"+back.Encode()+"#item-"+url.PathEscape(id), http.StatusSeeOther)
}

// inboxDraft shows the page with the content writer's draft in the item's
// reply box, for the person to edit and send.
func (s *Server) inboxDraft(w http.ResponseWriter, r *http.Request, v *view, id string, back url.Values) {
	it, err := s.deps.Inbox.Get(r.Context(), v.Caller, id)
	if err != nil {
		s.inboxFailure(w, r, v, err)
		return
	}
	row := &inboxRow{Item: it, DraftNote: "A draft in your brand's voice: edit it, then send."}
	if s.deps.Drafter == nil {
		row.DraftNote = "Drafting needs the assistant, which is not served here; write your reply."
	} else if row.Draft, err = s.deps.Drafter.DraftReply(r.Context(), v.Caller, it); err != nil {
		zerolog.Ctx(r.Context()).Warn().Err(err).Str("item", id).Msg("dashboard: draft a reply")
		row.DraftNote = "I could not draft a reply this time; write yours."
	}
	s.renderInbox(w, r, v, back, http.StatusOK, row)
}

// inboxWords is what an inbox refusal says, without the package's prefix.
func inboxWords(err error) string {
	msg := err.Error()
	if _, after, ok := strings.Cut(msg, inbox.ErrInvalid.Error()+": "); ok {
		msg = after
	}
	return strings.ToUpper(msg[:1]) + msg[1:] + "."
}

// inboxFailure renders an inbox error as a page: another workspace's item
// is not found.
func (s *Server) inboxFailure(w http.ResponseWriter, r *http.Request, v *view, err error) {
	status, msg := http.StatusInternalServerError, "That failed on our side; try again shortly."
	switch {
	case errors.Is(err, inbox.ErrNotFound):
		status, msg = http.StatusNotFound, "No such comment or mention in this workspace."
	case errors.Is(err, identity.ErrForbidden):
		status, msg = http.StatusForbidden, "Viewers can read the inbox but not answer it."
	case errors.Is(err, inbox.ErrInvalid):
		status, msg = http.StatusUnprocessableEntity, inboxWords(err)
	case errors.Is(err, inbox.ErrBusy):
		status, msg = http.StatusConflict, "This reply is being sent right now."
	default:
		zerolog.Ctx(r.Context()).Error().Err(err).Msg("dashboard: inbox")
	}
	v.Title, v.Error, v.Data = http.StatusText(status), msg, nil
	s.render(w, r, status, "error", v)
}
