package present

import (
	"fmt"
	"strings"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/fault"
	"github.com/marketingminds/marketingminds/tools/media/check"
)

// convertedCard shows a conversion: what the file was and is now, the link
// to look at it, and, when borders were added, that the person must look
// before it replaces the original.
func convertedCard(_ Env, c check.Converted) card {
	out := card{Title: "Converted for " + Platform(c.Platform) + ": " + mediaWords(c.After)}
	s := section{Fields: []field{{Label: "Before", Value: mediaWords(c.Before)}, {Label: "Now", Value: mediaWords(c.After)}}}
	if c.Review {
		s.Text = "Borders were added to fit " + Platform(c.Platform) + "'s frame; nothing was cut. Look at it before you use it."
	}
	s.Lines = []line{{Link: link{Text: "Open the converted image", URL: c.Media.URL}}}
	out.Sections = []section{s}
	if len(c.Remaining) > 0 {
		var lines []line
		for _, p := range c.Remaining {
			lines = append(lines, line{Rest: upperFirst(p.Message)})
		}
		out.Sections = append(out.Sections, section{Heading: "Still to fix", Lines: lines})
		return out
	}
	out.Note = "Post it again with this image in place of the original."
	return out
}

// mediaWords is a file as a person describes it: "JPEG, 1440 × 1800, 412 KB".
func mediaWords(i check.Info) string {
	parts := []string{strings.ToUpper(orWord(i.Container, "file"))}
	if i.Width > 0 && i.Height > 0 {
		parts = append(parts, fmt.Sprintf("%d × %d", i.Width, i.Height))
	}
	switch {
	case i.Bytes >= 1_000_000:
		parts = append(parts, fmt.Sprintf("%.1f MB", float64(i.Bytes)/1e6))
	case i.Bytes > 0:
		parts = append(parts, fmt.Sprintf("%d KB", (i.Bytes+999)/1000))
	}
	return strings.Join(parts, ", ")
}

// ActConvert converts a problem's media to fit a platform (convert_media);
// its value is ConvertValue's.
const ActConvert = "mm_convert"

// ConvertValue is what a Convert button carries: "<platform> <pad|fit> <media>",
// the media being "media:<id>" for an uploaded file or its link.
func ConvertValue(o fault.Offer) string {
	fit, ref := "fit", o.MediaURL
	if o.Reframe {
		fit = "pad"
	}
	if o.MediaID != "" {
		ref = "media:" + o.MediaID
	}
	return string(o.Platform) + " " + fit + " " + ref
}

// ParseConvertValue reads a Convert button's value back into the request it
// stands for; ok is false for a value no button of ours carries.
func ParseConvertValue(v string) (check.ConvertRequest, bool) {
	parts := strings.SplitN(v, " ", 3)
	if len(parts) != 3 || (parts[1] != "fit" && parts[1] != "pad") || parts[2] == "" {
		return check.ConvertRequest{}, false
	}
	r := check.ConvertRequest{Platform: platform.Name(parts[0]), Reframe: parts[1] == "pad"}
	if id, ok := strings.CutPrefix(parts[2], "media:"); ok {
		r.MediaID = id
	} else {
		r.MediaURL = parts[2]
	}
	return r, true
}

// convertChoice is the Convert button of a failure a conversion mends.
func convertChoice(o fault.Offer) Choice {
	label := "Convert for " + Platform(o.Platform)
	if o.Reframe {
		label += " (adds borders)"
	}
	return Choice{Label: label, Action: ActConvert, Value: ConvertValue(o), Style: StylePrimary}
}
