package httpapi

import (
	"strings"
	"testing"
)

func TestSettingsREST(t *testing.T) {
	t.Parallel()
	f := contentSetup(t)
	status, body := f.call(t, "viewer", "GET", "/api/settings", nil)
	st, _ := body["settings"].(map[string]any)
	if status != 200 || st["approval_policy"] != "agent" || st["time_zone"] != "UTC" || st["default_role"] != "editor" || st["notification_channel"] != "" ||
		st["conversation_retention_days"] != float64(90) {
		t.Fatalf("defaults = %d %v", status, body)
	}
	for _, tc := range []struct {
		name, who string
		body      any
		status    int
		code      string
		says      string
		problems  int
	}{
		{"editor", "editor", map[string]any{"approval_policy": "never"}, 403, "forbidden", "admin", 0},
		{"viewer", "viewer", map[string]any{"approval_policy": "never"}, 403, "forbidden", "admin", 0},
		{"every problem", "admin", map[string]any{"approval_policy": "sometimes", "time_zone": "Mars/Base", "notification_channel": "#general"}, 400,
			"invalid_settings", "time_zone: \"Mars/Base\" is not an IANA time zone", 3},
		{"empty", "admin", map[string]any{}, 400, "invalid_settings", "nothing to change", 1},
		{"retention", "admin", map[string]any{"conversation_retention_days": 5000}, 400, "invalid_settings", "conversation_retention_days: keep conversations from 1 to 3650 days", 1},
		{"another user", "admin", map[string]any{"user_id": "U-boss", "default_role": "viewer"}, 403, "forbidden", `user_id "U-boss" is not you`, 0},
		{"unknown field", "admin", map[string]any{"timezone": "UTC"}, 400, "invalid_json", `unknown field "timezone"`, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := f.call(t, tc.who, "PATCH", "/api/settings", tc.body)
			probs, _ := body["problems"].([]any)
			if status != tc.status || errorCode(body) != tc.code || !strings.Contains(messages(body), tc.says) || len(probs) != tc.problems {
				t.Fatalf("%d %v; want %d %q saying %q with %d problems", status, body, tc.status, tc.code, tc.says, tc.problems)
			}
		})
	}
	status, body = f.call(t, "admin", "PATCH", "/api/settings", map[string]any{"approval_policy": "never", "time_zone": "Europe/Paris", "notification_channel": "C0123ABCD", "user_id": "U-admin",
		"conversation_retention_days": 30})
	st, _ = body["settings"].(map[string]any)
	if status != 200 || st["approval_policy"] != "never" || st["time_zone"] != "Europe/Paris" || st["updated_by"] != "U-admin" ||
		st["conversation_retention_days"] != float64(30) {
		t.Fatalf("update = %d %v", status, body)
	}
	if _, body := f.call(t, "viewer", "GET", "/api/settings", nil); body["settings"].(map[string]any)["notification_channel"] != "C0123ABCD" {
		t.Fatalf("read back = %v", body)
	}
	// Another workspace keeps its own (default) settings.
	if _, body := f.call(t, "other", "GET", "/api/settings", nil); body["settings"].(map[string]any)["approval_policy"] != "agent" {
		t.Fatalf("T2 = %v", body)
	}
}
