package main

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/joho/godotenv"

	"github.com/marketingminds/marketingminds/agents/llm"

	"github.com/marketingminds/marketingminds/integrations/oauth"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/zoho"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// config is the whole configuration, read once from the environment (and
// .env) and validated before anything starts.
type config struct {
	HTTPAddr      string
	PublicURL     string // without a trailing slash; "" until serve knows its address (see publicURL)
	DataDir       string
	EncryptionKey []byte // nil: the embedded default key file in DataDir
	// EncryptionKeyPrevious are older keys still able to open tokens sealed
	// before a rotation (MM_ENCRYPTION_KEY_PREVIOUS, comma-separated).
	EncryptionKeyPrevious []oauth.Key
	Sandbox               bool
	SandboxURL            string
	LogFormat             string // json | console
	LogLevel              string
	MongoURI              string
	MongoDatabase         string
	CronTZ                *time.Location

	OpenAIKey, OpenAIBaseURL, OpenAIModel string
	// OpenAIFirstByteTimeout is how long the model may think before its
	// first word (OPENAI_FIRST_BYTE_TIMEOUT).
	OpenAIFirstByteTimeout                           time.Duration
	SlackBotToken, SlackAppToken, SlackSigningSecret string
	SlackAPIURL                                      string
	// SlackClientID and SlackClientSecret enable the multi-workspace
	// install; SlackNotifyChannel gets job outcomes with no thread.
	SlackClientID, SlackClientSecret, SlackNotifyChannel string
	// DefaultRole is a new Slack user's role unless they are a workspace
	// admin or owner (MM_DEFAULT_ROLE).
	DefaultRole identity.Role

	FacebookAppID, FacebookAppSecret string
	// MetaVerifyToken answers Meta's webhook handshake
	// (META_WEBHOOK_VERIFY_TOKEN); empty: GET /api/webhooks/meta refuses.
	MetaVerifyToken                        string
	TwitterClientID, TwitterClientSecret   string
	LinkedInClientID, LinkedInClientSecret string
	ZohoClientID, ZohoClientSecret         string
	ZohoDataCenter                         string
}

// configError lists every problem found, each naming its variable.
type configError struct{ problems []string }

func (e *configError) Error() string {
	return "invalid configuration:\n  - " + strings.Join(e.problems, "\n  - ")
}

// withDotenv returns a getenv that falls back to the values of the .env file
// at path, when there is one; the real environment wins.
func withDotenv(getenv func(string) string, path string) (func(string) string, error) {
	vals, err := godotenv.Read(path)
	if errors.Is(err, os.ErrNotExist) {
		return getenv, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return func(k string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return vals[k]
	}, nil
}

// loadConfig parses and validates; the error is a *configError listing every problem.
func loadConfig(getenv func(string) string) (config, error) {
	var problems []string
	bad := func(name, format string, args ...any) {
		problems = append(problems, name+": "+fmt.Sprintf(format, args...))
	}
	get := func(k string) string { return strings.TrimSpace(getenv(k)) }
	c := config{
		HTTPAddr:      orDefault(get("MM_HTTP_ADDR"), ":8080"),
		DataDir:       orDefault(get("MM_DATA_DIR"), "data"),
		SandboxURL:    strings.TrimSuffix(get("MM_SANDBOX_URL"), "/"),
		LogFormat:     orDefault(get("MM_LOG_FORMAT"), "json"),
		LogLevel:      orDefault(get("MM_LOG_LEVEL"), "info"),
		MongoURI:      get("MONGODB_URI"),
		MongoDatabase: orDefault(get("MONGODB_DATABASE"), "marketingminds"),
		OpenAIKey:     get("OPENAI_API_KEY"), OpenAIBaseURL: get("OPENAI_BASE_URL"), OpenAIModel: orDefault(get("OPENAI_MODEL"), "gpt-4o-mini"),
		SlackBotToken: get("SLACK_BOT_TOKEN"), SlackAppToken: get("SLACK_APP_TOKEN"), SlackSigningSecret: get("SLACK_SIGNING_SECRET"),
		SlackAPIURL:   get("SLACK_API_URL"),
		SlackClientID: get("SLACK_CLIENT_ID"), SlackClientSecret: get("SLACK_CLIENT_SECRET"), SlackNotifyChannel: get("MM_SLACK_NOTIFY_CHANNEL"),
		FacebookAppID: get("FACEBOOK_APP_ID"), FacebookAppSecret: get("FACEBOOK_APP_SECRET"), MetaVerifyToken: get("META_WEBHOOK_VERIFY_TOKEN"),
		TwitterClientID: get("TWITTER_CLIENT_ID"), TwitterClientSecret: get("TWITTER_CLIENT_SECRET"),
		LinkedInClientID: get("LINKEDIN_CLIENT_ID"), LinkedInClientSecret: get("LINKEDIN_CLIENT_SECRET"),
		ZohoClientID: get("ZOHO_CLIENT_ID"), ZohoClientSecret: get("ZOHO_CLIENT_SECRET"),
		ZohoDataCenter: orDefault(get("ZOHO_DATA_CENTER"), "com"),
	}

	if host, port, err := net.SplitHostPort(c.HTTPAddr); err != nil {
		bad("MM_HTTP_ADDR", "%q is not host:port (%v)", c.HTTPAddr, err)
	} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		bad("MM_HTTP_ADDR", "%q has an invalid port", c.HTTPAddr)
	} else if host != "" && net.ParseIP(host) == nil && !validHostname(host) {
		bad("MM_HTTP_ADDR", "%q has an invalid host", c.HTTPAddr)
	}

	if r, err := identity.ParseRole(orDefault(get("MM_DEFAULT_ROLE"), string(identity.Editor))); err != nil {
		bad("MM_DEFAULT_ROLE", "%v", err)
	} else {
		c.DefaultRole = r
	}

	if v := get("MM_PUBLIC_URL"); v != "" {
		if u, err := url.Parse(v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("MM_PUBLIC_URL", "%q is not an absolute http(s) URL", v)
		} else {
			c.PublicURL = strings.TrimSuffix(v, "/")
		}
	}

	if v := get("MM_ENCRYPTION_KEY"); v != "" {
		key, err := base64.StdEncoding.DecodeString(v)
		if err != nil {
			bad("MM_ENCRYPTION_KEY", "not valid base64 (%v); generate one with: openssl rand -base64 32", err)
		} else if len(key) != 32 {
			bad("MM_ENCRYPTION_KEY", "decodes to %d bytes, want 32; generate one with: openssl rand -base64 32", len(key))
		} else {
			c.EncryptionKey = key
		}
	}

	if v := get("MM_ENCRYPTION_KEY_PREVIOUS"); v != "" {
		keys, err := oauth.ParseKeys(v)
		if err != nil {
			bad("MM_ENCRYPTION_KEY_PREVIOUS", "%v", err)
		}
		c.EncryptionKeyPrevious = keys
	}

	if v := get("MM_SANDBOX"); v != "" {
		on, err := strconv.ParseBool(v)
		if err != nil {
			bad("MM_SANDBOX", "%q is not a boolean (1, true, 0, false)", v)
		}
		c.Sandbox = on
	}
	if c.SandboxURL != "" {
		if u, err := url.Parse(c.SandboxURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("MM_SANDBOX_URL", "%q is not an absolute http(s) URL", c.SandboxURL)
		}
		if c.Sandbox {
			bad("MM_SANDBOX_URL", "set together with MM_SANDBOX: choose the in-process sandbox or an external one")
		}
	}

	switch c.LogFormat {
	case "json", "console":
	default:
		bad("MM_LOG_FORMAT", "%q is neither json nor console", c.LogFormat)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		bad("MM_LOG_LEVEL", "%q is not one of debug, info, warn, error", c.LogLevel)
	}

	if c.MongoURI != "" {
		if _, err := store.ParseMongoURI(c.MongoURI); err != nil {
			bad("MONGODB_URI", "cannot be parsed: %v", err)
		}
	}

	tz := orDefault(get("MM_CRON_TZ"), "UTC")
	if loc, err := time.LoadLocation(tz); err != nil {
		bad("MM_CRON_TZ", "unknown time zone %q", tz)
	} else {
		c.CronTZ = loc
	}

	if _, ok := zoho.LookupDataCenter(c.ZohoDataCenter); !ok {
		bad("ZOHO_DATA_CENTER", "unknown data center %q (known: %s)", c.ZohoDataCenter, zohoCodes())
	}
	if v := c.SlackAPIURL; v != "" && !strings.HasSuffix(v, "/") {
		bad("SLACK_API_URL", "%q must end with / (slack-go appends the method name)", v)
	}
	fb := orDefault(get("OPENAI_FIRST_BYTE_TIMEOUT"), llm.DefaultFirstByteTimeout.String())
	if d, err := time.ParseDuration(fb); err != nil || d < time.Second || d > 30*time.Minute {
		bad("OPENAI_FIRST_BYTE_TIMEOUT", "%q is not a duration from 1s to 30m such as 120s", short(fb))
	} else {
		c.OpenAIFirstByteTimeout = d
	}
	if v := c.OpenAIBaseURL; v != "" {
		if u, err := url.Parse(v); err != nil || u.Host == "" {
			bad("OPENAI_BASE_URL", "%q is not an absolute URL", v)
		}
	}
	for _, pair := range [][2]string{
		{"FACEBOOK_APP_ID", "FACEBOOK_APP_SECRET"}, {"TWITTER_CLIENT_ID", "TWITTER_CLIENT_SECRET"},
		{"LINKEDIN_CLIENT_ID", "LINKEDIN_CLIENT_SECRET"}, {"ZOHO_CLIENT_ID", "ZOHO_CLIENT_SECRET"},
		{"SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET"},
	} {
		if (get(pair[0]) == "") != (get(pair[1]) == "") {
			bad(pair[0], "set together with %s, or neither", pair[1])
		}
	}

	if len(problems) > 0 {
		return config{}, &configError{problems: problems}
	}
	return c, nil
}

// short is v cut to a length fit to repeat in an error.
func short(v string) string {
	if r := []rune(v); len(r) > 32 {
		return string(r[:32]) + "…"
	}
	return v
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// publicURL is MM_PUBLIC_URL or, unset, where a browser on this machine
// reaches the listener at addr (the port actually bound, when
// MM_HTTP_ADDR asked for port 0).
func (c config) publicURL(addr net.Addr) string {
	if c.PublicURL != "" {
		return c.PublicURL
	}
	return "http://" + publicHost(addr.String())
}

// publicHost is addr as a browser on this machine reaches it.
func publicHost(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

func validHostname(h string) bool {
	if len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for _, r := range label {
			if !(r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
				return false
			}
		}
	}
	return true
}

func zohoCodes() string {
	codes := make([]string, 0, len(zoho.DataCenters))
	for _, dc := range zoho.DataCenters {
		codes = append(codes, dc.Code)
	}
	return strings.Join(codes, ", ")
}
