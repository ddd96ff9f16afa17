package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/rs/zerolog"
)

type logFn = func() *zerolog.Event

func TestLogRedaction(t *testing.T) {
	t.Parallel()
	apiToken := "mm_" + strings.Repeat("Ab3", 13) + "x"
	secrets := map[string]func(l logFn){
		"EAAGm0PX4ZCpsBA-page-token": func(l logFn) { l().Str("access_token", "EAAGm0PX4ZCpsBA-page-token").Msg("connected") },
		"rt-1c2d3e4f5a6b":            func(l logFn) { l().Str("refresh_token", "rt-1c2d3e4f5a6b").Msg("refreshed") },
		apiToken:                     func(l logFn) { l().Msg("request with " + apiToken) },
		"client-secret-value":        func(l logFn) { l().Str("client_secret", "client-secret-value").Msg("exchange") },
		"0123456789abcdef-signing":   func(l logFn) { l().Str("signing_secret", "0123456789abcdef-signing").Msg("slack") },
		"xoxb-1234-5678-abcdef":      func(l logFn) { l().Str("header", "xoxb-1234-5678-abcdef").Msg("slack call") },
		"xapp-1-A0-123-abc":          func(l logFn) { l().Msg("socket mode with xapp-1-A0-123-abc") },
		"sk-proj-abcdefghijklmnop1234": func(l logFn) {
			l().Err(errors.New("openai: bad key sk-proj-abcdefghijklmnop1234")).Msg("llm")
		},
		"ya29.bearer-value": func(l logFn) { l().Str("auth", "Bearer ya29.bearer-value").Msg("call") },
		"1000.zoho.access":  func(l logFn) { l().Str("h", "Zoho-oauthtoken 1000.zoho.access").Msg("crm") },
		"short-lived-fb": func(l logFn) {
			l().Str("url", "https://graph.facebook.com/me?access_token=short-lived-fb&x=1").Msg("get")
		},
		"configured-app-secret-42": func(l logFn) {
			l().Str("note", "the secret configured-app-secret-42 leaked into a message").Msg("oops")
		},
	}
	for secret, emit := range secrets {
		for _, format := range []string{"json", "console"} {
			var buf bytes.Buffer
			log := newLogger(&buf, format, "debug", "configured-app-secret-42")
			emit(log.Info)
			if strings.Contains(buf.String(), secret) {
				t.Errorf("%s log shows the secret %q: %s", format, secret, buf.String())
			}
			if !strings.Contains(buf.String(), redacted) {
				t.Errorf("%s log does not mark the redaction: %s", format, buf.String())
			}
		}
	}

	// Ordinary fields survive.
	var buf bytes.Buffer
	log := newLogger(&buf, "json", "info")
	log.Info().Str("token_id", "abc123").Str("account", "acme").Msg("token used")
	if !strings.Contains(buf.String(), `"token_id":"abc123"`) || !strings.Contains(buf.String(), `"account":"acme"`) {
		t.Errorf("redaction ate ordinary fields: %s", buf.String())
	}
}
