package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/marketingminds/marketingminds/tools/limit"
)

// checkBody walks a JSON body before it is decoded and names the first
// field that breaks a rule encoding/json would let pass: a string with
// invalid UTF-8 (json would replace it with U+FFFD and store "launch ���"),
// a list longer than limit.ListItems or a text longer than limit.TextChars.
// Malformed JSON is left to the decoder, which says where.
func checkBody(data []byte) string {
	bad := invalidUTF8At(data)
	dec := json.NewDecoder(bytes.NewReader(data))
	var w bodyWalk
	for {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		key := w.atKey()
		if msg := w.step(tok); msg != "" {
			return msg
		}
		if bad >= 0 && dec.InputOffset() > bad {
			if key {
				return "a key in " + w.where() + " is not valid UTF-8"
			}
			return w.field() + " is not valid UTF-8 text"
		}
	}
}

// invalidUTF8At is the offset of the first byte of data that is not UTF-8, or -1.
func invalidUTF8At(data []byte) int64 {
	if utf8.Valid(data) {
		return -1
	}
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n == 1 {
			return int64(i)
		}
		i += n
	}
	return -1
}

// bodyWalk tracks where in the document the tokens are.
type bodyWalk struct{ stack []frame }

// frame is one open object or array.
type frame struct {
	array    bool
	key      string // object: the current key
	expected bool   // object: the next token is a key
	n        int    // array: items so far
}

func (w *bodyWalk) atKey() bool {
	return len(w.stack) > 0 && !w.stack[len(w.stack)-1].array && w.stack[len(w.stack)-1].expected
}

// step takes one token and reports a broken cap.
func (w *bodyWalk) step(tok any) string {
	if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
		w.stack = w.stack[:len(w.stack)-1]
		w.valueDone()
		return ""
	}
	if w.atKey() {
		top := &w.stack[len(w.stack)-1]
		top.key, top.expected = tok.(string), false
		return ""
	}
	if len(w.stack) > 0 && w.stack[len(w.stack)-1].array {
		top := &w.stack[len(w.stack)-1]
		if top.n++; top.n > limit.ListItems {
			return fmt.Sprintf("%s holds more than %d items", w.where(), limit.ListItems)
		}
	}
	switch v := tok.(type) {
	case json.Delim:
		w.stack = append(w.stack, frame{array: v == '[', expected: v == '{'})
		return ""
	case string:
		if n := utf8.RuneCountInString(v); n > limit.TextChars {
			return fmt.Sprintf("%s is %d characters long; at most %d are taken", w.field(), n, limit.TextChars)
		}
	}
	w.valueDone()
	return ""
}

// valueDone marks the end of a value: an object then expects a key.
func (w *bodyWalk) valueDone() {
	if len(w.stack) > 0 && !w.stack[len(w.stack)-1].array {
		w.stack[len(w.stack)-1].expected = true
	}
}

// where names the innermost open object or array.
func (w *bodyWalk) where() string {
	if len(w.stack) == 0 {
		return "the body"
	}
	return w.path(len(w.stack) - 1)
}

// field names the value being read.
func (w *bodyWalk) field() string {
	if len(w.stack) == 0 {
		return "the body"
	}
	return w.path(len(w.stack))
}

// path names the place of the value at depth, like content.thread[2].
func (w *bodyWalk) path(depth int) string {
	p := ""
	for i := range depth {
		f := w.stack[i]
		switch {
		case f.array:
			p += "[" + strconv.Itoa(f.n-1) + "]"
		case p == "":
			p = limit.Clip(f.key)
		default:
			p += "." + limit.Clip(f.key)
		}
	}
	if p == "" {
		return "the body"
	}
	return "field " + strconv.Quote(p)
}
