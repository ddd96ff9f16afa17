package sandbox

import (
	"net/http"
	"time"
)

// PLACEHOLDER: filled in by the platform's emulation.

type fbState struct{}

func newFBState() *fbState { return &fbState{} }

func (s *Sandbox) routesFacebook() {}

func graphFault(kind FaultKind, now time.Time, retry time.Duration) (int, http.Header, []byte) {
	return http.StatusInternalServerError, http.Header{}, nil
}
