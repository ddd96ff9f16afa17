// Package testmedia makes small, real media files for tests: MP4 and MOV
// containers with the boxes a prober reads (ftyp, moov/mvhd, one track per
// stream), padded to a chosen size without holding anything but the header
// and the padding. It has no dependency on the sandbox, so the sandbox's
// own tests can use it as well as the adapters' and tools'.
package testmedia

import (
	"bytes"
	"testing"

	"github.com/abema/go-mp4"
)

// Video describes a video file to make.
// The audio object types Video.Audio takes.
const (
	AAC byte = 0x40
	MP3 byte = 0x6B
)

type Video struct {
	// Brand is the ftyp major brand: "isom" or "mp42" (MP4), "qt  " (MOV); default "isom".
	Brand string
	// Codec is the video sample entry: "avc1" (H.264), "hvc1" (HEVC), "vp09"…; default "avc1".
	Codec string
	// Width and Height in pixels; default 640 × 360.
	Width, Height int
	// Seconds is the movie's duration.
	Seconds float64
	// Audio, when not 0, adds an audio track of that MPEG-4 object type:
	// AAC or MP3.
	Audio byte
	// Bytes, when larger than the boxes, pads the file with an mdat box to that size.
	Bytes int
}

// MP4 returns the bytes of v.
func MP4(t testing.TB, v Video) []byte {
	t.Helper()
	if v.Brand == "" {
		v.Brand = "isom"
	}
	if v.Codec == "" {
		v.Codec = "avc1"
	}
	if v.Width == 0 || v.Height == 0 {
		v.Width, v.Height = 640, 360
	}
	var buf writeSeeker
	w := mp4.NewWriter(&buf)
	box := func(typ mp4.BoxType, payload mp4.IImmutableBox, children func()) {
		if _, err := w.StartBox(&mp4.BoxInfo{Type: typ}); err != nil {
			t.Fatal(err)
		}
		if payload != nil {
			if _, err := mp4.Marshal(w, payload, mp4.Context{}); err != nil {
				t.Fatal(err)
			}
		}
		if children != nil {
			children()
		}
		if _, err := w.EndBox(); err != nil {
			t.Fatal(err)
		}
	}
	var brand [4]byte
	copy(brand[:], v.Brand)
	const timescale = 1000
	box(mp4.BoxTypeFtyp(), &mp4.Ftyp{MajorBrand: brand, CompatibleBrands: []mp4.CompatibleBrandElem{{CompatibleBrand: brand}}}, nil)
	track := func(id uint32, entry mp4.BoxType, sample mp4.IImmutableBox, width, height uint32, extra func()) {
		box(mp4.BoxTypeTrak(), nil, func() {
			box(mp4.BoxTypeTkhd(), &mp4.Tkhd{TrackID: id, Width: width << 16, Height: height << 16}, nil)
			box(mp4.BoxTypeMdia(), nil, func() {
				box(mp4.BoxTypeMinf(), nil, func() {
					box(mp4.BoxTypeStbl(), nil, func() {
						box(mp4.BoxTypeStsd(), &mp4.Stsd{EntryCount: 1}, func() { box(entry, sample, extra) })
					})
				})
			})
		})
	}
	box(mp4.BoxTypeMoov(), nil, func() {
		box(mp4.BoxTypeMvhd(), &mp4.Mvhd{Timescale: timescale, DurationV0: uint32(v.Seconds * timescale), Rate: 0x10000, Volume: 0x100, NextTrackID: 3}, nil)
		entry := mp4.StrToBoxType(v.Codec)
		vse := &mp4.VisualSampleEntry{SampleEntry: mp4.SampleEntry{AnyTypeBox: mp4.AnyTypeBox{Type: entry}, DataReferenceIndex: 1},
			Width: uint16(v.Width), Height: uint16(v.Height), Horizresolution: 0x480000, Vertresolution: 0x480000, FrameCount: 1, Depth: 0x18, PreDefined3: -1}
		track(1, entry, vse, uint32(v.Width), uint32(v.Height), nil)
		if v.Audio != 0 {
			ase := &mp4.AudioSampleEntry{SampleEntry: mp4.SampleEntry{AnyTypeBox: mp4.AnyTypeBox{Type: mp4.BoxTypeMp4a()}, DataReferenceIndex: 1},
				ChannelCount: 2, SampleSize: 16, SampleRate: 48000 << 16}
			track(2, mp4.BoxTypeMp4a(), ase, 0, 0, func() {
				box(mp4.BoxTypeEsds(), &mp4.Esds{Descriptors: []mp4.Descriptor{
					{Tag: mp4.ESDescrTag, Size: 3, ESDescriptor: &mp4.ESDescriptor{ESID: 2}},
					{Tag: mp4.DecoderConfigDescrTag, Size: 13, DecoderConfigDescriptor: &mp4.DecoderConfigDescriptor{ObjectTypeIndication: v.Audio, StreamType: 5}},
				}}, nil)
			})
		}
	})
	out := buf.Bytes()
	if pad := v.Bytes - len(out); pad >= 8 {
		// An mdat box of pad bytes: a 32-bit size, the type, zeros.
		hdr := []byte{byte(pad >> 24), byte(pad >> 16), byte(pad >> 8), byte(pad), 'm', 'd', 'a', 't'}
		out = append(out, hdr...)
		out = append(out, make([]byte, pad-8)...)
	}
	return out
}

// writeSeeker is an in-memory io.WriteSeeker (go-mp4's writer seeks back
// to write each box's size).
type writeSeeker struct {
	b   []byte
	off int
}

func (w *writeSeeker) Write(p []byte) (int, error) {
	if need := w.off + len(p); need > len(w.b) {
		w.b = append(w.b, make([]byte, need-len(w.b))...)
	}
	copy(w.b[w.off:], p)
	w.off += len(p)
	return len(p), nil
}

func (w *writeSeeker) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case 1:
		offset += int64(w.off)
	case 2:
		offset += int64(len(w.b))
	}
	w.off = int(offset)
	return offset, nil
}

// Bytes is what was written.
func (w *writeSeeker) Bytes() []byte { return bytes.Clone(w.b) }
