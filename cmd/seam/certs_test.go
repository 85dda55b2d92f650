package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCertsWritesTheGatewaysFiles(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := seam("certs", "--dir", dir, "--hosts", "127.0.0.1,gateway.internal")
	if code != 0 || !strings.Contains(out, "wrote ca.pem") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	for _, f := range []string{"ca.pem", "ca-key.pem", "server.pem", "server-key.pem", "client.pem", "client-key.pem"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	if code, _, errOut := seam("certs", "--dir", dir); code != 1 || !strings.Contains(errOut, "already exists") {
		t.Errorf("a second run over the CA: exit %d\n%s", code, errOut)
	}
}
