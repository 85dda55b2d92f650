package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
)

// buildStack builds the collector and the example with the project's own
// make targets, so `seam demo` and `seam conformance` run what CI tests.
func buildStack(root string, stderr io.Writer) error {
	cmd := exec.Command("make", "-s", "collector", "example")
	cmd.Dir = root
	cmd.Stdout, cmd.Stderr = stderr, stderr
	cmd.Env = os.Environ()
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("build (make collector example): %w", err)
	}
	return nil
}
