package check

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"time"
)

// gifFrames counts a GIF's frames and adds up their delays by walking its
// blocks (GIF89a: header, screen descriptor, extensions, image descriptors,
// trailer) without decoding any pixels, so a small file that claims
// thousands of large frames costs no memory.
func gifFrames(r io.Reader) (int, time.Duration, error) {
	br := bufio.NewReader(r)
	head := make([]byte, 13) // "GIF89a" + logical screen descriptor
	if _, err := io.ReadFull(br, head); err != nil {
		return 0, 0, fmt.Errorf("check: gif header: %w", err)
	}
	if err := skipColorTable(br, head[10]); err != nil {
		return 0, 0, err
	}
	frames, delay := 0, time.Duration(0)
	for {
		intro, err := br.ReadByte()
		if err != nil {
			return 0, 0, fmt.Errorf("check: gif block: %w", err)
		}
		switch intro {
		case 0x3B: // trailer
			return frames, delay, nil
		case 0x21: // extension: label, then sub-blocks
			label, err := br.ReadByte()
			if err != nil {
				return 0, 0, fmt.Errorf("check: gif extension: %w", err)
			}
			first, err := subBlocks(br)
			if err != nil {
				return 0, 0, err
			}
			if label == 0xF9 && len(first) >= 3 { // graphic control: delay in hundredths of a second
				delay += time.Duration(int(first[1])|int(first[2])<<8) * 10 * time.Millisecond
			}
		case 0x2C: // image descriptor, its color table, LZW code size, data sub-blocks
			desc := make([]byte, 9)
			if _, err := io.ReadFull(br, desc); err != nil {
				return 0, 0, fmt.Errorf("check: gif image: %w", err)
			}
			if err := skipColorTable(br, desc[8]); err != nil {
				return 0, 0, err
			}
			if _, err := br.ReadByte(); err != nil {
				return 0, 0, fmt.Errorf("check: gif image: %w", err)
			}
			if _, err := subBlocks(br); err != nil {
				return 0, 0, err
			}
			frames++
		default:
			return 0, 0, errors.New("check: gif: unknown block")
		}
	}
}

// skipColorTable skips the color table a packed field announces.
func skipColorTable(br *bufio.Reader, packed byte) error {
	if packed&0x80 == 0 {
		return nil
	}
	n := 3 * (1 << (int(packed&0x07) + 1))
	if _, err := br.Discard(n); err != nil {
		return fmt.Errorf("check: gif color table: %w", err)
	}
	return nil
}

// subBlocks skips data sub-blocks up to the terminator, returning the first.
func subBlocks(br *bufio.Reader) ([]byte, error) {
	var first []byte
	for i := 0; ; i++ {
		n, err := br.ReadByte()
		if err != nil {
			return nil, fmt.Errorf("check: gif data: %w", err)
		}
		if n == 0 {
			return first, nil
		}
		if i == 0 {
			first = make([]byte, n)
			if _, err := io.ReadFull(br, first); err != nil {
				return nil, fmt.Errorf("check: gif data: %w", err)
			}
			continue
		}
		if _, err := br.Discard(int(n)); err != nil {
			return nil, fmt.Errorf("check: gif data: %w", err)
		}
	}
}
