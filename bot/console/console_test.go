package console

import (
	"bytes"
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/agents/llm/llmtest"
	"github.com/marketingminds/marketingminds/bot/present"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/prompts"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/library"
	"github.com/marketingminds/marketingminds/tools/media"
	"github.com/marketingminds/marketingminds/tools/schedule"
)

func TestMain(m *testing.M) { storetest.Main(m) }

type shipArgs struct {
	What string `json:"what"`
}

// storedMedia reads media from a map, as *media.Service does from its store.
type storedMedia map[string]media.Media

func (s storedMedia) Get(_ context.Context, _ identity.Caller, id string) (media.Media, error) {
	if m, ok := s[id]; ok {
		return m, nil
	}
	return media.Media{}, media.ErrNotFound
}

// chat runs a scripted session: the model over HTTP, a real orchestrator
// on SQLite, one side-effecting tool that counts its runs.
func chat(t *testing.T, c identity.Caller, input string, turns ...llmtest.Turn) (string, int32) {
	t.Helper()
	srv := llmtest.New(t, turns...)
	model, err := llm.New(llm.Config{BaseURL: srv.URL, Model: "m", HTTPClient: srv.Client(), Log: zerolog.Nop(), MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	set, err := prompts.Load()
	if err != nil {
		t.Fatal(err)
	}
	var runs atomic.Int32
	ship := agents.NewTool("ship", "Ships it.", func(ctx context.Context, c identity.Caller, a shipArgs) (map[string]string, error) {
		runs.Add(1)
		return map[string]string{"shipped": a.What}, nil
	}, agents.Mutating(), agents.WithPreview(func(ctx context.Context, c identity.Caller, a shipArgs) (string, error) {
		return "Ship " + a.What + "\nto everyone", nil
	}))
	o, err := agents.New(agents.Config{Model: model, Store: agents.NewStore(storetest.Open(t, store.SQLite, agents.Schema)), Prompts: set,
		Tools: []agents.Tool{ship}, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ch := &Chat{Agent: o, Caller: c, Session: "s1", In: strings.NewReader(input), Out: &out}
	if err := ch.Run(ctx); err != nil {
		t.Fatal(err)
	}
	return out.String(), runs.Load()
}

var editor = identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Editor, Door: identity.DoorCLI}

func TestChat(t *testing.T) {
	t.Parallel()
	asks := []llmtest.Turn{llmtest.Calls(llmtest.Call("ship", `{"what":"v2"}`)), llmtest.Reply("Shipping v2 waits for your approval.")}
	cases := []struct {
		name   string
		caller identity.Caller
		input  string
		turns  []llmtest.Turn
		runs   int32
		want   []string
	}{
		{"approve", editor, "ship v2\ny\nthanks\n", append(append([]llmtest.Turn{}, asks...), llmtest.Reply("You're welcome.")), 1,
			[]string{"⏸ this needs your approval", "    Ship v2\n    to everyone", "Shipping v2 waits for your approval.", `Approve "Ship v2"? [y/n]`,
				"Approved: Ship v2", "You're welcome."}},
		{"reject", editor, "ship v2\nn\n", asks, 0, []string{"Rejected: Ship v2"}},
		{"end of input while waiting", editor, "ship v2\n", asks, 0, []string{`Approve "Ship v2"? [y/n] ` + "\n"}},
		{"viewer", identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Viewer, Door: identity.DoorCLI}, "ship v2\ny\n", asks, 0,
			[]string{"Your role in this workspace does not allow this."}},
		// A line that is neither yes nor no is a new request: it is
		// answered, the approval stays pending and is recalled, and a
		// later yes still approves it.
		{"new request while waiting", editor, "ship v2\nwhat time is it?\n\ny\n",
			append(append([]llmtest.Turn{}, asks...), llmtest.Reply("It is 10 o'clock.")), 1,
			[]string{"It is 10 o'clock.", "Still waiting for your answer: Ship v2", `Approve "Ship v2"? [y/n] Approved: Ship v2`}},
		{"model failure", editor, "hello\n", []llmtest.Turn{{Status: 401}}, 0, []string{"I could not get an answer: the language model rejected our credentials"}},
		{"blank lines", editor, "\n\n", nil, 0, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out, runs := chat(t, tc.caller, tc.input, tc.turns...)
			if runs != tc.runs {
				t.Fatalf("%d runs, want %d\n%s", runs, tc.runs, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Fatalf("output lacks %q:\n%s", w, out)
				}
			}
			if tc.want == nil && out != "" {
				t.Fatalf("output = %q", out)
			}
		})
	}
}

// Results name their media as they are stored: the alt text, or what the
// file is; never "Media 1 of 2".
func TestChatNamesStoredMedia(t *testing.T) {
	t.Parallel()
	ch := &Chat{Caller: editor, Now: time.Now, Media: storedMedia{
		"m1": {ID: "m1", Name: "tent.jpg", ContentType: "image/jpeg", Alt: "A green tent by a lake"},
		"m2": {ID: "m2", Name: "clip.mp4", ContentType: "video/mp4"},
	}}
	out := present.New().Terminal(ch.env(context.Background()), library.Item{Title: "Autumn", Body: "Soon.", MediaIDs: []string{"m1", "m2"}}).Text
	for _, want := range []string{"A green tent by a lake", "clip.mp4, video 2 of 2"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

type jobsArgs struct {
	Status string `json:"status,omitempty"`
	Limit  int    `json:"limit,omitempty"`
}

type cancelArgs struct {
	ID string `json:"id"`
}

// With no model, results are rendered by the door; the choices they offer
// are numbered, and typing a number makes the request it stands for.
func TestChatNumberedChoice(t *testing.T) {
	t.Parallel()
	set, err := prompts.Load()
	if err != nil {
		t.Fatal(err)
	}
	due := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
	var cancelled atomic.Value
	jobs := agents.NewTool("list_jobs", "Lists jobs.", func(ctx context.Context, c identity.Caller, a jobsArgs) ([]agents.JobView, error) {
		return []agents.JobView{{ID: "job_51ac", Type: "social.delivery", Status: schedule.StatusPending, RunAt: due}}, nil
	}, agents.ReadOnly())
	cancel := agents.NewTool("cancel_job", "Cancels a job.", func(ctx context.Context, c identity.Caller, a cancelArgs) (agents.CancelResult, error) {
		cancelled.Store(a.ID)
		return agents.CancelResult{Cancelled: "job", ID: a.ID, Status: schedule.StatusCancelled}, nil
	}, agents.Mutating(), agents.WithPreview(func(ctx context.Context, c identity.Caller, a cancelArgs) (string, error) {
		return "Cancel the scheduled post due Mon 7 Dec", nil
	}))
	o, err := agents.New(agents.Config{Model: llm.Offline(), Store: agents.NewStore(storetest.Open(t, store.SQLite, agents.Schema)), Prompts: set,
		Tools: []agents.Tool{jobs, cancel}, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	ctx, stop := context.WithTimeout(context.Background(), 30*time.Second)
	defer stop()
	ch := &Chat{Agent: o, Caller: editor, Session: "s1", In: strings.NewReader("jobs\n1\ny\n"), Out: &out,
		Now: func() time.Time { return due.Add(-2 * time.Hour) }}
	if err := ch.Run(ctx); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"1 job", "Scheduled post: due Mon 7 Dec, 08:00 UTC (in 2 hours)", "reply 1 to cancel the scheduled post due Mon 7 Dec, 08:00 UTC",
		`Approve "Cancel the scheduled post due Mon 7 Dec"? [y/n] Approved`, "Cancelled the job."} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("output lacks %q:\n%s", want, out.String())
		}
	}
	if got, _ := cancelled.Load().(string); got != "job_51ac" || strings.Contains(out.String(), "job_51ac") {
		t.Fatalf("cancelled %q; output:\n%s", got, out.String())
	}
}
