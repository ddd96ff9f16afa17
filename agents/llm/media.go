package llm

import (
	"fmt"
	"strings"
	"time"
)

// Media is one image or video shared in the conversation, in the order
// it was shared: what the model may attach to a post by ID.
type Media struct {
	ID          string
	Name        string // "launch.jpg"
	ContentType string // "image/jpeg"
	Width       int
	Height      int
	Duration    time.Duration
}

// Kind is "image", "video" or "file".
func (m Media) Kind() string {
	switch {
	case strings.HasPrefix(m.ContentType, "image/"):
		return "image"
	case strings.HasPrefix(m.ContentType, "video/"):
		return "video"
	}
	return "file"
}

// Describe is how the turn's context names it: "launch.jpg, image
// 1080×1350" or "teaser.mp4, video 1920×1080, 12 s".
func (m Media) Describe() string {
	s := m.Name + ", " + m.Kind()
	if m.Width > 0 && m.Height > 0 {
		s += fmt.Sprintf(" %d×%d", m.Width, m.Height)
	}
	if m.Duration > 0 {
		s += fmt.Sprintf(", %d s", int(m.Duration.Round(time.Second)/time.Second))
	}
	return s
}
