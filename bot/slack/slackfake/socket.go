package slackfake

import (
	"encoding/json"
	"errors"
	"net/http"
	"sync"

	"github.com/gorilla/websocket"
)

// Ack is an acknowledgement the app sent over the Socket Mode WebSocket.
type Ack struct {
	EnvelopeID string
	Payload    json.RawMessage
}

// socket is the fake's Socket Mode side.
type socket struct {
	up        websocket.Upgrader
	mu        sync.Mutex
	conns     []*wsConn
	connected chan int // each new connection's number
	acks      chan Ack
	count     int
}

type wsConn struct {
	mu sync.Mutex // gorilla allows one writer at a time
	c  *websocket.Conn
}

func (s *socket) init() {
	// Slack's client sends Origin: https://api.slack.com.
	s.up.CheckOrigin = func(*http.Request) bool { return true }
	s.connected = make(chan int, 16)
	s.acks = make(chan Ack, 1024)
}

func (s *socket) serve(w http.ResponseWriter, r *http.Request) {
	c, err := s.up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	wc := &wsConn{c: c}
	s.mu.Lock()
	s.conns = append(s.conns, wc)
	s.count++
	n := s.count
	s.mu.Unlock()
	_ = wc.write(map[string]any{"type": "hello", "num_connections": 1})
	select {
	case s.connected <- n:
	default:
	}
	defer s.forget(wc)
	for {
		var a struct {
			EnvelopeID string          `json:"envelope_id"`
			Payload    json.RawMessage `json:"payload"`
		}
		if err := c.ReadJSON(&a); err != nil {
			return
		}
		s.acks <- Ack{EnvelopeID: a.EnvelopeID, Payload: a.Payload}
	}
}

func (wc *wsConn) write(v any) error {
	wc.mu.Lock()
	defer wc.mu.Unlock()
	return wc.c.WriteJSON(v)
}

func (s *socket) forget(wc *wsConn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, c := range s.conns {
		if c == wc {
			s.conns = append(s.conns[:i], s.conns[i+1:]...)
			break
		}
	}
	_ = wc.c.Close()
}

func (s *socket) closeAll() {
	s.mu.Lock()
	conns := append([]*wsConn(nil), s.conns...)
	s.mu.Unlock()
	for _, c := range conns {
		_ = c.c.Close()
	}
}

// Connected receives the number of each new Socket Mode connection (1, 2, ...).
func (f *Fake) Connected() <-chan int { return f.sock.connected }

// Acks receives every acknowledgement the app sends.
func (f *Fake) Acks() <-chan Ack { return f.sock.acks }

// SendEnvelope pushes a Socket Mode envelope (events_api, slash_commands,
// interactive) with payload to the newest connection.
func (f *Fake) SendEnvelope(typ, envelopeID string, payload any) error {
	f.sock.mu.Lock()
	var c *wsConn
	if n := len(f.sock.conns); n > 0 {
		c = f.sock.conns[n-1]
	}
	f.sock.mu.Unlock()
	if c == nil {
		return errors.New("slackfake: no Socket Mode connection")
	}
	return c.write(map[string]any{"type": typ, "envelope_id": envelopeID, "payload": payload, "accepts_response_payload": typ != "events_api"})
}

// DropSockets closes every Socket Mode connection, as Slack does on a
// restart; the app is expected to reconnect.
func (f *Fake) DropSockets() { f.sock.closeAll() }
