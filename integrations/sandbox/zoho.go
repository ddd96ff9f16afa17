package sandbox

import (
	"net/http"
	"time"
)

// PLACEHOLDER: filled in by the platform's emulation.

type zohoState struct{}

func newZohoState() *zohoState { return &zohoState{} }

func (s *Sandbox) routesZoho() {}

func zohoFault(kind FaultKind, now time.Time, retry time.Duration) (int, http.Header, []byte) {
	return http.StatusInternalServerError, http.Header{}, nil
}
