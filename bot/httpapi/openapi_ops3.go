package httpapi

import (
	"github.com/marketingminds/marketingminds/tools/library"
	"github.com/marketingminds/marketingminds/tools/settings"
)

// The OpenAPI entries of the content library, templates, hashtags and
// workspace settings; see apiOp.

var listQuery = map[string]string{"q": "words to find", "tag": "only this tag", "campaign_id": "only this campaign's",
	"limit": "how many", "cursor": "next_cursor of the previous page", "user_id": "if given, must be the token's user"}

// libraryOpsOf are the five routes of a library kind under base.
func libraryOpsOf(base, one, many, noun string) []apiOp {
	item := object{"success": false, one: library.Item{}}
	return []apiOp{
		{Method: "GET", Path: base, Summary: "List " + noun + "s", Auth: "viewer", Query: listQuery,
			Response: object{"success": false, many: []library.Item{}, "next_cursor": ""}},
		{Method: "POST", Path: base, Summary: "Create a " + noun, Auth: "editor", Request: createBody{}, Response: item, Status: 201},
		{Method: "GET", Path: base + "/{id}", Summary: "One " + noun, Auth: "viewer", Query: userQuery, Response: item},
		{Method: "PATCH", Path: base + "/{id}", Summary: "Change a " + noun, Auth: "editor", Request: patchItemBody{}, Response: item},
		{Method: "DELETE", Path: base + "/{id}", Summary: "Delete a " + noun, Auth: "editor", Query: userQuery,
			Response: object{"success": false, "deleted": ""}},
	}
}

var libraryOps = append(append(libraryOpsOf("/api/library", "item", "items", "library item"),
	libraryOpsOf("/api/templates", "template", "templates", "template")...),
	apiOp{Method: "POST", Path: "/api/templates/{id}/render", Summary: "Fill a template's placeholders", Auth: "viewer",
		Request: renderBody{}, Response: object{"success": false, "rendered": library.Rendered{}}},
	apiOp{Method: "POST", Path: "/api/hashtags/suggest", Summary: "Hashtags for a text, within the platform's norm", Auth: "viewer",
		Request: hashtagBody{}, Response: object{"success": false, "platform": library.Suggestions{}.Platform,
			"hashtags": library.Suggestions{}.Hashtags, "max": 0, "note": ""}},
)

var settingsOps = []apiOp{
	{Method: "GET", Path: "/api/settings", Summary: "The workspace's settings", Auth: "viewer", Query: userQuery,
		Response: object{"success": false, "settings": settings.Settings{}}},
	{Method: "PATCH", Path: "/api/settings", Summary: "Change approval policy, notification channel, time zone or default role", Auth: "admin",
		Request: struct {
			settings.Patch
			UserID string `json:"user_id"`
		}{}, Response: object{"success": false, "settings": settings.Settings{}}},
}
