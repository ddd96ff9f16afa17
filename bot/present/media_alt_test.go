package present_test

import (
	"testing"

	"github.com/marketingminds/marketingminds/bot/present"
	"github.com/marketingminds/marketingminds/tools/media"
)

// TestMediaAlt: the stored alt text when there is one, else the file's
// name, kind and place in the post.
func TestMediaAlt(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		m    media.Media
		i, n int
		want string
	}{
		{media.Media{Name: "photo.jpg", ContentType: "image/jpeg", Alt: "A tent at dawn"}, 0, 2, "A tent at dawn"},
		{media.Media{Name: "photo.jpg", ContentType: "image/jpeg"}, 0, 2, "photo.jpg, image 1 of 2"},
		{media.Media{Name: "clip.mp4", ContentType: "video/mp4"}, 1, 2, "clip.mp4, video 2 of 2"},
		{media.Media{ContentType: "image/png"}, 2, 3, "Untitled, image 3 of 3"},
	} {
		if got := present.MediaAlt(tc.m, tc.i, tc.n); got != tc.want {
			t.Errorf("MediaAlt(%+v, %d, %d) = %q, want %q", tc.m, tc.i, tc.n, got, tc.want)
		}
	}
}
