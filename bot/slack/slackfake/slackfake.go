// Package slackfake is an httptest fake of the Slack Web API for tests: it
// records every call and checks the token and the required arguments the
// way Slack does (not_authed, invalid_auth, channel_not_found,
// invalid_blocks, not_in_channel, missing_scope, ...). It keeps each
// channel's history (the messages tests Say and the app's own) for
// conversations.replies, and the files people share (ShareFile) at their
// url_private_download. It also serves Socket Mode: apps.connections.open
// hands out its WebSocket, over which a test pushes envelopes and reads
// the acknowledgements.
package slackfake

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Call is one Web API call as the fake received it.
type Call struct {
	Method string
	Token  string
	// Args are the arguments: form fields, or a JSON body's top-level
	// fields (non-strings as their JSON text).
	Args url.Values
	// Result is what the fake answered.
	Result map[string]any
	At     time.Time
}

// TS is the message timestamp the call's answer carried.
func (c Call) TS() string {
	ts, _ := c.Result["ts"].(string)
	return ts
}

// User is a workspace member users.info answers for.
type User struct {
	ID, Name, DisplayName, TZ string
	Admin, Owner, Bot         bool
}

// Install is what oauth.v2.access answers for a code.
type Install struct {
	Team, TeamName, BotToken, BotUserID, AppID, Scope, User string
}

// Fake is the fake Web API.
type Fake struct {
	srv *httptest.Server

	mu        sync.Mutex
	calls     []Call
	tokens    map[string]bool
	channels  map[string]bool
	users     map[string]User
	messages  map[string]string // channel/ts → text
	statuses  map[string]string // channel/thread_ts → assistant status
	ts        int64
	noStream  bool
	limited   map[string]int // method → how many next calls answer 429
	skipLimit map[string]int // method → calls answered before those (RateLimitAfter)
	codes     map[string]Install
	clientID  string
	secret    string
	observers []chan Call
	responses []Response
	sock      socket
	conns     atomic.Int64 // connections the server accepted
	files     map[string]*Upload
	fileOrder []string
	shared    map[string]*sharedFile   // files people shared, by id
	downloads map[string]int           // shared file id → downloads with a valid token
	history   map[string][]posted      // channel → its messages (Say, and the app's)
	outside   map[string]bool          // channels the app is not in (Leave)
	revoked   map[string]bool          // scopes the bot token lacks (Revoke)
	held      map[string]chan struct{} // method → closed when its calls may be answered (Hold)
	waiting   map[string]int           // method → calls waiting on Hold
}

// Response is a message POSTed to a response_url.
type Response struct {
	ID      string // the response URL's last segment
	Message map[string]any
	At      time.Time
}

// New starts a fake accepting tokens.
func New(tokens ...string) *Fake {
	f := &Fake{tokens: map[string]bool{}, channels: map[string]bool{}, users: map[string]User{},
		messages: map[string]string{}, statuses: map[string]string{}, ts: 1_700_000_000_000_000, limited: map[string]int{}, skipLimit: map[string]int{}, codes: map[string]Install{}, files: map[string]*Upload{},
		shared: map[string]*sharedFile{}, downloads: map[string]int{}, history: map[string][]posted{}, outside: map[string]bool{}, revoked: map[string]bool{},
		held: map[string]chan struct{}{}, waiting: map[string]int{}}
	for _, t := range tokens {
		f.tokens[t] = true
	}
	f.sock.init()
	f.srv = httptest.NewUnstartedServer(http.HandlerFunc(f.serve))
	f.srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			f.conns.Add(1)
		}
	}
	f.srv.Start()
	return f
}

// NewConns is how many connections clients have opened to the fake so far
// (each would be a TLS handshake with the real Slack).
func (f *Fake) NewConns() int64 { return f.conns.Load() }

// URL is the Web API base, with its trailing slash (SLACK_API_URL).
func (f *Fake) URL() string { return f.srv.URL + "/api/" }

// Close stops the fake.
func (f *Fake) Close() {
	f.sock.closeAll()
	f.srv.Close()
}

// AddToken accepts one more token (an installed team's).
func (f *Fake) AddToken(t string) { f.mu.Lock(); f.tokens[t] = true; f.mu.Unlock() }

// AddChannels makes channels exist.
func (f *Fake) AddChannels(ids ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, id := range ids {
		f.channels[id] = true
	}
}

// AddUser makes u known to users.info.
func (f *Fake) AddUser(u User) { f.mu.Lock(); f.users[u.ID] = u; f.mu.Unlock() }

// DisableStreaming makes chat.startStream fail as on a workspace without it.
func (f *Fake) DisableStreaming() { f.mu.Lock(); f.noStream = true; f.mu.Unlock() }

// RateLimit answers the next n calls of method with 429 and Retry-After: 1.
func (f *Fake) RateLimit(method string, n int) { f.RateLimitAfter(method, 0, n) }

// RateLimitAfter is RateLimit once skip more calls of method are answered.
func (f *Fake) RateLimitAfter(method string, skip, n int) {
	f.mu.Lock()
	f.skipLimit[method], f.limited[method] = skip, n
	f.mu.Unlock()
}

// Hold keeps the calls of method waiting, unanswered, until release is
// called (as a slow Slack would); Waiting counts them meanwhile.
func (f *Fake) Hold(method string) (release func()) {
	gate := make(chan struct{})
	f.mu.Lock()
	f.held[method] = gate
	f.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			f.mu.Lock()
			delete(f.held, method)
			f.mu.Unlock()
			close(gate)
		})
	}
}

// Waiting is how many calls of method wait on Hold now.
func (f *Fake) Waiting(method string) int { f.mu.Lock(); defer f.mu.Unlock(); return f.waiting[method] }

// wait holds a call of method while Hold says so.
func (f *Fake) wait(r *http.Request, method string) {
	f.mu.Lock()
	gate := f.held[method]
	if gate == nil {
		f.mu.Unlock()
		return
	}
	f.waiting[method]++
	f.mu.Unlock()
	select {
	case <-gate:
	case <-r.Context().Done():
	}
	f.mu.Lock()
	f.waiting[method]--
	f.mu.Unlock()
}

// OAuth sets the app's credentials and a code oauth.v2.access exchanges.
func (f *Fake) OAuth(clientID, secret, code string, in Install) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.clientID, f.secret, f.codes[code] = clientID, secret, in
}

// Calls returns every call so far, of the methods named (all when none).
func (f *Fake) Calls(methods ...string) []Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Call
	for _, c := range f.calls {
		if len(methods) == 0 || contains(methods, c.Method) {
			out = append(out, c)
		}
	}
	return out
}

// Observe returns a channel receiving every later successful call (buffered; a
// full channel drops calls).
func (f *Fake) Observe() <-chan Call {
	ch := make(chan Call, 1024)
	f.mu.Lock()
	f.observers = append(f.observers, ch)
	f.mu.Unlock()
	return ch
}

// Message returns the current text of a message the fake holds.
func (f *Fake) Message(channel, ts string) (string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.messages[channel+"/"+ts]
	return t, ok
}

// Status is the assistant status shown in a thread: the last one set,
// until the app writes in the thread (which removes it, as in Slack).
func (f *Fake) Status(channel, thread string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.statuses[channel+"/"+thread]
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// serve answers one Web API call.
func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/ws" {
		f.sock.serve(w, r)
		return
	}
	if id, ok := strings.CutPrefix(r.URL.Path, "/upload/"); ok {
		f.upload(w, r, id)
		return
	}
	if rest, ok := strings.CutPrefix(r.URL.Path, "/files-pri/"); ok {
		f.serveFile(w, r, rest)
		return
	}
	if r.URL.Path == "/signin" {
		signIn(w)
		return
	}
	if id, ok := strings.CutPrefix(r.URL.Path, "/response/"); ok {
		f.respond(w, r, id)
		return
	}
	method, ok := strings.CutPrefix(r.URL.Path, "/api/")
	if !ok || r.Method != http.MethodPost {
		http.NotFound(w, r)
		return
	}
	call, err := readCall(method, r)
	if err != nil {
		reply(w, map[string]any{"ok": false, "error": "invalid_arguments", "detail": err.Error()})
		return
	}
	f.wait(r, method)
	call.At = time.Now()
	f.mu.Lock()
	if k := f.skipLimit[method]; k > 0 {
		f.skipLimit[method] = k - 1
	} else if n := f.limited[method]; n > 0 {
		f.limited[method] = n - 1
		call.Result = fail("ratelimited")
		f.calls = append(f.calls, call)
		f.mu.Unlock()
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
		reply(w, map[string]any{"ok": false, "error": "ratelimited"})
		return
	}
	resp := f.answer(call)
	call.Result = resp
	f.calls = append(f.calls, call)
	observers := append([]chan Call(nil), f.observers...)
	f.mu.Unlock()
	if resp["ok"] == true {
		for _, o := range observers {
			select {
			case o <- call:
			default:
			}
		}
	}
	reply(w, resp)
}

func reply(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func readCall(method string, r *http.Request) (Call, error) {
	c := Call{Method: method, Args: url.Values{}}
	if auth := r.Header.Get("Authorization"); strings.HasPrefix(auth, "Bearer ") {
		c.Token = strings.TrimPrefix(auth, "Bearer ")
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		var body map[string]json.RawMessage
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil && !errors.Is(err, io.EOF) {
			return c, fmt.Errorf("JSON body: %w", err)
		}
		for k, v := range body {
			var s string
			if json.Unmarshal(v, &s) == nil {
				c.Args.Set(k, s)
			} else {
				c.Args.Set(k, string(v))
			}
		}
	} else {
		if err := r.ParseForm(); err != nil {
			return c, err
		}
		c.Args = r.PostForm
	}
	if t := c.Args.Get("token"); t != "" && c.Token == "" {
		c.Token = t
	}
	c.Args.Del("token")
	return c, nil
}

func fail(code string) map[string]any { return map[string]any{"ok": false, "error": code} }

// answer checks and performs call; f.mu is held.
func (f *Fake) answer(c Call) map[string]any {
	if c.Method == "oauth.v2.access" {
		return f.oauth(c)
	}
	switch {
	case c.Token == "":
		return fail("not_authed")
	case !f.tokens[c.Token]:
		return fail("invalid_auth")
	}
	if c.Method == "apps.connections.open" {
		if !strings.HasPrefix(c.Token, "xapp-") {
			return fail("not_allowed_token_type")
		}
		return map[string]any{"ok": true, "url": "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/ws"}
	}
	if !strings.HasPrefix(c.Token, "xoxb-") {
		return fail("not_allowed_token_type")
	}
	h := methods[c.Method]
	if h == nil {
		return fail("unknown_method")
	}
	return h(f, c.Args)
}

func (f *Fake) oauth(c Call) map[string]any {
	id, secret := c.Args.Get("client_id"), c.Args.Get("client_secret")
	if id == "" {
		return fail("invalid_client_id")
	}
	if id != f.clientID || secret != f.secret {
		return fail("bad_client_secret")
	}
	in, ok := f.codes[c.Args.Get("code")]
	if !ok {
		return fail("invalid_code")
	}
	delete(f.codes, c.Args.Get("code"))
	f.tokens[in.BotToken] = true
	return map[string]any{"ok": true, "access_token": in.BotToken, "token_type": "bot", "scope": in.Scope,
		"bot_user_id": in.BotUserID, "app_id": in.AppID, "team": map[string]string{"id": in.Team, "name": in.TeamName},
		"authed_user": map[string]string{"id": in.User}}
}

// nextTS is a new message timestamp.
func (f *Fake) nextTS() string {
	f.ts += 100
	return fmt.Sprintf("%d.%06d", f.ts/1_000_000, f.ts%1_000_000)
}

// ResponseURL is a response_url for a slash command or interaction.
func (f *Fake) ResponseURL(id string) string { return f.srv.URL + "/response/" + id }

// Responses returns the messages POSTed to response URLs so far.
func (f *Fake) Responses() []Response {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Response(nil), f.responses...)
}

// respond takes a response_url POST: JSON, at most five per URL, as Slack
// allows.
func (f *Fake) respond(w http.ResponseWriter, r *http.Request, id string) {
	var msg map[string]any
	if r.Method != http.MethodPost || json.NewDecoder(r.Body).Decode(&msg) != nil {
		http.Error(w, "invalid_payload", http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, x := range f.responses {
		if x.ID == id {
			n++
		}
	}
	if n >= 5 {
		http.Error(w, "used_url", http.StatusNotFound)
		return
	}
	f.responses = append(f.responses, Response{ID: id, Message: msg, At: time.Now()})
	_, _ = w.Write([]byte("ok"))
}
