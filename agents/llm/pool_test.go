package llm_test

import (
	"context"
	"sync"
	"testing"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/agents/llm/llmtest"
)

// A burst of concurrent model calls reuses its connections: about as many
// are opened as calls are in flight at once (Go's default pool keeps 2
// idle, so nearly every call after the first wave, over 200 here, would
// open a new one). A connection goes back to the pool a moment after its
// call returns, so on a loaded machine a few more are opened: the bound is
// twice the calls in flight. Not parallel: the burst would starve the
// timing tests of the package.
func TestBurstReusesConnections(t *testing.T) {
	const calls, inFlight = 256, 32
	turns := make([]llmtest.Turn, calls)
	for i := range turns {
		turns[i] = llmtest.Reply("ok")
	}
	srv := llmtest.New(t, turns...)
	m, err := llm.New(llm.Config{APIKey: "k", BaseURL: srv.URL, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	sem := make(chan struct{}, inFlight)
	var wg sync.WaitGroup
	errs := make(chan error, calls)
	for i := range calls {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if _, _, err := call(context.Background(), m, i%2 == 0, ask("hi")); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n := srv.NewConns(); n > 2*inFlight {
		t.Fatalf("%d calls, %d at a time, opened %d connections; want at most %d", calls, inFlight, n, 2*inFlight)
	} else {
		t.Logf("%d calls, %d at a time: %d connections", calls, inFlight, n)
	}
}
