// Command marketingminds is the Marketing Minds service: a Slack chat-ops bot
// that runs a marketing team's social media and email marketing. main only
// wires: every command is built in this package from the packages below it.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// gcPercent is the garbage collector's target unless GOGC says otherwise.
// The live heap is small (tens of MB under a burst of deliveries), so Go's
// default of 100 collects very often; 200 trades some memory at the peak for
// less CPU: about 5–10 % more deliveries a second in `bench scheduler`.
const gcPercent = 200

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// run executes one command line; it is main without the process around it.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	root := rootCommand(getenv, stdout, stderr)
	root.SetArgs(args)
	return root.ExecuteContext(ctx)
}

// exitCode reports err and maps it to the process exit code: 2 for bad
// configuration or usage, 1 for anything else.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	fmt.Fprintln(stderr, "marketingminds:", err)
	var ce *configError
	var ue usageError
	if errors.As(err, &ce) || errors.As(err, &ue) {
		return 2
	}
	return 1
}

// usageError is a command line the user must fix.
type usageError struct{ error }
