//go:build seamffi

package ffitest

import (
	"compress/gzip"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	colllogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	collmetricpb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	colltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
	metricpb "go.opentelemetry.io/proto/otlp/metrics/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"
)

// otlpServer is a real OTLP/HTTP receiver (protobuf bodies) on loopback that
// keeps what the Rust side exports.
type otlpServer struct {
	srv *http.Server
	url string
	// discard drops what arrives (benchmarks export millions of spans).
	discard atomic.Bool

	mu      sync.Mutex
	spans   []*tracepb.ResourceSpans
	metrics []*metricpb.ResourceMetrics
	logs    []*logspb.ResourceLogs
}

func startOTLPServer() (*otlpServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &otlpServer{url: "http://" + ln.Addr().String()}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/traces", func(w http.ResponseWriter, r *http.Request) {
		req := &colltracepb.ExportTraceServiceRequest{}
		if !decode(w, r, req) {
			return
		}
		if !s.discard.Load() {
			s.mu.Lock()
			s.spans = append(s.spans, req.ResourceSpans...)
			s.mu.Unlock()
		}
		reply(w, &colltracepb.ExportTraceServiceResponse{})
	})
	mux.HandleFunc("POST /v1/metrics", func(w http.ResponseWriter, r *http.Request) {
		req := &collmetricpb.ExportMetricsServiceRequest{}
		if !decode(w, r, req) {
			return
		}
		s.mu.Lock()
		s.metrics = append(s.metrics, req.ResourceMetrics...)
		s.mu.Unlock()
		reply(w, &collmetricpb.ExportMetricsServiceResponse{})
	})
	mux.HandleFunc("POST /v1/logs", func(w http.ResponseWriter, r *http.Request) {
		req := &colllogspb.ExportLogsServiceRequest{}
		if !decode(w, r, req) {
			return
		}
		if !s.discard.Load() {
			s.mu.Lock()
			s.logs = append(s.logs, req.ResourceLogs...)
			s.mu.Unlock()
		}
		reply(w, &colllogspb.ExportLogsServiceResponse{})
	})
	s.srv = &http.Server{Handler: mux}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

func (s *otlpServer) Close() { _ = s.srv.Close() }

func decode(w http.ResponseWriter, r *http.Request, msg proto.Message) bool {
	body := io.Reader(r.Body)
	if r.Header.Get("Content-Encoding") == "gzip" {
		gz, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return false
		}
		body = gz
	}
	raw, err := io.ReadAll(body)
	if err == nil {
		err = proto.Unmarshal(raw, msg)
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return false
	}
	return true
}

func reply(w http.ResponseWriter, msg proto.Message) {
	raw, _ := proto.Marshal(msg)
	w.Header().Set("Content-Type", "application/x-protobuf")
	_, _ = w.Write(raw)
}

// exportedSpan is one span with its resource.
type exportedSpan struct {
	resource map[string]string
	span     *tracepb.Span
}

// Spans returns every span received so far.
func (s *otlpServer) Spans() []exportedSpan {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []exportedSpan
	for _, rs := range s.spans {
		res := map[string]string{}
		for _, kv := range rs.GetResource().GetAttributes() {
			res[kv.Key] = kv.GetValue().GetStringValue()
		}
		for _, ss := range rs.ScopeSpans {
			for _, sp := range ss.Spans {
				out = append(out, exportedSpan{resource: res, span: sp})
			}
		}
	}
	return out
}

// Metric returns every received metric named name.
func (s *otlpServer) Metric(name string) []*metricpb.Metric {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*metricpb.Metric
	for _, rm := range s.metrics {
		for _, sm := range rm.ScopeMetrics {
			for _, m := range sm.Metrics {
				if m.Name == name {
					out = append(out, m)
				}
			}
		}
	}
	return out
}

// LogRecords returns every log record received so far.
func (s *otlpServer) LogRecords() []*logspb.LogRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*logspb.LogRecord
	for _, rl := range s.logs {
		for _, sl := range rl.ScopeLogs {
			out = append(out, sl.LogRecords...)
		}
	}
	return out
}

// spanAttrs flattens a span's string attributes.
func spanAttrs(t *testing.T, sp *tracepb.Span) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, kv := range sp.Attributes {
		out[kv.Key] = kv.GetValue().GetStringValue()
	}
	return out
}
