package main

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

func TestPprofServesProfilesOnLoopbackOnly(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "localhost:0", "nonsense"} {
		if stop, err := startPprof(addr, io.Discard); err == nil {
			stop()
			t.Errorf("--pprof %s: started, want an error: only a loopback IP address may serve profiles", addr)
		} else if !strings.Contains(err.Error(), "--pprof") {
			t.Errorf("--pprof %s: error %q does not name the flag", addr, err)
		}
	}

	var announced strings.Builder
	stop, err := startPprof("127.0.0.1:0", &announced)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	url := regexp.MustCompile(`http://\S+`).FindString(announced.String())
	if url == "" {
		t.Fatalf("no URL announced: %q", announced.String())
	}
	resp, err := http.Get(url + "cmdline")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %scmdline: %s", url, resp.Status)
	}
}
