package media

import (
	"context"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// signer makes and checks the tokens of signed media URLs: base64url of
// workspace, id and expiry (unix seconds) with an HMAC-SHA256 over them.
type signer struct{ key []byte }

const macSize = sha256.Size

func (s signer) mac(payload []byte) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write(payload)
	return m.Sum(nil)
}

// token is workspace "\n" id "\n" expiry(8 bytes, big endian) mac.
func (s signer) token(workspaceID, id string, expiry time.Time) string {
	p := make([]byte, 0, len(workspaceID)+len(id)+2+8+macSize)
	p = append(p, workspaceID...)
	p = append(p, '\n')
	p = append(p, id...)
	p = append(p, '\n')
	p = binary.BigEndian.AppendUint64(p, uint64(expiry.Unix()))
	return base64.RawURLEncoding.EncodeToString(append(p, s.mac(p)...))
}

// open checks a token at now and returns its workspace and id.
func (s signer) open(token string, now time.Time) (workspaceID, id string, ok bool) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) < 2+8+macSize {
		return "", "", false
	}
	p, mac := raw[:len(raw)-macSize], raw[len(raw)-macSize:]
	if !hmac.Equal(mac, s.mac(p)) {
		return "", "", false
	}
	head, exp := p[:len(p)-8], p[len(p)-8:]
	if int64(binary.BigEndian.Uint64(exp)) < now.Unix() || len(head) == 0 || head[len(head)-1] != '\n' {
		return "", "", false
	}
	workspaceID, id, ok = strings.Cut(string(head[:len(head)-1]), "\n")
	return workspaceID, id, ok && workspaceID != "" && id != "" && !strings.Contains(id, "\n")
}

// URL is the signed URL of a media, working for ttl (DefaultTTL when 0):
// <PublicURL>/media/<token>. Anyone holding it can read the file until it
// expires, nothing else.
func (s *Service) URL(workspaceID, id string, ttl time.Duration) string {
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	return strings.TrimSuffix(s.publicURL, "/") + "/media/" + s.signer.token(workspaceID, id, s.now().Add(ttl))
}

// ThumbURL is the signed URL of a media's thumbnail (Thumbnail), working
// for ttl (DefaultTTL when 0): <PublicURL>/media/thumb/<token>. Its token
// is signed with a key of its own, so it opens the thumbnail only, and a
// file's token never opens a thumbnail.
func (s *Service) ThumbURL(workspaceID, id string, ttl time.Duration) string {
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	return strings.TrimSuffix(s.publicURL, "/") + "/media/thumb/" + s.thumbSigner.token(workspaceID, id, s.now().Add(ttl))
}

// OpenThumbSigned reads the thumbnail a signed thumbnail URL's token
// names; a forged, expired or otherwise wrong token (a file's among them),
// and media since deleted, are ErrNotFound alike.
func (s *Service) OpenThumbSigned(ctx context.Context, token string) (Blob, Thumb, error) {
	ws, id, ok := s.thumbSigner.open(token, s.now())
	if !ok {
		return nil, Thumb{}, ErrNotFound
	}
	return s.Thumbnail(ctx, ws, id)
}

// OpenSigned reads the media a signed URL's token names; a forged, expired
// or otherwise wrong token, and media since deleted, are ErrNotFound alike.
func (s *Service) OpenSigned(ctx context.Context, token string) (Blob, Media, error) {
	ws, id, ok := s.signer.open(token, s.now())
	if !ok {
		return nil, Media{}, ErrNotFound
	}
	b, m, err := s.Open(ctx, ws, id)
	if errors.Is(err, ErrNotFound) {
		return nil, Media{}, ErrNotFound
	}
	if err != nil {
		return nil, Media{}, err
	}
	return b, m, nil
}

// ReadURL reads the file a signed URL of ours names, for the media fetcher
// of the adapters that upload bytes (X, LinkedIn): our own files are read
// from the store, never fetched over HTTP. ok is false for any URL not
// under PublicURL/media/; past limit bytes it fails.
func (s *Service) ReadURL(ctx context.Context, rawURL string, limit int64) (data []byte, contentType string, ok bool, err error) {
	token, ok := strings.CutPrefix(rawURL, strings.TrimSuffix(s.publicURL, "/")+"/media/")
	if !ok || s.publicURL == "" {
		return nil, "", false, nil
	}
	b, m, err := s.OpenSigned(ctx, token)
	if err != nil {
		return nil, "", true, err
	}
	defer b.Close()
	if m.Bytes > limit {
		return nil, "", true, fmt.Errorf("%w: %d bytes, the limit is %d", ErrTooLarge, m.Bytes, limit)
	}
	data, err = io.ReadAll(io.LimitReader(b, limit+1))
	if err != nil {
		return nil, "", true, fmt.Errorf("media: read %s: %w", m.ID, err)
	}
	return data, m.ContentType, true, nil
}

// derive is the signer of another kind of URL: its key is an HMAC of
// purpose under s's, so neither signer's tokens open with the other.
func (s signer) derive(purpose string) signer {
	return signer{key: s.mac([]byte(purpose))}
}

// SigningKey derives the key that signs media URLs from the encryption key
// (MM_ENCRYPTION_KEY), so neither key can be learnt from the other.
func SigningKey(encryptionKey []byte) ([]byte, error) {
	k, err := hkdf.Key(sha256.New, encryptionKey, nil, "marketingminds media URL signing v1", 32)
	if err != nil {
		return nil, fmt.Errorf("media: derive the signing key: %w", err)
	}
	return k, nil
}
