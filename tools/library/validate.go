package library

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/limit"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// Bounds of an item beyond the platforms' own.
const (
	maxTitleRunes   = 200
	autoTitleRunes  = 80
	maxTags         = 30
	maxTagRunes     = 50
	maxCampaignID   = 64
	maxVariantBytes = 256 << 10
)

var campaignID = regexp.MustCompile(`^[A-Za-z0-9_.:-]+$`)

// parsePlatform reads a platform name as people write it ("X" is twitter).
func parsePlatform(s string) (platform.Name, bool) {
	n := platform.Name(strings.ToLower(strings.TrimSpace(s)))
	if n == "x" {
		n = platform.Twitter
	}
	return n, slices.Contains(platform.Social, n)
}

// check normalizes it (trims, derives a missing title, drops empty
// variants, canonical platform names, tags without '#') and lists every
// problem of it as an item of its kind, all at once.
func (s *Service) check(it *Item) []Problem {
	var out []Problem
	bad := func(field, format string, args ...any) {
		out = append(out, Problem{Field: field, Message: field + ": " + fmt.Sprintf(format, args...)})
	}
	it.Title, it.Body, it.Link, it.CampaignID = strings.TrimSpace(it.Title), strings.TrimSpace(it.Body), strings.TrimSpace(it.Link), strings.TrimSpace(it.CampaignID)

	variants := map[platform.Name]string{}
	given := make([]platform.Name, 0, len(it.Variants))
	for p := range it.Variants {
		given = append(given, p)
	}
	slices.Sort(given)
	for _, p := range given {
		v := it.Variants[p]
		name, ok := parsePlatform(string(p))
		switch {
		case !ok:
			bad("variants."+limit.Clip(string(p)), "%s is not a platform: use facebook, instagram, twitter (or x) or linkedin", limit.Quote(string(p)))
		case strings.TrimSpace(v) == "":
		case variants[name] != "":
			bad("variants."+limit.Clip(string(name)), "given twice (as %s and another spelling)", limit.Quote(string(p)))
		default:
			variants[name] = strings.TrimSpace(v)
		}
	}
	it.Variants = variants

	if it.Body == "" && len(variants) == 0 {
		bad("body", "give the text: a body, or at least one platform variant")
	}
	if n := utf8.RuneCountInString(it.Body); n > s.limits.FacebookChars {
		bad("body", "the body is %d characters; the most any platform takes is %d (Facebook)", n, s.limits.FacebookChars)
	}
	derived := it.Title == ""
	if derived {
		it.Title = autoTitle(it.Body, variants)
	}
	if n := utf8.RuneCountInString(it.Title); n > maxTitleRunes {
		bad("title", "the title is %d characters; keep it to %d", n, maxTitleRunes)
	}
	if it.Link != "" {
		if msg := checkURL(it.Link); msg != "" {
			bad("link", "the link %s", msg)
		}
	}
	mediaOK := true
	for i, u := range it.MediaURLs {
		it.MediaURLs[i] = strings.TrimSpace(u)
		if msg := checkURL(it.MediaURLs[i]); msg != "" {
			bad("media_urls", "media %d %s", i+1, msg)
			mediaOK = false
		}
	}
	if len(it.MediaURLs) > s.limits.MaxImagesPerPost {
		bad("media_urls", "at most %d media per item, this one has %d", s.limits.MaxImagesPerPost, len(it.MediaURLs))
	}
	out = append(out, mediaCounts(*it)...)
	out = append(out, checkTags(it)...)
	if n := len(it.CampaignID); n > maxCampaignID || (n > 0 && !campaignID.MatchString(it.CampaignID)) {
		bad("campaign_id", "%s is not a campaign id (letters, digits and _ . : -, up to %d)", limit.Quote(it.CampaignID), maxCampaignID)
	}

	if it.Kind == KindTemplate {
		if _, errs := parseTemplate(it.Title); len(errs) > 0 && !derived { // a derived title repeats the body's mistakes
			bad("title", "%s", strings.Join(errs, "; "))
		}
		if _, errs := parseTemplate(it.Body); len(errs) > 0 {
			bad("body", "%s", strings.Join(errs, "; "))
		}
	}
	for _, p := range platform.Social {
		v, ok := variants[p]
		if !ok {
			continue
		}
		field := "variants." + string(p)
		if len(v) > maxVariantBytes {
			bad(field, "the variant is %d bytes; keep it under %d", len(v), maxVariantBytes)
			continue
		}
		text := v
		if it.Kind == KindTemplate {
			if _, errs := parseTemplate(v); len(errs) > 0 {
				bad(field, "%s", strings.Join(errs, "; "))
				continue
			}
			// A template is checked for real once rendered; here its text
			// with every variable empty must already fit.
			if text = strings.TrimSpace(fill(v, nil, nil)); text == "" {
				continue
			}
		}
		out = append(out, s.platformProblems(p, text, *it, mediaOK)...)
	}
	return out
}

// platformProblems checks one variant against its platform's limits with
// publish.Validate, with the item's link and media (the URLs and the uploaded
// ones). The link and the media URLs are checked once for the item, not
// again per platform, and so is the number of videos; and media may still
// be added when the content is published, so a variant is not refused for
// lacking it.
func (s *Service) platformProblems(p platform.Name, text string, it Item, mediaOK bool) []Problem {
	var out []Problem
	post := platform.Post{Text: text, Link: it.Link, ImageURLs: it.MediaURLs, Media: uploadedRefs(it)}
	none := len(it.MediaURLs)+len(it.MediaIDs) == 0
	for _, pr := range publish.Validate(p, post, s.limits) {
		switch {
		case pr.Field == "link", pr.Field == "media_ids":
		case pr.Field == "image_urls" && (none || !mediaOK):
		default:
			out = append(out, Problem{Field: "variants." + string(p), Message: "variants." + string(p) + ": " + pr.Message})
		}
	}
	return out
}

// uploadedRefs are the item's uploaded media as publish counts them: its videos
// (MediaVideos of them), then images; only their kind is read.
func uploadedRefs(it Item) []platform.MediaRef {
	refs := make([]platform.MediaRef, len(it.MediaIDs))
	for i, id := range it.MediaIDs {
		refs[i] = platform.MediaRef{ID: id, ContentType: "image/"}
		if i < it.MediaVideos {
			refs[i].ContentType = "video/"
		}
	}
	return refs
}

// checkTags normalizes it.Tags (no '#', no blanks, the first spelling of
// each tag kept) and lists what is wrong with them.
func checkTags(it *Item) []Problem {
	var out []Problem
	var tags []string
	seen := map[string]bool{}
	for _, t := range it.Tags {
		tag := strings.TrimPrefix(strings.TrimSpace(t), "#")
		switch {
		case tag == "":
		case utf8.RuneCountInString(tag) > maxTagRunes:
			out = append(out, Problem{Field: "tags", Message: fmt.Sprintf("tags: %s is longer than %d characters", limit.Quote(tag), maxTagRunes)})
		case strings.IndexFunc(tag, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' }) >= 0:
			out = append(out, Problem{Field: "tags", Message: fmt.Sprintf("tags: %s may hold only letters, digits and _ (a tag doubles as a hashtag)", limit.Quote(t))})
		case seen[tagKey(tag)]:
		default:
			seen[tagKey(tag)] = true
			tags = append(tags, tag)
		}
	}
	if len(tags) > maxTags {
		out = append(out, Problem{Field: "tags", Message: fmt.Sprintf("tags: at most %d tags, this item has %d", maxTags, len(tags))})
	}
	it.Tags = tags
	return out
}

// autoTitle is the first line of the body (or of the first variant), cut
// at a word to autoTitleRunes.
func autoTitle(body string, variants map[platform.Name]string) string {
	text := body
	for _, p := range platform.Social {
		if text == "" {
			text = variants[p]
		}
	}
	line, _, _ := strings.Cut(text, "\n")
	line = strings.TrimSpace(line)
	r := []rune(line)
	if len(r) <= autoTitleRunes {
		return line
	}
	cut := string(r[:autoTitleRunes])
	if i := strings.LastIndexByte(cut, ' '); i > autoTitleRunes/2 {
		cut = cut[:i]
	}
	if i := strings.LastIndex(cut, "{{"); i > strings.LastIndex(cut, "}}") {
		cut = cut[:i] // never half a variable
	}
	return strings.TrimSpace(cut) + "…"
}

// checkURL says what is wrong with a link or media URL, or "".
func checkURL(raw string) string {
	u, err := url.Parse(raw)
	switch {
	case raw == "":
		return "is empty"
	case err != nil:
		return fmt.Sprintf("is not a valid URL (%s)", limit.Quote(raw))
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Sprintf("must be an http or https URL (%s)", limit.Quote(raw))
	case u.Host == "":
		return fmt.Sprintf("has no host (%s)", limit.Quote(raw))
	}
	return ""
}
