package sandbox

import (
	"net/http"
	"time"
)

// PLACEHOLDER: filled in by the platform's emulation.

type xState struct{}

func newXState() *xState { return &xState{} }

func (s *Sandbox) routesX() {}

func xFault(kind FaultKind, now time.Time, retry time.Duration) (int, http.Header, []byte) {
	return http.StatusInternalServerError, http.Header{}, nil
}
