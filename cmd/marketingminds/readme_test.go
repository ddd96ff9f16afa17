package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// shBlock matches a ```sh fence in the README; blocks that cannot run in a
// test (make run, make test, an interactive chat) use ```console instead.
var shBlock = regexp.MustCompile("(?ms)^```sh\n(.*?)^```")

// TestReadmeExamples runs the README's ```sh blocks, in order, in one bash
// session against a freshly built `serve --sandbox` with its own data dir.
// Only two things are rewritten: localhost:8080 becomes the server's own
// address, and bin/marketingminds the freshly built binary.
func TestReadmeExamples(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := shBlock.FindAllStringSubmatch(string(readme), -1)
	if len(blocks) < 2 {
		t.Fatalf("found %d ```sh blocks in README.md", len(blocks))
	}
	dataDir := t.TempDir()
	env := []string{"MM_DATA_DIR=" + dataDir}
	p := startServe(t, env, "--sandbox")
	host := strings.TrimPrefix(p.url, "http://")
	var script strings.Builder
	script.WriteString("set -euo pipefail\n")
	for _, b := range blocks {
		script.WriteString(b[1])
	}
	text := strings.ReplaceAll(script.String(), "localhost:8080", host)
	text = strings.ReplaceAll(text, "bin/marketingminds", buildBinary(t))

	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", text)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("README examples failed: %v\n--- script ---\n%s\n--- output ---\n%s\n--- server ---\n%s", err, text, out, p.logs)
	}
	// curl -sf fails only on an HTTP error; a 200 whose JSON says
	// "success":false (a publish with a failed target) fails the test too.
	if strings.Contains(string(out), `"success":false`) {
		t.Fatalf("a README example answered success:false:\n%s", out)
	}
	t.Logf("README output:\n%s", out)
}
