package httpapi

import (
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/agents/llm/llmtest"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// chatClock is 2026-12-06 12:00 UTC when the test starts, and runs.
func chatClock() func() time.Time {
	start, base := time.Now(), time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	return func() time.Time { return base.Add(time.Since(start)) }
}

// chatRig is the web chat served by two replicas sharing one database.
type chatRig struct {
	// ed is signed in on the first replica (first), other is the same
	// session on the second.
	ed, other *browser
	first     *Server
	model     *llmtest.Server
	deps      Deps
}

// chatReplicas serves the web chat with a model scripted by turns from two
// replicas sharing one database, each an *http.Server configured as in
// production (HTTPServer) but with writeTimeout.
func chatReplicas(t *testing.T, writeTimeout time.Duration, maxSteps int, turns ...llmtest.Turn) chatRig {
	t.Helper()
	srv := llmtest.New(t, turns...)
	model, err := llm.New(llm.Config{APIKey: "k", BaseURL: srv.URL, HTTPClient: srv.Client(), MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	o, _ := chatModelAgent(t, model, maxSteps)
	var d Deps
	f := dashSetup(t, "http://127.0.0.1", withChat(t, o), func(dd *Deps) { dd.Now = chatClock(); d = *dd })
	var servers []*Server
	replica := func() *dashFixture {
		rd := d
		rd.Registry = prometheus.NewRegistry() // each replica its own process
		s := New(rd)
		servers = append(servers, s)
		hs := httptest.NewUnstartedServer(s.Handler())
		hs.Config = s.HTTPServer("")
		hs.Config.WriteTimeout = writeTimeout
		hs.Start()
		t.Cleanup(hs.Close)
		r := *f
		r.srv = hs
		return &r
	}
	a, b := replica(), replica()
	rig := chatRig{ed: a.browser(t), other: b.browser(t), first: servers[0], model: srv, deps: d}
	rig.ed.signIn("T1", "U-berlin", identity.Editor)
	rig.other.cookie = rig.ed.cookie
	return rig
}

// countDone is the finished step of count_posts, with its duration unless
// it was quick.
var countDone = regexp.MustCompile(`class="step p-done">Working on count posts( <span class="took">[^<]+</span>)?</li>`)

// TestDashboardChatLongTurn: three model calls of 25 s each, a turn longer
// than the server's 60 s write timeout, reach the page: the message is
// answered at once, the page follows the turn (from the other replica too,
// and after a reload), shows each tool's progress and the answer once, its
// Markdown rendered and its time in the viewer's zone.
func TestDashboardChatLongTurn(t *testing.T) {
	t.Parallel()
	longTurn(t, 60*time.Second, 25*time.Second, 0)
}

// TestDashboardChatLongTurnShort is the same with a 2 s write timeout and
// 1 s model calls; its answer streams in pieces the page shows as they come.
func TestDashboardChatLongTurnShort(t *testing.T) {
	t.Parallel()
	longTurn(t, 2*time.Second, time.Second, 150*time.Millisecond)
}

func longTurn(t *testing.T, writeTimeout, delay, chunkDelay time.Duration) {
	const answer = "You have **3** posts this week; the next goes out at 2026-12-07T09:00:00Z. Try `analytics 7d` for more."
	rig := chatReplicas(t, writeTimeout, 0,
		llmtest.Turn{Delay: delay, ToolCalls: []llmtest.ToolCall{llmtest.Call("count_posts", `{}`)}},
		llmtest.Turn{Delay: delay, ToolCalls: []llmtest.ToolCall{llmtest.Call("count_posts", `{}`)}},
		llmtest.Turn{Delay: delay, ChunkDelay: chunkDelay, Text: answer},
	)
	ed, other, srv := rig.ed, rig.other, rig.model
	start := time.Now()
	id := ed.send(ed.csrf(), "how many posts this week?")
	if took := time.Since(start); took > writeTimeout/2 {
		t.Errorf("the message took %s to be answered; the turn should run on its own", took)
	}
	var reloaded, progressed, streamed bool
	frag := other.turn(id, func(frag string) {
		progressed = progressed || countDone.MatchString(frag)
		if i := strings.Index(frag, "streaming"); i >= 0 && strings.Contains(frag[i:], "You have") && !strings.Contains(frag[i:], "for more") {
			streamed = true
		}
		if !reloaded {
			reloaded = true
			_, page := ed.do("GET", "/dashboard/chat", nil, nil)
			if !strings.Contains(page, `id="turn-`+id+`"`) || !strings.Contains(page, `hx-get="/dashboard/chat/turns/`+id+`?seen=`) || !strings.Contains(page, "Stop</button>") {
				t.Errorf("a reload mid-turn does not follow the running turn:\n%s", page)
			}
		}
	})
	if took := time.Since(start); took < 3*delay || took < writeTimeout {
		t.Errorf("the turn took %s; the script needs at least %s, longer than the write timeout %s", took, 3*delay, writeTimeout)
	}
	if !reloaded || !progressed {
		t.Errorf("while the turn ran the page saw: a reload %v, the progress of a tool %v", reloaded, progressed)
	}
	if chunkDelay > 0 && !streamed {
		t.Error("the answer did not stream: no partial answer was seen")
	}
	want := []string{`<strong>3</strong>`, `<code>analytics 7d</code>`, `<time datetime="2026-12-07T09:00:00Z">tomorrow, 10:00 CET</time>`}
	if !countDone.MatchString(frag) {
		t.Errorf("the answer lacks the finished step:\n%s", frag)
	}
	for _, w := range want {
		if !strings.Contains(frag, w) {
			t.Errorf("the answer lacks %s:\n%s", w, frag)
		}
	}
	if strings.Contains(frag, "`") || strings.Contains(frag, "**") || strings.Contains(frag, ">2026-12-07T09") || strings.Contains(frag, "Stop</button>") {
		t.Errorf("the answer shows Markdown or a raw time, or the turn can still be stopped:\n%s", frag)
	}
	_, page := ed.do("GET", "/dashboard/chat", nil, nil)
	if strings.Count(page, "You have <strong>3</strong>") != 1 || strings.Count(page, "how many posts this week?") != 1 || strings.Contains(page, `aria-busy`) {
		t.Errorf("after the turn the page does not show the question and the answer once:\n%s", page)
	}
	if n := len(srv.Requests()); n != 3 {
		t.Errorf("the model was called %d times, want 3", n)
	}
}

// TestDashboardChatFailures: a turn that ends in an error shows the
// orchestrator's own words: the step limit, the model's failure.
func TestDashboardChatFailures(t *testing.T) {
	t.Parallel()
	count := llmtest.Calls(llmtest.Call("count_posts", `{}`))
	ed := chatReplicas(t, time.Minute, 2, count, count,
		llmtest.Turn{Status: 400, ErrorMessage: "This model's maximum context length is 128000 tokens."}).ed
	csrf := ed.csrf()
	frag := ed.turn(ed.send(csrf, "count everything"))
	if !strings.Contains(frag, "I stopped after 2 steps without finishing") || !strings.Contains(frag, `role="alert"`) || strings.Contains(frag, "could not answer") {
		t.Errorf("the step-limit turn does not show its words:\n%s", frag)
	}
	frag = ed.turn(ed.send(csrf, "and again"))
	if !strings.Contains(frag, "I could not get an answer: ") || !strings.Contains(frag, `data-status="failed"`) {
		t.Errorf("the model failure does not show the explanation:\n%s", frag)
	}
}

// TestDashboardChatStop: the person stops a turn from another replica than
// the one running it; the turn ends as stopped, in words.
func TestDashboardChatStop(t *testing.T) {
	t.Parallel()
	rig := chatReplicas(t, time.Minute, 0, llmtest.Turn{Delay: 5 * time.Minute, Text: "too late"})
	ed, other, srv := rig.ed, rig.other, rig.model
	id := ed.send(ed.csrf(), "take your time")
	start := time.Now()
	if resp, _ := other.do("POST", "/dashboard/chat/turns/"+id+"/stop", map[string][]string{"csrf": {other.csrf()}}, map[string]string{"HX-Request": "true"}); resp.StatusCode != 200 {
		t.Fatalf("stop = %d", resp.StatusCode)
	}
	frag := ed.turn(id)
	if !strings.Contains(frag, "Stopped, as you asked") || !strings.Contains(frag, `data-status="stopped"`) || strings.Contains(frag, "too late") {
		t.Errorf("the stopped turn reads:\n%s", frag)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("the stop took %s", took)
	}
	if srv.Remaining() != 0 {
		t.Error("the model was never asked")
	}
	stranger := ed.f.browser(t)
	stranger.signIn("T1", "U-other", identity.Editor)
	if resp, _ := stranger.do("GET", "/dashboard/chat/turns/"+id, nil, nil); resp.StatusCode != 404 {
		t.Errorf("another session reads the turn: %d, want 404", resp.StatusCode)
	}
}

// TestDashboardChatInterrupted: a turn whose replica died (no save for
// longer than turnStale) reads as interrupted, and the page stops asking.
func TestDashboardChatInterrupted(t *testing.T) {
	t.Parallel()
	rig := chatReplicas(t, time.Minute, 0)
	ed, d := rig.ed, rig.deps
	_, page := ed.do("GET", "/dashboard/chat", nil, nil)
	if !strings.Contains(page, `id="chat-form"`) {
		t.Fatal("no chat page")
	}
	sess := sessionOf(t, ed)
	old := d.Now().Add(-time.Minute)
	if err := d.Turns.CreateTask(t.Context(), agents.Task{ID: "dead1", WorkspaceID: "T1", Channel: "web:" + sess, Thread: sess, UserID: "U-berlin",
		Text: "post the launch", Status: agents.TaskRunning, Answer: "Working on", CreatedAt: old, UpdatedAt: old}); err != nil {
		t.Fatal(err)
	}
	_, page = ed.do("GET", "/dashboard/chat", nil, nil)
	if !strings.Contains(page, "was interrupted") || strings.Contains(page, `aria-busy`) {
		t.Errorf("the dead turn reads:\n%s", page)
	}
}

// sessionOf is the id of b's session.
func sessionOf(t *testing.T, b *browser) string {
	t.Helper()
	_, sess, err := b.f.sessions.Resolve(t.Context(), b.cookie.Value)
	if err != nil {
		t.Fatal(err)
	}
	return sess.ID
}

// TestDashboardChatResults: a tool's typed result reads as present's web
// card when nobody wrote about it, and only the words when the model did.
func TestDashboardChatResults(t *testing.T) {
	t.Parallel()
	list := llmtest.Calls(llmtest.Call("list_accounts", `{}`))
	ed := chatReplicas(t, time.Minute, 0, list, llmtest.Reply(""), list, llmtest.Reply("You have one account: **Acme Outdoor** on X.")).ed
	csrf := ed.csrf()
	frag := ed.turn(ed.send(csrf, "what accounts do I have"))
	if !strings.Contains(frag, `class="mm-card"`) || !strings.Contains(frag, "Acme Outdoor") || strings.Contains(frag, "acc-x1") || strings.Contains(frag, `class="msg bot md answer"`) {
		t.Errorf("the accounts without words do not read as a card:\n%s", frag)
	}
	frag = ed.turn(ed.send(csrf, "and now?"))
	if strings.Contains(frag, `class="mm-card"`) || strings.Count(frag, "Acme Outdoor") != 1 {
		t.Errorf("the accounts the model wrote about read twice:\n%s", frag)
	}
}

// TestDashboardChatShutdown: when serve stops, the turns running in the
// process end saved as interrupted, and StopTurns waits for that.
func TestDashboardChatShutdown(t *testing.T) {
	t.Parallel()
	rig := chatReplicas(t, time.Minute, 0, llmtest.Turn{Delay: 5 * time.Minute, Text: "too late"})
	id := rig.ed.send(rig.ed.csrf(), "take your time")
	if err := rig.first.StopTurns(t.Context()); err != nil {
		t.Fatal(err)
	}
	task, err := rig.deps.Turns.GetTask(t.Context(), "T1", id)
	if err != nil || task.Status != agents.TaskFailed || task.Answer != turnInterrupted {
		t.Fatalf("after the shutdown the turn is %+v, %v", task, err)
	}
	if frag := rig.other.turn(id); !strings.Contains(frag, "was interrupted") {
		t.Errorf("the other replica shows:\n%s", frag)
	}
}
