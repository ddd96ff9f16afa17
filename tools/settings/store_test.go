package settings

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func ptr(s string) *string { return &s }

func TestStoreConformance(t *testing.T) {
	storetest.Run(t, []store.Schema{Schema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		st := NewStore(db)
		at := store.Trunc(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))

		if _, found, err := st.Get(ctx, "T1"); found || err != nil {
			t.Fatalf("get before any save: found=%v err=%v", found, err)
		}
		// The first save creates the record with only what it sets.
		r, err := st.Apply(ctx, "T1", Patch{TimeZone: ptr("Europe/Paris")}, "U1", at)
		want := Record{WorkspaceID: "T1", TimeZone: "Europe/Paris", UpdatedBy: "U1", UpdatedAt: at}
		if err != nil || !reflect.DeepEqual(r, want) {
			t.Fatalf("first apply = %+v, %v; want %+v", r, err, want)
		}
		// A later save changes only its fields.
		r, err = st.Apply(ctx, "T1", Patch{ApprovalPolicy: ptr("never"), NotificationChannel: ptr("C0123ABCD"), DefaultRole: ptr("viewer")},
			"U2", at.Add(time.Minute))
		want = Record{WorkspaceID: "T1", ApprovalPolicy: "never", NotificationChannel: "C0123ABCD", TimeZone: "Europe/Paris",
			DefaultRole: "viewer", UpdatedBy: "U2", UpdatedAt: at.Add(time.Minute)}
		if err != nil || !reflect.DeepEqual(r, want) {
			t.Fatalf("second apply = %+v, %v; want %+v", r, err, want)
		}
		// "" resets a field.
		if r, err = st.Apply(ctx, "T1", Patch{NotificationChannel: ptr("")}, "U2", at.Add(2*time.Minute)); err != nil || r.NotificationChannel != "" || r.ApprovalPolicy != "never" {
			t.Fatalf("reset channel = %+v, %v", r, err)
		}
		// The retention is kept apart from the other fields; 0 resets it.
		days := 30
		if r, err = st.Apply(ctx, "T1", Patch{ConversationRetentionDays: &days}, "U2", at.Add(3*time.Minute)); err != nil || r.ConversationRetentionDays != 30 || r.ApprovalPolicy != "never" {
			t.Fatalf("retention = %+v, %v", r, err)
		}
		if r, err = st.Apply(ctx, "T1", Patch{TimeZone: ptr("UTC")}, "U2", at.Add(4*time.Minute)); err != nil || r.ConversationRetentionDays != 30 {
			t.Fatalf("another field changed the retention: %+v, %v", r, err)
		}
		zero := 0
		if r, err = st.Apply(ctx, "T1", Patch{ConversationRetentionDays: &zero}, "U2", at.Add(5*time.Minute)); err != nil || r.ConversationRetentionDays != 0 || r.TimeZone != "UTC" {
			t.Fatalf("reset retention = %+v, %v", r, err)
		}
		// The inbox channel is kept apart from the others too; "" clears it.
		if r, err = st.Apply(ctx, "T1", Patch{InboxChannel: ptr("C0INBOX01")}, "U2", at.Add(6*time.Minute)); err != nil || r.InboxChannel != "C0INBOX01" || r.TimeZone != "UTC" {
			t.Fatalf("inbox channel = %+v, %v", r, err)
		}
		if r, err = st.Apply(ctx, "T1", Patch{ApprovalPolicy: ptr("never")}, "U2", at.Add(7*time.Minute)); err != nil || r.InboxChannel != "C0INBOX01" {
			t.Fatalf("another field changed the inbox channel: %+v, %v", r, err)
		}
		if r, err = st.Apply(ctx, "T1", Patch{InboxChannel: ptr("")}, "U2", at.Add(8*time.Minute)); err != nil || r.InboxChannel != "" || r.ApprovalPolicy != "never" {
			t.Fatalf("cleared inbox channel = %+v, %v", r, err)
		}
		got, found, err := st.Get(ctx, "T1")
		if err != nil || !found || !reflect.DeepEqual(got, r) {
			t.Fatalf("get = %+v found=%v %v; want %+v", got, found, err, r)
		}
		// Workspaces are apart.
		if _, found, _ := st.Get(ctx, "T2"); found {
			t.Fatal("T2 sees T1's settings")
		}
		if r2, err := st.Apply(ctx, "T2", Patch{ApprovalPolicy: ptr("always")}, "U9", at); err != nil || r2.TimeZone != "" || r2.WorkspaceID != "T2" {
			t.Fatalf("T2 apply = %+v, %v", r2, err)
		}
		if got, _, _ := st.Get(ctx, "T1"); got.ApprovalPolicy != "never" {
			t.Fatalf("T2's save changed T1: %+v", got)
		}

		// Default accounts: one platform at a time, the rest untouched.
		if r, err = st.SetDefaultAccount(ctx, "T1", "linkedin", "acc-li-2", "U3", at.Add(3*time.Minute)); err != nil ||
			!reflect.DeepEqual(r.DefaultAccounts, map[string]string{"linkedin": "acc-li-2"}) || r.ApprovalPolicy != "never" || r.UpdatedBy != "U3" {
			t.Fatalf("set default = %+v, %v", r, err)
		}
		if r, err = st.SetDefaultAccount(ctx, "T1", "twitter", "acc-x", "U3", at.Add(4*time.Minute)); err != nil ||
			!reflect.DeepEqual(r.DefaultAccounts, map[string]string{"linkedin": "acc-li-2", "twitter": "acc-x"}) {
			t.Fatalf("second default = %+v, %v", r, err)
		}
		// A later Apply keeps them.
		if r, err = st.Apply(ctx, "T1", Patch{TimeZone: ptr("UTC")}, "U3", at.Add(5*time.Minute)); err != nil || len(r.DefaultAccounts) != 2 {
			t.Fatalf("apply after defaults = %+v, %v", r, err)
		}
		if r, err = st.SetDefaultAccount(ctx, "T1", "linkedin", "", "U3", at.Add(6*time.Minute)); err != nil ||
			!reflect.DeepEqual(r.DefaultAccounts, map[string]string{"twitter": "acc-x"}) {
			t.Fatalf("removed default = %+v, %v", r, err)
		}
		// A first write of a default creates the record; other workspaces see nothing.
		if r, err = st.SetDefaultAccount(ctx, "T3", "facebook", "acc-fb", "U4", at); err != nil ||
			!reflect.DeepEqual(r.DefaultAccounts, map[string]string{"facebook": "acc-fb"}) || r.WorkspaceID != "T3" {
			t.Fatalf("first default = %+v, %v", r, err)
		}
		if got, _, _ := st.Get(ctx, "T2"); got.DefaultAccounts != nil {
			t.Fatalf("T2 sees defaults: %+v", got)
		}
	})
}

func TestStoreDigests(t *testing.T) {
	storetest.Run(t, []store.Schema{Schema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		st := NewStore(db)
		at := store.Trunc(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
		on, off := true, false
		for ws, p := range map[string]Patch{
			"T1": {NotificationChannel: ptr("C0000001")},                                 // on by default, to the notifications
			"T2": {DigestChannel: ptr("C0000002"), WeeklyDigest: &on},                    // its own channel
			"T3": {NotificationChannel: ptr("C0000003"), WeeklyDigest: &off},             // switched off
			"T4": {TimeZone: ptr("Europe/Paris")},                                        // nowhere to go
			"T5": {DigestChannel: ptr("C0000005"), NotificationChannel: ptr("C0000006")}, // both
		} {
			if _, err := st.Apply(ctx, ws, p, "U1", at); err != nil {
				t.Fatal(err)
			}
		}
		rs, err := st.Digests(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rs {
			got = append(got, r.WorkspaceID+":"+r.DigestChannel+":"+r.WeeklyDigest)
		}
		want := []string{"T1::", "T2:C0000002:on", "T5:C0000005:"}
		if len(got) != len(want) {
			t.Fatalf("digests = %v; want %v", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("digests = %v; want %v", got, want)
			}
		}
		// Switching it back on keeps the channel.
		if r, err := st.Apply(ctx, "T3", Patch{WeeklyDigest: &on}, "U1", at); err != nil || r.WeeklyDigest != "on" || r.NotificationChannel != "C0000003" {
			t.Fatalf("switch on = %+v, %v", r, err)
		}
	})
}
