package sandbox

import (
	"fmt"
	"strings"
	"time"
)

// The seeded Zoho org: 230 leads (more than one page of 200), 40 contacts,
// 25 deals, 3 CRM campaigns and 3 mailing lists, all deterministic.

var zohoModules = []string{"Leads", "Contacts", "Deals", "Campaigns"}

// zohoSeedBase is when the seeded org's records start.
var zohoSeedBase = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

var (
	zohoFirstNames = []string{"Aisha", "Bruno", "Chen", "Dana", "Elif", "Farid", "Greta", "Hiro", "Ines", "Jonas",
		"Kemi", "Luca", "Maya", "Noah", "Olga", "Pedro", "Quinn", "Rosa", "Sven", "Tara", "Umar", "Vera", "Wen", "Yara", "Zane"}
	zohoLastNames = []string{"Abbott", "Bauer", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Ito", "Jensen",
		"Kowalski", "Laurent", "Moreau", "Novak", "Okafor", "Petrov", "Quispe", "Rossi", "Silva", "Tanaka", "Ueda", "Varga", "Weber"}
	zohoCompanies = []string{"Zylker Corp", "Northwind Traders", "Globex", "Initech", "Umbrella Foods", "Stark Logistics",
		"Acme Analytics", "Bluebird Travel", "Cobalt Health", "Dunmore Legal", "Evergreen Schools", "Fjord Energy"}
	zohoLeadStatuses = []string{"Not Contacted", "Attempted to Contact", "Contact in Future", "Contacted", "Pre-Qualified", "Junk Lead"}
	zohoLeadSources  = []string{"Advertisement", "Cold Call", "Employee Referral", "Online Store", "Partner", "Web Download", "Seminar Partner", "Chat"}
	zohoStages       = []string{"Qualification", "Needs Analysis", "Value Proposition", "Proposal/Price Quote", "Negotiation/Review", "Closed Won", "Closed Lost"}
	zohoStageProb    = map[string]int{"Qualification": 10, "Needs Analysis": 20, "Value Proposition": 40, "Proposal/Price Quote": 60, "Negotiation/Review": 80, "Closed Won": 100, "Closed Lost": 0}
	// Picklists of the Campaigns module.
	zohoCampaignTypes    = []string{"-None-", "Conference", "Webinar", "Trade Show", "Public Relations", "Partners", "Referral Program", "Advertisement", "Banner Ads", "Direct mail", "Email", "Telemarketing", "Others"}
	zohoCampaignStatuses = []string{"-None-", "Planning", "Active", "Inactive", "Complete"}
)

func zohoOwner() map[string]any {
	return map[string]any{"name": zohoUserName, "id": "5725767000000411001", "email": zohoUserEmail}
}

func seedZoho(z *zohoState) {
	for _, m := range zohoModules {
		z.Modules[m] = &zohoModule{}
	}
	for i := range 230 {
		first, last := zohoFirstNames[i%len(zohoFirstNames)], zohoLastNames[(i*7)%len(zohoLastNames)]
		company := zohoCompanies[(i*5)%len(zohoCompanies)]
		created := zohoSeedBase.Add(time.Duration(i) * 7 * time.Hour)
		z.Modules["Leads"].add(zohoRecord{
			"id": zohoRecordID(100000 + int64(i)), "Owner": zohoOwner(),
			"First_Name": first, "Last_Name": last, "Full_Name": first + " " + last,
			"Email":   fmt.Sprintf("%s.%s%d@%s.example", strings.ToLower(first), strings.ToLower(last), i, zohoDomain(company)),
			"Company": company, "Phone": fmt.Sprintf("+1-555-%03d-%04d", 100+i%800, 1000+i*37%9000),
			"Lead_Status": zohoLeadStatuses[i%len(zohoLeadStatuses)], "Lead_Source": zohoLeadSources[(i*3)%len(zohoLeadSources)],
			"Created_Time": zohoTime(created), "Modified_Time": zohoTime(created.Add(time.Duration(i%48) * time.Hour)),
		})
	}
	for i := range 40 {
		first, last := zohoFirstNames[(i*3)%len(zohoFirstNames)], zohoLastNames[(i*11)%len(zohoLastNames)]
		company := zohoCompanies[i%len(zohoCompanies)]
		created := zohoSeedBase.Add(time.Duration(i) * 31 * time.Hour)
		z.Modules["Contacts"].add(zohoRecord{
			"id": zohoRecordID(200000 + int64(i)), "Owner": zohoOwner(),
			"First_Name": first, "Last_Name": last, "Full_Name": first + " " + last,
			"Email":        fmt.Sprintf("%s.%s@%s.example", strings.ToLower(first), strings.ToLower(last), zohoDomain(company)),
			"Account_Name": map[string]any{"name": company, "id": zohoRecordID(400000 + int64(i%len(zohoCompanies)))},
			"Title":        []string{"Marketing Manager", "CEO", "Head of Growth", "Sales Director", "CMO"}[i%5],
			"Phone":        fmt.Sprintf("+1-555-%03d-%04d", 200+i, 2000+i*53),
			"Created_Time": zohoTime(created), "Modified_Time": zohoTime(created.Add(3 * time.Hour)),
		})
	}
	for i := range 25 {
		company := zohoCompanies[(i*7)%len(zohoCompanies)]
		stage := zohoStages[i%len(zohoStages)]
		created := zohoSeedBase.Add(time.Duration(i) * 53 * time.Hour)
		z.Modules["Deals"].add(zohoRecord{
			"id": zohoRecordID(300000 + int64(i)), "Owner": zohoOwner(),
			"Deal_Name":    fmt.Sprintf("%s – %s", company, []string{"annual plan", "expansion", "pilot", "renewal"}[i%4]),
			"Account_Name": map[string]any{"name": company, "id": zohoRecordID(400000 + int64((i*7)%len(zohoCompanies)))},
			"Stage":        stage, "Probability": zohoStageProb[stage], "Amount": 2500 + (i*1370)%48000,
			"Closing_Date": created.AddDate(0, 2, 0).Format(time.DateOnly),
			"Lead_Source":  zohoLeadSources[i%len(zohoLeadSources)],
			"Created_Time": zohoTime(created), "Modified_Time": zohoTime(created.Add(26 * time.Hour)),
		})
	}
	for i, c := range []struct{ name, typ, status string }{
		{"Spring product launch", "Email", "Complete"},
		{"Q2 webinar series", "Webinar", "Active"},
		{"Partner summit 2026", "Conference", "Planning"},
	} {
		start := zohoSeedBase.AddDate(0, i*2, 0)
		z.Modules["Campaigns"].add(zohoRecord{
			"id": zohoRecordID(500000 + int64(i)), "Owner": zohoOwner(),
			"Campaign_Name": c.name, "Type": c.typ, "Status": c.status,
			"Start_Date": start.Format(time.DateOnly), "End_Date": start.AddDate(0, 1, 0).Format(time.DateOnly),
			"Description": "", "Created_Time": zohoTime(start.Add(-72 * time.Hour)), "Modified_Time": zohoTime(start),
		})
	}
	z.Lists = []*zohoList{
		{Key: "3z6a1f0c4b2e9d7a5c3e1f0b8d6a4c2e0f9b7d5a3c1e", Name: "Newsletter subscribers", Contacts: 1240, Unsubscribed: 18, Bounced: 7, Created: zohoSeedBase.AddDate(-1, 0, 0)},
		{Key: "3z9b2e7d5c3a1f0e8d6c4b2a0f9e7d5c3b1a0f8e6d4c", Name: "Webinar attendees 2026", Contacts: 312, Unsubscribed: 4, Bounced: 2, Created: zohoSeedBase.AddDate(0, 1, 0)},
		{Key: "3z1c4f7a0d3b6e9c2f5a8d1b4e7c0f3a6d9b2e5c8f1a", Name: "Trial users", Contacts: 85, Unsubscribed: 1, Bounced: 0, Created: zohoSeedBase.AddDate(0, 2, 0)},
	}
	// One campaign already sent, so reports and recent campaigns have data.
	sent := &zohoEmailCampaign{Key: "3z0000000000000000000000000000000000000001", DC: "com", Name: "January newsletter",
		FromEmail: zohoUserEmail, FromName: zohoUserName, Subject: "What's new in January",
		ContentURL: "https://zylker.example/newsletters/2026-01.html", Lists: []string{z.Lists[0].Key},
		Recipients: 1240 - 18 - 7, CreatedAt: zohoSeedBase.AddDate(0, 0, 8), SentAt: zohoSeedBase.AddDate(0, 0, 10)}
	z.Campaigns[sent.Key] = sent
	z.CampaignOrder = append(z.CampaignOrder, sent.Key)
}

func zohoDomain(company string) string {
	return strings.ToLower(strings.NewReplacer(" ", "", ".", "").Replace(company))
}
