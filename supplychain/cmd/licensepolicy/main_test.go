package main

import (
	"strings"
	"testing"
)

func TestRunFailsOnALicenseOutsideThePolicy(t *testing.T) {
	err := run("../../deny.toml", "../../go-licenses.toml", []string{
		"../../licensepolicy/testdata/allowed.cdx.json",
		"../../licensepolicy/testdata/gpl.cdx.json",
	})
	if err == nil || !strings.Contains(err.Error(), "1 components outside the license policy") {
		t.Fatalf("run = %v, want one component outside the policy", err)
	}
}

func TestRunPassesAnAllowedSBOM(t *testing.T) {
	if err := run("../../deny.toml", "../../go-licenses.toml", []string{"../../licensepolicy/testdata/allowed.cdx.json"}); err != nil {
		t.Fatal(err)
	}
}
