package main

import (
	"context"
	"testing"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/sandbox/sandboxtest"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// connectInSandbox connects c's accounts of platform p as a person does:
// the connect link, the sandbox's consent, the callback. It returns the
// accounts the grant gave.
func connectInSandbox(t *testing.T, ctx context.Context, a *app, c identity.Caller, p platform.Name) []accounts.Account {
	t.Helper()
	u, err := a.accounts.Connect(ctx, c, p, accounts.ReturnTo{})
	if err != nil {
		t.Fatal(err)
	}
	q := sandboxtest.Consent(t, u)
	res, err := a.accounts.Callback(ctx, p, accounts.CallbackRequest{State: q.Get("state"), Code: q.Get("code")})
	if err != nil || len(res.Accounts) == 0 {
		t.Fatalf("connect %s: %+v, %v", p, res, err)
	}
	return res.Accounts
}
