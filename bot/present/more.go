package present

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/tools/campaigns"
	"github.com/marketingminds/marketingminds/tools/library"
	"github.com/marketingminds/marketingminds/tools/memory"
)

func mailingListsCard(_ Env, lists []campaigns.MailingList) card {
	if len(lists) == 0 {
		return card{Title: "No mailing lists in Zoho Campaigns yet."}
	}
	var lines []line
	for _, l := range lists {
		lines = append(lines, line{Lead: l.Name, Rest: Count(int(l.Contacts), "contact")})
	}
	return card{Title: Count(len(lists), "mailing list"), Sections: []section{{Lines: lines}}}
}

func emailCard(env Env, e campaigns.EmailCampaign) card {
	c := card{Title: "E-mail “" + e.Name + "”"}
	fs := []field{{"Subject", orWord(e.Subject, "none yet")}, {"Lists", Number(int64(len(e.ListKeys)))}}
	switch e.Status {
	case campaigns.EmailDraft:
		fs = append(fs, field{"State", "draft: nothing is sent until it is scheduled"})
	case campaigns.EmailScheduled:
		fs = append(fs, field{"State", "scheduled for " + WhenRel(env, e.ScheduledAt)})
	case campaigns.EmailSent:
		fs = append(fs, field{"State", "sent " + When(env, e.SentAt)})
	case campaigns.EmailFailed:
		fs = append(fs, field{"State", "not sent"})
	default:
		fs = append(fs, field{"State", string(e.Status)})
	}
	c.Sections = append(c.Sections, section{Fields: fs})
	if r := e.Report; r != nil {
		c.Sections = append(c.Sections, section{Heading: "Report", Fields: []field{
			{"Delivered", Number(r.Delivered)}, {"Opens", Number(r.Opens) + " (" + percent(&r.OpenRate) + ")"},
			{"Clicks", Number(r.Clicks) + " (" + percent(&r.ClickRate) + ")"}, {"Bounces", Number(r.Bounces)},
			{"Unsubscribes", Number(r.Unsubscribes)},
		}})
	}
	return c
}

func crmCard(_ Env, n agents.CRMCounts) card {
	var fs []field
	for _, k := range slices.Sorted(maps.Keys(n)) {
		fs = append(fs, field{k, Number(int64(n[k]))})
	}
	return card{Title: "Your CRM", Sections: []section{{Fields: fs}}}
}

func leadsCard(_ Env, leads []campaigns.CRMRecord) card {
	if len(leads) == 0 {
		return card{Title: "No leads match."}
	}
	var lines []line
	for _, l := range leads {
		var rest []string
		for _, s := range []string{l.Company, l.Email} {
			if s != "" {
				rest = append(rest, s)
			}
		}
		lines = append(lines, line{Lead: orWord(l.Name, "Unnamed lead"), Rest: strings.Join(rest, ", ")})
	}
	return card{Title: Count(len(leads), "lead"), Sections: []section{{Lines: lines}}}
}

func libraryItemCard(env Env, it library.Item) card {
	c := card{Title: "Saved to the library: “" + orWord(it.Title, "untitled") + "”"}
	if words := itemMediaWords(it); words != "" {
		c.Sections = []section{{Text: "With " + words + "."}}
	}
	if len(it.MediaIDs) > 0 {
		// The thumbnails the approval cards show, drawn the same way.
		args, _ := json.Marshal(struct {
			MediaIDs []string `json:"media_ids"`
		}{it.MediaIDs})
		c.Images = postImages(env, args)
	}
	if len(it.Tags) > 0 {
		c.Note = "Tags: " + strings.Join(it.Tags, ", ")
	}
	return c
}

// itemMediaWords says what media a library item carries: "2 images",
// "1 video and 1 image", "1 media link"; "" for none.
func itemMediaWords(it library.Item) string {
	var parts []string
	images := len(it.MediaIDs) - it.MediaVideos
	for _, n := range []struct {
		n    int
		noun string
	}{{it.MediaVideos, "video"}, {images, "image"}, {len(it.MediaURLs), "media link"}} {
		if n.n > 0 {
			parts = append(parts, Count(n.n, n.noun))
		}
	}
	return List(parts)
}

// libraryCard is what search_library found: the drafts, or that the
// library is empty (and how to fill it), or that nothing matches what was
// looked for.
func libraryCard(_ Env, f agents.LibraryFound) card {
	looked := libraryLooked(f)
	if len(f.Items) == 0 && looked == "" {
		return card{Title: "The library is empty.",
			Note: `To keep a draft, say: save "Spring sale starts Monday" to the library. To keep an image, share it and say: save this image to the library.`}
	}
	if len(f.Items) == 0 {
		return card{Title: "Nothing in the library matches " + looked + ".", Note: `Say "show my library" to see everything in it.`}
	}
	var lines []line
	for _, it := range f.Items {
		rest := quoted(it.Body, 80)
		words := itemMediaWords(it)
		switch {
		case it.Body == it.Title && words != "": // an image kept without words of its own
			rest = words
		case words != "":
			rest += " (" + words + ")"
		}
		lines = append(lines, line{Lead: orWord(it.Title, "Untitled"), Rest: rest})
	}
	c := card{Title: Count(len(f.Items), "draft") + " in the library", Sections: []section{{Lines: lines}}}
	if looked != "" {
		c.Title = Count(len(f.Items), "match") + " for " + looked + " in the library"
	}
	if f.More {
		c.Note = "Older ones are on the dashboard's Library page."
	}
	return c
}

// libraryLooked says what a search looked for: “spring”, tag “sale”; ""
// for the whole library.
func libraryLooked(f agents.LibraryFound) string {
	var parts []string
	if f.Query != "" {
		parts = append(parts, quoted(f.Query, 60))
	}
	if f.Tag != "" {
		parts = append(parts, "tag "+quoted(f.Tag, 60))
	}
	if f.CampaignID != "" {
		parts = append(parts, "campaign "+quoted(f.CampaignID, 60))
	}
	return List(parts)
}

func hashtagsCard(_ Env, s library.Suggestions) card {
	var tags []string
	for _, h := range s.Hashtags {
		tags = append(tags, h.Tag)
	}
	title := "Suggested hashtags"
	if s.Platform != "" {
		title += " for " + Platform(s.Platform)
	}
	c := card{Title: title, Sections: []section{{Text: orWord(strings.Join(tags, " "), "None fit this text.")}}}
	c.Note = s.Note
	return c
}

func memoryCard(_ Env, it memory.Item) card {
	whose := "the team's"
	if it.Scope == memory.User {
		whose = "your"
	}
	return card{Title: "Noted in " + whose + " memory: " + strings.ReplaceAll(it.Key, "_", " ") + ".", Sections: []section{{Text: it.Value}}}
}

func memoriesCard(_ Env, items []memory.Item) card {
	if len(items) == 0 {
		return card{Title: "Nothing is remembered yet."}
	}
	var lines []line
	for _, it := range items {
		lines = append(lines, line{Lead: upperFirst(strings.ReplaceAll(it.Key, "_", " ")), Rest: it.Value})
	}
	return card{Title: Count(len(items), "note"), Sections: []section{{Lines: lines}}}
}

func planCard(_ Env, p agents.PlanResult) card {
	return card{Title: "Campaign “" + p.Campaign.Name + "” is planned",
		Sections: []section{{Text: Count(len(p.Drafts), "draft") + " saved to the library; nothing is published."}}}
}

func specialistCard(_ Env, s agents.SpecialistResult) card {
	c := card{Sections: []section{{Text: s.Answer}}}
	if len(s.Problems) > 0 {
		c.Note = "Still to fix: " + strings.Join(s.Problems, "; ")
	}
	return c
}
