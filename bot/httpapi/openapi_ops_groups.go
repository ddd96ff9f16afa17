package httpapi

import "github.com/marketingminds/marketingminds/tools/groups"

// The OpenAPI entries of account groups; see apiOp.

var groupAnswer = object{"success": false, "group": groups.Group{}}

var groupOps = []apiOp{
	{Method: "GET", Path: "/api/groups", Summary: "The workspace's account groups (a brand's accounts under one name), their accounts named", Auth: "viewer",
		Query: userQuery, Response: object{"success": false, "groups": []groups.Group{}}},
	{Method: "POST", Path: "/api/groups", Summary: "Create an account group; a name in use (in any case) is a 409", Auth: "editor",
		Query: userQuery, Request: groupBody{}, Response: groupAnswer, Status: 201},
	{Method: "PUT", Path: "/api/groups/{name}", Summary: "Create an account group or replace its accounts", Auth: "editor",
		Query: userQuery, Request: groupAccountsBody{}, Response: groupAnswer},
	{Method: "DELETE", Path: "/api/groups/{name}", Summary: "Delete an account group (its accounts stay connected)", Auth: "editor",
		Query: userQuery, Response: object{"success": false, "deleted": ""}},
}
