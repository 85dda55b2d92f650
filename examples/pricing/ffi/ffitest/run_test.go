//go:build !seamffi

package ffitest

import (
	"github.com/seamtel/seam/sdk-go/seamtest/cgotest"

	"testing"
	"time"

	"github.com/seamtel/seam/examples/pricing/internal/rustbuild"
)

// TestFFI builds the staticlib and runs this package's seamffi tests in a
// child go test.
func TestFFI(t *testing.T) {
	rustbuild.Build(t)
	args := []string{"test", "-tags", "seamffi", "-count=1"}
	if testing.Verbose() {
		args = append(args, "-v")
	}
	if deadline, ok := t.Deadline(); ok {
		args = append(args, "-timeout", time.Until(deadline).Round(time.Second).String())
	}
	cgotest.Run(t, ".", rustbuild.LinkEnv(t), cgotest.GoTool(), append(args, ".")...)
}
