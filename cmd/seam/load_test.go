package main

import (
	"strings"
	"testing"
)

// A share outside 0..1 is a usage error naming both share flags, before any
// request is sent.
func TestLoadRefusesAShareOutsideZeroToOne(t *testing.T) {
	for _, args := range [][]string{
		{"load", "--url", "http://127.0.0.1:1", "--grpc-share", "1.5"},
		{"load", "--url", "http://127.0.0.1:1", "--http-share", "-0.1"},
	} {
		code, _, errOut := seam(args...)
		if code != 2 || !strings.Contains(errOut, "--http-share and --grpc-share from 0 to 1") {
			t.Errorf("%v: exit %d\n%s", args, code, errOut)
		}
	}
}
