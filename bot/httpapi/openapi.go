package httpapi

import (
	"encoding/json"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/marketingminds/marketingminds/tools/limit"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// openapiDoc builds GET /api/openapi.json: an OpenAPI 3.1 document of every
// REST route, its request and response schemas derived from the Go types
// the handlers decode and encode. TestOpenAPIMatchesRoutes fails when a
// route registered in routes.go is missing here or this names one that does
// not exist. A new route is one more apiOp in the list of its area.
type apiOp struct {
	Method, Path, Summary string
	// Auth is the least role needed; "" for a public route.
	Auth string
	// Query lists query parameters: name → description.
	Query map[string]string
	// Request is a value of the JSON body's type (nil: no body).
	Request any
	// Form, instead of Request, is a multipart/form-data body: each part's
	// name and the JSON Schema of its value(s).
	Form map[string]any
	// Optional: the body may be left out (the handler then takes its
	// defaults); else a request without one is refused.
	Optional bool
	// Response is a value of the success body's type; Status its status
	// (200 when 0). Nil with Status 0: the body is not JSON (text, HTML).
	Response any
	Status   int
	// Content is the success media type when not JSON.
	Content string
}

// apiOps lists every REST route, grouped as in routes.go.
func apiOps() []apiOp {
	var ops []apiOp
	for _, group := range [][]apiOp{coreOps, accountOps, postOps, approvalOps, jobOps, analyticsOps, campaignOps, libraryOps, mediaOps, convertOps, settingsOps, inboxOps, groupOps} {
		ops = append(ops, group...)
	}
	return ops
}

// object describes a JSON object a handler builds as a map: each key's
// schema comes from its value's type (a zero value of the field it holds),
// and every key is present.
type object map[string]any

var coreOps = []apiOp{
	{Method: "GET", Path: "/api/health", Summary: "Service health: store, agents, sandbox", Response: healthBody{}},
	{Method: "GET", Path: "/api/me", Summary: "Who the token belongs to", Auth: "viewer", Response: meBody{}},
	{Method: "GET", Path: "/api/openapi.json", Summary: "This document", Response: map[string]any{}},
}

// openapi: GET /api/openapi.json (built per request: it is small and rare).
func (s *Server) openapi(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, openapiDocument(apiOps()))
}

func openapiDocument(ops []apiOp) map[string]any {
	paths := map[string]any{}
	for _, op := range ops {
		item, _ := paths[op.Path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[op.Path] = item
		}
		o := map[string]any{"summary": op.Summary, "operationId": operationID(op)}
		var params []any
		for _, seg := range strings.Split(op.Path, "/") {
			if strings.HasPrefix(seg, "{") {
				params = append(params, map[string]any{"name": strings.Trim(seg, "{}"), "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
			}
		}
		for name, desc := range op.Query {
			params = append(params, map[string]any{"name": name, "in": "query", "description": desc, "schema": map[string]any{"type": "string"}})
		}
		if params != nil {
			o["parameters"] = params
		}
		if op.Auth != "" {
			o["security"] = []any{map[string]any{"bearer": []any{}}}
			o["description"] = "Needs an API token of role " + op.Auth + " or more."
		}
		if op.Request != nil {
			o["requestBody"] = map[string]any{"required": !op.Optional, "content": map[string]any{"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(op.Request), false)}}}
		}
		if op.Form != nil {
			schema := map[string]any{"type": "object", "properties": op.Form}
			o["requestBody"] = map[string]any{"required": !op.Optional, "content": map[string]any{"multipart/form-data": map[string]any{"schema": schema}}}
		}
		status := op.Status
		if status == 0 {
			status = http.StatusOK
		}
		ok := map[string]any{"description": http.StatusText(status)}
		switch {
		case op.Response != nil:
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": valueSchema(op.Response)}}
		case op.Content != "":
			ok["content"] = map[string]any{op.Content: map[string]any{"schema": map[string]any{"type": "string"}}}
		}
		errRef := map[string]any{"description": "An error", "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}}
		o["responses"] = map[string]any{strconv.Itoa(status): ok, "default": errRef}
		item[strings.ToLower(op.Method)] = o
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "Marketing Minds REST API", "version": "1",
			"description": "Every capability of the Slack bot and the dashboard, for scripts. Authenticate with `Authorization: Bearer mm_...` (create one with `marketingminds token create`)."},
		"paths": paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
			"schemas":         map[string]any{"Error": errorSchema()},
		},
	}
}

// errorSchema is every error's shape: {"success": false, "error": {...}},
// with the problems found (the first limit.Problems, more_problems counting
// the rest) when a request was invalid in several ways.
func errorSchema() map[string]any {
	s := schemaOf(reflect.TypeOf(errorBody{}), true)
	props := s["properties"].(map[string]any)
	props["problems"] = schemaOf(reflect.TypeOf([]publish.Problem{}), true)
	props["problems"].(map[string]any)["maxItems"] = limit.Problems
	props["more_problems"] = map[string]any{"type": "integer", "minimum": 1}
	return s
}

func operationID(op apiOp) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(op.Method))
	for _, seg := range strings.FieldsFunc(op.Path, func(r rune) bool { return r == '/' || r == '.' || r == '-' || r == '_' }) {
		seg = strings.Trim(seg, "{}")
		if seg == "api" || seg == "" {
			continue
		}
		b.WriteString(strings.ToUpper(seg[:1]) + seg[1:])
	}
	return b.String()
}

var (
	timeType = reflect.TypeOf(time.Time{})
	rawType  = reflect.TypeOf(json.RawMessage{})
)

// valueSchema is the response schema of v: an object's keys, or v's type.
func valueSchema(v any) map[string]any {
	o, ok := v.(object)
	if !ok {
		return schemaOf(reflect.TypeOf(v), true)
	}
	props, required := map[string]any{}, []any{}
	for _, k := range slices.Sorted(maps.Keys(o)) {
		props[k] = map[string]any{}
		if o[k] != nil {
			props[k] = valueSchema(o[k])
		}
		required = append(required, k)
	}
	return map[string]any{"type": "object", "properties": props, "required": required}
}

// schemaOf is the JSON Schema of what encoding/json makes of t. A response
// (what the server encodes) has every field without omitempty required, and
// slices and maps may be null (a nil one encodes so); a request (what the
// server decodes, unknown fields refused) requires nothing.
func schemaOf(t reflect.Type, response bool) map[string]any {
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t == rawType:
		return map[string]any{} // any JSON value
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		return map[string]any{"type": "string", "contentEncoding": "base64"}
	}
	nullable := func(s map[string]any) map[string]any {
		if response {
			s["type"] = []any{s["type"], "null"}
		}
		return s
	}
	switch t.Kind() {
	case reflect.Pointer:
		s := schemaOf(t.Elem(), response)
		if typ, ok := s["type"].(string); ok {
			s["type"] = []any{typ, "null"}
		}
		return s
	case reflect.String:
		if !response {
			return map[string]any{"type": "string", "maxLength": limit.TextChars}
		}
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		s := map[string]any{"type": "array", "items": schemaOf(t.Elem(), response)}
		if !response {
			s["maxItems"] = limit.ListItems
		}
		return nullable(s)
	case reflect.Map:
		return nullable(map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem(), response)})
	case reflect.Struct:
		props, required := map[string]any{}, []any{}
		structFields(t, props, &required, response)
		s := map[string]any{"type": "object", "properties": props}
		if len(required) > 0 {
			s["required"] = required
		}
		if !response {
			s["additionalProperties"] = false
		}
		return s
	}
	return map[string]any{} // interface: any JSON value
}

// structFields adds t's JSON fields, flattening embedded structs as
// encoding/json does; in a response a field without omitempty is always
// present.
func structFields(t reflect.Type, props map[string]any, required *[]any, response bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			structFields(f.Type, props, required, response)
			continue
		}
		if name == "" {
			name = f.Name
		}
		props[name] = schemaOf(f.Type, response)
		if n, err := strconv.Atoi(f.Tag.Get("maxLength")); err == nil && !response {
			props[name].(map[string]any)["maxLength"] = n
		}
		if response && !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") {
			*required = append(*required, name)
		}
	}
}
