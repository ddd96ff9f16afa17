package prompts

import (
	"strings"
	"testing"
	"time"
)

func TestSystem(t *testing.T) {
	t.Parallel()
	set, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
	got, err := set.System(System{Workspace: "Acme", UserName: "Ana", Now: now, TimeZone: "Europe/Berlin", Sandbox: true, Accounts: []string{"X @acme_sandbox"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"workspace Acme", "Ana", "Wednesday 25 November 2026, 09:30 in Europe/Berlin", "SANDBOX MODE", "- X @acme_sandbox"} {
		if !strings.Contains(got, want) {
			t.Errorf("system prompt lacks %q:\n%s", want, got)
		}
	}
	got, err = set.System(System{Workspace: "Acme", UserName: "Ana", Now: now, TimeZone: "UTC", Approval: "never",
		Memory: []string{"brand_voice: warm"}, UserMemory: []string{"tone: short"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"remember (follow it):\n- brand_voice: warm", "Ana's preferences:\n- tone: short", "turned approval off"} {
		if !strings.Contains(got, want) {
			t.Errorf("system prompt lacks %q:\n%s", want, got)
		}
	}
	got, err = set.System(System{Workspace: "Acme", UserName: "Ana", Now: now, TimeZone: "UTC", Approval: "agent"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(got, "SANDBOX") || !strings.Contains(got, "none yet") || !strings.Contains(got, "wait for a person's approval") || strings.Contains(got, "preferences") {
		t.Errorf("production prompt without accounts:\n%s", got)
	}
}

func TestSpecialists(t *testing.T) {
	t.Parallel()
	set, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
	want := map[string]string{
		"content_writer":    `{"variants"`,
		"analyst":           "get_analytics",
		"email_marketer":    `"subjects"`,
		"market_researcher": "audience insights",
		"planner":           `"weeks"`,
	}
	for _, name := range Specialists {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := set.Specialist(name, System{Workspace: "Acme", UserName: "Ana", Now: now, TimeZone: "Europe/Berlin", Memory: []string{"brand_voice: warm"}})
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range []string{want[name], "workspace Acme, for Ana", "Wednesday 25 November 2026, 09:30 in Europe/Berlin", "- brand_voice: warm", "never publish"} {
				if !strings.Contains(got, w) {
					t.Errorf("%s lacks %q:\n%s", name, w, got)
				}
			}
		})
	}
	if _, err := set.Specialist("astrologer", System{}); err == nil || !strings.Contains(err.Error(), `no specialist "astrologer"`) {
		t.Fatalf("unknown specialist: %v", err)
	}
}
