package seam

import (
	"context"
	"net"
	"testing"
	"time"
)

// deadEndpoint returns a loopback URL nothing listens on: a collector that
// is down.
func deadEndpoint(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

// startForTest starts Seam for one test and shuts it down after. Without
// an Endpoint it exports to a collector that is down.
func startForTest(t testing.TB, cfg Config) *Telemetry {
	t.Helper()
	if cfg.Endpoint == "" {
		cfg.Endpoint = deadEndpoint(t)
	}
	tel, err := Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		_ = tel.Shutdown(ctx)
	})
	return tel
}
