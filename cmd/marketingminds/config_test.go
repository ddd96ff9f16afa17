package main

import (
	"bytes"
	"encoding/base64"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

func TestLoadConfigDefaults(t *testing.T) {
	t.Parallel()
	c, err := loadConfig(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPAddr != ":8080" || c.DataDir != "data" || c.LogFormat != "json" || c.MongoURI != "" || c.Sandbox ||
		c.EncryptionKey != nil || c.PublicURL != "" || c.ZohoDataCenter != "com" || c.CronTZ.String() != "UTC" || c.DefaultRole != "editor" ||
		c.OpenAIFirstByteTimeout != 2*time.Minute {
		t.Fatalf("defaults = %+v", c)
	}
}

func TestLoadConfigValues(t *testing.T) {
	t.Parallel()
	key := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32))
	c, err := loadConfig(env(map[string]string{
		"MM_HTTP_ADDR": "127.0.0.1:9090", "MM_PUBLIC_URL": "https://mm.example.com/", "MM_ENCRYPTION_KEY": key,
		"MM_SANDBOX": "true", "MM_LOG_FORMAT": "console", "MONGODB_URI": "mongodb://db1:27017,db2:27017/?replicaSet=rs0",
		"ZOHO_DATA_CENTER": "eu", "MM_CRON_TZ": "Europe/Berlin", "TWITTER_CLIENT_ID": "id", "TWITTER_CLIENT_SECRET": "secret",
		"OPENAI_FIRST_BYTE_TIMEOUT": "5m",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPAddr != "127.0.0.1:9090" || c.PublicURL != "https://mm.example.com" || len(c.EncryptionKey) != 32 || !c.Sandbox ||
		c.LogFormat != "console" || c.ZohoDataCenter != "eu" || c.CronTZ.String() != "Europe/Berlin" || c.TwitterClientSecret != "secret" ||
		c.OpenAIFirstByteTimeout != 5*time.Minute {
		t.Fatalf("config = %+v", c)
	}
}

func TestLoadConfigReportsEveryProblem(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		env  map[string]string
		want []string // each problem must name its variable
	}{
		{"bad key base64", map[string]string{"MM_ENCRYPTION_KEY": "not base64!"}, []string{"MM_ENCRYPTION_KEY: not valid base64"}},
		{"short key", map[string]string{"MM_ENCRYPTION_KEY": base64.StdEncoding.EncodeToString([]byte("short"))}, []string{"MM_ENCRYPTION_KEY: decodes to 5 bytes"}},
		{"mongo uri", map[string]string{"MONGODB_URI": "postgres://x"}, []string{"MONGODB_URI: cannot be parsed"}},
		{"addr", map[string]string{"MM_HTTP_ADDR": "8080"}, []string{"MM_HTTP_ADDR"}},
		{"addr port", map[string]string{"MM_HTTP_ADDR": ":99999"}, []string{"MM_HTTP_ADDR"}},
		{"zoho dc", map[string]string{"ZOHO_DATA_CENTER": "mars"}, []string{"ZOHO_DATA_CENTER: unknown data center \"mars\""}},
		{"log format", map[string]string{"MM_LOG_FORMAT": "xml"}, []string{"MM_LOG_FORMAT"}},
		{"sandbox bool", map[string]string{"MM_SANDBOX": "maybe"}, []string{"MM_SANDBOX"}},
		{"two sandboxes", map[string]string{"MM_SANDBOX": "1", "MM_SANDBOX_URL": "http://127.0.0.1:9999"}, []string{"MM_SANDBOX_URL"}},
		{"public url", map[string]string{"MM_PUBLIC_URL": "mm.example.com"}, []string{"MM_PUBLIC_URL"}},
		{"tz", map[string]string{"MM_CRON_TZ": "Mars/Olympus"}, []string{"MM_CRON_TZ"}},
		{"half a credential", map[string]string{"FACEBOOK_APP_ID": "123"}, []string{"FACEBOOK_APP_ID: set together with FACEBOOK_APP_SECRET"}},
		{"slack url", map[string]string{"SLACK_API_URL": "http://localhost:1/api"}, []string{"SLACK_API_URL"}},
		{"default role", map[string]string{"MM_DEFAULT_ROLE": "owner"}, []string{"MM_DEFAULT_ROLE: unknown role"}},
		{"first byte not a duration", map[string]string{"OPENAI_FIRST_BYTE_TIMEOUT": "120"}, []string{`OPENAI_FIRST_BYTE_TIMEOUT: "120" is not a duration`}},
		{"first byte too short", map[string]string{"OPENAI_FIRST_BYTE_TIMEOUT": "10ms"}, []string{"OPENAI_FIRST_BYTE_TIMEOUT"}},
		{"first byte too long", map[string]string{"OPENAI_FIRST_BYTE_TIMEOUT": "2h"}, []string{"OPENAI_FIRST_BYTE_TIMEOUT"}},
		{"half a slack app", map[string]string{"SLACK_CLIENT_SECRET": "s"}, []string{"SLACK_CLIENT_ID: set together with SLACK_CLIENT_SECRET"}},
		{"all at once", map[string]string{
			"MM_ENCRYPTION_KEY": "!!", "MONGODB_URI": "nope", "MM_HTTP_ADDR": "x", "ZOHO_DATA_CENTER": "mars",
		}, []string{"MM_ENCRYPTION_KEY", "MONGODB_URI", "MM_HTTP_ADDR", "ZOHO_DATA_CENTER"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loadConfig(env(tc.env))
			var ce *configError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want a configError", err)
			}
			if len(ce.problems) != len(tc.want) {
				t.Errorf("problems = %q, want %d", ce.problems, len(tc.want))
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if code := exitCode(err, &bytes.Buffer{}); code != 2 {
				t.Errorf("exit code = %d, want 2", code)
			}
		})
	}
}

func TestDotenv(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, ".env")
	if err := os.WriteFile(path, []byte("MM_HTTP_ADDR=:7070\nMM_LOG_FORMAT=console\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	get, err := withDotenv(env(map[string]string{"MM_LOG_FORMAT": "json"}), path)
	if err != nil {
		t.Fatal(err)
	}
	if get("MM_HTTP_ADDR") != ":7070" || get("MM_LOG_FORMAT") != "json" {
		t.Fatalf("MM_HTTP_ADDR=%q MM_LOG_FORMAT=%q: want the file's value, and the environment to win", get("MM_HTTP_ADDR"), get("MM_LOG_FORMAT"))
	}
	if _, err := withDotenv(env(nil), filepath.Join(dir, "missing.env")); err != nil {
		t.Fatalf("a missing .env is not an error: %v", err)
	}
}

func TestPublicURL(t *testing.T) {
	t.Parallel()
	bound := &net.TCPAddr{IP: net.IPv4zero, Port: 41234}
	if got := (config{}).publicURL(bound); got != "http://localhost:41234" {
		t.Errorf("derived = %q, want the bound port on localhost", got)
	}
	if got := (config{PublicURL: "https://mm.example.com"}).publicURL(bound); got != "https://mm.example.com" {
		t.Errorf("configured = %q", got)
	}
}
