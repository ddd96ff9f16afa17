package sandbox

import (
	"bytes"
	"hash/fnv"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"strings"
)

// serveMedia answers GET /_sandbox/media/{name}.jpg or .png with a small
// generated image (a gradient whose hue follows the name), so examples and
// demos have media at the sandbox's own address to publish.
func (s *Sandbox) serveMedia(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	stem, ext, ok := strings.Cut(name, ".")
	if !ok || stem == "" || (ext != "jpg" && ext != "png") {
		http.NotFound(w, r)
		return
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(stem))
	seed := h.Sum32()
	img := image.NewRGBA(image.Rect(0, 0, 640, 360))
	for y := 0; y < 360; y++ {
		for x := 0; x < 640; x++ {
			img.Set(x, y, color.RGBA{R: uint8(seed) + uint8(x/3), G: uint8(seed>>8) + uint8(y/2), B: uint8(seed >> 16), A: 255})
		}
	}
	var buf bytes.Buffer
	var err error
	if ext == "png" {
		w.Header().Set("Content-Type", "image/png")
		err = png.Encode(&buf, img)
	} else {
		w.Header().Set("Content-Type", "image/jpeg")
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80})
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	_, _ = w.Write(buf.Bytes())
}
