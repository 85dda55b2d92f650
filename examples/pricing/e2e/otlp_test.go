package e2e

import (
	"bytes"
	"compress/gzip"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"

	collogs "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	colmetrics "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	coltrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"
)

// receiver is an OTLP/HTTP (protobuf) endpoint on a free loopback port
// that keeps everything it is sent.
type receiver struct {
	url string

	mu      sync.Mutex
	metrics []*colmetrics.ExportMetricsServiceRequest
	traces  []*coltrace.ExportTraceServiceRequest
	logs    int
}

func newReceiver(t *testing.T) *receiver {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &receiver{url: "http://" + ln.Addr().String()}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/metrics", func(w http.ResponseWriter, req *http.Request) {
		m := &colmetrics.ExportMetricsServiceRequest{}
		if decode(w, req, m) {
			r.mu.Lock()
			r.metrics = append(r.metrics, m)
			r.mu.Unlock()
			writeProto(w, &colmetrics.ExportMetricsServiceResponse{})
		}
	})
	mux.HandleFunc("POST /v1/traces", func(w http.ResponseWriter, req *http.Request) {
		m := &coltrace.ExportTraceServiceRequest{}
		if decode(w, req, m) {
			r.mu.Lock()
			r.traces = append(r.traces, m)
			r.mu.Unlock()
			writeProto(w, &coltrace.ExportTraceServiceResponse{})
		}
	})
	mux.HandleFunc("POST /v1/logs", func(w http.ResponseWriter, req *http.Request) {
		m := &collogs.ExportLogsServiceRequest{}
		if decode(w, req, m) {
			r.mu.Lock()
			r.logs++
			r.mu.Unlock()
			writeProto(w, &collogs.ExportLogsServiceResponse{})
		}
	})
	srv := &http.Server{Handler: mux}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return r
}

func decode(w http.ResponseWriter, req *http.Request, m proto.Message) bool {
	var body io.Reader = req.Body
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
		err = proto.Unmarshal(raw, m)
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return false
	}
	return true
}

func writeProto(w http.ResponseWriter, m proto.Message) {
	raw, _ := proto.Marshal(m)
	w.Header().Set("Content-Type", "application/x-protobuf")
	_, _ = io.Copy(w, bytes.NewReader(raw))
}

// histogram is one seam.operation.duration-like histogram as received.
type histogram struct {
	service, impl, unit string
	bounds              []float64
	attrs               map[string]string
	count               uint64
}

// histograms returns every data point of the histogram metric name.
func (r *receiver) histograms(name string) []histogram {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []histogram
	for _, req := range r.metrics {
		for _, rm := range req.ResourceMetrics {
			res := strAttrs(rm.Resource.GetAttributes())
			for _, sm := range rm.ScopeMetrics {
				for _, m := range sm.Metrics {
					h := m.GetHistogram()
					if m.Name != name || h == nil {
						continue
					}
					for _, p := range h.DataPoints {
						out = append(out, histogram{
							service: res["service.name"], impl: res["seam.impl"], unit: m.Unit,
							bounds: p.ExplicitBounds, attrs: strAttrs(p.Attributes), count: p.Count,
						})
					}
				}
			}
		}
	}
	return out
}

// spans returns every span received, with its service.name.
func (r *receiver) spans() map[string][]*tracepb.Span {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string][]*tracepb.Span{}
	for _, req := range r.traces {
		for _, rs := range req.ResourceSpans {
			svc := strAttrs(rs.Resource.GetAttributes())["service.name"] + "/" + strAttrs(rs.Resource.GetAttributes())["seam.impl"]
			for _, ss := range rs.ScopeSpans {
				out[svc] = append(out[svc], ss.Spans...)
			}
		}
	}
	return out
}

func strAttrs(kvs []*commonpb.KeyValue) map[string]string {
	out := make(map[string]string, len(kvs))
	for _, kv := range kvs {
		out[kv.GetKey()] = kv.GetValue().GetStringValue()
	}
	return out
}

// sum is one point of a counter as received.
type sum struct {
	service, impl string
	attrs         map[string]string
	value         int64
}

// sums returns every data point of the integer counter name.
func (r *receiver) sums(name string) []sum {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []sum
	for _, req := range r.metrics {
		for _, rm := range req.ResourceMetrics {
			res := strAttrs(rm.Resource.GetAttributes())
			for _, sm := range rm.ScopeMetrics {
				for _, m := range sm.Metrics {
					s := m.GetSum()
					if m.Name != name || s == nil {
						continue
					}
					for _, p := range s.DataPoints {
						out = append(out, sum{service: res["service.name"], impl: res["seam.impl"], attrs: strAttrs(p.Attributes), value: p.GetAsInt()})
					}
				}
			}
		}
	}
	return out
}
