package intent

import (
	"fmt"
	"net/url"
	"path"
	"strings"
)

// mediaWords name what the URL after them is.
var mediaWords = map[string]string{
	"image": "image", "photo": "image", "picture": "image", "img": "image", "pic": "image",
	"video": "video", "clip": "video",
	"link": "link", "url": "link",
}

var imageExts = map[string]bool{".jpg": true, ".jpeg": true, ".png": true, ".gif": true, ".webp": true}

var videoExts = map[string]bool{".mp4": true, ".mov": true, ".m4v": true}

func isURL(s string) bool {
	low := strings.ToLower(s)
	return strings.HasPrefix(low, "http://") || strings.HasPrefix(low, "https://")
}

// attach adds a URL to the post as what says (image, video, link), or as
// its extension suggests when what is "".
func (c *Command) attach(what, raw string) error {
	u, err := url.Parse(strings.TrimRight(raw, ".,;!?"))
	if err != nil || u.Host == "" {
		return fmt.Errorf("%q is not a URL", raw)
	}
	if what == "" {
		ext := strings.ToLower(path.Ext(u.Path))
		switch {
		case imageExts[ext]:
			what = "image"
		case videoExts[ext]:
			what = "video"
		default:
			what = "link"
		}
	}
	s := u.String()
	switch {
	case what == "image":
		c.ImageURLs = append(c.ImageURLs, s)
	case what == "video" && c.VideoURL == "":
		c.VideoURL = s
	case what == "link" && c.Link == "":
		c.Link = s
	default:
		return fmt.Errorf("one %s per post", what)
	}
	return nil
}
