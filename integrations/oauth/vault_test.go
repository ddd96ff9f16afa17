package oauth

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestVaultSealOpen(t *testing.T) {
	t.Parallel()
	k, _ := GenerateKey()
	v, err := NewVault(Keyring{Current: k})
	if err != nil {
		t.Fatal(err)
	}
	aad := AAD("social_accounts", "ws/twitter/42", "access_token")
	ct, err := v.Seal("secret-token", aad)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(ct, "secret-token") || !strings.HasPrefix(ct, "v1:"+k.ID()+":") {
		t.Fatalf("ciphertext %q: want v1:<kid>:..., without the plaintext", ct)
	}
	again, _ := v.Seal("secret-token", aad)
	if again == ct {
		t.Fatal("two seals of one plaintext are equal: the nonce is not random")
	}
	got, err := v.Open(ct, aad)
	if err != nil || got != "secret-token" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if e, err := v.Seal("", aad); e != "" || err != nil {
		t.Fatalf("Seal(\"\") = %q, %v; want empty", e, err)
	}
	if p, err := v.Open("", aad); p != "" || err != nil {
		t.Fatalf("Open(\"\") = %q, %v; want empty", p, err)
	}

	cases := map[string]struct{ ct, aad string }{
		"other record":   {ct, AAD("social_accounts", "ws/twitter/43", "access_token")},
		"other field":    {ct, AAD("social_accounts", "ws/twitter/42", "refresh_token")},
		"tampered":       {ct[:len(ct)-2] + flip(ct[len(ct)-2:]), aad},
		"unknown key id": {"v1:deadbeef:" + strings.SplitN(ct, ":", 3)[2], aad},
		"not ours":       {"plain-token", aad},
		"bad base64":     {"v1:" + k.ID() + ":!!!", aad},
	}
	for name, c := range cases {
		if _, err := v.Open(c.ct, c.aad); !errors.Is(err, ErrDecrypt) {
			t.Errorf("%s: Open err = %v, want ErrDecrypt", name, err)
		}
	}
}

func flip(s string) string {
	if s[0] == 'A' {
		return "B" + s[1:]
	}
	return "A" + s[1:]
}

func TestVaultRotation(t *testing.T) {
	t.Parallel()
	old, _ := GenerateKey()
	cur, _ := GenerateKey()
	v1, _ := NewVault(Keyring{Current: old})
	ct, _ := v1.Seal("tok", "a")
	v2, _ := NewVault(Keyring{Current: cur, Previous: []Key{old}})
	if v2.Current(ct) {
		t.Fatal("a ciphertext of the previous key reads as current")
	}
	re, err := v2.Reseal(ct, "a")
	if err != nil || !v2.Current(re) {
		t.Fatalf("Reseal = %q, %v", re, err)
	}
	if p, err := v2.Open(re, "a"); err != nil || p != "tok" {
		t.Fatalf("open resealed = %q, %v", p, err)
	}
	if same, _ := v2.Reseal(re, "a"); same != re {
		t.Fatal("Reseal of a current ciphertext changed it")
	}
	// Without the old key the old ciphertext is lost, and says which key it needs.
	v3, _ := NewVault(Keyring{Current: cur})
	if _, err := v3.Open(ct, "a"); !errors.Is(err, ErrDecrypt) || !strings.Contains(err.Error(), old.ID()) {
		t.Fatalf("open without the old key: %v", err)
	}
}

func TestParseKey(t *testing.T) {
	t.Parallel()
	k, _ := GenerateKey()
	for _, s := range []string{k.String(), strings.TrimRight(k.String(), "="), " " + k.String() + "\n"} {
		got, err := ParseKey(s)
		if err != nil || got != k {
			t.Errorf("ParseKey(%q) = %v, %v", s, got.ID(), err)
		}
	}
	for _, s := range []string{"", "not base64 !", "c2hvcnQ="} {
		if _, err := ParseKey(s); err == nil {
			t.Errorf("ParseKey(%q) accepted", s)
		}
	}
}

func TestKeyFile(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	if _, err := ReadKeyFile(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("ReadKeyFile of nothing: %v", err)
	}
	ring, err := LoadOrCreateKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(KeyFilePath(dir))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode = %v, %v; want 0600", info.Mode(), err)
	}
	again, err := LoadOrCreateKey(dir)
	if err != nil || again.Current != ring.Current {
		t.Fatalf("second load made another key: %v", err)
	}
	rotated, err := RotateKeyFile(dir)
	if err != nil {
		t.Fatal(err)
	}
	if rotated.Current == ring.Current || len(rotated.Previous) != 1 || rotated.Previous[0] != ring.Current {
		t.Fatalf("rotated ring = %s + %d previous", rotated.Current.ID(), len(rotated.Previous))
	}
	read, err := ReadKeyFile(dir)
	if err != nil || read.Current != rotated.Current || len(read.Previous) != 1 {
		t.Fatalf("read after rotate: %v", err)
	}
	if info, _ := os.Stat(KeyFilePath(dir)); info.Mode().Perm() != 0o600 {
		t.Fatalf("rotated key file mode = %v", info.Mode())
	}
	if err := os.Chmod(KeyFilePath(dir), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadKeyFile(dir); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("a world-readable key file was accepted: %v", err)
	}
}

func TestRing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	old, _ := GenerateKey()
	// No key: the key file, created once; previous keys appended.
	ring, err := Ring(dir, nil, old)
	if err != nil || len(ring.Previous) != 1 || ring.Previous[0] != old {
		t.Fatalf("Ring(file) = %v, %v", ring.Previous, err)
	}
	fileKey := ring.Current
	// MM_ENCRYPTION_KEY: it seals; the key file's keys still open.
	env, _ := GenerateKey()
	ring, err = Ring(dir, env[:])
	if err != nil || ring.Current != env || len(ring.Previous) != 1 || ring.Previous[0] != fileKey {
		t.Fatalf("Ring(env) = %v, %v", ring, err)
	}
	if _, err := Ring(dir, []byte("short")); err == nil {
		t.Fatal("a short key was accepted")
	}
	keys, err := ParseKeys(" " + env.String() + " ,," + old.String())
	if err != nil || len(keys) != 2 || keys[1] != old {
		t.Fatalf("ParseKeys = %v, %v", keys, err)
	}
	if _, err := ParseKeys("nope"); err == nil {
		t.Fatal("ParseKeys accepted garbage")
	}
}
