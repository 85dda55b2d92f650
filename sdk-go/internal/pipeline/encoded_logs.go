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
	exportQueue[arenaRecord]
	records *arena
}

// request is the buffer of a request body under way and the records it
// holds.
type request struct {
	body    []byte
	records [][]byte
}

var requests = sync.Pool{New: func() any { return new(request) }}

// NewEncodedLogs queues encoded records for sender; each export is bounded
// by timeout, a record finding the queue full waits up to wait while
// exports succeed, and what is dropped is counted in drops.
func NewEncodedLogs(sender *otlplog.HTTPSender, req *otlplog.Request, b Batching, timeout, wait time.Duration, drops *DropCounter) *EncodedLogs {
	records := newArena()
	export := func(ctx context.Context, queued []arenaRecord) error {
		r := requests.Get().(*request)
		r.records = r.records[:0]
		for _, q := range queued {
			r.records = append(r.records, q.b)
		}
		r.body = req.Append(r.body[:0], r.records)
		clear(r.records)
		// The body holds its own copy: the records' chunks can be reused
		// while it is sent.
		for _, q := range queued {
			records.release(q.c)
		}
		err := sender.Send(ctx, r.body)
		requests.Put(r)
		return err
	}
	return &EncodedLogs{exportQueue: newExportQueue(export, sender.Shutdown, Logs, b, timeout, wait, drops), records: records}
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
// compression other than gzip or none), or what only the log SDK applies
// (attribute limits other than its default count limit): then the log SDK's
// path exports Seam's records too.
func EncodedLogsConfig(c OTLP, getenv func(string) string) (otlplog.HTTPConfig, bool) {
	if c.Protocol != ProtocolHTTP {
		return otlplog.HTTPConfig{}, false
	}
	if getenv("OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT") != "" || getenv("OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT") != "" {
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
