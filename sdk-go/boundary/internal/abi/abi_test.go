package abi

import (
	"errors"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	if err := Check(1, 1); err != nil {
		t.Fatalf("same version: %v", err)
	}
	err := Check(2, 1)
	if !errors.Is(err, ErrMismatch) {
		t.Fatalf("err = %v, want ErrMismatch", err)
	}
	for _, want := range []string{"Rust library speaks Seam C ABI version 2", "seam.h version 1"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not say %q", err, want)
		}
	}
}
