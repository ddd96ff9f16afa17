package sandbox

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// More X users than the seeded one, for tests and benchmarks that need
// several accounts (each X user has its own posting limit): the consent
// page grants access as the signed-in user.

// xUserIDBase keeps added users' ids clear of the seeded one.
const xUserIDBase = 1_510_000_000_000_000_000

// SetXUser signs username in on the X consent page: from now on consent is
// given as that user, created when new. It returns the user's id; "" signs
// the seeded user back in.
func (s *Sandbox) SetXUser(username string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.xs()
	s.touch()
	if username == "" {
		st.SignedIn = ""
		return xDefaultUser
	}
	id, ok := st.ByUsername[strings.ToLower(username)]
	if !ok {
		id = strconv.FormatInt(xUserIDBase+s.nextID(), 10)
		st.Users[id] = &xUser{ID: id, Name: username, Username: username, CreatedAt: s.now().UTC()}
		st.ByUsername[strings.ToLower(username)] = id
	}
	st.SignedIn = id
	return id
}

// signedIn is the user the consent page grants access as; callers hold s.mu.
func (st *xState) signedIn() string {
	if st.SignedIn != "" && st.Users[st.SignedIn] != nil {
		return st.SignedIn
	}
	return xDefaultUser
}

// adminXUser: POST /_sandbox/x/users {"username"} is SetXUser; it answers
// {"id"}.
func (s *Sandbox) adminXUser(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Username string `json:"username"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || len(req.Username) > 15 {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "want {\"username\"} of at most 15 characters"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"id": s.SetXUser(req.Username)})
}
