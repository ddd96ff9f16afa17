package llm

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// renderResults writes the tool results at the end of a conversation (the
// tool messages after the last assistant message) as a short text.
func renderResults(msgs []Message) string {
	start := len(msgs)
	for start > 0 && msgs[start-1].Role == RoleTool {
		start--
	}
	names := map[string]string{}
	if start > 0 {
		for _, c := range msgs[start-1].ToolCalls {
			names[c.ID] = c.Name
		}
	}
	var parts []string
	for _, m := range msgs[start:] {
		name := m.Name
		if name == "" {
			name = names[m.ToolCallID]
		}
		parts = append(parts, renderResult(name, m.Content))
	}
	return strings.Join(parts, "\n")
}

// renderResult writes one tool result: an error, a pending approval, or
// the tool's result object in the words that fit the tool.
func renderResult(tool, content string) string {
	var v any
	if err := json.Unmarshal([]byte(content), &v); err != nil {
		if s := strings.TrimSpace(content); s != "" {
			return s
		}
		return "Done."
	}
	obj, _ := v.(map[string]any)
	if e, ok := obj["error"]; ok {
		return "That didn't work: " + strings.TrimSuffix(scalar(e), ".") + "."
	}
	if str(obj, "status") == "awaiting_approval" {
		s := "This needs approval: " + strings.TrimSuffix(str(obj, "summary"), ".") + "."
		if id := str(obj, "approval_id"); id != "" {
			s += " (approval " + id + ")"
		}
		return s
	}
	switch tool {
	case "publish_post", "schedule_post", "retry_post":
		if s := renderPosts(v); s != "" {
			return s
		}
	case "list_accounts":
		return renderAccounts(v)
	case "connect_account":
		if u := str(obj, "auth_url"); u != "" {
			return fmt.Sprintf("Open this link to connect %s: %s", displayName(str(obj, "platform")), u)
		}
	case "disconnect_account":
		return strings.TrimSpace("Disconnected " + accountLabel(obj) + ".")
	case "cancel_job":
		return "Cancelled" + idSuffix(obj) + "."
	case "list_jobs", "list_posts":
		return renderList(v)
	}
	return renderGeneric(tool, v)
}

var displayNames = map[string]string{
	"twitter": "X", "x": "X", "linkedin": "LinkedIn", "facebook": "Facebook", "instagram": "Instagram", "zoho": "Zoho",
}

func displayName(p string) string {
	if n, ok := displayNames[strings.ToLower(p)]; ok {
		return n
	}
	if p == "" {
		return "the account"
	}
	return p
}

// renderPosts reads a post, {"post": …} or {"posts": […]} and says where
// it was published, scheduled or failed.
func renderPosts(v any) string {
	var posts []map[string]any
	obj, _ := v.(map[string]any)
	switch {
	case obj["targets"] != nil:
		posts = append(posts, obj)
	case obj["post"] != nil:
		if p, ok := obj["post"].(map[string]any); ok {
			posts = append(posts, p)
		}
	default:
		list, _ := obj["posts"].([]any)
		if arr, ok := v.([]any); ok {
			list = arr
		}
		for _, p := range list {
			if m, ok := p.(map[string]any); ok {
				posts = append(posts, m)
			}
		}
	}
	var published, failed []string
	scheduled := map[string][]string{}
	var times []string
	for _, p := range posts {
		targets, _ := p["targets"].([]any)
		for _, t := range targets {
			tm, _ := t.(map[string]any)
			name := displayName(str(tm, "platform"))
			switch str(tm, "status") {
			case "published":
				if u := str(tm, "url"); u != "" {
					name += " (" + u + ")"
				}
				published = append(published, name)
			case "failed", "invalid":
				failed = append(failed, fmt.Sprintf("%s (%s)", name, strings.TrimSuffix(str(tm, "error"), ".")))
			case "pending", "scheduled", "publishing":
				at := when(str(p, "scheduled_at"), str(tm, "run_at"))
				if _, seen := scheduled[at]; !seen {
					times = append(times, at)
				}
				scheduled[at] = append(scheduled[at], name)
			}
		}
	}
	var out []string
	if len(published) > 0 {
		out = append(out, "Published to "+join(published)+".")
	}
	for _, at := range times {
		if at == "" {
			out = append(out, "Publishing to "+join(scheduled[at])+" now.")
			continue
		}
		out = append(out, fmt.Sprintf("Scheduled for %s on %s.", at, join(scheduled[at])))
	}
	if len(failed) > 0 {
		out = append(out, "Could not publish to "+join(failed)+".")
	}
	return strings.Join(out, " ")
}

// when formats the first readable RFC 3339 time among vs ("Tue 1 Dec
// 09:00", with "UTC" when it is in UTC); "" when there is none.
func when(vs ...string) string {
	for _, v := range vs {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			continue
		}
		s := t.Format("Mon 2 Jan 15:04")
		if _, off := t.Zone(); off == 0 {
			s += " UTC"
		}
		return s
	}
	return ""
}

func renderAccounts(v any) string {
	list := items(v, "accounts")
	if len(list) == 0 {
		return "No accounts connected yet. Say `connect instagram` (or facebook, x, linkedin) to add one."
	}
	lines := []string{fmt.Sprintf("%d connected account%s:", len(list), plural(len(list)))}
	for _, a := range list {
		line := "• " + displayName(str(a, "platform")) + " " + accountLabel(a)
		if id := str(a, "id"); id != "" {
			line += " · id " + id
		}
		if st := str(a, "status"); st != "" && st != "active" && st != "valid" {
			line += " · " + st
		}
		lines = append(lines, strings.TrimRight(line, " "))
	}
	return strings.Join(lines, "\n")
}

func accountLabel(a map[string]any) string {
	name, handle := str(a, "account_name"), str(a, "handle")
	switch {
	case name != "" && handle != "":
		return fmt.Sprintf("%s (@%s)", name, strings.TrimPrefix(handle, "@"))
	case name != "":
		return name
	case handle != "":
		return "@" + strings.TrimPrefix(handle, "@")
	}
	return str(a, "account_id")
}

func idSuffix(obj map[string]any) string {
	if id := str(obj, "id"); id != "" {
		return " " + id
	}
	return ""
}

// renderList writes jobs or posts one a line.
func renderList(v any) string {
	list := items(v, "jobs", "posts", "items")
	if len(list) == 0 {
		return "Nothing to show."
	}
	lines := make([]string, 0, len(list))
	for _, it := range list {
		fields := []string{str(it, "id")}
		for _, k := range []string{"kind", "type", "platform", "status"} {
			if s := str(it, k); s != "" {
				fields = append(fields, s)
			}
		}
		if at := when(str(it, "run_at"), str(it, "scheduled_at"), str(it, "created_at")); at != "" {
			fields = append(fields, at)
		}
		lines = append(lines, "• "+strings.Join(fields, " · "))
	}
	return strings.Join(lines, "\n")
}

var titles = map[string]string{
	"get_analytics": "Analytics", "best_time_to_post": "Best time to post", "get_dashboard": "Dashboard",
}

// renderGeneric writes an object's fields as "key: value" lines, nested
// objects one level deep, keys sorted.
func renderGeneric(tool string, v any) string {
	var lines []string
	if t := titles[tool]; t != "" {
		lines = append(lines, t+":")
	}
	switch x := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(x) {
			if m, ok := x[k].(map[string]any); ok {
				var parts []string
				for _, k2 := range sortedKeys(m) {
					parts = append(parts, label(k2)+" "+scalar(m[k2]))
				}
				lines = append(lines, fmt.Sprintf("• %s: %s", label(k), strings.Join(parts, ", ")))
				continue
			}
			lines = append(lines, fmt.Sprintf("• %s: %s", label(k), scalar(x[k])))
		}
	default:
		lines = append(lines, scalar(v))
	}
	if len(lines) == 0 || (len(lines) == 1 && titles[tool] != "") {
		return "Done."
	}
	if len(lines) > 20 {
		lines = append(lines[:20], "…")
	}
	return strings.Join(lines, "\n")
}

// items reads a list given bare or under one of keys.
func items(v any, keys ...string) []map[string]any {
	list, _ := v.([]any)
	if obj, ok := v.(map[string]any); ok {
		for _, k := range keys {
			if l, ok := obj[k].([]any); ok {
				list = l
				break
			}
		}
	}
	var out []map[string]any
	for _, it := range list {
		if m, ok := it.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

func str(m map[string]any, k string) string {
	if m == nil || m[k] == nil {
		return ""
	}
	return scalar(m[k])
}

// scalar writes a JSON value briefly: numbers without needless decimals,
// lists as their items or their count.
func scalar(v any) string {
	switch x := v.(type) {
	case nil:
		return "none"
	case string:
		return x
	case bool:
		return map[bool]string{true: "yes", false: "no"}[x]
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1e15 {
			return fmt.Sprintf("%d", int64(x))
		}
		return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", x), "0"), ".")
	case []any:
		var parts []string
		for _, it := range x {
			switch it.(type) {
			case map[string]any, []any:
				return fmt.Sprintf("%d item%s", len(x), plural(len(x)))
			}
			parts = append(parts, scalar(it))
		}
		return strings.Join(parts, ", ")
	case map[string]any:
		return fmt.Sprintf("%d field%s", len(x), plural(len(x)))
	}
	return fmt.Sprint(v)
}

func label(k string) string { return strings.ReplaceAll(k, "_", " ") }

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// join writes "A", "A and B", "A, B and C".
func join(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}
