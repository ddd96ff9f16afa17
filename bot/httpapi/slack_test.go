package httpapi

import (
	"net/http"
	"strings"
	"sync"
	"testing"
)

// slackDoor records which of its handlers answered.
type slackDoor struct {
	mu  sync.Mutex
	got []string
}

func (d *slackDoor) answer(name string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		d.mu.Lock()
		d.got = append(d.got, name)
		d.mu.Unlock()
		w.WriteHeader(http.StatusTeapot)
	}
}

func (d *slackDoor) Events(w http.ResponseWriter, r *http.Request)   { d.answer("events")(w, r) }
func (d *slackDoor) Commands(w http.ResponseWriter, r *http.Request) { d.answer("commands")(w, r) }
func (d *slackDoor) Interactivity(w http.ResponseWriter, r *http.Request) {
	d.answer("interactivity")(w, r)
}
func (d *slackDoor) Install(w http.ResponseWriter, r *http.Request) { d.answer("install")(w, r) }
func (d *slackDoor) OAuthCallback(w http.ResponseWriter, r *http.Request) {
	d.answer("callback")(w, r)
}

func TestSlackRoutes(t *testing.T) {
	t.Parallel()
	door := &slackDoor{}
	f := setup(t, nil, func(d *Deps) { d.Slack = door })
	off := setup(t, nil)
	cases := []struct{ method, path, want string }{
		{"POST", "/slack/events", "events"},
		{"POST", "/slack/commands", "commands"},
		{"POST", "/slack/interactivity", "interactivity"},
		{"GET", "/slack/install", "install"},
		{"GET", "/slack/oauth/callback?code=c&state=s", "callback"},
	}
	for _, c := range cases {
		req, _ := http.NewRequest(c.method, f.srv.URL+c.path, strings.NewReader("x=1"))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusTeapot { // reached the door, with no API token asked for
			t.Errorf("%s %s: status %d", c.method, c.path, resp.StatusCode)
		}
		req, _ = http.NewRequest(c.method, off.srv.URL+c.path, nil)
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("without Slack, %s %s: status %d, want 404", c.method, c.path, resp.StatusCode)
		}
	}
	if resp, err := http.Get(f.srv.URL + "/slack/events"); err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /slack/events: %v %v", resp.StatusCode, err)
	}
	door.mu.Lock()
	defer door.mu.Unlock()
	if strings.Join(door.got, ",") != "events,commands,interactivity,install,callback" {
		t.Fatalf("handlers = %v", door.got)
	}
}
