package pipelinetest

import (
	"bytes"
	"compress/gzip"
	"context"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"github.com/seamtel/seam/exporters/prometheusexporter/prometheustest"
)

// peakRSS is the process's high-water resident set (VmHWM), in bytes.
func peakRSS(t *testing.T, pid int) int64 {
	t.Helper()
	status, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	require.NoError(t, err)
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			require.NoError(t, err)
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc/PID/status")
	return 0
}

// inflatingLogs is a valid OTLP logs request whose one body inflates to
// size bytes from a few KB of gzip.
func inflatingLogs(t *testing.T, size int) []byte {
	t.Helper()
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", "inflating")
	rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().Body().SetStr(strings.Repeat("a", size))
	raw, err := plogotlp.NewExportRequestFromLogs(ld).MarshalProto()
	require.NoError(t, err)
	var gz bytes.Buffer
	zw, err := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	require.NoError(t, err)
	_, err = zw.Write(raw)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return gz.Bytes()
}

// inFlightBound is the peak RSS the collector may reach under 32
// concurrent 19 MiB requests with max_in_flight_bytes 64 MiB (documented
// in RELIABILITY.md): 400-537 MiB measured; with both bounds off, 2.4-3 GiB.
// The accepted requests' decoded copies, the file exporter's JSON and the
// garbage collector's headroom come on top of the 64 MiB of bodies.
const inFlightBound int64 = 768 << 20

// grpcBound is the peak RSS the collector may reach under 32 concurrent
// 15 MiB gRPC requests with max_concurrent_requests 4 (RELIABILITY.md).
const grpcBound int64 = 768 << 20

// 32 concurrent 19.5 KB gzip requests, each inflating to 19 MiB: the
// guard's in-flight budget refuses what would pass it while the bodies are
// read, counts the refusals, and the collector goes on serving.
func TestConcurrentInflatingRequestsStayWithinTheInFlightBound(t *testing.T) {
	c := startCollector(t, func(r *running) {
		r.MaxBodyBytes = 32 << 20
		r.Guard = "    max_in_flight_bytes: 67108864\n    max_concurrent_requests: 32"
	})
	bomb := inflatingLogs(t, 19<<20)
	require.Less(t, len(bomb), 40<<10, "small on the wire")

	codes := map[int]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, err := http.NewRequest(http.MethodPost, "http://"+c.OTLPHTTP+"/v1/logs", bytes.NewReader(bomb))
			if err != nil {
				return
			}
			req.Header.Set("Content-Type", "application/x-protobuf")
			req.Header.Set("Content-Encoding", "gzip")
			resp, err := (&http.Client{Timeout: 60 * time.Second}).Do(req)
			code := -1
			if err == nil {
				code = resp.StatusCode
				resp.Body.Close()
			}
			mu.Lock()
			codes[code]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	t.Logf("32 concurrent inflating requests: answers %v", codes)
	heldTheBound(t, c, inFlightBound, codes[http.StatusOK], codes[http.StatusServiceUnavailable],
		map[string]string{"reason": "in_flight_bytes", "transport": "http"})
}

// heldTheBound checks what a burst of 32 requests left: peak RSS under
// bound, some taken and the rest refused (no other answer), every refusal
// counted by the guard under labels, and the collector serving.
func heldTheBound(t *testing.T, c *running, bound int64, ok, refused int, labels map[string]string) {
	t.Helper()
	peak := peakRSS(t, c.proc.Pid())
	t.Logf("taken %d, refused %d, peak RSS %d MiB (bound %d MiB)", ok, refused, peak>>20, bound>>20)
	assert.Less(t, peak, bound, "peak RSS")
	assert.Positive(t, refused, "refused past the bound")
	assert.Positive(t, ok, "requests within the bound go through")
	assert.Equal(t, 32, ok+refused, "every request taken or refused as retryable")
	f := eventually(t, c.Telemetry, "the guard's refusals", func(f prometheustest.Families) bool {
		return f.WithPrefix("seam_guard_refused_requests") != nil
	})
	counted := prometheustest.CounterSum(f.WithPrefix("seam_guard_refused_requests"), labels)
	assert.Equal(t, float64(refused), counted, "refusals counted")
	stillServes(t, c, "after-burst")
}

// The same over OTLP/gRPC: a request slot is taken when a stream's
// headers arrive, before its message is read, so 32 concurrent 15 MiB
// requests are held to max_concurrent_requests of them in memory.
func TestConcurrentLargeGRPCRequestsStayWithinTheRequestBound(t *testing.T) {
	c := startCollector(t, func(r *running) {
		r.MaxRecvMiB = 16
		r.Guard = "    max_concurrent_requests: 4"
	})
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", "large-grpc")
	rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().Body().SetStr(strings.Repeat("a", 15<<20))
	req := plogotlp.NewExportRequestFromLogs(ld)

	conn, err := grpc.NewClient(c.OTLPGRPC, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallSendMsgSize(64<<20)))
	require.NoError(t, err)
	defer conn.Close()
	client := plogotlp.NewGRPCClient(conn)
	answers := map[codes.Code]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			_, err := client.Export(ctx, req)
			mu.Lock()
			answers[status.Code(err)]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	t.Logf("32 concurrent 15 MiB gRPC requests: answers %v", answers)
	heldTheBound(t, c, grpcBound, answers[codes.OK], answers[codes.Unavailable],
		map[string]string{"reason": "concurrency", "transport": "grpc"})
}
