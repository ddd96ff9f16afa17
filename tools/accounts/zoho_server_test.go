package accounts

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/integrations/sandbox/sandboxtest"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
)

// TestZohoUnknownAccountsServerIsBadInput (issue 20, point 4): a Zoho
// callback naming an accounts server that is not Zoho's is the caller's bad
// input (400, invalid_accounts_server), not Zoho failing (502); nothing is
// stored and the refusal does not echo the value.
func TestZohoUnknownAccountsServerIsBadInput(t *testing.T) {
	e := newEnv(t, storetest.Open(t, store.SQLite, schemas...), sandbox.Options{})
	ctx := context.Background()
	u, err := e.svc.Connect(ctx, e.editor, platform.Zoho, ReturnTo{})
	if err != nil {
		t.Fatal(err)
	}
	q := sandboxtest.Consent(t, u)
	_, err = e.svc.Callback(ctx, platform.Zoho, CallbackRequest{State: q.Get("state"), Code: q.Get("code"),
		AccountsServer: "https://accounts.attacker.example"})
	var ce *CallbackError
	if !errors.As(err, &ce) || ce.Status != http.StatusBadRequest || ce.Code != "invalid_accounts_server" {
		t.Fatalf("callback with a foreign accounts server: %v (%+v); want 400 invalid_accounts_server", err, ce)
	}
	if ce.Message == "" || strings.Contains(ce.Message, "attacker") {
		t.Errorf("message %q: want words for a person, without the value", ce.Message)
	}
	if list, err := e.svc.List(ctx, e.editor, ""); err != nil || len(list) != 0 {
		t.Fatalf("a refused callback stored %d accounts (%v)", len(list), err)
	}
}
