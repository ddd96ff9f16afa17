package campaigns

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

var t0 = time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)

// TestStore is the conformance suite: every case runs on SQLite and on
// MongoDB over the wire.
func TestStore(t *testing.T) {
	t.Parallel()
	storetest.Run(t, []store.Schema{Schema}, func(t *testing.T, db *store.DB) {
		st := NewStore(db)
		ctx := context.Background()
		t.Run("campaigns", func(t *testing.T) { storeCampaigns(ctx, t, st) })
		t.Run("emails", func(t *testing.T) { storeEmails(ctx, t, st) })
		t.Run("crm records", func(t *testing.T) { storeRecords(ctx, t, st) })
	})
}

func storeCampaigns(ctx context.Context, t *testing.T, st Store) {
	a := Campaign{ID: "c1", WorkspaceID: "T1", Name: "Spring launch", Goal: "200 sign-ups", StartDate: "2026-12-01",
		EndDate: "2026-12-31", Tag: "spring", CreatedBy: "U1", CreatedAt: t0, UpdatedAt: t0, Rev: 1}
	b := a
	b.ID, b.Name, b.CreatedAt = "c2", "Winter sale", t0.Add(time.Hour)
	for _, c := range []Campaign{a, b} {
		if err := st.CreateCampaign(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	got, err := st.GetCampaign(ctx, "T1", "c1")
	if err != nil || !reflect.DeepEqual(got, a) {
		t.Fatalf("GetCampaign = %+v, %v; want %+v", got, err, a)
	}
	if _, err := st.GetCampaign(ctx, "T2", "c1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("another workspace's campaign: %v, want ErrNotFound", err)
	}
	list, err := st.ListCampaigns(ctx, "T1")
	if err != nil || len(list) != 2 || list[0].ID != "c2" || list[1].ID != "c1" {
		t.Fatalf("ListCampaigns = %+v, %v; want c2 then c1", list, err)
	}
	if other, _ := st.ListCampaigns(ctx, "T2"); len(other) != 0 {
		t.Fatalf("T2 lists %+v", other)
	}
	a.Name, a.CRMCampaignID, a.UpdatedAt = "Spring launch 2026", "crm-1", t0.Add(2*time.Hour)
	if ok, err := st.SaveCampaign(ctx, a); !ok || err != nil {
		t.Fatalf("SaveCampaign over rev 1 = %v, %v", ok, err)
	}
	if ok, err := st.SaveCampaign(ctx, a); ok || err != nil {
		t.Fatalf("SaveCampaign over a stale rev = %v, %v; want false", ok, err)
	}
	got, _ = st.GetCampaign(ctx, "T1", "c1")
	if got.Name != a.Name || got.CRMCampaignID != "crm-1" || got.Rev != 2 || !got.UpdatedAt.Equal(a.UpdatedAt) {
		t.Fatalf("after save: %+v", got)
	}
}

func storeEmails(ctx context.Context, t *testing.T, st Store) {
	e := EmailCampaign{ID: "e1", WorkspaceID: "T1", CampaignID: "c1", Name: "Newsletter", Subject: "Hello", FromEmail: "a@b.example",
		FromName: "A", HTML: "<p>Hi</p>", Text: "Hi", ListKeys: []string{"l1", "l2"}, ContentKey: "k1", Status: EmailDraft,
		CreatedBy: "U1", CreatedAt: t0, UpdatedAt: t0, Rev: 1}
	f := e
	f.ID, f.CampaignID, f.ContentKey, f.CreatedAt = "e2", "", "k2", t0.Add(time.Minute)
	for _, x := range []EmailCampaign{e, f} {
		if err := st.CreateEmail(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.CreateEmail(ctx, EmailCampaign{ID: "e3", WorkspaceID: "T2", ContentKey: "k1", ListKeys: []string{}, Status: EmailDraft,
		CreatedAt: t0, UpdatedAt: t0}); err == nil {
		t.Fatal("a second campaign with content key k1 was stored")
	}
	got, err := st.GetEmail(ctx, "T1", "e1")
	if err != nil || !reflect.DeepEqual(got, e) {
		t.Fatalf("GetEmail = %+v, %v; want %+v", got, err, e)
	}
	if _, err := st.GetEmail(ctx, "T2", "e1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("another workspace's e-mail: %v", err)
	}
	if got, err := st.EmailByContentKey(ctx, "k2"); err != nil || got.ID != "e2" {
		t.Fatalf("EmailByContentKey(k2) = %+v, %v", got, err)
	}
	if _, err := st.EmailByContentKey(ctx, ""); !errors.Is(err, ErrNotFound) {
		t.Fatalf("empty content key: %v", err)
	}
	if l, _ := st.ListEmails(ctx, "T1", ""); len(l) != 2 || l[0].ID != "e2" {
		t.Fatalf("ListEmails = %+v", l)
	}
	if l, _ := st.ListEmails(ctx, "T1", "c1"); len(l) != 1 || l[0].ID != "e1" {
		t.Fatalf("ListEmails(c1) = %+v", l)
	}

	sent := got
	sent.CampaignKey, sent.Status, sent.SentAt, sent.JobID, sent.UpdatedAt = "zk1", EmailSent, t0.Add(time.Hour), "j1", t0.Add(time.Hour)
	sent.Report, sent.ReportAt = &Report{Sent: 100, Delivered: 98, Opens: 40, OpenRate: 40.82}, t0.Add(2*time.Hour)
	if ok, err := st.SaveEmail(ctx, sent); !ok || err != nil {
		t.Fatalf("SaveEmail = %v, %v", ok, err)
	}
	if ok, _ := st.SaveEmail(ctx, sent); ok {
		t.Fatal("SaveEmail over a stale rev succeeded")
	}
	sent.Rev++
	if got, _ := st.GetEmail(ctx, "T1", "e1"); !reflect.DeepEqual(got, sent) {
		t.Fatalf("after save: %+v\nwant %+v", got, sent)
	}
	for _, c := range []struct {
		since time.Time
		want  int
	}{{time.Time{}, 1}, {t0.Add(time.Hour), 1}, {t0.Add(time.Hour + time.Millisecond), 0}} {
		l, err := st.SentEmails(ctx, "T1", c.since)
		if err != nil || len(l) != c.want {
			t.Fatalf("SentEmails(since %v) = %+v, %v; want %d", c.since, l, err, c.want)
		}
	}
	if l, _ := st.SentEmails(ctx, "T2", time.Time{}); len(l) != 0 {
		t.Fatalf("T2 sent: %+v", l)
	}
	if err := st.DeleteEmail(ctx, "T2", "e2"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.GetEmail(ctx, "T1", "e2"); err != nil {
		t.Fatal("another workspace's delete removed e2")
	}
	if err := st.DeleteEmail(ctx, "T1", "e2"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.GetEmail(ctx, "T1", "e2"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted e2: %v", err)
	}
}

func storeRecords(ctx context.Context, t *testing.T, st Store) {
	if _, ok, err := st.LastFetch(ctx, "T1", "Leads"); ok || err != nil {
		t.Fatalf("LastFetch before any = %v, %v", ok, err)
	}
	rec := func(id, name, email, company, created string) CRMRecord {
		return CRMRecord{Module: "Leads", ID: id, Name: name, Email: email, Company: company, CreatedTime: created,
			Data: map[string]any{"id": id, "Full_Name": name, "Owner": map[string]any{"name": "Pat"}}}
	}
	first := []CRMRecord{
		rec("1", "Aisha Abbott", "aisha@zylker.example", "Zylker Corp", "2026-01-05T09:00:00+00:00"),
		rec("2", "Bruno Bauer", "bruno@globex.example", "Globex (EU)", "2026-01-06T09:00:00+00:00"),
		rec("3", "Chen Costa", "chen@initech.example", "Initech", "2026-01-07T09:00:00+00:00"),
	}
	if err := st.PutRecords(ctx, "T1", "Leads", first, Fetch{Total: 3, FetchedAt: t0}); err != nil {
		t.Fatal(err)
	}
	if err := st.PutRecords(ctx, "T2", "Leads", first[:1], Fetch{Total: 1, FetchedAt: t0}); err != nil {
		t.Fatal(err)
	}
	got, err := st.Records(ctx, "T1", "Leads", 2)
	if err != nil || len(got) != 2 || got[0].ID != "3" || got[1].ID != "2" {
		t.Fatalf("Records(limit 2) = %+v, %v; want 3, 2", got, err)
	}
	if owner, _ := got[0].Data["Owner"].(map[string]any); owner["name"] != "Pat" || !got[0].FetchedAt.Equal(t0) {
		t.Fatalf("record data %+v fetched %v", got[0].Data, got[0].FetchedAt)
	}
	for _, c := range []struct {
		q    string
		want []string
	}{
		{"ZYLKER", []string{"1"}},
		{"bauer", []string{"2"}},
		{"@", []string{"3", "2", "1"}},
		{"(eu)", []string{"2"}},
		{".*", nil},
		{"nobody", nil},
	} {
		got, err := st.SearchRecords(ctx, "T1", "Leads", c.q, 10)
		if err != nil {
			t.Fatalf("search %q: %v", c.q, err)
		}
		var ids []string
		for _, r := range got {
			ids = append(ids, r.ID)
		}
		if !reflect.DeepEqual(ids, c.want) {
			t.Errorf("search %q = %v, want %v", c.q, ids, c.want)
		}
	}
	// A later fetch replaces the cache: record 1 is gone from Zoho.
	later := t0.Add(time.Hour)
	if err := st.PutRecords(ctx, "T1", "Leads", []CRMRecord{first[1], first[2]}, Fetch{Total: 2, FetchedAt: later}); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.Records(ctx, "T1", "Leads", 10); len(got) != 2 || got[1].ID != "2" {
		t.Fatalf("after refetch: %+v", got)
	}
	if f, ok, err := st.LastFetch(ctx, "T1", "Leads"); !ok || err != nil || f.Total != 2 || !f.FetchedAt.Equal(later) {
		t.Fatalf("LastFetch = %+v, %v, %v", f, ok, err)
	}
	if got, _ := st.Records(ctx, "T2", "Leads", 10); len(got) != 1 || got[0].ID != "1" {
		t.Fatalf("T2's cache changed: %+v", got)
	}
	if got, _ := st.Records(ctx, "T1", "Contacts", 10); len(got) != 0 {
		t.Fatalf("Contacts: %+v", got)
	}
}
