package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// The example serves quotes and writes canonical log lines that carry the
// request's trace and correlation IDs.
func TestService(t *testing.T) {
	dead, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://"+dead.Addr().String()) // a collector that is down
	dead.Close()
	t.Setenv("OTEL_EXPORTER_OTLP_TIMEOUT", "200")

	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = w // the service logs to stdout
	defer func() { os.Stdout = stdout }()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, ln) }()

	resp, err := http.Get("http://" + ln.Addr().String() + "/quote/A-1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || strings.TrimSpace(string(body)) == "" {
		t.Errorf("GET /quote/A-1: %d %q", resp.StatusCode, body)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the service did not stop")
	}
	w.Close()
	found := false
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			continue // not every stdout line need be a log line
		}
		if line["msg"] == "quote computed" {
			found = true
			traceID, _ := line["trace_id"].(string)
			corrID, _ := line["seam.correlation_id"].(string)
			if line["service.name"] != "go-service" || line["sku"] != "A-1" || len(traceID) != 32 || len(corrID) != 26 {
				t.Errorf("log line %v", line)
			}
		}
	}
	if !found {
		t.Error("no quote log line")
	}
}
