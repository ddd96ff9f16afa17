package sandbox

import (
	"net/http"
	"time"
)

// PLACEHOLDER: filled in by the platform's emulation.

type liState struct{}

func newLIState() *liState { return &liState{} }

func (s *Sandbox) routesLinkedIn() {}

func linkedInFault(kind FaultKind, now time.Time, retry time.Duration) (int, http.Header, []byte) {
	return http.StatusInternalServerError, http.Header{}, nil
}
