// Package oauth is the machinery every OAuth grant shares: the encrypted
// token vault (AES-256-GCM under a key ring with key ids, so keys can be
// rotated), the single-use OAuth state store (oauth_states), and the
// single-flight that lets exactly one goroutine of exactly one replica
// refresh a grant at a time (a lease in the store).
//
// It knows nothing of accounts: tools/accounts owns the records the tokens
// belong to and asks the vault to seal and open their token fields.
package oauth

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// KeyFileName is the key ring file created in the data dir when
// MM_ENCRYPTION_KEY is not set.
const KeyFileName = "encryption.key"

// Key is an AES-256 key.
type Key [32]byte

// ID is the key's public identifier, carried by every ciphertext it seals:
// eight hex digits of a hash of the key (never the key itself).
func (k Key) ID() string {
	sum := sha256.Sum256(append([]byte("marketingminds key id\x00"), k[:]...))
	return hex.EncodeToString(sum[:4])
}

// String is the key's base64 form, the form MM_ENCRYPTION_KEY takes.
func (k Key) String() string { return base64.StdEncoding.EncodeToString(k[:]) }

// GenerateKey returns a random key.
func GenerateKey() (Key, error) {
	var k Key
	if _, err := rand.Read(k[:]); err != nil {
		return Key{}, fmt.Errorf("oauth: generate key: %w", err)
	}
	return k, nil
}

// ParseKey reads a base64 (standard or URL alphabet, padded or not) key of
// exactly 32 bytes.
func ParseKey(s string) (Key, error) {
	s = strings.TrimSpace(s)
	var raw []byte
	var err error
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if raw, err = enc.DecodeString(s); err == nil {
			break
		}
	}
	if err != nil {
		return Key{}, errors.New("oauth: encryption key is not base64")
	}
	if len(raw) != len(Key{}) {
		return Key{}, fmt.Errorf("oauth: encryption key is %d bytes, want 32 (generate one with: openssl rand -base64 32)", len(raw))
	}
	var k Key
	copy(k[:], raw)
	return k, nil
}

// Keyring is the key that seals (Current) and the older keys that can still
// open what they sealed until `marketingminds keys rotate` re-encrypted it.
type Keyring struct {
	Current  Key
	Previous []Key
}

// Keys lists the ring, current first, without duplicates.
func (r Keyring) Keys() []Key {
	out := []Key{r.Current}
	for _, k := range r.Previous {
		dup := false
		for _, o := range out {
			dup = dup || o == k
		}
		if !dup {
			out = append(out, k)
		}
	}
	return out
}

// KeyFilePath is where the key ring file of dataDir lives.
func KeyFilePath(dataDir string) string { return filepath.Join(dataDir, KeyFileName) }

// ReadKeyFile reads the key ring file of dataDir: one base64 key a line, the
// first is current; '#' starts a comment. fs.ErrNotExist when there is none.
// A file readable by group or others is refused.
func ReadKeyFile(dataDir string) (Keyring, error) {
	path := KeyFilePath(dataDir)
	info, err := os.Stat(path)
	if err != nil {
		return Keyring{}, fmt.Errorf("oauth: key file: %w", err)
	}
	if info.Mode().Perm()&0o077 != 0 {
		return Keyring{}, fmt.Errorf("oauth: key file %s has mode %#o: it must be readable by its owner only (chmod 600 %s)", path, info.Mode().Perm(), path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return Keyring{}, fmt.Errorf("oauth: key file: %w", err)
	}
	var keys []Key
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, err := ParseKey(line)
		if err != nil {
			return Keyring{}, fmt.Errorf("%s line %d: %w", path, n, err)
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return Keyring{}, fmt.Errorf("oauth: key file %s holds no key", path)
	}
	return Keyring{Current: keys[0], Previous: keys[1:]}, nil
}

// LoadOrCreateKey returns the key ring of dataDir's key file, creating the
// file (mode 0600, one random key) when it does not exist yet. Two processes
// starting at once agree on one key: the file is created exclusively.
func LoadOrCreateKey(dataDir string) (Keyring, error) {
	ring, err := ReadKeyFile(dataDir)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return ring, err
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return Keyring{}, fmt.Errorf("oauth: create data dir: %w", err)
	}
	k, err := GenerateKey()
	if err != nil {
		return Keyring{}, err
	}
	f, err := os.OpenFile(KeyFilePath(dataDir), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return ReadKeyFile(dataDir)
	}
	if err != nil {
		return Keyring{}, fmt.Errorf("oauth: create key file: %w", err)
	}
	_, werr := f.WriteString(keyFileText(Keyring{Current: k}))
	if err := errors.Join(werr, f.Sync(), f.Close()); err != nil {
		return Keyring{}, fmt.Errorf("oauth: write key file: %w", err)
	}
	return Keyring{Current: k}, nil
}

// RotateKeyFile puts a new random key at the head of dataDir's key file,
// keeping the older ones below it so that what they sealed can still be
// opened, and returns the new ring. The file is replaced atomically.
func RotateKeyFile(dataDir string) (Keyring, error) {
	old, err := LoadOrCreateKey(dataDir)
	if err != nil {
		return Keyring{}, err
	}
	k, err := GenerateKey()
	if err != nil {
		return Keyring{}, err
	}
	ring := Keyring{Current: k, Previous: old.Keys()}
	if err := WriteKeyFile(dataDir, ring); err != nil {
		return Keyring{}, err
	}
	return ring, nil
}

// WriteKeyFile replaces dataDir's key file with ring (mode 0600).
func WriteKeyFile(dataDir string, ring Keyring) error {
	tmp, err := os.CreateTemp(dataDir, ".encryption.key.*")
	if err != nil {
		return fmt.Errorf("oauth: write key file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("oauth: write key file: %w", err)
	}
	_, werr := tmp.WriteString(keyFileText(ring))
	if err := errors.Join(werr, tmp.Sync(), tmp.Close()); err != nil {
		return fmt.Errorf("oauth: write key file: %w", err)
	}
	if err := os.Rename(tmp.Name(), KeyFilePath(dataDir)); err != nil {
		return fmt.Errorf("oauth: write key file: %w", err)
	}
	return nil
}

func keyFileText(ring Keyring) string {
	var b strings.Builder
	b.WriteString("# Marketing Minds token encryption keys (AES-256, base64). The first seals;\n")
	b.WriteString("# the others only open older tokens until `marketingminds keys rotate`.\n")
	b.WriteString("# Losing this file means connecting every account again. Keep it private.\n")
	for _, k := range ring.Keys() {
		b.WriteString(k.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// Ring assembles the key ring a process uses. With key (MM_ENCRYPTION_KEY,
// decoded) it seals with key; otherwise with dataDir's key file, created on
// first use. The key file's keys (when key is given and the file exists)
// and previous (older keys being rotated away) stay in the ring to open.
func Ring(dataDir string, key []byte, previous ...Key) (Keyring, error) {
	if key == nil {
		ring, err := LoadOrCreateKey(dataDir)
		if err != nil {
			return Keyring{}, err
		}
		ring.Previous = append(ring.Previous, previous...)
		return ring, nil
	}
	if len(key) != len(Key{}) {
		return Keyring{}, fmt.Errorf("oauth: encryption key is %d bytes, want 32", len(key))
	}
	var ring Keyring
	copy(ring.Current[:], key)
	if file, err := ReadKeyFile(dataDir); err == nil {
		ring.Previous = append(ring.Previous, file.Keys()...)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return Keyring{}, err
	}
	ring.Previous = append(ring.Previous, previous...)
	return ring, nil
}

// ParseKeys reads a comma-separated list of base64 keys (MM_ENCRYPTION_KEY_PREVIOUS).
func ParseKeys(list string) ([]Key, error) {
	var out []Key
	for _, s := range strings.Split(list, ",") {
		if strings.TrimSpace(s) == "" {
			continue
		}
		k, err := ParseKey(s)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, nil
}
