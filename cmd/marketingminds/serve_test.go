package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The tests here run the real binary as a person would, built once per test run.

var binary struct {
	once sync.Once
	path string
	err  error
}

func buildBinary(t testing.TB) string {
	t.Helper()
	binary.once.Do(func() {
		dir, err := os.MkdirTemp("", "mm-bin-")
		if err != nil {
			binary.err = err
			return
		}
		binary.path = filepath.Join(dir, "marketingminds")
		out, err := exec.Command("go", "build", "-o", binary.path, ".").CombinedOutput()
		if err != nil {
			binary.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binary.err != nil {
		t.Fatal(binary.err)
	}
	return binary.path
}

// proc is a running `marketingminds serve`.
type proc struct {
	cmd  *exec.Cmd
	url  string
	logs *syncBuffer
	done chan struct{} // closed when the process has exited
	err  error         // its exit status, once done
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startServe starts serve on a free port with env and waits for its
// "serving" log line, which carries the address.
func startServe(t testing.TB, env []string, args ...string) *proc {
	t.Helper()
	bin := buildBinary(t)
	cmd := exec.Command(bin, append([]string{"serve"}, args...)...)
	cmd.Env = append(os.Environ(), append([]string{"MM_HTTP_ADDR=127.0.0.1:0", "MM_LOG_LEVEL=info"}, env...)...)
	pr, pw := io.Pipe()
	logs := &syncBuffer{}
	cmd.Stderr = io.MultiWriter(pw, logs)
	cmd.Stdout = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, logs: logs, done: make(chan struct{})}
	go func() { p.err = cmd.Wait(); pw.Close(); close(p.done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-p.done
	})
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			var line struct {
				Msg  string `json:"message"`
				Addr string `json:"addr"`
			}
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "serving" {
				addr <- line.Addr
			}
		}
		close(addr)
	}()
	select {
	case a, ok := <-addr:
		if !ok {
			t.Fatalf("serve exited before serving:\n%s", logs)
		}
		p.url = "http://" + a
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not start within 30 s:\n%s", logs)
	}
	return p
}

func (p *proc) stop(t testing.TB) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.done:
		if p.err != nil {
			t.Fatalf("serve exited with %v after SIGTERM:\n%s", p.err, p.logs)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("serve did not exit within 15 s of SIGTERM:\n%s", p.logs)
	}
}

func runCLI(t *testing.T, env []string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(buildBinary(t), args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errOut.String(), code
}

func get(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestServeLifecycle: a fresh data dir serves /healthz at once, a token made
// by `token create` while serve runs authenticates, and still does after a
// restart; SIGTERM exits 0.
func TestServeLifecycle(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	dataDir := t.TempDir()
	env := []string{"MM_DATA_DIR=" + dataDir}
	buildBinary(t) // the 10 s are the binary's, not the compiler's
	start := time.Now()
	p := startServe(t, env, "--sandbox")
	if code, _ := get(t, p.url+"/healthz", ""); code != 200 {
		t.Fatalf("/healthz = %d", code)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Fatalf("/healthz answered after %s, want within 10 s", took)
	}
	if !strings.Contains(p.logs.String(), "SANDBOX MODE") {
		t.Errorf("sandbox mode not said plainly in the start-up log:\n%s", p.logs)
	}
	if _, body := get(t, p.url+"/api/health", ""); !strings.Contains(body, `"sandbox":true`) || !strings.Contains(body, `"agents":["assistant","content_writer"`) {
		t.Errorf("/api/health does not say sandbox or name the agents: %s", body)
	}
	checkBanner(t, p)

	token, stderr, code := runCLI(t, env, "token", "create", "--workspace", "T1", "--user", "U1", "--role", "admin")
	if code != 0 {
		t.Fatalf("token create exited %d: %s", code, stderr)
	}
	token = strings.TrimSpace(token)
	if code, body := get(t, p.url+"/api/me", token); code != 200 || !strings.Contains(body, `"workspace_id":"T1"`) {
		t.Fatalf("token made beside a running serve: %d %s", code, body)
	}
	p.stop(t)

	p2 := startServe(t, env, "--sandbox")
	if code, body := get(t, p2.url+"/api/me", token); code != 200 {
		t.Fatalf("token after restart: %d %s", code, body)
	}
	list, _, _ := runCLI(t, env, "token", "list", "--workspace", "T1")
	if !strings.Contains(list, "admin") || strings.Contains(list, token) {
		t.Fatalf("token list shows %q", list)
	}
	p2.stop(t)
	if logs := p.logs.String() + p2.logs.String(); strings.Contains(logs, token) {
		t.Fatal("a log line holds the API token")
	}
}

// TestGracefulShutdownDrains: SIGTERM during a slow request lets it finish,
// then the process exits 0.
func TestGracefulShutdownDrains(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	p := startServe(t, []string{"MM_DATA_DIR=" + t.TempDir()}, "--sandbox")
	// A sandbox fault with latency makes one endpoint slow.
	fault := `{"platform":"twitter","method":"GET","path":"/2/users/me","latency":"2s","status":401,"body":"{\"title\":\"Unauthorized\"}"}`
	resp, err := http.Post(p.url+"/sandbox/_sandbox/faults", "application/json", strings.NewReader(fault))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("inject fault: %d", resp.StatusCode)
	}
	type result struct {
		code int
		err  error
	}
	res := make(chan result, 1)
	go func() {
		resp, err := http.Get(p.url + "/sandbox/api.x.com/2/users/me")
		if err != nil {
			res <- result{err: err}
			return
		}
		resp.Body.Close()
		res <- result{code: resp.StatusCode}
	}()
	// Wait until the sandbox counted the request: it is in flight.
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, body := get(t, p.url+"/sandbox/_sandbox/calls?method=GET&path=/api.x.com/2/users/me", "")
		if strings.Contains(body, `"calls":1`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the slow request never arrived: %s", body)
		}
		time.Sleep(10 * time.Millisecond)
	}
	p.stop(t)
	r := <-res
	if r.err != nil || r.code != 401 {
		t.Fatalf("in-flight request: %d, %v; want it to complete with the fault's 401", r.code, r.err)
	}
}

func TestUnreachableMongoFailsFast(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, buildBinary(t), "serve")
	cmd.Env = append(os.Environ(), "MONGODB_URI=mongodb://127.0.0.1:1", "MM_HTTP_ADDR=127.0.0.1:0", "MM_DATA_DIR="+t.TempDir())
	start := time.Now()
	out, err := cmd.CombinedOutput()
	took := time.Since(start)
	if err == nil {
		t.Fatal("serve with an unreachable MongoDB exited 0")
	}
	if took > 15*time.Second {
		t.Fatalf("took %s to fail, want under 15 s", took)
	}
	if !strings.Contains(string(out), "127.0.0.1:1") {
		t.Fatalf("error does not name the host:\n%s", out)
	}
}

func TestBadConfigExits2(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	_, stderr, code := runCLI(t, []string{"MM_ENCRYPTION_KEY=short", "ZOHO_DATA_CENTER=mars"}, "serve")
	if code != 2 || !strings.Contains(stderr, "MM_ENCRYPTION_KEY") || !strings.Contains(stderr, "ZOHO_DATA_CENTER") {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
}

// BenchmarkStartToReady measures the time from exec to /readyz 200 on a fresh
// embedded store.
func BenchmarkStartToReady(b *testing.B) {
	bin := buildBinary(b)
	for range b.N {
		dir := b.TempDir()
		start := time.Now()
		cmd := exec.Command(bin, "serve")
		cmd.Env = append(os.Environ(), "MM_DATA_DIR="+dir, "MM_HTTP_ADDR=127.0.0.1:18431", "MM_LOG_LEVEL=error")
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		for {
			resp, err := http.Get("http://127.0.0.1:18431/readyz")
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == 200 {
					break
				}
			}
			if time.Since(start) > 10*time.Second {
				b.Fatal("not ready within 10 s")
			}
			time.Sleep(5 * time.Millisecond)
		}
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "ms-to-ready")
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}
}

// checkBanner: start-up ends with a short block for people, not a wall of
// log lines: the dashboard, a sign-in link that signs in, the terminal
// chat and the sandbox's index, which answers.
func checkBanner(t *testing.T, p *proc) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(p.logs.String(), "Stop        Ctrl-C") {
		if time.Now().After(deadline) {
			t.Fatalf("no start-up banner:\n%s", p.logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
	out := p.logs.String()
	if strings.Contains(out, "migration applied") {
		t.Errorf("start-up logs every migration at info:\n%s", out)
	}
	link := regexp.MustCompile(`Sign in     (\S+/dashboard/login\?code=\S+)`).FindStringSubmatch(out)
	if link == nil || !strings.Contains(out, "Dashboard   "+p.url+"/dashboard") || !strings.Contains(out, "chat --workspace T0DEMO") {
		t.Fatalf("banner lacks the dashboard, a sign-in link or the chat:\n%s", out)
	}
	// The link shows a sign-in button (a link preview must not spend it).
	code := link[1][strings.Index(link[1], "code=")+len("code="):]
	if status, body := get(t, link[1], ""); status != 200 || !strings.Contains(body, code) {
		t.Fatalf("the banner's sign-in link answered %d without its code in the form:\n%s", status, body)
	}
	// Signed in, the demo's header names its admin and workspace.
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	unescaped, _ := url.QueryUnescape(code)
	resp, err := browser.PostForm(p.url+"/dashboard/login", url.Values{"code": {unescaped}})
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if who := `<span id="who"><strong>Demo admin</strong> (admin) · Demo workspace</span>`; resp.StatusCode != 200 || !strings.Contains(string(page), who) {
		t.Fatalf("signed in with the banner's link: %d, no %s in\n%s", resp.StatusCode, who, page)
	}
	sb := regexp.MustCompile(`Sandbox     (\S+)`).FindStringSubmatch(out)
	if sb == nil {
		t.Fatalf("banner lacks the sandbox:\n%s", out)
	}
	if code, body := get(t, sb[1], ""); code != 200 || !strings.Contains(body, p.url+"/sandbox/api.x.com") {
		t.Fatalf("sandbox index %s = %d:\n%s", sb[1], code, body)
	}
}
