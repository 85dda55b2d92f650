package seam

import (
	"context"
	"errors"
	"io"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/seamtel/seam/sdk-go/semconv"
)

// blackholeEndpoint accepts connections and never answers: a collector
// that is up but stuck.
func blackholeEndpoint(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				close(done)
				return
			}
			conns = append(conns, c) // held open, never read
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
		for _, c := range conns {
			c.Close()
		}
	})
	return "http://" + ln.Addr().String()
}

// dropped reads seam.telemetry.dropped by signal and reason.
func dropped(t *testing.T, r *sdkmetric.ManualReader) map[[2]string]int64 {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := r.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	out := map[[2]string]int64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != semconv.SeamTelemetryDroppedName {
				continue
			}
			for _, dp := range m.Data.(metricdata.Sum[int64]).DataPoints {
				sig, _ := dp.Attributes.Value(semconv.SeamTelemetrySignalKey)
				reason, _ := dp.Attributes.Value(semconv.SeamTelemetryReasonKey)
				out[[2]string{sig.AsString(), reason.AsString()}] = dp.Value
			}
		}
	}
	return out
}

func heapInUse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

func TestCollectorDown(t *testing.T) {
	for _, c := range []struct {
		name     string
		endpoint func(*testing.T) string
		protocol Protocol
	}{
		{"refused/grpc", func(t *testing.T) string { return deadEndpoint(t) }, ProtocolGRPC},
		{"refused/http", func(t *testing.T) string { return deadEndpoint(t) }, ProtocolHTTP},
		{"stuck/grpc", blackholeEndpoint, ProtocolGRPC},
		{"stuck/http", blackholeEndpoint, ProtocolHTTP},
	} {
		t.Run(c.name, func(t *testing.T) { testCollectorDown(t, c.endpoint(t), c.protocol) })
	}
}

func testCollectorDown(t *testing.T, endpoint string, protocol Protocol) {
	t.Setenv("OTEL_BSP_SCHEDULE_DELAY", "20")
	t.Setenv("OTEL_BLRP_SCHEDULE_DELAY", "20")
	const queue = 64
	reader := sdkmetric.NewManualReader()
	tel, err := Start(context.Background(), Config{
		ServiceName:    "pricing",
		Endpoint:       endpoint,
		Protocol:       protocol,
		QueueSize:      queue,
		ExportTimeout:  100 * time.Millisecond,
		MetricInterval: 50 * time.Millisecond,
		LogWriter:      io.Discard,
		MetricReaders:  []sdkmetric.Reader{reader},
	})
	if err != nil {
		t.Fatalf("Start with the collector down: %v", err)
	}
	log := tel.Logger()
	ctx := WithCorrelationID(context.Background(), "01JD4X7K2M9QZ8R6T5W3V1N0PA")
	work := func(n int) {
		for i := range n {
			end := StartOperation(ctx, "checkout.price")
			log.InfoContext(ctx, "quote computed", "i", i)
			end(nil)
		}
	}

	work(1000) // warm up pools and caches
	before := heapInUse()
	const items = 50000
	done := make(chan time.Duration, 1)
	go func() {
		start := time.Now()
		work(items)
		done <- time.Since(start)
	}()
	select {
	case d := <-done:
		// Reported, not asserted: speed targets live in the benchmarks.
		t.Logf("%d operations and log calls with the collector down: %v per pair", items, d/items)
	case <-time.After(60 * time.Second):
		t.Fatal("telemetry calls blocked with the collector down")
	}
	grown := int64(heapInUse()) - int64(before)
	t.Logf("heap grew %d KiB over %d spans and log records", grown>>10, items)
	if grown > 16<<20 {
		t.Errorf("heap grew %d MiB: the queues are not bounded", grown>>20)
	}

	d := dropped(t, reader)
	for _, sig := range []string{"traces", "logs"} {
		// At most two queues' worth can be held; everything else is
		// dropped, on arrival (queue_full) or after its export failed.
		if n := d[[2]string{sig, "queue_full"}] + d[[2]string{sig, "export_failed"}]; n < items-2*queue {
			t.Errorf("%s drops = %d (%v), want at least %d", sig, n, d, items-2*queue)
		}
	}
	// Failed exports are counted too, once they have been tried and timed out.
	waitFor(t, 20*time.Second, func() bool {
		d = dropped(t, reader)
		return d[[2]string{"traces", "export_failed"}] > 0 &&
			d[[2]string{"logs", "export_failed"}] > 0 &&
			d[[2]string{"metrics", "export_failed"}] > 0
	}, func() string { return "export_failed drops were not counted for every signal" })

	shutdownCtx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	returned := make(chan error, 1)
	go func() { returned <- tel.Shutdown(shutdownCtx) }()
	select {
	case err := <-returned:
		if err != nil && !errors.Is(err, context.DeadlineExceeded) {
			t.Logf("Shutdown reported: %v", err) // export errors are expected here
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Shutdown did not return after its deadline")
	}
}

// waitFor polls cond until it holds, failing with msg after limit.
func waitFor(t *testing.T, limit time.Duration, cond func() bool, msg func() string) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal(msg())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// With the collector down, Shutdown takes no longer than the export
// timeout (plus the abort grace), whatever ctx says, and says what was lost.
func TestShutdownWithCollectorDown(t *testing.T) {
	for _, protocol := range []Protocol{ProtocolHTTP, ProtocolGRPC} {
		t.Run(string(protocol), func(t *testing.T) {
			tel, err := Start(context.Background(), Config{
				ServiceName: "pricing", Endpoint: deadEndpoint(t), Protocol: protocol,
				ExportTimeout: 300 * time.Millisecond, LogWriter: io.Discard,
			})
			if err != nil {
				t.Fatal(err)
			}
			for range 20 {
				end := StartOperation(context.Background(), "checkout.price")
				tel.Logger().Info("quote computed")
				end(nil)
			}
			start := time.Now()
			err = tel.Shutdown(context.Background())
			took := time.Since(start)
			t.Logf("Shutdown took %v: %v", took, err)
			if took > 5*time.Second {
				t.Errorf("Shutdown(context.Background()) took %v with a 300ms export timeout", took)
			}
			if err == nil {
				t.Fatal("Shutdown lost telemetry and reported nothing")
			}
			msg := err.Error()
			for _, want := range []string{"lost 20 spans", "log records", "metric points"} {
				if !strings.Contains(msg, want) {
					t.Errorf("Shutdown error %q does not say %q", msg, want)
				}
			}
			if strings.Contains(msg, " 0 metric points") {
				t.Errorf("the final metric export's points were lost uncounted: %q", msg)
			}
			if strings.Contains(msg, "\n") || strings.Contains(msg, "reader shutdown timeout") {
				t.Errorf("Shutdown error is not one plain line: %q", msg)
			}
		})
	}
}
