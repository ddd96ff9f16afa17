package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func TestSlackManifestCommand(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		args   []string
		events string // the events request URL, "" when absent
		usage  bool
	}{
		{"events api", []string{"slack", "manifest", "--public-url", "https://mm.example.com"}, "https://mm.example.com/slack/events", false},
		{"socket mode", []string{"slack", "manifest", "--public-url", "https://mm.example.com", "--socket-mode"}, "", false},
		{"no url", []string{"slack", "manifest"}, "", true},
		{"bad url", []string{"slack", "manifest", "--public-url", "mm.example.com"}, "", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out, errOut bytes.Buffer
			err := run(context.Background(), tc.args, func(string) string { return "" }, &out, &errOut)
			if tc.usage {
				if err == nil || !strings.Contains(err.Error(), "public-url") && !strings.Contains(err.Error(), "not an absolute") {
					t.Fatalf("err = %v, want one naming the public URL", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var m struct {
				Settings struct {
					EventSubscriptions struct {
						RequestURL string   `json:"request_url"`
						BotEvents  []string `json:"bot_events"`
					} `json:"event_subscriptions"`
					SocketMode bool `json:"socket_mode_enabled"`
				} `json:"settings"`
				Features struct {
					SlashCommands []struct{ Command string } `json:"slash_commands"`
				} `json:"features"`
			}
			if err := json.Unmarshal(out.Bytes(), &m); err != nil {
				t.Fatalf("%v in %s", err, out.String())
			}
			if m.Settings.EventSubscriptions.RequestURL != tc.events || m.Settings.SocketMode != (tc.events == "") ||
				len(m.Features.SlashCommands) != 1 || m.Features.SlashCommands[0].Command != "/mm" || len(m.Settings.EventSubscriptions.BotEvents) == 0 {
				t.Fatalf("manifest %s", out.String())
			}
		})
	}
}
