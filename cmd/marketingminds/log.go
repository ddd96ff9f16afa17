package main

import (
	"bytes"
	"io"
	"regexp"
	"time"

	"github.com/rs/zerolog"
)

// newLogger builds the process logger: JSON lines, or human console output
// with format "console". Every line passes through a redactor first, so a
// secret that reaches a log call anyway never reaches the output.
func newLogger(w io.Writer, format, level string, secrets ...string) zerolog.Logger {
	out := w
	if format == "console" {
		out = zerolog.ConsoleWriter{Out: w, TimeFormat: time.TimeOnly}
	}
	lvl, err := zerolog.ParseLevel(level)
	if err != nil {
		lvl = zerolog.InfoLevel
	}
	return zerolog.New(newRedactor(out, secrets...)).Level(lvl).With().Timestamp().Logger()
}

const redacted = "[REDACTED]"

// secretKeys are JSON field names whose values are always secret.
var secretKeys = regexp.MustCompile(`"((?:access|refresh|id|api|bot|app)_token|token|client_secret|app_secret|signing_secret|secret|password|authorization|api_key|encryption_key|code_verifier)":"(?:[^"\\]|\\.)*"`)

// secretValues are shapes of secrets wherever they appear in a line: our API
// tokens, Slack tokens, OpenAI keys, bearer and Zoho authorization values,
// token parameters in URLs.
var secretValues = []*regexp.Regexp{
	regexp.MustCompile(`mm_[0-9A-Za-z]{40}`),
	regexp.MustCompile(`xox[abposr]-[0-9A-Za-z-]+`),
	regexp.MustCompile(`xapp-[0-9A-Za-z-]+`),
	regexp.MustCompile(`sk-[0-9A-Za-z_-]{16,}`),
	regexp.MustCompile(`(?i)(bearer|zoho-oauthtoken)\s+[0-9A-Za-z._~+/=-]+`),
	regexp.MustCompile(`((?:access_token|refresh_token|client_secret|code_verifier|fb_exchange_token)=)[^&"\s\\]+`),
}

// redactor rewrites each log line (zerolog writes one event per Write)
// before passing it on.
type redactor struct {
	out   io.Writer
	exact [][]byte
}

func newRedactor(out io.Writer, secrets ...string) *redactor {
	r := &redactor{out: out}
	for _, s := range secrets {
		if len(s) >= 6 { // shorter values would redact ordinary words
			r.exact = append(r.exact, []byte(s))
		}
	}
	return r
}

// keyMarkers and valueMarkers are cheap substring tests that gate the
// regular expressions: most lines contain none and pass through untouched.
var (
	keyMarkers   = [][]byte{[]byte(`token"`), []byte(`secret"`), []byte(`password"`), []byte(`authorization"`), []byte(`api_key"`), []byte(`encryption_key"`), []byte(`code_verifier"`)}
	valueMarkers = [][]byte{[]byte("mm_"), []byte("xox"), []byte("xapp-"), []byte("sk-"), []byte("earer"), []byte("EARER"), []byte("oauthtoken"), []byte("token="), []byte("secret="), []byte("verifier=")}
)

func containsAny(p []byte, markers [][]byte) bool {
	for _, m := range markers {
		if bytes.Contains(p, m) {
			return true
		}
	}
	return false
}

func (r *redactor) Write(p []byte) (int, error) {
	line := p
	if containsAny(line, keyMarkers) {
		line = secretKeys.ReplaceAll(line, []byte(`"$1":"`+redacted+`"`))
	}
	for _, re := range secretValues {
		if !containsAny(line, valueMarkers) {
			break
		}
		line = re.ReplaceAllFunc(line, func(m []byte) []byte {
			if i := bytes.IndexAny(m, "= \t"); i >= 0 && (m[i] == '=' || bytes.HasPrefix(bytes.ToLower(m), []byte("bearer")) || bytes.HasPrefix(bytes.ToLower(m), []byte("zoho"))) {
				return append(append([]byte{}, m[:i+1]...), redacted...)
			}
			return []byte(redacted)
		})
	}
	for _, s := range r.exact {
		line = bytes.ReplaceAll(line, s, []byte(redacted))
	}
	if _, err := r.out.Write(line); err != nil {
		return 0, err
	}
	return len(p), nil
}
