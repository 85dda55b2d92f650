package seamtest

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	colllogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	collmetricpb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	colltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
	metricpb "go.opentelemetry.io/proto/otlp/metrics/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"

	seam "github.com/seamtel/seam/sdk-go"
)

// Receiver is an OTLP/HTTP receiver on loopback that keeps what it is sent.
type Receiver struct {
	url     string
	srv     *http.Server
	discard atomic.Bool

	mu      sync.Mutex
	spans   []*tracepb.ResourceSpans
	metrics []*metricpb.ResourceMetrics
	logs    []*logspb.ResourceLogs
}

// NewReceiver listens on a free loopback port until the test ends.
func NewReceiver(t testing.TB) *Receiver {
	t.Helper()
	r, err := Listen()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	return r
}

// Listen starts a receiver on a free loopback port, for a TestMain that
// shares one between tests; Close stops it.
func Listen() (*Receiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &Receiver{url: "http://" + ln.Addr().String()}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/traces", handle(r, &r.spans, func(m *colltracepb.ExportTraceServiceRequest) []*tracepb.ResourceSpans { return m.ResourceSpans }))
	mux.HandleFunc("POST /v1/metrics", handle(r, &r.metrics, func(m *collmetricpb.ExportMetricsServiceRequest) []*metricpb.ResourceMetrics {
		return m.ResourceMetrics
	}))
	mux.HandleFunc("POST /v1/logs", handle(r, &r.logs, func(m *colllogspb.ExportLogsServiceRequest) []*logspb.ResourceLogs { return m.ResourceLogs }))
	r.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = r.srv.Serve(ln) }()
	return r, nil
}

// Close stops the receiver.
func (r *Receiver) Close() { _ = r.srv.Close() }

// handle decodes one signal's export requests into *kept. The response is
// the empty message of the request's type, which is what a collector answers
// on full success.
func handle[Req any, PReq interface {
	*Req
	proto.Message
}, Item any](r *Receiver, kept *[]Item, items func(PReq) []Item) http.HandlerFunc {
	return func(w http.ResponseWriter, req *http.Request) {
		msg := PReq(new(Req))
		if !decode(w, req, msg) {
			return
		}
		if !r.discard.Load() {
			r.mu.Lock()
			*kept = append(*kept, items(msg)...)
			r.mu.Unlock()
		}
		w.Header().Set("Content-Type", "application/x-protobuf")
		// The empty response of every signal marshals to no bytes.
		w.WriteHeader(http.StatusOK)
	}
}

func decode(w http.ResponseWriter, req *http.Request, msg proto.Message) bool {
	body := io.Reader(req.Body)
	if req.Header.Get("Content-Encoding") == "gzip" {
		gz, err := gzip.NewReader(req.Body)
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

// URL is the receiver's base URL, for an OTLP/HTTP endpoint setting.
func (r *Receiver) URL() string { return r.url }

// Discard makes the receiver drop what arrives (or keep it again), for
// benchmarks that export millions of items.
func (r *Receiver) Discard(on bool) { r.discard.Store(on) }

// Span is a received span with its resource's attributes.
type Span struct {
	Resource map[string]string
	*tracepb.Span
}

// Metric is a received metric with its resource's attributes.
type Metric struct {
	Resource map[string]string
	*metricpb.Metric
}

// LogRecord is a received log record with its resource's attributes.
type LogRecord struct {
	Resource map[string]string
	*logspb.LogRecord
}

// Spans returns every span received so far.
func (r *Receiver) Spans() []Span {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Span
	for _, rs := range r.spans {
		res := Attrs(rs.GetResource().GetAttributes())
		for _, ss := range rs.ScopeSpans {
			for _, sp := range ss.Spans {
				out = append(out, Span{Resource: res, Span: sp})
			}
		}
	}
	return out
}

// Metrics returns every metric received so far named name, or all when
// name is empty.
func (r *Receiver) Metrics(name string) []Metric {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Metric
	for _, rm := range r.metrics {
		res := Attrs(rm.GetResource().GetAttributes())
		for _, sm := range rm.ScopeMetrics {
			for _, m := range sm.Metrics {
				if name == "" || m.Name == name {
					out = append(out, Metric{Resource: res, Metric: m})
				}
			}
		}
	}
	return out
}

// LogRecords returns every log record received so far.
func (r *Receiver) LogRecords() []LogRecord {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []LogRecord
	for _, rl := range r.logs {
		res := Attrs(rl.GetResource().GetAttributes())
		for _, sl := range rl.ScopeLogs {
			for _, lr := range sl.LogRecords {
				out = append(out, LogRecord{Resource: res, LogRecord: lr})
			}
		}
	}
	return out
}

// ResourceLogs returns every ResourceLogs received so far, as decoded.
func (r *Receiver) ResourceLogs() []*logspb.ResourceLogs {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*logspb.ResourceLogs(nil), r.logs...)
}

// Attrs flattens attributes to their string forms.
func Attrs(kvs []*commonpb.KeyValue) map[string]string {
	out := make(map[string]string, len(kvs))
	for _, kv := range kvs {
		out[kv.Key] = valueString(kv.GetValue())
	}
	return out
}

func valueString(v *commonpb.AnyValue) string {
	switch x := v.GetValue().(type) {
	case *commonpb.AnyValue_StringValue:
		return x.StringValue
	case *commonpb.AnyValue_IntValue:
		return strconv.FormatInt(x.IntValue, 10)
	case *commonpb.AnyValue_DoubleValue:
		return strconv.FormatFloat(x.DoubleValue, 'g', -1, 64)
	case *commonpb.AnyValue_BoolValue:
		return strconv.FormatBool(x.BoolValue)
	case nil:
		return ""
	default:
		return fmt.Sprint(v.GetValue())
	}
}

// StartReceiving starts Seam exporting OTLP/HTTP to a new Receiver until the
// test ends, with short batching delays; cfg's Endpoint and Protocol are
// set. Call Telemetry.ForceFlush or Shutdown before reading the receiver.
func StartReceiving(t testing.TB, cfg seam.Config) (*seam.Telemetry, *Receiver) {
	t.Helper()
	r := NewReceiver(t)
	cfg.Endpoint, cfg.Protocol = r.URL(), seam.ProtocolHTTP
	if cfg.LogWriter == nil {
		cfg.LogWriter = io.Discard
	}
	tel, err := seam.Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = tel.Shutdown(ctx)
	})
	return tel, r
}
