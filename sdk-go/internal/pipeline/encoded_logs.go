package pipeline

import (
	"context"
	"sync"
	"time"

	"github.com/seamtel/seam/sdk-go/internal/otlplog"
)

// EncodedLogs queues Seam's own log records, already encoded as OTLP
// LogRecords (loghandler.NewEncodingBridge writes them), and exports them
// as requests req assembles, through send. It is the Gate of the bridge
// that writes to it.
type EncodedLogs struct {
	exportQueue[[]byte]
	records arena
}

// arena holds queued records' bytes in shared chunks, so queueing a
// record allocates nothing of its own; a chunk is collected once the
// records in it are exported.
type arena struct {
	mu    sync.Mutex
	chunk []byte
}

const arenaChunk = 64 << 10

// copy returns a copy of b that no later copy overwrites.
func (a *arena) copy(b []byte) []byte {
	a.mu.Lock()
	if cap(a.chunk)-len(a.chunk) < len(b) {
		a.chunk = make([]byte, 0, max(arenaChunk, len(b)))
	}
	start := len(a.chunk)
	a.chunk = append(a.chunk, b...)
	out := a.chunk[start:len(a.chunk):len(a.chunk)]
	a.mu.Unlock()
	return out
}

// requestBuffers hold the request bodies under way.
var requestBuffers = sync.Pool{New: func() any { return new([]byte) }}

// NewEncodedLogs queues encoded records for sender; each export is bounded
// by timeout, a record finding the queue full waits up to wait while
// exports succeed, and what is dropped is counted in drops.
func NewEncodedLogs(sender *otlplog.HTTPSender, req *otlplog.Request, b Batching, timeout, wait time.Duration, drops *DropCounter) *EncodedLogs {
	export := func(ctx context.Context, records [][]byte) error {
		buf := requestBuffers.Get().(*[]byte)
		*buf = req.Append((*buf)[:0], records)
		err := sender.Send(ctx, *buf)
		requestBuffers.Put(buf)
		return err
	}
	return &EncodedLogs{exportQueue: newExportQueue(export, sender.Shutdown, Logs, b, timeout, wait, drops)}
}

// WriteRecord queues a copy of one encoded record.
func (l *EncodedLogs) WriteRecord(b []byte) { l.queue.Add(l.records.copy(b)) }

// Saturated reports whether records are being dropped for a full queue
// whose exporter fails or is stuck (see LogProcessor.Saturated).
func (l *EncodedLogs) Saturated() bool { return l.queue.Saturated() }

// DropSkipped counts one record not encoded because the queue was Saturated.
func (l *EncodedLogs) DropSkipped() { l.queue.Drop(1) }

// EncodedLogsConfig returns the sender configuration for c, and false
// when c, or the environment the SDK's OTLP/HTTP log exporter reads, asks
// for what only that exporter does (OTLP/gRPC, TLS certificates, a
// compression other than gzip or none): then the log SDK's path exports
// Seam's records too.
func EncodedLogsConfig(c OTLP, getenv func(string) string) (otlplog.HTTPConfig, bool) {
	if c.Protocol != ProtocolHTTP {
		return otlplog.HTTPConfig{}, false
	}
	for _, name := range []string{"CERTIFICATE", "CLIENT_CERTIFICATE", "CLIENT_KEY"} {
		if getenv("OTEL_EXPORTER_OTLP_LOGS_"+name) != "" || getenv("OTEL_EXPORTER_OTLP_"+name) != "" {
			return otlplog.HTTPConfig{}, false
		}
	}
	compression := getenv("OTEL_EXPORTER_OTLP_LOGS_COMPRESSION")
	if compression == "" {
		compression = getenv("OTEL_EXPORTER_OTLP_COMPRESSION")
	}
	if compression != "" && compression != "gzip" && compression != "none" {
		return otlplog.HTTPConfig{}, false
	}
	return otlplog.HTTPConfig{URL: c.Endpoints[Logs].String(), Headers: c.Headers, Gzip: compression == "gzip"}, true
}
