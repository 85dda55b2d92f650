package promtest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"testing"
	"time"
)

// The harness starts a real Prometheus that scrapes a real target.
func TestPrometheusScrapesTarget(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "# TYPE promtest_up gauge\npromtest_up{side=\"go\"} 42\n")
	})}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })

	prom := Start(t, Config{Targets: []string{l.Addr().String()}})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	got, err := prom.Eventually(ctx, `promtest_up{side="go"}`, func(s []Sample) bool { return len(s) == 1 })
	if err != nil {
		t.Fatalf("%v\n%s", err, prom.Log())
	}
	if got[0].Value != 42 || got[0].Labels["job"] != "seam" {
		t.Errorf("got %+v", got)
	}
}
