package check

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
)

// Fix says whether Convert mends a problem, and how far the person must look first.
type Fix string

const (
	// FixNone: only a new file mends it (a video to re-export, a GIF too long).
	FixNone Fix = ""
	// FixConvert: re-encoding to JPEG and, if needed, scaling down mends it; nothing is cut.
	FixConvert Fix = "convert"
	// FixReframe: the aspect ratio is outside the platform's range; a padded
	// version mends it, shown as a preview the person must accept.
	FixReframe Fix = "reframe"
)

// Problem is one way an item breaks a platform's limits, in a marketer's words.
type Problem struct {
	Platform platform.Name `json:"platform"`
	Item     int           `json:"item"`    // index in the list given to Check
	What     string        `json:"what"`    // "the second image"
	Value    string        `json:"value"`   // "is 20.4 MB"
	Limit    string        `json:"limit"`   // "X takes images up to 5 MB"
	Message  string        `json:"message"` // the whole sentence, with what to do
	Fix      Fix           `json:"fix,omitempty"`
}

// Check lists every way items (the post's media, in order) break platform p's
// documented limits. A platform without rules yields nothing.
func Check(p platform.Name, items []Info) []Problem {
	r, ok := DefaultRules[p]
	if !ok {
		return nil
	}
	names := itemNames(items)
	var out []Problem
	add := func(i int, value, limit string, fix Fix, remedy string) {
		msg := fmt.Sprintf("%s %s; %s", names[i], value, limit)
		if remedy != "" {
			msg += ": " + remedy
		}
		out = append(out, Problem{Platform: p, Item: i, What: names[i], Value: value, Limit: limit, Message: msg, Fix: fix})
	}
	for i, it := range items {
		switch {
		case it.IsImage():
			checkImage(p, r.Image, it, len(items), func(v, l string, f Fix, rem string) { add(i, v, l, f, rem) })
		case it.IsVideo():
			checkVideo(p, r.Video, it, func(v, l string, f Fix, rem string) { add(i, v, l, f, rem) })
		default:
			add(i, "is not an image or a video we can read", p.Label()+" takes JPEG, PNG, GIF or WebP images and MP4 or MOV videos", FixNone, "upload it again in one of those formats")
		}
	}
	return out
}

type report func(value, limit string, fix Fix, remedy string)

const (
	convertJPEG  = "we can convert it to a JPEG for you"
	convertSmall = "we can make a smaller JPEG of it for you"
	reframe      = "we can add borders to fit it; look at the preview before you accept it"
)

func checkImage(p platform.Name, r ImageRule, it Info, total int, add report) {
	label := p.Label()
	animated := it.Container == "gif" && it.Frames > 1
	if !slices.Contains(r.Formats, it.Container) {
		remedy := convertJPEG
		if animated {
			remedy = "we can convert its first frame to a JPEG for you (the animation is lost)"
		}
		add("is "+formatName(it), label+" takes "+formatList(r.Formats)+" images", FixConvert, remedy)
	}
	maxBytes := r.MaxBytes
	if animated && r.MaxGIFBytes > 0 {
		maxBytes = r.MaxGIFBytes
	}
	if maxBytes > 0 && it.Bytes > maxBytes {
		fix, remedy := FixConvert, convertSmall
		what := "images"
		if animated && r.MaxGIFBytes > 0 {
			fix, remedy, what = FixNone, "make a shorter or smaller GIF and upload it again", "animated GIFs"
		}
		add("is "+megabytes(it.Bytes), fmt.Sprintf("%s takes %s up to %s", label, what, megabytes(maxBytes)), fix, remedy)
	}
	if r.MaxPixels > 0 && int64(it.Width)*int64(it.Height) >= r.MaxPixels {
		add(fmt.Sprintf("is %d × %d pixels", it.Width, it.Height), fmt.Sprintf("%s takes images under %s pixels", label, thousands(r.MaxPixels)), FixConvert, convertSmall)
	}
	if r.MinAspect > 0 && it.Height > 0 {
		if a := float64(it.Width) / float64(it.Height); a < r.MinAspect-1e-3 || a > r.MaxAspect+1e-3 {
			add(fmt.Sprintf("is %s (%d × %d)", aspectWords(a), it.Width, it.Height),
				fmt.Sprintf("%s takes images from %s to %s", label, ratio(r.MinAspect), ratio(r.MaxAspect)), FixReframe, reframe)
		}
	}
	if r.GIFAlone && animated && total > 1 {
		add("is an animated GIF", label+" takes one animated GIF on its own, or up to 4 images, or one video", FixNone, "post the GIF alone")
	}
}

const reexport = "export it again as MP4 (H.264 video, AAC audio) and upload it again"

func checkVideo(p platform.Name, r VideoRule, it Info, add report) {
	label := p.Label()
	if len(r.Containers) > 0 && !slices.Contains(r.Containers, it.Container) {
		add("is "+formatName(it), label+" takes "+formatList(r.Containers)+" videos", FixNone, reexport)
	}
	if len(r.VideoCodecs) > 0 && !slices.Contains(r.VideoCodecs, it.VideoCodec) {
		add("is encoded as "+codecName(it.VideoCodec), label+" takes "+codecList(r.VideoCodecs)+" video", FixNone, reexport)
	}
	if len(r.AudioCodecs) > 0 && it.AudioCodec != "" && !slices.Contains(r.AudioCodecs, it.AudioCodec) {
		add("has "+codecName(it.AudioCodec)+" sound", label+" takes "+codecList(r.AudioCodecs)+" sound", FixNone, reexport)
	}
	if r.MaxBytes > 0 && it.Bytes > r.MaxBytes {
		add("is "+megabytes(it.Bytes), fmt.Sprintf("%s takes videos up to %s", label, megabytes(r.MaxBytes)), FixNone, "export a smaller or shorter video and upload it again")
	}
	if r.MinBytes > 0 && it.Bytes < r.MinBytes {
		add("is only "+megabytes(it.Bytes), fmt.Sprintf("%s takes videos of at least %s", label, megabytes(r.MinBytes)), FixNone, "export it at a higher quality and upload it again")
	}
	if r.MaxDuration > 0 && it.Duration > r.MaxDuration {
		add("lasts "+duration(it.Duration), fmt.Sprintf("%s takes videos up to %s", label, duration(r.MaxDuration)), FixNone, "cut it shorter and upload it again")
	}
	if r.MinDuration > 0 && it.Duration < r.MinDuration {
		add("lasts "+duration(it.Duration), fmt.Sprintf("%s takes videos of at least %s", label, duration(r.MinDuration)), FixNone, "use a longer video")
	}
	if r.MaxWidth > 0 && it.Width > r.MaxWidth {
		add(fmt.Sprintf("is %d pixels wide", it.Width), fmt.Sprintf("%s takes videos up to %d pixels wide", label, r.MaxWidth), FixNone, reexport+" at a smaller size")
	}
	if r.MinAspect > 0 && it.Height > 0 {
		if a := float64(it.Width) / float64(it.Height); a < r.MinAspect-1e-3 || a > r.MaxAspect+1e-3 {
			add(fmt.Sprintf("is %s (%d × %d)", aspectWords(a), it.Width, it.Height),
				fmt.Sprintf("%s takes videos from %s to %s", label, ratio(r.MinAspect), ratio(r.MaxAspect)), FixNone, "crop or pad it in your editor and upload it again")
		}
	}
}

var ordinals = []string{"first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"}

// itemNames names each item as a person would point at it: "the image",
// "the second image", "the video".
func itemNames(items []Info) []string {
	kind := func(it Info) string {
		if it.IsVideo() {
			return "video"
		}
		if it.IsImage() {
			return "image"
		}
		return "file"
	}
	count := map[string]int{}
	for _, it := range items {
		count[kind(it)]++
	}
	seen := map[string]int{}
	out := make([]string, len(items))
	for i, it := range items {
		k := kind(it)
		seen[k]++
		switch n := seen[k]; {
		case count[k] == 1:
			out[i] = "the " + k
		case n <= len(ordinals):
			out[i] = "the " + ordinals[n-1] + " " + k
		default:
			out[i] = fmt.Sprintf("%s %d", k, n)
		}
	}
	return out
}

var formatNames = map[string]string{"jpeg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WebP", "mp4": "MP4", "mov": "QuickTime MOV", "heif": "HEIC"}

func formatName(it Info) string {
	n := formatNames[it.Container]
	if n == "" {
		n = strings.ToUpper(it.Container)
	}
	if it.Container == "gif" && it.Frames > 1 {
		return "an animated GIF"
	}
	return article(n) + " " + n
}

func article(w string) string {
	if w != "" && strings.ContainsRune("AEFHILMNORSX", rune(w[0])) {
		return "an"
	}
	return "a"
}

func formatList(fs []string) string {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = formatNames[f]
	}
	return "only " + orList(names)
}

var codecNames = map[string]string{"h264": "H.264", "hevc": "HEVC (H.265)", "aac": "AAC", "av1": "AV1", "vp9": "VP9", "vp8": "VP8", "mpeg4": "MPEG-4 Part 2", "prores": "ProRes", "opus": "Opus", "mp3": "MP3", "pcm": "uncompressed PCM"}

func codecName(c string) string {
	if c == "" {
		return "an unknown codec"
	}
	if n, ok := codecNames[c]; ok {
		return n
	}
	return c
}

func codecList(cs []string) string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = codecName(c)
	}
	return orList(names)
}

func orList(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// megabytes is n bytes in decimal megabytes, as platforms write their limits.
func megabytes(n int64) string {
	v := float64(n) / mb
	if v == math.Trunc(v) {
		return fmt.Sprintf("%.0f MB", v)
	}
	if v < 0.1 {
		return fmt.Sprintf("%d KB", (n+999)/1000)
	}
	return fmt.Sprintf("%.1f MB", v)
}

func thousands(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func duration(d time.Duration) string {
	switch {
	case d < time.Second:
		return fmt.Sprintf("%.1f seconds", d.Seconds())
	case d < 3*time.Minute:
		return fmt.Sprintf("%.0f seconds", math.Floor(d.Seconds()))
	case d%time.Minute == 0:
		return fmt.Sprintf("%d minutes", int(d.Minutes()))
	}
	return fmt.Sprintf("%d min %02d s", int(d.Minutes()), int(d.Seconds())%60)
}

// ratio writes a width ÷ height limit as people read it: 4:5, 1.91:1, 1:3.
func ratio(a float64) string {
	for _, r := range [][2]int{{4, 5}, {9, 16}, {16, 9}, {1, 1}} {
		if math.Abs(a-float64(r[0])/float64(r[1])) < 1e-3 {
			return fmt.Sprintf("%d:%d", r[0], r[1])
		}
	}
	if a < 1 {
		return "1:" + trimFloat(1/a)
	}
	return trimFloat(a) + ":1"
}

func trimFloat(f float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", f), "0"), ".")
}

func aspectWords(a float64) string {
	if a < 1 {
		return "a tall " + ratio(a) + " frame"
	}
	return "a wide " + ratio(a) + " frame"
}
