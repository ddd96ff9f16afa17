package agents_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestLayering holds the dependency rule of DESIGN.md: imports point down
// the diagram (bot → agents → tools → integrations), never up.
func TestLayering(t *testing.T) {
	const module = "github.com/marketingminds/marketingminds/"
	forbidden := map[string][]string{
		"agents":       {"bot/", "cmd/"},
		"tools":        {"bot/", "agents", "cmd/"},
		"integrations": {"bot/", "agents", "tools/", "cmd/"},
	}
	root := ".."
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		top := strings.SplitN(filepath.ToSlash(rel), "/", 2)[0]
		rules := forbidden[top]
		if len(rules) == 0 {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			inner, ok := strings.CutPrefix(p, module)
			if !ok {
				continue
			}
			for _, bad := range rules {
				if strings.HasPrefix(inner, bad) {
					t.Errorf("%s imports %s: %s/ must not depend on %s", rel, p, top, strings.TrimSuffix(bad, "/"))
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
