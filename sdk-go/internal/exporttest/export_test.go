// This file runs one workload through the collector's real receiver and
// checks every signal it produced; it is over 400 lines because the checks
// share that one run.
package exporttest

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	seam "github.com/seamtel/seam/sdk-go"
	"github.com/seamtel/seam/sdk-go/seamgrpc"
	"github.com/seamtel/seam/sdk-go/seamhttp"
	"github.com/seamtel/seam/sdk-go/semconv"
)

const correlationID = "01JD4X7K2M9QZ8R6T5W3V1N0PA"

type timeoutError struct{}

func (timeoutError) Error() string     { return "upstream timed out" }
func (timeoutError) ErrorType() string { return "timeout" }

// syncBuffer collects log lines written from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// observed is what the workload saw from inside, to compare with what the
// collector received.
type observed struct {
	opSpan          trace.SpanContext
	httpCorrelation string
	mintedHTTP      string
	grpcCorrelation string
}

func TestExportOverGRPC(t *testing.T) { testExport(t, seam.ProtocolGRPC) }
func TestExportOverHTTP(t *testing.T) { testExport(t, seam.ProtocolHTTP) }

func testExport(t *testing.T, protocol seam.Protocol) {
	c := startCollector(t)
	endpoint := "http://" + c.grpcAddr
	if protocol == seam.ProtocolHTTP {
		endpoint = "http://" + c.httpAddr
	}
	var lines syncBuffer
	tel, err := seam.Start(context.Background(), seam.Config{
		ServiceName:    "pricing",
		ServiceVersion: "1.4.2",
		Environment:    "test",
		Endpoint:       endpoint,
		Protocol:       protocol,
		MetricInterval: time.Hour, // Shutdown's flush is the one export
		LogWriter:      &lines,
		LogLevel:       seam.LevelTrace,
		RuntimeMetrics: seam.RuntimeMetricsConfig{Interval: time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	obs := runWorkload(t, tel)
	runtime.GC() // so the GC pause histogram has something in it
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := tel.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}

	t.Run("traces", func(t *testing.T) { checkTraces(t, c.traces.AllTraces(), obs) })
	t.Run("metrics", func(t *testing.T) { checkMetrics(t, c.metrics.AllMetrics()) })
	t.Run("logs", func(t *testing.T) { checkLogs(t, c.logs.AllLogs(), obs, lines.String()) })
}

func runWorkload(t *testing.T, tel *seam.Telemetry) observed {
	t.Helper()
	var obs observed
	log := tel.Logger()
	ctx := seam.WithCorrelationID(context.Background(), correlationID)

	err := seam.Measure(ctx, "checkout.price", func(ctx context.Context) error {
		obs.opSpan = trace.SpanContextFromContext(ctx)
		log.InfoContext(ctx, "quote computed", "sku", "A-1", "db.password", "hunter2")
		log.Log(ctx, seam.LevelTrace, "priced with Bearer abc.def")
		log.With("tier", "gold").WithGroup("req").InfoContext(ctx, "grouped", "k", "v", "k", "w")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	end := seam.StartOperation(seam.WithRole(ctx, seam.RoleCandidate), "checkout.price")
	end(timeoutError{})

	// HTTP: the client carries the correlation ID to the server; a request
	// without one gets one minted at the server.
	mux := http.NewServeMux()
	var mu sync.Mutex
	mux.HandleFunc("GET /quote/{sku}", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		if r.Header.Get("X-Fresh") != "" {
			obs.mintedHTTP = seam.CorrelationID(r.Context())
		} else {
			obs.httpCorrelation = seam.CorrelationID(r.Context())
		}
		mu.Unlock()
		w.WriteHeader(http.StatusOK)
	})
	srv := httptest.NewServer(seamhttp.Handler(mux, "quote"))
	defer srv.Close()
	client := &http.Client{Transport: seamhttp.Transport(nil)}
	for _, fresh := range []bool{false, true} {
		reqCtx := ctx
		if fresh {
			reqCtx = context.Background()
		}
		req, err := http.NewRequestWithContext(reqCtx, http.MethodGet, srv.URL+"/quote/A-1", nil)
		if err != nil {
			t.Fatal(err)
		}
		if fresh {
			req.Header.Set("X-Fresh", "1")
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}

	// gRPC: a real health service behind Seam's server options.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	capture := grpc.ChainUnaryInterceptor(func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		mu.Lock()
		obs.grpcCorrelation = seam.CorrelationID(ctx)
		mu.Unlock()
		return h(ctx, req)
	})
	gs := grpc.NewServer(append(seamgrpc.ServerOptions(), capture)...)
	healthpb.RegisterHealthServer(gs, health.NewServer())
	go func() { _ = gs.Serve(ln) }()
	defer gs.Stop()
	conn, err := grpc.NewClient(ln.Addr().String(),
		append(seamgrpc.DialOptions(), grpc.WithTransportCredentials(insecure.NewCredentials()))...)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{}); err != nil {
		t.Fatal(err)
	}

	if obs.httpCorrelation != correlationID {
		t.Errorf("HTTP server saw correlation ID %q, want %q", obs.httpCorrelation, correlationID)
	}
	if len(obs.mintedHTTP) != 26 || obs.mintedHTTP == correlationID {
		t.Errorf("HTTP server minted %q for a request without one, want a fresh ULID", obs.mintedHTTP)
	}
	if obs.grpcCorrelation != correlationID {
		t.Errorf("gRPC server saw correlation ID %q, want %q", obs.grpcCorrelation, correlationID)
	}
	return obs
}

// checkResource asserts the resource Seam builds from the schema.
func checkResource(t *testing.T, res pcommon.Resource, schemaURL string) {
	t.Helper()
	if schemaURL != semconv.SchemaURL {
		t.Errorf("resource schema URL %q, want %q", schemaURL, semconv.SchemaURL)
	}
	want := map[string]string{
		"service.name":                "pricing",
		"service.version":             "1.4.2",
		"deployment.environment.name": "test",
		"telemetry.sdk.language":      "go",
		"seam.impl":                   "go",
	}
	for k, v := range want {
		if got := attr(res.Attributes(), k); got != v {
			t.Errorf("resource %s = %q, want %q", k, got, v)
		}
	}
}

// attr returns the attribute's value as a string, "" when absent.
func attr(m pcommon.Map, key string) string {
	if v, ok := m.Get(key); ok {
		return v.AsString()
	}
	return ""
}

func attrs(m pcommon.Map) map[string]string {
	out := map[string]string{}
	m.Range(func(k string, v pcommon.Value) bool {
		out[k] = v.AsString()
		return true
	})
	return out
}

func checkTraces(t *testing.T, all []ptrace.Traces, obs observed) {
	var spans []ptrace.Span
	for _, td := range all {
		for i := 0; i < td.ResourceSpans().Len(); i++ {
			rs := td.ResourceSpans().At(i)
			checkResource(t, rs.Resource(), rs.SchemaUrl())
			for j := 0; j < rs.ScopeSpans().Len(); j++ {
				ss := rs.ScopeSpans().At(j)
				for k := 0; k < ss.Spans().Len(); k++ {
					spans = append(spans, ss.Spans().At(k))
				}
			}
		}
	}
	find := func(pred func(ptrace.Span) bool) (ptrace.Span, bool) {
		for _, s := range spans {
			if pred(s) {
				return s, true
			}
		}
		return ptrace.Span{}, false
	}

	op, ok := find(func(s ptrace.Span) bool { return s.SpanID() == pcommon.SpanID(obs.opSpan.SpanID()) })
	if !ok {
		t.Fatalf("the operation's span %s was not exported", obs.opSpan.SpanID())
	}
	if op.Name() != "checkout.price" {
		t.Errorf("operation span name %q", op.Name())
	}
	wantOp := map[string]string{"seam.operation": "checkout.price", "seam.impl": "go", "seam.role": "baseline"}
	if got := attrs(op.Attributes()); !mapsEqual(got, wantOp) {
		t.Errorf("operation span attributes %v, want %v", got, wantOp)
	}

	failed, ok := find(func(s ptrace.Span) bool {
		v := attr(s.Attributes(), "error.type")
		return v == "timeout"
	})
	if !ok {
		t.Fatal("the failed operation's span was not exported")
	}
	if r := attr(failed.Attributes(), "seam.role"); r != "candidate" {
		t.Errorf("failed span role %q, want candidate", r)
	}
	if failed.Status().Code() != ptrace.StatusCodeError || failed.Status().Message() != "upstream timed out" {
		t.Errorf("failed span status %v %q", failed.Status().Code(), failed.Status().Message())
	}

	server, ok := find(func(s ptrace.Span) bool {
		v := attr(s.Attributes(), "seam.correlation_id")
		return s.Kind() == ptrace.SpanKindServer && v == correlationID &&
			strings.Contains(s.Name(), "quote")
	})
	if !ok {
		t.Fatal("no HTTP server span carries the correlation ID")
	}
	client, ok := find(func(s ptrace.Span) bool {
		return s.Kind() == ptrace.SpanKindClient && s.SpanID() == server.ParentSpanID()
	})
	if !ok || client.TraceID() != server.TraceID() {
		t.Error("the HTTP server span is not the child of the client span: trace context was not propagated")
	}
	if _, ok := find(func(s ptrace.Span) bool {
		v := attr(s.Attributes(), "seam.correlation_id")
		return s.Kind() == ptrace.SpanKindServer && v == obs.mintedHTTP
	}); !ok {
		t.Error("the HTTP server span of the request without an ID does not carry the minted one")
	}
	if _, ok := find(func(s ptrace.Span) bool {
		v := attr(s.Attributes(), "seam.correlation_id")
		return s.Kind() == ptrace.SpanKindServer && s.Name() == "grpc.health.v1.Health/Check" && v == correlationID
	}); !ok {
		t.Error("no gRPC server span carries the correlation ID")
	}
}

// descriptor is one entry of the schema's metrics.json conformance file.
type descriptor struct {
	Name        string    `json:"name"`
	Instrument  string    `json:"instrument"`
	Unit        string    `json:"unit"`
	Description string    `json:"description"`
	Boundaries  []float64 `json:"boundaries"`
	Attributes  []string  `json:"attributes"`
	SeriesLimit int       `json:"series_limit"`
}

func loadDescriptors(t *testing.T) map[string]descriptor {
	t.Helper()
	raw, err := os.ReadFile("../../../schema/testdata/conformance/metrics.json")
	if err != nil {
		t.Fatal(err)
	}
	var list []descriptor
	if err := json.Unmarshal(raw, &list); err != nil {
		t.Fatal(err)
	}
	out := map[string]descriptor{}
	for _, d := range list {
		out[d.Name] = d
	}
	return out
}

func checkMetrics(t *testing.T, all []pmetric.Metrics) {
	descs := loadDescriptors(t)
	seen := map[string]pmetric.Metric{}
	for _, md := range all {
		for i := 0; i < md.ResourceMetrics().Len(); i++ {
			rm := md.ResourceMetrics().At(i)
			checkResource(t, rm.Resource(), rm.SchemaUrl())
			for j := 0; j < rm.ScopeMetrics().Len(); j++ {
				sm := rm.ScopeMetrics().At(j)
				for k := 0; k < sm.Metrics().Len(); k++ {
					m := sm.Metrics().At(k)
					checkDescriptor(t, m, descs)
					seen[m.Name()] = m
				}
			}
		}
	}
	for _, name := range []string{
		semconv.SeamOperationDurationName, semconv.HTTPServerRequestDurationName, semconv.RPCServerCallDurationName,
		semconv.GoScheduleDurationName, semconv.GoMemoryGCPauseDurationName, semconv.SeamGoCgoCallsName,
		semconv.GoMemoryUsedName, semconv.GoMemoryAllocatedName, semconv.GoMemoryAllocationsName,
		semconv.GoMemoryGCGoalName, semconv.GoGoroutineCountName, semconv.GoProcessorLimitName, semconv.GoConfigGogcName,
	} {
		if _, ok := seen[name]; !ok {
			t.Errorf("%s was not exported", name)
		}
	}

	points := func(name string) []map[string]string {
		var out []map[string]string
		if m, ok := seen[name]; ok && m.Type() == pmetric.MetricTypeHistogram {
			for i := 0; i < m.Histogram().DataPoints().Len(); i++ {
				dp := m.Histogram().DataPoints().At(i)
				a := attrs(dp.Attributes())
				a["count"] = pcommon.NewValueInt(int64(dp.Count())).AsString()
				out = append(out, a)
			}
		}
		return out
	}
	wantOps := []map[string]string{
		{"seam.operation": "checkout.price", "seam.impl": "go", "seam.role": "baseline", "count": "1"},
		{"seam.operation": "checkout.price", "seam.impl": "go", "seam.role": "candidate", "error.type": "timeout", "count": "1"},
	}
	if got := points(semconv.SeamOperationDurationName); !sameSets(got, wantOps) {
		t.Errorf("seam.operation.duration points %v, want %v", got, wantOps)
	}
	wantHTTP := map[string]string{"http.request.method": "GET", "http.response.status_code": "200",
		"http.route": "/quote/{sku}", "url.scheme": "http", "count": "2"}
	if got := points(semconv.HTTPServerRequestDurationName); !sameSets(got, []map[string]string{wantHTTP}) {
		t.Errorf("http.server.request.duration points %v, want %v", got, wantHTTP)
	}
	wantRPC := map[string]string{"rpc.system.name": "grpc", "rpc.method": "grpc.health.v1.Health/Check",
		"rpc.response.status_code": "OK", "count": "1"}
	if got := points(semconv.RPCServerCallDurationName); !sameSets(got, []map[string]string{wantRPC}) {
		t.Errorf("rpc.server.call.duration points %v, want %v", got, wantRPC)
	}
	if p := points(semconv.GoMemoryGCPauseDurationName); len(p) != 1 || p[0]["count"] == "0" {
		t.Errorf("go.memory.gc.pause.duration points %v, want one with the GC's pauses", p)
	}
}

// checkDescriptor asserts an exported metric is exactly as the schema's
// conformance file describes it.
func checkDescriptor(t *testing.T, m pmetric.Metric, descs map[string]descriptor) {
	t.Helper()
	d, ok := descs[m.Name()]
	if !ok {
		t.Errorf("exported metric %s is not in the schema", m.Name())
		return
	}
	if m.Unit() != d.Unit || m.Description() != d.Description {
		t.Errorf("%s: unit %q description %q, want %q %q", m.Name(), m.Unit(), m.Description(), d.Unit, d.Description)
	}
	var keys []pcommon.Map
	switch d.Instrument {
	case "histogram":
		if m.Type() != pmetric.MetricTypeHistogram {
			t.Errorf("%s: type %v, want histogram", m.Name(), m.Type())
			return
		}
		for i := 0; i < m.Histogram().DataPoints().Len(); i++ {
			dp := m.Histogram().DataPoints().At(i)
			if got := dp.ExplicitBounds().AsRaw(); !slices.Equal(got, d.Boundaries) {
				t.Errorf("%s: bounds %v, want %v", m.Name(), got, d.Boundaries)
			}
			keys = append(keys, dp.Attributes())
		}
	case "counter", "updowncounter":
		if m.Type() != pmetric.MetricTypeSum || m.Sum().IsMonotonic() != (d.Instrument == "counter") {
			t.Errorf("%s: type %v, want %s", m.Name(), m.Type(), d.Instrument)
			return
		}
		for i := 0; i < m.Sum().DataPoints().Len(); i++ {
			keys = append(keys, m.Sum().DataPoints().At(i).Attributes())
		}
	case "gauge":
		if m.Type() != pmetric.MetricTypeGauge {
			t.Errorf("%s: type %v, want gauge", m.Name(), m.Type())
			return
		}
		for i := 0; i < m.Gauge().DataPoints().Len(); i++ {
			keys = append(keys, m.Gauge().DataPoints().At(i).Attributes())
		}
	}
	for _, a := range keys {
		for k := range attrs(a) {
			if !slices.Contains(d.Attributes, k) {
				t.Errorf("%s: attribute %s is not in the schema's %v", m.Name(), k, d.Attributes)
			}
		}
	}
}

func checkLogs(t *testing.T, all []plog.Logs, obs observed, lines string) {
	var records []plog.LogRecord
	for _, ld := range all {
		for i := 0; i < ld.ResourceLogs().Len(); i++ {
			rl := ld.ResourceLogs().At(i)
			checkResource(t, rl.Resource(), rl.SchemaUrl())
			for j := 0; j < rl.ScopeLogs().Len(); j++ {
				sl := rl.ScopeLogs().At(j)
				for k := 0; k < sl.LogRecords().Len(); k++ {
					records = append(records, sl.LogRecords().At(k))
				}
			}
		}
	}
	byBody := map[string]plog.LogRecord{}
	for _, r := range records {
		byBody[r.Body().AsString()] = r
	}
	info, ok := byBody["quote computed"]
	if !ok {
		t.Fatalf("the log record was not exported; got %d records", len(records))
	}
	if info.TraceID() != pcommon.TraceID(obs.opSpan.TraceID()) || info.SpanID() != pcommon.SpanID(obs.opSpan.SpanID()) {
		t.Errorf("log inside the span carries trace %s span %s, want %s %s",
			info.TraceID(), info.SpanID(), obs.opSpan.TraceID(), obs.opSpan.SpanID())
	}
	if info.SeverityNumber() != plog.SeverityNumberInfo || info.SeverityText() != "INFO" {
		t.Errorf("severity %v %q", info.SeverityNumber(), info.SeverityText())
	}
	wantAttrs := map[string]string{"sku": "A-1", "db.password": "[REDACTED]", "seam.correlation_id": correlationID}
	if got := attrs(info.Attributes()); !mapsEqual(got, wantAttrs) {
		t.Errorf("log attributes %v, want %v", got, wantAttrs)
	}

	// Inside a group the correlation ID stays at the top; keys are unique.
	grouped, ok := byBody["grouped"]
	if !ok {
		t.Fatal("the grouped record was not exported")
	}
	wantGrouped := map[string]string{"tier": "gold", "req": `{"k":"w"}`, "seam.correlation_id": correlationID}
	if got := attrs(grouped.Attributes()); !mapsEqual(got, wantGrouped) {
		t.Errorf("grouped record attributes %v, want %v", got, wantGrouped)
	}

	traced, ok := byBody["priced with Bearer [REDACTED]"]
	if !ok {
		t.Fatal("the TRACE record was not exported redacted")
	}
	if traced.SeverityNumber() != plog.SeverityNumberTrace || traced.SeverityText() != "TRACE" {
		t.Errorf("TRACE record severity %v %q", traced.SeverityNumber(), traced.SeverityText())
	}

	// The canonical line of the same record names the same span.
	want := `"trace_id":"` + obs.opSpan.TraceID().String() + `","span_id":"` + obs.opSpan.SpanID().String() +
		`","seam.correlation_id":"` + correlationID + `","sku":"A-1","db.password":"[REDACTED]"}`
	found := false
	for _, l := range strings.Split(lines, "\n") {
		if strings.Contains(l, `"msg":"quote computed"`) {
			found = strings.HasSuffix(l, want)
		}
	}
	if !found {
		t.Errorf("no canonical line for the record ends with %s; lines:\n%s", want, lines)
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func sameSets(got, want []map[string]string) bool {
	if len(got) != len(want) {
		return false
	}
	for _, w := range want {
		if !slices.ContainsFunc(got, func(g map[string]string) bool { return mapsEqual(g, w) }) {
			return false
		}
	}
	return true
}
