package queue_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	seam "github.com/seamtel/seam/sdk-go"
	"github.com/seamtel/seam/sdk-go/seammsg"
	"github.com/seamtel/seam/sdk-go/seamtest"
	"github.com/seamtel/seam/sdk-go/seamtest/process"

	"github.com/seamtel/seam/examples/pricing/internal/rustbuild"
	"github.com/seamtel/seam/examples/pricing/pricing"
	"github.com/seamtel/seam/examples/pricing/queue"
)

// audited is one "receipt audited" line of pricing-worker's JSON log.
type audited struct {
	correlation string
	count       int
	trace       string
}

// auditedLines reads the worker's log lines that audited a receipt.
func auditedLines(t *testing.T, path string) []audited {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []audited
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var line map[string]any
		if json.Unmarshal(sc.Bytes(), &line) != nil || line["msg"] != "receipt audited" {
			continue
		}
		count, _ := line["seam.messaging.delivery.count"].(float64)
		id, _ := line["seam.correlation_id"].(string)
		trace, _ := line["trace_id"].(string)
		out = append(out, audited{correlation: id, count: int(count), trace: trace})
	}
	return out
}

// deadEndpoint is an OTLP endpoint nothing listens on: the worker's telemetry
// export fails quietly, as it must.
func deadEndpoint(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return "http://" + ln.Addr().String()
}

func startWorker(t *testing.T, dir, name, natsURL, otlp string) (*process.Process, string) {
	t.Helper()
	logPath := filepath.Join(dir, name+".log")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// A slow audit and a long ack wait: receipts are still queued, some
	// delivered and unacknowledged, when the worker is stopped.
	p, err := process.Launch(ctx, process.Spec{
		Name: name, Path: rustbuild.WorkerBinary(t),
		Args:    []string{"--nats", natsURL, "--ack-wait-ms", "4000", "--fault", "slow=1,slow_ms=200"},
		Env:     []string{"OTEL_EXPORTER_OTLP_ENDPOINT=" + otlp, "OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf"},
		LogPath: logPath, StderrPath: filepath.Join(dir, name+".stderr"),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Stop(2 * time.Second) })
	return p, logPath
}

func waitFor(t *testing.T, what string, within time.Duration, done func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !done() {
		if time.Now().After(deadline) {
			t.Fatalf("no %s within %s", what, within)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// The worker is stopped while receipts are queued (some delivered to it and
// unacknowledged), more are published while it is down, and it is started
// again: every receipt is audited, each with its correlation ID, and a
// receipt audited twice is marked as a redelivery the second time.
func TestWorkerRestartLosesNoReceipt(t *testing.T) {
	rustbuild.Build(t)
	dir := t.TempDir()
	srv, err := queue.StartServer("127.0.0.1:0", filepath.Join(dir, "jetstream"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
	tel, _ := seamtest.Start(t)
	ctx := context.Background()
	pub, err := queue.Connect(ctx, srv.URL(), seammsg.Options{MeterProvider: tel.MeterProvider(), TracerProvider: tel.TracerProvider()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pub.Close() })

	const first, total = 10, 20
	publish := func(from, to int) {
		for i := from; i < to; i++ {
			basket := pricing.Basket{Region: "eu", Items: []pricing.Item{{SKU: "A1", Qty: int64(i + 1), UnitCents: 1299}}}
			q, err := pricing.PriceQuote(&basket)
			if err != nil {
				t.Fatal(err)
			}
			ctx := seam.WithCorrelationID(ctx, fmt.Sprintf("RECEIPT-%02d", i))
			if err := pub.Publish(ctx, queue.Receipt{Basket: basket, TotalCents: q.TotalCents}); err != nil {
				t.Fatalf("publish receipt %d: %v", i, err)
			}
		}
	}
	publish(0, first)

	otlp := deadEndpoint(t)
	worker, firstLog := startWorker(t, dir, "worker-1", srv.URL(), otlp)
	waitFor(t, "two audited receipts", 30*time.Second, func() bool { return len(auditedLines(t, firstLog)) >= 2 })
	if err := worker.Stop(5 * time.Second); err != nil {
		t.Logf("first worker stopped: %v", err)
	}
	before := auditedLines(t, firstLog)
	if len(before) >= first {
		t.Fatalf("the first worker audited all %d receipts before it stopped; nothing was left queued", len(before))
	}
	publish(first, total)

	_, secondLog := startWorker(t, dir, "worker-2", srv.URL(), otlp)
	seen := func() map[string][]audited {
		by := map[string][]audited{}
		for _, a := range append(auditedLines(t, firstLog), auditedLines(t, secondLog)...) {
			by[a.correlation] = append(by[a.correlation], a)
		}
		return by
	}
	waitFor(t, "every receipt audited", 60*time.Second, func() bool { return len(seen()) >= total })

	redelivered := 0
	for id, runs := range seen() {
		if !strings.HasPrefix(id, "RECEIPT-") {
			t.Errorf("a receipt audited under correlation ID %q, not its own", id)
		}
		firsts := 0
		for _, a := range runs {
			if a.count <= 1 {
				firsts++
			} else {
				redelivered++
			}
			if len(a.trace) != 32 {
				t.Errorf("%s: audit line without a trace_id", id)
			}
		}
		if firsts > 1 {
			t.Errorf("%s audited %d times as a first delivery: %+v", id, firsts, runs)
		}
	}
	if redelivered == 0 {
		t.Error("no redelivery seen, though the first worker stopped with receipts delivered and unacknowledged")
	}
	t.Logf("first worker audited %d receipts before it stopped; %d audits were redeliveries", len(before), redelivered)
}
