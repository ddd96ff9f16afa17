package store

import (
	"errors"
	"testing"
	"time"
)

func TestCursor(t *testing.T) {
	t.Parallel()
	c := Cursor{CreatedAt: time.Date(2026, 12, 1, 9, 0, 0, 123e6, time.UTC), ID: "p1:x"}
	got, err := ParseCursor(c.String())
	if err != nil || !got.CreatedAt.Equal(c.CreatedAt) || got.ID != c.ID {
		t.Fatalf("round trip = %+v, %v; want %+v", got, err, c)
	}
	if got, err := ParseCursor(""); err != nil || got != (Cursor{}) || (Cursor{}).String() != "" {
		t.Fatalf("empty = %+v, %v", got, err)
	}
	for _, bad := range []string{"%%%", "bm8tY29sb24", "MTIzOg", "YWJjOnAx"} { // not base64; "no-colon"; "123:"; "abc:p1"
		if _, err := ParseCursor(bad); !errors.Is(err, ErrBadCursor) {
			t.Errorf("ParseCursor(%q) = %v; want ErrBadCursor", bad, err)
		}
	}
}

// FuzzParseCursor: a cursor comes from a client; whatever it sends is
// either refused or reads back as itself.
func FuzzParseCursor(f *testing.F) {
	f.Add(Cursor{CreatedAt: time.UnixMilli(1), ID: "a"}.String())
	f.Add("%%%")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCursor(s)
		if err != nil || s == "" {
			return
		}
		if again, err := ParseCursor(c.String()); err != nil || again != c {
			t.Fatalf("%q read as %+v, which reads back as %+v, %v", s, c, again, err)
		}
	})
}
