package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/settings"
)

// TokenAdmin is the workspace's API tokens as an admin manages them
// (*identity.Service).
type TokenAdmin interface {
	IssueToken(ctx context.Context, c identity.Caller, name string, role identity.Role) (identity.CreatedToken, error)
	WorkspaceTokens(ctx context.Context, c identity.Caller) ([]identity.Token, error)
	RevokeWorkspaceToken(ctx context.Context, c identity.Caller, id string) (identity.Token, error)
}

type settingsData struct {
	Settings settings.Settings
	// Form holds what was sent when it was refused.
	Form     settings.Settings
	Errors   map[string][]string
	Policies []settings.Policy
	Roles    []identity.Role // an API token's
	NewRoles []identity.Role // new Slack users' (never admin)
	Zones    []string        // the time zone list
	IsAdmin  bool
	Tokens   []identity.Token
	// NewToken is a token just created: its secret, shown this once.
	NewToken  *identity.CreatedToken
	TokenName string
	TokenRole identity.Role
	// Defaults are the platforms with several accounts and their default.
	Defaults  []defaultRow
	CanChoose bool // editors and admins set default accounts
}

// settingsData reads the settings and, for an admin, the tokens.
func (s *Server) settingsData(r *http.Request, v *view) (*settingsData, error) {
	st, err := s.deps.Settings.Get(r.Context(), v.Caller)
	if err != nil {
		return nil, err
	}
	d := &settingsData{Settings: st, Form: st, Errors: map[string][]string{}, IsAdmin: v.Caller.Role.AtLeast(identity.Admin),
		Policies: []settings.Policy{settings.PolicyAgent, settings.PolicyAlways, settings.PolicyNever},
		Roles:    []identity.Role{identity.Viewer, identity.Editor, identity.Admin}, TokenRole: identity.Editor,
		NewRoles: settings.NewUserRoles(), Zones: settings.TimeZones()}
	if d.IsAdmin && s.deps.Tokens != nil {
		if d.Tokens, err = s.deps.Tokens.WorkspaceTokens(r.Context(), v.Caller); err != nil {
			return nil, err
		}
	}
	who := []string{st.UpdatedBy}
	for _, t := range d.Tokens {
		who = append(who, t.UserID)
	}
	s.learnNames(r.Context(), v, who...)
	d.CanChoose = v.Caller.Role.AtLeast(identity.Editor)
	if d.Defaults, err = s.defaultRows(r.Context(), v.Caller); err != nil {
		return nil, err
	}
	return d, nil
}

func (s *Server) settingsFailure(w http.ResponseWriter, r *http.Request, v *view, err error) {
	status, msg := http.StatusInternalServerError, "That failed on our side; try again shortly."
	switch {
	case errors.Is(err, identity.ErrForbidden):
		status, msg = http.StatusForbidden, err.Error()
	case errors.Is(err, identity.ErrNotFound):
		status, msg = http.StatusNotFound, "No such live API token in this workspace."
	default:
		zerolog.Ctx(r.Context()).Error().Err(err).Msg("dashboard: settings")
	}
	v.Title, v.Error, v.Data = http.StatusText(status), msg, nil
	s.render(w, r, status, "error", v)
}

// settingsPage: GET /dashboard/settings
func (s *Server) settingsPage(w http.ResponseWriter, r *http.Request, v *view) {
	d, err := s.settingsData(r, v)
	if err != nil {
		s.settingsFailure(w, r, v, err)
		return
	}
	q := r.URL.Query()
	switch {
	case q.Get("saved") != "":
		v.Notice = "Settings saved."
	case q.Get("revoked") != "":
		v.Notice = "Token revoked: it no longer works."
	}
	v.Title, v.Data = "Settings", d
	s.render(w, r, http.StatusOK, "settings", v)
}

// settingsSave: POST /dashboard/settings through settings.Update (as
// PATCH /api/settings); admins only.
func (s *Server) settingsSave(w http.ResponseWriter, r *http.Request, v *view) {
	field := func(k string) *string { x := strings.TrimSpace(r.PostFormValue(k)); return &x }
	p := settings.Patch{ApprovalPolicy: field("approval_policy"), NotificationChannel: field("notification_channel"),
		TimeZone: field("time_zone"), DefaultRole: field("default_role"), ConversationRetentionDays: days(r.PostFormValue("conversation_retention_days")),
		DigestChannel: field("digest_channel"), InboxChannel: field("inbox_channel")}
	digest := r.PostFormValue("weekly_digest") == "on"
	p.WeeklyDigest = &digest
	if _, err := s.deps.Settings.Update(r.Context(), v.Caller, p); err != nil {
		var ve *settings.ValidationError
		if !errors.As(err, &ve) {
			s.settingsFailure(w, r, v, err)
			return
		}
		d, derr := s.settingsData(r, v)
		if derr != nil {
			s.settingsFailure(w, r, v, derr)
			return
		}
		d.Form = settings.Settings{ApprovalPolicy: settings.Policy(*p.ApprovalPolicy), NotificationChannel: *p.NotificationChannel,
			TimeZone: *p.TimeZone, DefaultRole: identity.Role(*p.DefaultRole), ConversationRetentionDays: d.Form.ConversationRetentionDays,
			WeeklyDigest: digest, DigestChannel: *p.DigestChannel, InboxChannel: *p.InboxChannel}
		if p.ConversationRetentionDays != nil {
			d.Form.ConversationRetentionDays = *p.ConversationRetentionDays
		}
		for _, pr := range ve.Problems {
			d.Errors[pr.Field] = append(d.Errors[pr.Field], pr.Message)
		}
		v.Title, v.Data, v.Error = "Settings", d, "Nothing was saved: fix the fields marked below."
		s.render(w, r, http.StatusUnprocessableEntity, "settings", v)
		return
	}
	http.Redirect(w, r, "/dashboard/settings?saved=1", http.StatusSeeOther)
}

// days reads the form's number of days for settings.Update: empty is 0
// (the default), anything but a whole number is -1, which Update refuses
// with its own words.
func days(v string) *int {
	v = strings.TrimSpace(v)
	n := 0
	if v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			n = -1
		}
	}
	return &n
}

// tokenCreate: POST /dashboard/settings/tokens shows the new token's
// secret once, in this answer only (never stored, never in a URL).
func (s *Server) tokenCreate(w http.ResponseWriter, r *http.Request, v *view) {
	name, role := r.PostFormValue("name"), identity.Role(r.PostFormValue("role"))
	created, err := s.deps.Tokens.IssueToken(r.Context(), v.Caller, name, role)
	if err != nil && !errors.Is(err, identity.ErrInvalidRequest) {
		s.settingsFailure(w, r, v, err)
		return
	}
	d, derr := s.settingsData(r, v)
	if derr != nil {
		s.settingsFailure(w, r, v, derr)
		return
	}
	v.Title, v.Data = "Settings", d
	if err != nil {
		d.TokenName, d.TokenRole = name, role
		d.Errors["token"] = []string{strings.TrimPrefix(err.Error(), identity.ErrInvalidRequest.Error()+": ")}
		v.Error = "No token was created: see below."
		s.render(w, r, http.StatusUnprocessableEntity, "settings", v)
		return
	}
	zerolog.Ctx(r.Context()).Info().Str("token", created.Record.ID).Str("role", string(created.Record.Role)).Msg("dashboard: API token created")
	d.NewToken = &created
	s.render(w, r, http.StatusOK, "settings", v)
}

// tokenRevoke: POST /dashboard/settings/tokens/{id}/revoke
func (s *Server) tokenRevoke(w http.ResponseWriter, r *http.Request, v *view) {
	if _, err := s.deps.Tokens.RevokeWorkspaceToken(r.Context(), v.Caller, r.PathValue("id")); err != nil {
		s.settingsFailure(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/dashboard/settings?revoked=1", http.StatusSeeOther)
}

func (s *Server) settingsRoutes(mux *routeMux) {
	if s.deps.Settings == nil {
		return
	}
	mux.Handle("GET /dashboard/settings", s.page(identity.Viewer, "settings", s.settingsPage))
	mux.Handle("POST /dashboard/settings", s.page(identity.Admin, "settings", s.settingsSave))
	if s.deps.Defaults != nil {
		mux.Handle("POST /dashboard/settings/defaults", s.page(identity.Editor, "settings", s.defaultSave))
	}
	if s.deps.Tokens != nil {
		mux.Handle("POST /dashboard/settings/tokens", s.page(identity.Admin, "settings", s.tokenCreate))
		mux.Handle("POST /dashboard/settings/tokens/{id}/revoke", s.page(identity.Admin, "settings", s.tokenRevoke))
	}
}
