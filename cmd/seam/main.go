// Command seam is Seam's command-line tool: schema check, generate and
// diff, the migration demo, and the cross-language conformance check.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// usageError marks a mistake in how the command was called (exit status 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// failed marks a command that ran and found problems it already printed (exit status 1).
var errFailed = errors.New("failed")

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	err := dispatch(args, stdout, stderr)
	var ue usageError
	var ee exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "seam: %s\n\n%s", ue.msg, usage())
		return 2
	case errors.Is(err, errFailed):
		return 1
	case errors.As(err, &ee):
		if msg := ee.err.Error(); msg != "" {
			fmt.Fprintf(stderr, "seam: %s\n", msg)
		}
		return ee.code
	default:
		fmt.Fprintf(stderr, "seam: %v\n", err)
		return 1
	}
}

func dispatch(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{"no command given"}
	}
	switch args[0] {
	case "schema":
		return schemaCommand(args[1:], stdout, stderr)
	case "demo":
		return demoCommand(args[1:], stdout, stderr)
	case "conformance":
		return conformanceCommand(args[1:], stdout, stderr)
	case "judge":
		return judgeCommand(args[1:], stdout, stderr)
	case "load":
		return loadCommand(args[1:], stdout, stderr)
	case "alerts":
		return alertsCommand(args[1:], stdout, stderr)
	case "certs":
		return certsCommand(args[1:], stdout, stderr)
	case "overhead":
		return overheadCommand(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage())
		return nil
	}
	return usageError{fmt.Sprintf("unknown command %q", args[0])}
}
