package store

import (
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Cursor is a position in a list ordered newest first by creation time,
// then id: what a page hands back for the next one.
type Cursor struct {
	CreatedAt time.Time
	ID        string
}

// ErrBadCursor is a cursor this program did not give out.
var ErrBadCursor = errors.New("the cursor is not one this API gave out")

// String encodes c for an API answer; "" for the zero cursor.
func (c Cursor) String() string {
	if c.ID == "" {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(Millis(c.CreatedAt), 10) + ":" + c.ID))
}

// ParseCursor reads what String wrote; "" is the start of the list.
func ParseCursor(s string) (Cursor, error) {
	if s == "" {
		return Cursor{}, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	ms, id, ok := strings.Cut(string(raw), ":")
	n, perr := strconv.ParseInt(ms, 10, 64)
	if err != nil || !ok || perr != nil || id == "" {
		return Cursor{}, ErrBadCursor
	}
	return Cursor{CreatedAt: FromMillis(n), ID: id}, nil
}

// MongoBefore is the filter element selecting, in a MongoDB list ordered by
// timeField then idField descending, what comes after c: an earlier time,
// or the same time and a smaller id.
func (c Cursor) MongoBefore(timeField, idField string) bson.E {
	at := Trunc(c.CreatedAt)
	return bson.E{Key: "$or", Value: bson.A{
		bson.D{{Key: timeField, Value: bson.D{{Key: "$lt", Value: at}}}},
		bson.D{{Key: timeField, Value: at}, {Key: idField, Value: bson.D{{Key: "$lt", Value: c.ID}}}},
	}}
}
