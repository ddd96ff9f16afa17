// Package check reads what a media file really is (from its bytes, never its name), compares it with each
// platform's documented media limits, and converts images that only need re-encoding or resizing.
package check

import (
	"errors"
	"fmt"
	"image"
	_ "image/gif"  // registers the GIF decoder for image.DecodeConfig
	_ "image/jpeg" // registers the JPEG decoder for image.DecodeConfig
	_ "image/png"  // registers the PNG decoder for image.DecodeConfig
	"io"
	"time"

	"github.com/abema/go-mp4"
	_ "golang.org/x/image/webp" // registers the WebP decoder for image.DecodeConfig
)

// Info is what Probe learnt about a media file.
type Info struct {
	ContentType string        `json:"content_type"` // from the bytes: image/jpeg, image/png, image/gif, image/webp, video/mp4, video/quicktime
	Bytes       int64         `json:"bytes"`
	Width       int           `json:"width,omitempty"`
	Height      int           `json:"height,omitempty"`
	Duration    time.Duration `json:"duration,omitempty"`
	Container   string        `json:"container,omitempty"` // jpeg, png, gif, webp, mp4, mov
	VideoCodec  string        `json:"video_codec,omitempty"`
	AudioCodec  string        `json:"audio_codec,omitempty"`
	Frames      int           `json:"frames,omitempty"` // GIF frames (1 for a still GIF)
}

// IsVideo tells whether the file is a video container.
func (i Info) IsVideo() bool { return i.Container == "mp4" || i.Container == "mov" }

// IsImage tells whether the file is an image (GIF included).
func (i Info) IsImage() bool {
	switch i.Container {
	case "jpeg", "png", "gif", "webp":
		return true
	}
	return false
}

// ErrUnknownFormat is returned for bytes that are neither a supported image nor an MP4/MOV video.
var ErrUnknownFormat = errors.New("check: not a JPEG, PNG, GIF, WebP, MP4 or MOV file")

// Probe reads the format, pixel size, duration and codecs of r. It reads the bytes, not a name or a
// declared content type, and leaves r at an unspecified offset.
func Probe(r io.ReadSeeker) (Info, error) {
	size, err := r.Seek(0, io.SeekEnd)
	if err != nil {
		return Info{}, fmt.Errorf("check: probe: size: %w", err)
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return Info{}, fmt.Errorf("check: probe: rewind: %w", err)
	}
	head := make([]byte, 12)
	n, err := io.ReadFull(r, head)
	if errors.Is(err, io.EOF) {
		return Info{}, ErrUnknownFormat
	}
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return Info{}, fmt.Errorf("check: probe: read header: %w", err)
	}
	head = head[:n]
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return Info{}, fmt.Errorf("check: probe: rewind: %w", err)
	}
	if len(head) >= 8 && string(head[4:8]) == "ftyp" {
		info, err := probeISO(r)
		info.Bytes = size
		return info, err
	}
	info, err := probeImage(r)
	info.Bytes = size
	return info, err
}

func probeImage(r io.ReadSeeker) (Info, error) {
	cfg, format, err := image.DecodeConfig(r)
	if err != nil {
		if errors.Is(err, image.ErrFormat) {
			return Info{}, ErrUnknownFormat
		}
		return Info{}, fmt.Errorf("check: probe image: %w", err)
	}
	info := Info{ContentType: "image/" + format, Container: format, Width: cfg.Width, Height: cfg.Height}
	if format != "gif" {
		return info, nil
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return Info{}, fmt.Errorf("check: probe gif: rewind: %w", err)
	}
	if info.Frames, info.Duration, err = gifFrames(r); err != nil {
		return Info{}, err
	}
	return info, nil
}

// Sample entry types (ISO/IEC 14496-12 stsd children) and the codec names we report.
var (
	videoEntries = map[string]string{
		"avc1": "h264", "avc3": "h264", "hvc1": "hevc", "hev1": "hevc", "av01": "av1",
		"vp09": "vp9", "vp08": "vp8", "mp4v": "mpeg4", "apch": "prores", "apcn": "prores", "apcs": "prores",
	}
	audioEntries = map[string]string{
		"mp4a": "aac", "Opus": "opus", "ac-3": "ac3", "ec-3": "eac3", "alac": "alac", ".mp3": "mp3",
		"lpcm": "pcm", "sowt": "pcm", "twos": "pcm",
	}
	heifBrands = map[string]bool{"heic": true, "heix": true, "mif1": true, "msf1": true, "avif": true}
)

func probeISO(r io.ReadSeeker) (Info, error) {
	boxes, err := mp4.ExtractBoxesWithPayload(r, nil, []mp4.BoxPath{
		{mp4.BoxTypeFtyp()},
		{mp4.BoxTypeMoov(), mp4.BoxTypeMvhd()},
	})
	if err != nil {
		return Info{}, fmt.Errorf("check: probe video: %w", err)
	}
	info := Info{ContentType: "video/mp4", Container: "mp4"}
	var mvhd *mp4.Mvhd
	for _, b := range boxes {
		switch p := b.Payload.(type) {
		case *mp4.Ftyp:
			brand := string(p.MajorBrand[:])
			if heifBrands[brand] {
				return Info{ContentType: "image/heic", Container: "heif"}, nil
			}
			if brand == "qt  " {
				info.ContentType, info.Container = "video/quicktime", "mov"
			}
		case *mp4.Mvhd:
			mvhd = p
		}
	}
	if mvhd == nil {
		return Info{}, fmt.Errorf("check: probe video: no movie header (moov/mvhd)")
	}
	if mvhd.Timescale > 0 {
		d := uint64(mvhd.DurationV0)
		if mvhd.GetVersion() == 1 {
			d = mvhd.DurationV1
		}
		info.Duration = time.Duration(float64(d) / float64(mvhd.Timescale) * float64(time.Second))
	}
	if err := probeTracks(r, &info); err != nil {
		return Info{}, err
	}
	return info, nil
}

func probeTracks(r io.ReadSeeker, info *Info) error {
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("check: probe video: rewind: %w", err)
	}
	traks, err := mp4.ExtractBox(r, nil, mp4.BoxPath{mp4.BoxTypeMoov(), mp4.BoxTypeTrak()})
	if err != nil {
		return fmt.Errorf("check: probe video: tracks: %w", err)
	}
	stsd := mp4.BoxPath{mp4.BoxTypeMdia(), mp4.BoxTypeMinf(), mp4.BoxTypeStbl(), mp4.BoxTypeStsd()}
	for _, trak := range traks {
		entries, err := mp4.ExtractBox(r, trak, append(stsd[:4:4], mp4.BoxTypeAny()))
		if err != nil {
			return fmt.Errorf("check: probe video: sample entries: %w", err)
		}
		for _, e := range entries {
			code := e.Type.String()
			if c, ok := videoEntries[code]; ok && info.VideoCodec == "" {
				info.VideoCodec = c
				if err := trackSize(r, trak, info); err != nil {
					return err
				}
			}
			if c, ok := audioEntries[code]; ok && info.AudioCodec == "" {
				if code == "mp4a" {
					c, err = mp4aCodec(r, trak, stsd)
					if err != nil {
						return err
					}
				}
				info.AudioCodec = c
			}
		}
	}
	return nil
}

// trackSize reads the display size of a video track from its track header (16.16 fixed point).
func trackSize(r io.ReadSeeker, trak *mp4.BoxInfo, info *Info) error {
	boxes, err := mp4.ExtractBoxWithPayload(r, trak, mp4.BoxPath{mp4.BoxTypeTkhd()})
	if err != nil {
		return fmt.Errorf("check: probe video: track header: %w", err)
	}
	for _, b := range boxes {
		if tkhd, ok := b.Payload.(*mp4.Tkhd); ok {
			info.Width, info.Height = int(tkhd.Width>>16), int(tkhd.Height>>16)
		}
	}
	return nil
}

// mp4aCodec tells AAC from MP3 carried in an mp4a sample entry by the object type in its esds box.
func mp4aCodec(r io.ReadSeeker, trak *mp4.BoxInfo, stsd mp4.BoxPath) (string, error) {
	mp4a := append(stsd[:4:4], mp4.BoxTypeMp4a())
	boxes, err := mp4.ExtractBoxesWithPayload(r, trak, []mp4.BoxPath{
		append(mp4a[:5:5], mp4.BoxTypeEsds()),
		append(mp4a[:5:5], mp4.BoxTypeWave(), mp4.BoxTypeEsds()),
	})
	if err != nil {
		return "", fmt.Errorf("check: probe video: audio config: %w", err)
	}
	for _, b := range boxes {
		esds, ok := b.Payload.(*mp4.Esds)
		if !ok {
			continue
		}
		for _, d := range esds.Descriptors {
			if d.DecoderConfigDescriptor == nil {
				continue
			}
			switch d.DecoderConfigDescriptor.ObjectTypeIndication {
			case 0x40, 0x66, 0x67, 0x68:
				return "aac", nil
			case 0x69, 0x6B:
				return "mp3", nil
			}
			return fmt.Sprintf("mp4a (object type 0x%02x)", d.DecoderConfigDescriptor.ObjectTypeIndication), nil
		}
	}
	return "mp4a", nil
}
