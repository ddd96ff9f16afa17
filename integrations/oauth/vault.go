package oauth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// ErrDecrypt is returned when a ciphertext cannot be opened: unknown key id,
// tampered bytes, or additional data that does not match (a ciphertext moved
// to another record).
var ErrDecrypt = errors.New("oauth: cannot decrypt token")

// version prefixes every ciphertext: "v1:<key id>:<base64url(nonce|sealed)>".
const version = "v1"

// Vault seals token fields with AES-256-GCM. The additional data binds a
// ciphertext to its record and field (see AAD), so a ciphertext copied into
// another record or field does not open. It is safe for concurrent use.
type Vault struct {
	current string
	aeads   map[string]cipher.AEAD
}

// NewVault returns a vault sealing with ring.Current and opening with any
// key of the ring.
func NewVault(ring Keyring) (*Vault, error) {
	v := &Vault{current: ring.Current.ID(), aeads: map[string]cipher.AEAD{}}
	for _, k := range ring.Keys() {
		block, err := aes.NewCipher(k[:])
		if err != nil {
			return nil, fmt.Errorf("oauth: key %s: %w", k.ID(), err)
		}
		gcm, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("oauth: key %s: %w", k.ID(), err)
		}
		if _, dup := v.aeads[k.ID()]; dup {
			continue
		}
		v.aeads[k.ID()] = gcm
	}
	return v, nil
}

// AAD names a record's field for sealing: collection, the record's stable
// identity (its natural key) and the field.
func AAD(collection, record, field string) string {
	return collection + "\x00" + record + "\x00" + field
}

// KeyID is the id of the key that seals.
func (v *Vault) KeyID() string { return v.current }

// Seal encrypts plaintext for the record field aad names. The empty string
// seals to the empty string (no token).
func (v *Vault) Seal(plaintext, aad string) (string, error) {
	if plaintext == "" {
		return "", nil
	}
	gcm := v.aeads[v.current]
	buf := make([]byte, gcm.NonceSize(), gcm.NonceSize()+len(plaintext)+gcm.Overhead())
	if _, err := rand.Read(buf); err != nil {
		return "", fmt.Errorf("oauth: seal: %w", err)
	}
	buf = gcm.Seal(buf, buf, []byte(plaintext), []byte(aad))
	return version + ":" + v.current + ":" + base64.RawURLEncoding.EncodeToString(buf), nil
}

// Open decrypts a ciphertext Seal made for the same aad.
func (v *Vault) Open(ciphertext, aad string) (string, error) {
	if ciphertext == "" {
		return "", nil
	}
	kid, body, ok := split(ciphertext)
	if !ok {
		return "", fmt.Errorf("%w: not a vault ciphertext", ErrDecrypt)
	}
	gcm := v.aeads[kid]
	if gcm == nil {
		return "", fmt.Errorf("%w: sealed with key %s, which is not in the key ring (was MM_ENCRYPTION_KEY or the key file changed?)", ErrDecrypt, kid)
	}
	raw, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil || len(raw) < gcm.NonceSize()+gcm.Overhead() {
		return "", fmt.Errorf("%w: malformed ciphertext", ErrDecrypt)
	}
	plain, err := gcm.Open(nil, raw[:gcm.NonceSize()], raw[gcm.NonceSize():], []byte(aad))
	if err != nil {
		return "", fmt.Errorf("%w: authentication failed (tampered, or moved from another record)", ErrDecrypt)
	}
	return string(plain), nil
}

// Current reports whether ciphertext is empty or sealed with the current
// key; rotation re-seals the others.
func (v *Vault) Current(ciphertext string) bool {
	if ciphertext == "" {
		return true
	}
	kid, _, ok := split(ciphertext)
	return ok && kid == v.current
}

// Reseal opens ciphertext and seals it again with the current key; a
// ciphertext already under the current key is returned as it is.
func (v *Vault) Reseal(ciphertext, aad string) (string, error) {
	if v.Current(ciphertext) {
		return ciphertext, nil
	}
	plain, err := v.Open(ciphertext, aad)
	if err != nil {
		return "", err
	}
	return v.Seal(plain, aad)
}

func split(ct string) (kid, body string, ok bool) {
	ver, rest, ok1 := strings.Cut(ct, ":")
	kid, body, ok2 := strings.Cut(rest, ":")
	return kid, body, ok1 && ok2 && ver == version && kid != "" && body != ""
}
