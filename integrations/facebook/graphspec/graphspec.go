// Package graphspec reads Meta's machine-readable Graph node descriptions
// (facebook-business-sdk-codegen, in ../shared/reference/specs) for tests
// that check what the Facebook and Instagram adapters send against them.
package graphspec

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// Spec is one codegen node file: its edges with their parameters, and its fields.
type Spec struct {
	APIs []struct {
		Method   string `json:"method"`
		Endpoint string `json:"endpoint"`
		Params   []struct {
			Name string `json:"name"`
		} `json:"params"`
	} `json:"apis"`
	Fields []struct {
		Name string `json:"name"`
	} `json:"fields"`
}

// GraphWide are the parameters every Graph read or edge takes (field
// expansion, cursor and time paging), which the node files do not repeat.
var GraphWide = []string{"access_token", "fields", "limit", "after", "before", "since", "until"}

// Load reads the node file name (Page.json) from the shared reference beside
// the repository, as seen from an adapter package's directory; the test is
// skipped when it is not there.
func Load(t testing.TB, name string) Spec {
	t.Helper()
	p := filepath.Join("..", "..", "..", "shared", "reference", "specs", "facebook-codegen", name)
	data, err := os.ReadFile(p)
	if os.IsNotExist(err) {
		t.Skipf("Meta's codegen spec %s is not beside the repository (../shared)", p)
	}
	if err != nil {
		t.Fatal(err)
	}
	var s Spec
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	return s
}

// Params lists the parameters the spec declares for method on edge; false
// when the edge is not declared.
func (s Spec) Params(method, edge string) ([]string, bool) {
	for _, a := range s.APIs {
		if a.Method == method && a.Endpoint == edge {
			out := make([]string, 0, len(a.Params))
			for _, p := range a.Params {
				out = append(out, p.Name)
			}
			return out, true
		}
	}
	return nil, false
}

// HasField reports whether the node declares field name.
func (s Spec) HasField(name string) bool {
	return slices.ContainsFunc(s.Fields, func(f struct {
		Name string `json:"name"`
	}) bool {
		return f.Name == name
	})
}
