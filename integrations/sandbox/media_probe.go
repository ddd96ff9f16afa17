package sandbox

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/abema/go-mp4"
)

// videoInfo is what the platforms' video processing reads from a file's
// ISO BMFF boxes: the container, the movie's duration, the codecs and the
// video track's display size. The
// sandbox reads it the way tools/media/check does (go-mp4, ftyp and
// moov/mvhd, each track's sample entry) but in its own small reader, since
// integrations never import tools (DESIGN.md).
type videoInfo struct {
	container string // mp4, or mov for a QuickTime ("qt  ") brand
	duration  time.Duration
	video     string // h264, hevc, av1, vp9, other sample entry codes as they are
	audio     string // aac (any mp4a), or the sample entry code; "" without sound
	width     int    // of the video track (its tkhd), 0 when unknown
	height    int
}

var videoCodecs = map[string]string{"avc1": "h264", "avc3": "h264", "hvc1": "hevc", "hev1": "hevc", "av01": "av1", "vp09": "vp9", "vp08": "vp8"}

var errNoMovie = errors.New("no movie header (moov/mvhd)")

// probeVideo reads r's container, duration and codecs. A file without a
// readable movie header is an error: no platform processes it.
func probeVideo(r io.ReadSeeker) (videoInfo, error) {
	var v videoInfo
	var mvhd *mp4.Mvhd
	var trackW, trackH int // the current track's header
	stsd := mp4.BoxPath{mp4.BoxTypeMoov(), mp4.BoxTypeTrak(), mp4.BoxTypeMdia(), mp4.BoxTypeMinf(), mp4.BoxTypeStbl(), mp4.BoxTypeStsd()}
	_, err := mp4.ReadBoxStructure(r, func(h *mp4.ReadHandle) (any, error) {
		path := h.Path
		switch {
		case h.BoxInfo.Type == mp4.BoxTypeFtyp() && len(path) == 1:
			box, _, err := h.ReadPayload()
			if err != nil {
				return nil, err
			}
			v.container = "mp4"
			if ftyp, ok := box.(*mp4.Ftyp); ok && string(ftyp.MajorBrand[:]) == "qt  " {
				v.container = "mov"
			}
		case h.BoxInfo.Type == mp4.BoxTypeMvhd() && len(path) == 2 && path[0] == mp4.BoxTypeMoov():
			box, _, err := h.ReadPayload()
			if err != nil {
				return nil, err
			}
			mvhd, _ = box.(*mp4.Mvhd)
		case len(path) == 3 && samePath(path, mp4.BoxPath{mp4.BoxTypeMoov(), mp4.BoxTypeTrak(), mp4.BoxTypeTkhd()}):
			box, _, err := h.ReadPayload()
			if err != nil {
				return nil, err
			}
			if tkhd, ok := box.(*mp4.Tkhd); ok {
				trackW, trackH = int(tkhd.Width>>16), int(tkhd.Height>>16)
			}
		case len(path) == len(stsd)+1 && samePath(path[:len(stsd)], stsd):
			code := h.BoxInfo.Type.String()
			c, known := videoCodecs[code]
			switch {
			case v.video == "" && (known || isVisual(code)):
				if !known {
					c = code
				}
				v.video, v.width, v.height = c, trackW, trackH
			case h.BoxInfo.Type == mp4.BoxTypeMp4a() && v.audio == "":
				v.audio = "aac"
			}
		case len(path) <= len(stsd) && samePath(path, stsd[:len(path)]) && h.BoxInfo.IsSupportedType():
			return h.Expand()
		}
		return nil, nil
	})
	if err != nil {
		return v, fmt.Errorf("sandbox: probe video: %w", err)
	}
	if v.container == "" || mvhd == nil || mvhd.Timescale == 0 {
		return v, errNoMovie
	}
	d := uint64(mvhd.DurationV0)
	if mvhd.GetVersion() == 1 {
		d = mvhd.DurationV1
	}
	v.duration = time.Duration(float64(d) / float64(mvhd.Timescale) * float64(time.Second))
	return v, nil
}

func samePath(a, b mp4.BoxPath) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// isVisual tells the sample entries of other video codecs (MPEG-4 Part 2,
// ProRes) from audio and text ones.
func isVisual(code string) bool {
	switch code {
	case "mp4v", "apch", "apcn", "apcs", "apco", "ap4h":
		return true
	}
	return false
}

// partialFile is the part of an uploaded file the sandbox keeps: the first
// chunk and the last ones, where a movie header sits (front or end), at
// their offsets in a file of size bytes. Reading elsewhere fails, so a
// file whose header is in a part not kept reads as unprocessable: the
// sandbox then refuses what the platform might have taken, never the
// other way round.
type partialFile struct {
	size   int64
	pieces map[int64][]byte // offset → bytes
	off    int64
}

var errNotKept = errors.New("that part of the upload was not kept")

func (f *partialFile) Read(p []byte) (int, error) {
	if f.off >= f.size {
		return 0, io.EOF
	}
	for at, b := range f.pieces {
		if f.off >= at && f.off < at+int64(len(b)) {
			n := copy(p, b[f.off-at:])
			f.off += int64(n)
			return n, nil
		}
	}
	return 0, errNotKept
}

func (f *partialFile) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekCurrent:
		offset += f.off
	case io.SeekEnd:
		offset += f.size
	}
	if offset < 0 {
		return 0, errors.New("sandbox: seek before the start")
	}
	f.off = offset
	return offset, nil
}

// keptChunks is how many chunks of an upload are kept besides the first.
const keptChunks = 2

// keepChunk adds chunk i to kept (chunk 0 and the keptChunks highest).
func keepChunk(kept map[int][]byte, i int, data []byte) {
	kept[i] = bytes.Clone(data)
	for len(kept) > keptChunks+1 {
		low := -1
		for j := range kept {
			if j != 0 && (low < 0 || j < low) {
				low = j
			}
		}
		delete(kept, low)
	}
}

// probeChunks reads a video uploaded in chunks (sizes by index) from the
// chunks kept.
func probeChunks(sizes map[int]int64, kept map[int][]byte) (videoInfo, error) {
	f := &partialFile{pieces: map[int64][]byte{}}
	for i := 0; i < len(sizes); i++ {
		if b, ok := kept[i]; ok {
			f.pieces[f.size] = b
		}
		f.size += sizes[i]
	}
	return probeVideo(f)
}

// aspectWithin tells whether the video's width ÷ height is from lo to hi,
// with tools/media/check's tolerance; an unknown size passes, as there.
func (v videoInfo) aspectWithin(lo, hi float64) bool {
	if v.height == 0 {
		return true
	}
	a := float64(v.width) / float64(v.height)
	return a >= lo-aspectEpsilon && a <= hi+aspectEpsilon
}
