package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

func seam(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestSchemaCheckPasses(t *testing.T) {
	code, out, errOut := seam("schema", "check", "../../schema")
	if code != 0 || !strings.Contains(out, "ok") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
}

// Findings print as file:line:col: rule: message, and the exit status says so.
func TestSchemaCheckReportsFindings(t *testing.T) {
	code, _, errOut := seam("schema", "check", "../../schema/testdata/invalid/bad-unit")
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	line := regexp.MustCompile(`(?m)^\S+/registry/demo\.yaml:49:11: unit: metric "demo.duration": unit "seconds" is not UCUM`)
	if !line.MatchString(errOut) {
		t.Errorf("stderr:\n%s", errOut)
	}
}

func TestSchemaGenerateCheckIsClean(t *testing.T) {
	if code, out, errOut := seam("schema", "generate", "--check"); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
}

func TestSchemaDiffExitStatus(t *testing.T) {
	code, out, _ := seam("schema", "diff", "../../schema/testdata/diff/old", "../../schema/testdata/diff/new")
	if code != 1 || !strings.Contains(out, "BREAKING removed metric demo.calls") {
		t.Errorf("exit %d\n%s", code, out)
	}
	if code, out, _ := seam("schema", "diff", "--allow-breaking", "../../schema/testdata/diff/old", "../../schema/testdata/diff/new"); code != 0 {
		t.Errorf("--allow-breaking: exit %d\n%s", code, out)
	}
	if code, out, _ := seam("schema", "diff", "../../schema", "../../schema"); code != 0 || !strings.Contains(out, "0 change(s)") {
		t.Errorf("self diff: exit %d\n%s", code, out)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{}, {"nope"}, {"schema"}, {"schema", "diff", "one"}} {
		if code, _, errOut := seam(args...); code != 2 || !strings.Contains(errOut, "usage:") {
			t.Errorf("%v: exit %d\n%s", args, code, errOut)
		}
	}
	if code, _, errOut := seam("schema", "check", "/nonexistent"); code != 1 || !strings.Contains(errOut, "no registry/ folder") {
		t.Errorf("missing dir: exit %d %s", code, errOut)
	}
}

// The usage text lists every flag each command parses.
func TestUsageListsEveryFlag(t *testing.T) {
	code, out, _ := seam("help")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, flag := range []string{"--check", "--schema", "--allow-breaking", "--duration", "--fault", "--free-ports",
		"--http-share", "--no-build", "--rate", "--route OP=IMPL", "--run-dir", "--json", "--keep", "--rounds"} {
		if !strings.Contains(out, flag) {
			t.Errorf("usage lacks %s:\n%s", flag, out)
		}
	}
}
