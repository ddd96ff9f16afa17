package campaigns

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/marketingminds/marketingminds/integrations/store"
)

// mongoStore keeps campaigns and e-mail campaigns under their id, CRM
// records under (workspace, module, record id) and fetches under
// (workspace, module), so upserts never make a second document.
type mongoStore struct{ db *store.DB }

func (s *mongoStore) c(name string) *mongo.Collection { return s.db.Mongo.Collection(name) }

// zeroDate is how a zero time is stored (never a missing field).
var zeroDate = time.UnixMilli(0).UTC()

func mdate(t time.Time) time.Time {
	if t.IsZero() {
		return zeroDate
	}
	return store.Trunc(t)
}

// fromDate reads a stored date back; the zero time round-trips as zero.
func fromDate(t time.Time) time.Time {
	if t.IsZero() || t.Equal(zeroDate) {
		return time.Time{}
	}
	return t.UTC()
}

type campaignDoc struct {
	ID            string    `bson:"_id"`
	WorkspaceID   string    `bson:"workspace_id"`
	Name          string    `bson:"name"`
	Goal          string    `bson:"goal"`
	StartDate     string    `bson:"start_date"`
	EndDate       string    `bson:"end_date"`
	Tag           string    `bson:"tag"`
	CRMCampaignID string    `bson:"crm_campaign_id"`
	CreatedBy     string    `bson:"created_by"`
	CreatedAt     time.Time `bson:"created_at"`
	UpdatedAt     time.Time `bson:"updated_at"`
	Rev           int64     `bson:"rev"`
}

func (d campaignDoc) campaign() Campaign {
	return Campaign{ID: d.ID, WorkspaceID: d.WorkspaceID, Name: d.Name, Goal: d.Goal, StartDate: d.StartDate, EndDate: d.EndDate,
		Tag: d.Tag, CRMCampaignID: d.CRMCampaignID, CreatedBy: d.CreatedBy, CreatedAt: fromDate(d.CreatedAt),
		UpdatedAt: fromDate(d.UpdatedAt), Rev: d.Rev}
}

func (s *mongoStore) CreateCampaign(ctx context.Context, c Campaign) error {
	defer s.db.Observe("campaigns.create_campaign")()
	_, err := s.c(collCampaigns).InsertOne(ctx, campaignDoc{ID: c.ID, WorkspaceID: c.WorkspaceID, Name: c.Name, Goal: c.Goal,
		StartDate: c.StartDate, EndDate: c.EndDate, Tag: c.Tag, CRMCampaignID: c.CRMCampaignID, CreatedBy: c.CreatedBy,
		CreatedAt: mdate(c.CreatedAt), UpdatedAt: mdate(c.UpdatedAt), Rev: 1})
	if err != nil {
		return wrapf(err, "create campaign")
	}
	return nil
}

func (s *mongoStore) GetCampaign(ctx context.Context, workspaceID, id string) (Campaign, error) {
	defer s.db.Observe("campaigns.get_campaign")()
	var d campaignDoc
	err := s.c(collCampaigns).FindOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "workspace_id", Value: workspaceID}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Campaign{}, ErrNotFound
	}
	if err != nil {
		return Campaign{}, wrapf(err, "get campaign")
	}
	return d.campaign(), nil
}

func (s *mongoStore) ListCampaigns(ctx context.Context, workspaceID string) ([]Campaign, error) {
	defer s.db.Observe("campaigns.list_campaigns")()
	cur, err := s.c(collCampaigns).Find(ctx, bson.D{{Key: "workspace_id", Value: workspaceID}},
		options.Find().SetSort(bson.D{{Key: "created_at", Value: -1}, {Key: "_id", Value: -1}}))
	if err != nil {
		return nil, wrapf(err, "list campaigns")
	}
	var docs []campaignDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, wrapf(err, "list campaigns")
	}
	out := make([]Campaign, len(docs))
	for i, d := range docs {
		out[i] = d.campaign()
	}
	return out, nil
}

func (s *mongoStore) SaveCampaign(ctx context.Context, c Campaign) (bool, error) {
	defer s.db.Observe("campaigns.save_campaign")()
	res, err := s.c(collCampaigns).UpdateOne(ctx,
		bson.D{{Key: "_id", Value: c.ID}, {Key: "workspace_id", Value: c.WorkspaceID}, {Key: "rev", Value: c.Rev}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "name", Value: c.Name}, {Key: "goal", Value: c.Goal},
			{Key: "start_date", Value: c.StartDate}, {Key: "end_date", Value: c.EndDate}, {Key: "tag", Value: c.Tag},
			{Key: "crm_campaign_id", Value: c.CRMCampaignID}, {Key: "updated_at", Value: mdate(c.UpdatedAt)}}},
			{Key: "$inc", Value: bson.D{{Key: "rev", Value: 1}}}})
	if err != nil {
		return false, wrapf(err, "save campaign %s", c.ID)
	}
	return res.ModifiedCount == 1, nil
}

type emailDoc struct {
	ID          string    `bson:"_id"`
	WorkspaceID string    `bson:"workspace_id"`
	CampaignID  string    `bson:"campaign_id"`
	Name        string    `bson:"name"`
	Subject     string    `bson:"subject"`
	FromEmail   string    `bson:"from_email"`
	FromName    string    `bson:"from_name"`
	HTML        string    `bson:"html"`
	Text        string    `bson:"text"`
	ListKeys    []string  `bson:"list_keys"`
	ContentKey  string    `bson:"content_key"`
	CampaignKey string    `bson:"campaign_key"`
	Status      string    `bson:"status"`
	ScheduledAt time.Time `bson:"scheduled_at"`
	JobID       string    `bson:"job_id"`
	SentAt      time.Time `bson:"sent_at"`
	LastError   string    `bson:"last_error"`
	Report      *Report   `bson:"report,omitempty"`
	ReportAt    time.Time `bson:"report_at"`
	CreatedBy   string    `bson:"created_by"`
	CreatedAt   time.Time `bson:"created_at"`
	UpdatedAt   time.Time `bson:"updated_at"`
	Rev         int64     `bson:"rev"`
}

func (d emailDoc) email() EmailCampaign {
	lists := d.ListKeys
	if lists == nil {
		lists = []string{}
	}
	return EmailCampaign{ID: d.ID, WorkspaceID: d.WorkspaceID, CampaignID: d.CampaignID, Name: d.Name, Subject: d.Subject,
		FromEmail: d.FromEmail, FromName: d.FromName, HTML: d.HTML, Text: d.Text, ListKeys: lists, ContentKey: d.ContentKey,
		CampaignKey: d.CampaignKey, Status: EmailStatus(d.Status), ScheduledAt: fromDate(d.ScheduledAt), JobID: d.JobID,
		SentAt: fromDate(d.SentAt), LastError: d.LastError, Report: d.Report, ReportAt: fromDate(d.ReportAt),
		CreatedBy: d.CreatedBy, CreatedAt: fromDate(d.CreatedAt), UpdatedAt: fromDate(d.UpdatedAt), Rev: d.Rev}
}

func (s *mongoStore) CreateEmail(ctx context.Context, e EmailCampaign) error {
	defer s.db.Observe("campaigns.create_email")()
	_, err := s.c(collEmails).InsertOne(ctx, emailDoc{ID: e.ID, WorkspaceID: e.WorkspaceID, CampaignID: e.CampaignID, Name: e.Name,
		Subject: e.Subject, FromEmail: e.FromEmail, FromName: e.FromName, HTML: e.HTML, Text: e.Text, ListKeys: e.ListKeys,
		ContentKey: e.ContentKey, CampaignKey: e.CampaignKey, Status: string(e.Status), ScheduledAt: mdate(e.ScheduledAt),
		JobID: e.JobID, SentAt: mdate(e.SentAt), LastError: e.LastError, Report: e.Report, ReportAt: mdate(e.ReportAt),
		CreatedBy: e.CreatedBy, CreatedAt: mdate(e.CreatedAt), UpdatedAt: mdate(e.UpdatedAt), Rev: 1})
	if err != nil {
		return wrapf(err, "create email campaign")
	}
	return nil
}

func (s *mongoStore) oneEmail(ctx context.Context, filter bson.D) (EmailCampaign, error) {
	var d emailDoc
	err := s.c(collEmails).FindOne(ctx, filter).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return EmailCampaign{}, ErrNotFound
	}
	if err != nil {
		return EmailCampaign{}, wrapf(err, "get email campaign")
	}
	return d.email(), nil
}

func (s *mongoStore) GetEmail(ctx context.Context, workspaceID, id string) (EmailCampaign, error) {
	defer s.db.Observe("campaigns.get_email")()
	return s.oneEmail(ctx, bson.D{{Key: "_id", Value: id}, {Key: "workspace_id", Value: workspaceID}})
}

func (s *mongoStore) EmailByContentKey(ctx context.Context, key string) (EmailCampaign, error) {
	defer s.db.Observe("campaigns.email_by_content_key")()
	if key == "" {
		return EmailCampaign{}, ErrNotFound
	}
	return s.oneEmail(ctx, bson.D{{Key: "content_key", Value: key}})
}

func (s *mongoStore) emails(ctx context.Context, op string, filter, sort bson.D) ([]EmailCampaign, error) {
	cur, err := s.c(collEmails).Find(ctx, filter, options.Find().SetSort(sort))
	if err != nil {
		return nil, wrapf(err, "%s", op)
	}
	var docs []emailDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, wrapf(err, "%s", op)
	}
	out := make([]EmailCampaign, len(docs))
	for i, d := range docs {
		out[i] = d.email()
	}
	return out, nil
}

func (s *mongoStore) ListEmails(ctx context.Context, workspaceID, campaignID string) ([]EmailCampaign, error) {
	defer s.db.Observe("campaigns.list_emails")()
	filter := bson.D{{Key: "workspace_id", Value: workspaceID}}
	if campaignID != "" {
		filter = append(filter, bson.E{Key: "campaign_id", Value: campaignID})
	}
	return s.emails(ctx, "list email campaigns", filter, bson.D{{Key: "created_at", Value: -1}, {Key: "_id", Value: -1}})
}

func (s *mongoStore) SentEmails(ctx context.Context, workspaceID string, since time.Time) ([]EmailCampaign, error) {
	defer s.db.Observe("campaigns.sent_emails")()
	return s.emails(ctx, "sent email campaigns",
		bson.D{{Key: "workspace_id", Value: workspaceID}, {Key: "status", Value: string(EmailSent)},
			{Key: "sent_at", Value: bson.D{{Key: "$gte", Value: mdate(since)}}}},
		bson.D{{Key: "sent_at", Value: 1}, {Key: "_id", Value: 1}})
}

func (s *mongoStore) SaveEmail(ctx context.Context, e EmailCampaign) (bool, error) {
	defer s.db.Observe("campaigns.save_email")()
	set := bson.D{{Key: "campaign_key", Value: e.CampaignKey}, {Key: "status", Value: string(e.Status)},
		{Key: "scheduled_at", Value: mdate(e.ScheduledAt)}, {Key: "job_id", Value: e.JobID},
		{Key: "sent_at", Value: mdate(e.SentAt)}, {Key: "last_error", Value: e.LastError},
		{Key: "report_at", Value: mdate(e.ReportAt)}, {Key: "updated_at", Value: mdate(e.UpdatedAt)}}
	update := bson.D{{Key: "$inc", Value: bson.D{{Key: "rev", Value: 1}}}}
	if e.Report != nil {
		set = append(set, bson.E{Key: "report", Value: e.Report})
	} else {
		update = append(update, bson.E{Key: "$unset", Value: bson.D{{Key: "report", Value: ""}}})
	}
	update = append(update, bson.E{Key: "$set", Value: set})
	res, err := s.c(collEmails).UpdateOne(ctx,
		bson.D{{Key: "_id", Value: e.ID}, {Key: "workspace_id", Value: e.WorkspaceID}, {Key: "rev", Value: e.Rev}}, update)
	if err != nil {
		return false, wrapf(err, "save email campaign %s", e.ID)
	}
	return res.ModifiedCount == 1, nil
}

func (s *mongoStore) DeleteEmail(ctx context.Context, workspaceID, id string) error {
	defer s.db.Observe("campaigns.delete_email")()
	if _, err := s.c(collEmails).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "workspace_id", Value: workspaceID}}); err != nil {
		return wrapf(err, "delete email campaign %s", id)
	}
	return nil
}

type recordDoc struct {
	ID          string    `bson:"_id"`
	WorkspaceID string    `bson:"workspace_id"`
	Module      string    `bson:"module"`
	RecordID    string    `bson:"record_id"`
	Name        string    `bson:"name"`
	Email       string    `bson:"email"`
	Company     string    `bson:"company"`
	CreatedTime string    `bson:"created_time"`
	Search      string    `bson:"search"`
	Data        string    `bson:"data"` // the record as JSON: opaque
	FetchedAt   time.Time `bson:"fetched_at"`
}

// key is a natural key with each part length-prefixed, so no two collide.
func key(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		fmt.Fprintf(&b, "%d:%s/", len(p), p)
	}
	return b.String()
}

func (s *mongoStore) PutRecords(ctx context.Context, workspaceID, module string, recs []CRMRecord, f Fetch) error {
	defer s.db.Observe("campaigns.put_records")()
	at := mdate(f.FetchedAt)
	if len(recs) > 0 {
		models := make([]mongo.WriteModel, len(recs))
		for i, r := range recs {
			data, err := json.Marshal(r.Data)
			if err != nil {
				return wrapf(err, "cache %s record %s", module, r.ID)
			}
			d := recordDoc{ID: key(workspaceID, module, r.ID), WorkspaceID: workspaceID, Module: module, RecordID: r.ID,
				Name: r.Name, Email: r.Email, Company: r.Company, CreatedTime: r.CreatedTime, Search: searchText(r), Data: string(data), FetchedAt: at}
			models[i] = mongo.NewReplaceOneModel().SetFilter(bson.D{{Key: "_id", Value: d.ID}}).SetReplacement(d).SetUpsert(true)
		}
		if _, err := s.c(collRecords).BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false)); err != nil {
			return wrapf(err, "cache %s", module)
		}
	}
	if _, err := s.c(collRecords).DeleteMany(ctx, bson.D{{Key: "workspace_id", Value: workspaceID}, {Key: "module", Value: module},
		{Key: "fetched_at", Value: bson.D{{Key: "$lt", Value: at}}}}); err != nil {
		return wrapf(err, "cache %s", module)
	}
	_, err := s.c(collFetches).UpdateOne(ctx, bson.D{{Key: "_id", Value: key(workspaceID, module)}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "workspace_id", Value: workspaceID}, {Key: "module", Value: module},
			{Key: "total", Value: f.Total}, {Key: "fetched_at", Value: at}}}}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return wrapf(err, "cache %s", module)
	}
	return nil
}

func (s *mongoStore) LastFetch(ctx context.Context, workspaceID, module string) (Fetch, bool, error) {
	defer s.db.Observe("campaigns.last_fetch")()
	var d struct {
		Total     int       `bson:"total"`
		FetchedAt time.Time `bson:"fetched_at"`
	}
	err := s.c(collFetches).FindOne(ctx, bson.D{{Key: "_id", Value: key(workspaceID, module)}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Fetch{}, false, nil
	}
	if err != nil {
		return Fetch{}, false, wrapf(err, "last fetch of %s", module)
	}
	return Fetch{Total: d.Total, FetchedAt: fromDate(d.FetchedAt)}, true, nil
}

func (s *mongoStore) records(ctx context.Context, op string, filter bson.D, limit int) ([]CRMRecord, error) {
	cur, err := s.c(collRecords).Find(ctx, filter, options.Find().
		SetSort(bson.D{{Key: "created_time", Value: -1}, {Key: "record_id", Value: -1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, wrapf(err, "%s", op)
	}
	var docs []recordDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, wrapf(err, "%s", op)
	}
	out := make([]CRMRecord, len(docs))
	for i, d := range docs {
		out[i] = CRMRecord{Module: d.Module, ID: d.RecordID, Name: d.Name, Email: d.Email, Company: d.Company,
			CreatedTime: d.CreatedTime, FetchedAt: fromDate(d.FetchedAt)}
		if err := json.Unmarshal([]byte(d.Data), &out[i].Data); err != nil {
			return nil, wrapf(err, "%s", op)
		}
	}
	return out, nil
}

func (s *mongoStore) Records(ctx context.Context, workspaceID, module string, limit int) ([]CRMRecord, error) {
	defer s.db.Observe("campaigns.records")()
	return s.records(ctx, "cached "+module, bson.D{{Key: "workspace_id", Value: workspaceID}, {Key: "module", Value: module}}, limit)
}

func (s *mongoStore) SearchRecords(ctx context.Context, workspaceID, module, q string, limit int) ([]CRMRecord, error) {
	defer s.db.Observe("campaigns.search_records")()
	return s.records(ctx, "search "+module, bson.D{{Key: "workspace_id", Value: workspaceID}, {Key: "module", Value: module},
		{Key: "search", Value: bson.D{{Key: "$regex", Value: regexp.QuoteMeta(strings.ToLower(q))}}}}, limit)
}
