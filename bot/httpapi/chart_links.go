package httpapi

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"

	"github.com/marketingminds/marketingminds/tools/analytics"
)

// chartLinks signs and opens the public addresses of the charts put in
// e-mails: an e-mail client fetches them with no session, so the address
// itself is the credential. It names the workspace, the chart and the
// range, with an HMAC of the three under a key derived from the app's; a
// link forged or altered opens nothing. A sent e-mail's image must keep
// working, so links do not expire; they stop working when the key they
// were signed with leaves the key ring.
type chartLinks struct {
	keys [][]byte // current first; each derived from one of the app's
}

// newChartLinks derives the links' keys from the app's (current first);
// nil without keys.
func newChartLinks(appKeys [][]byte) *chartLinks {
	if len(appKeys) == 0 {
		return nil
	}
	l := &chartLinks{}
	for _, k := range appKeys {
		mac := hmac.New(sha256.New, k)
		mac.Write([]byte("marketingminds chart links v1"))
		l.keys = append(l.keys, mac.Sum(nil))
	}
	return l
}

// chartLink is what a link names.
type chartLink struct {
	WorkspaceID, Chart string
	Range              analytics.Range
}

func (c chartLink) payload() string {
	return strings.Join([]string{c.WorkspaceID, c.Chart, c.Range.From, c.Range.To}, "\n")
}

func mac(key []byte, payload string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(payload))
	return m.Sum(nil)
}

// sign is c's path segment: the payload and its MAC, base64url.
func (l *chartLinks) sign(c chartLink) string {
	p := c.payload()
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(p)) + "." + enc.EncodeToString(mac(l.keys[0], p))
}

// open reads a link's segment; false when it is malformed or its MAC is
// not one of the ring's keys'.
func (l *chartLinks) open(seg string) (chartLink, bool) {
	enc := base64.RawURLEncoding
	p64, m64, ok := strings.Cut(seg, ".")
	if !ok {
		return chartLink{}, false
	}
	p, err := enc.DecodeString(p64)
	if err != nil {
		return chartLink{}, false
	}
	got, err := enc.DecodeString(m64)
	if err != nil {
		return chartLink{}, false
	}
	valid := false
	for _, k := range l.keys {
		valid = valid || hmac.Equal(got, mac(k, string(p)))
	}
	parts := strings.Split(string(p), "\n")
	if !valid || len(parts) != 4 {
		return chartLink{}, false
	}
	return chartLink{WorkspaceID: parts[0], Chart: parts[1], Range: analytics.Range{From: parts[2], To: parts[3]}}, true
}
